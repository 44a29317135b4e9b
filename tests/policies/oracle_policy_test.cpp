// The `oracle` yardstick on the two-goods world of Adams & Yellen (valuations U[0,1], surplus
// choice, cost 0) with items listed at 1/2: the expected revenue of also offering the bundle at
// price B is, by the integrator in bundle_price_optimizer_test.cpp (400 x 400 midpoint grid),
//   B = 1.0: 0.5000, 0.9: 0.5194, 0.8: 0.5258, 0.7: 0.5162, 0.6: 0.4878
// so from the discounts {0, .1, .2, .3, .4} the oracle must bundle a with b at 20% off.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "market/spec_error.h"
#include "policies/policy.h"
#include "sim/scenario.h"
#include "tests/test_support.h"

using namespace bundlesim;

TEST_CASE("the oracle composes and prices the best bundle from the true model") {
  Scenario scenario = load_scenario(bundlesim::testing::scenario_path("two-goods-separate.json"));
  MarketTruth truth{&scenario.population, &scenario.complementarities, &scenario.choice_model, scenario.directory};
  auto params = nlohmann::json::parse(R"({"discounts": [0, 0.1, 0.2, 0.3, 0.4], "objective": "revenue",
                                          "oracle_draws": 20000})");
  auto oracle = make_policy("oracle", "", params, "/arms/0/params", {&scenario.catalog, 3, 0, &truth});
  Inventory shop(scenario.catalog);
  std::vector<ItemIndex> browsed{0, 1};
  ShopperContext shopper{1, 0, 0, 0.0, &browsed};
  Offer offer;
  oracle->make_offer(shopper, shop, offer);
  REQUIRE(offer.bundles.size() == 1);  // b's bundle would be the same one
  CHECK(offer.bundles[0].items == std::vector<ItemIndex>{0, 1});
  CHECK(offer.bundles[0].price == doctest::Approx(0.8));
  CHECK_FALSE(offer.bundles[0].pure);

  // Without the market's truth there is no oracle.
  CHECK_THROWS_AS(make_policy("oracle", "", params, "/arms/0/params", {&scenario.catalog, 3, 0}), SpecError);
}
