// bundle_price_optimizer: the response surface fit against a known quadratic, and the two-goods
// world of Adams & Yellen (two items, valuations independent U[0,1], cost 0, shoppers take the
// basket of highest positive surplus), where mixed bundling at items 2/3 and bundle (4 - sqrt 2)/3
// earns 0.5492 per shopper (McAfee, McMillan & Whinston 1989; scenarios/two-goods-mixed-bundle.json).
// The learned mode must find prices within 1% of that; so must the oracle.

#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "market/spec_error.h"
#include "policies/policy.h"
#include "policies/policy_random.h"
#include "policies/response_surface.h"
#include "sim/experiment.h"
#include "sim/scenario.h"
#include "tests/test_support.h"

using namespace bundlesim;

namespace {

constexpr double kMixedOptimum = 0.5492;  // revenue per shopper, McAfee, McMillan & Whinston 1989

// The separate, bundle and nothing choice of a surplus maximiser with values (va, vb).
double revenue_of(double va, double vb, double pa, double pb, double bundle) {
  double best = 0, paid = 0;
  auto consider = [&](double surplus, double price) {
    if (surplus > best) best = surplus, paid = price;
  };
  consider(va - pa, pa);
  consider(vb - pb, pb);
  consider(va + vb - pa - pb, pa + pb);
  consider(va + vb - bundle, bundle);
  return paid;
}

// Expected revenue per shopper by the midpoint rule on a 1000 x 1000 grid of (va, vb) (error
// well under 1e-3: the integrand is piecewise constant with straight boundaries).
double expected_revenue(double pa, double pb, double bundle) {
  const int n = 1000;
  double total = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) total += revenue_of((i + 0.5) / n, (j + 0.5) / n, pa, pb, bundle);
  }
  return total / (static_cast<double>(n) * n);
}

Catalog two_goods(double price) {
  Item a, b;
  a.id = "a", b.id = "b";
  a.category = b.category = "goods";
  a.price = b.price = price;
  return Catalog({a, b});
}

struct Prices {
  double a, b, bundle;
};

Prices prices_of(const Offer& offer, const Inventory& shop) {
  Prices p{shop.price(0), shop.price(1), INFINITY};
  for (auto [item, price] : offer.price_overrides) (item == 0 ? p.a : p.b) = price;
  if (!offer.bundles.empty()) p.bundle = offer.bundles[0].price;
  return p;
}

}  // namespace

TEST_CASE("the quadratic response surface recovers a known quadratic and its maximum") {
  // y = 3 - (x0 - 0.3)^2 - 2 (x1 - 0.6)^2 + 0.5 (x0 - 0.3)(x1 - 0.6) + N(0, 0.1^2): the maximum is
  // where the gradient vanishes, at (0.3, 0.6) (the Hessian [[-2, .5], [.5, -4]] is negative definite).
  QuadraticSurface s(2);
  CHECK(s.parameters() == 6);
  for (int t = 0; t < 4000; ++t) {
    PolicyStream stream(5, 0, PolicyPurpose::kExplore, t);
    std::vector<double> x{stream.uniform(), stream.uniform()};
    double u = x[0] - 0.3, v = x[1] - 0.6;
    s.add(x, 3 - u * u - 2 * v * v + 0.5 * u * v + 0.1 * stream.normal());
  }
  REQUIRE(s.fit());
  CHECK(s.predict({0.3, 0.6}) == doctest::Approx(3).epsilon(0.005));
  std::vector<double> best = s.maximize({{0, 0}, {1, 1}});
  CHECK(best[0] == doctest::Approx(0.3).epsilon(0.05));
  CHECK(best[1] == doctest::Approx(0.6).epsilon(0.03));
  // Constrained to a box that excludes it, the maximum sits on the nearest face.
  std::vector<double> boxed = s.maximize({{0.5, 0}, {1, 1}});
  CHECK(boxed[0] == doctest::Approx(0.5));
}

TEST_CASE("the closed-form check: mixed bundling at the analytic prices earns 0.5492") {
  // Guards the integrator used below: items 2/3, bundle (4 - sqrt 2)/3.
  CHECK(expected_revenue(2.0 / 3, 2.0 / 3, (4 - std::sqrt(2.0)) / 3) == doctest::Approx(kMixedOptimum).epsilon(0.001));
  // Separate selling at 1/2 each: 0.5 (Adams & Yellen 1976).
  CHECK(expected_revenue(0.5, 0.5, 10) == doctest::Approx(0.5).epsilon(0.001));
}

TEST_CASE("bundle_price_optimizer learns mixed-bundling prices within 1% of 0.5492") {
  // Items start at list price 1/2 (separate selling); the optimizer may reprice them and the bundle.
  // Three rounds of 100,000 shoppers each. Over seeds 1..24 the learned prices earned between
  // 0.5441 and 0.5490 (mean 0.5470); three seeds are checked here.
  Catalog catalog = two_goods(0.5);
  auto params = nlohmann::json::parse(R"({"bundles": [["a", "b"]], "item_prices": "optimize", "show": "always",
                                          "context": "none", "rounds": 3, "samples_per_round": 100000})");
  for (uint64_t seed : {17, 18, 19}) {
    auto policy = make_policy("bundle_price_optimizer", "", params, "", {&catalog, seed, 0});
    Inventory shop(catalog);
    std::vector<ItemIndex> browsed{0, 1};
    Offer offer;
    // Shoppers one by one: the policy sees only what they bought.
    for (uint64_t s = 0; s < 300000; ++s) {
      ShopperContext shopper{s, 0, 0, 0.0, &browsed};
      offer.clear();
      policy->make_offer(shopper, shop, offer);
      Prices p = prices_of(offer, shop);
      PolicyStream values(seed, 1, PolicyPurpose::kExplore, s);
      double va = values.uniform(), vb = values.uniform();
      Outcome outcome;
      outcome.revenue = outcome.margin = revenue_of(va, vb, p.a, p.b, p.bundle);
      outcome.bought = outcome.revenue > 0;
      policy->observe(shopper, offer, outcome);
    }
    offer.clear();
    ShopperContext shopper{0, 0, 0, 0.0, &browsed};
    policy->make_offer(shopper, shop, offer);
    Prices p = prices_of(offer, shop);
    double revenue = expected_revenue(p.a, p.b, p.bundle);
    MESSAGE("seed " << seed << ": learned a " << p.a << ", b " << p.b << ", bundle " << p.bundle
                    << ": revenue per shopper " << revenue);
    CHECK(revenue >= 0.99 * kMixedOptimum);
    CHECK(revenue <= kMixedOptimum + 0.001);  // nothing beats the optimum
  }
}

TEST_CASE("bundle_price_optimizer in the engine: after its search, day 2 earns within 1% of 0.5492") {
  // The two-goods world with items listed at 1/2, through the real engine (batched decisions, late
  // outcomes): 330,000 shoppers a day, the search ends on day 1, day 2 charges the learned prices.
  Scenario scenario = load_scenario(bundlesim::testing::scenario_path("two-goods-separate.json"));
  auto params = nlohmann::json::parse(R"({"bundles": [["a", "b"]], "item_prices": "optimize", "show": "always",
                                          "context": "none", "rounds": 3, "samples_per_round": 100000})");
  scenario.arms = {{"optimizer", "bundle_price_optimizer", params, 1.0}};
  scenario.horizon_days = 2;
  scenario.arrivals.shoppers_per_day = 330000;
  RunResult result = run_experiment(scenario, RunOptions{});
  const auto& day = result.arms[0].days[1];
  double per_shopper = day.revenue / static_cast<double>(day.visitors);
  MESSAGE("engine, day 2: revenue per shopper " << per_shopper << " over " << day.visitors << " shoppers");
  // Standard error about 0.45 / sqrt(330000) = 0.0008.
  CHECK(per_shopper >= 0.99 * kMixedOptimum);
}

TEST_CASE("bundle_price_optimizer's oracle finds the mixed-bundling prices from the true model") {
  // Runs the engine on the two-goods world with items listed at 1/2: the oracle must raise them.
  Scenario scenario = load_scenario(bundlesim::testing::scenario_path("two-goods-separate.json"));
  auto params = nlohmann::json::parse(R"({"bundles": [["a", "b"]], "item_prices": "optimize", "show": "always",
                                          "oracle": true, "oracle_draws": 20000, "grid": 16})");
  scenario.arms = {{"oracle", "bundle_price_optimizer", params, 1.0}};
  scenario.arrivals.shoppers_per_day = 60000;
  RunResult result = run_experiment(scenario, RunOptions{});
  const auto& day = result.arms[0].days[0];
  double per_shopper = day.revenue / static_cast<double>(day.visitors);
  MESSAGE("oracle: revenue per shopper " << per_shopper << " over " << day.visitors << " shoppers");
  // 60,000 shoppers: standard error about 0.45 / sqrt(60000) = 0.0018.
  CHECK(per_shopper == doctest::Approx(kMixedOptimum).epsilon(0.01));
}

TEST_CASE("bundle_price_optimizer rejects an oracle without a market and misplaced parameters") {
  Catalog catalog = two_goods(0.5);
  auto oracle = nlohmann::json::parse(R"({"bundles": [["a", "b"]], "oracle": true})");
  try {
    make_policy("bundle_price_optimizer", "", oracle, "/arms/2/params", {&catalog, 1, 0});  // no MarketTruth
    FAIL("expected a SpecError");
  } catch (const SpecError& e) {
    CHECK(e.describe().find("/arms/2/params/oracle: ") == 0);
  }
  auto misplaced = nlohmann::json::parse(R"({"bundles": [["a", "b"]], "oracle_draws": 10})");
  CHECK_THROWS_WITH_AS(make_policy("bundle_price_optimizer", "", misplaced, "/p", {&catalog, 1, 0}),
                       "only with \"oracle\": true", SpecError);
  auto unknown = nlohmann::json::parse(R"({"bundles": [["a", "c"]]})");
  CHECK_THROWS_WITH_AS(make_policy("bundle_price_optimizer", "", unknown, "/p", {&catalog, 1, 0}),
                       "no catalog item has id \"c\"", SpecError);
}
