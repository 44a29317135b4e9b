// The experiment runner end to end in the library: logit purchase shares against the closed form,
// stock and scheduled events against exact bookkeeping, return visits, arm assignment, the paired
// design, and results that do not depend on the thread count.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/experiment.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

Scenario parse(const json& j) { return parse_scenario(j.dump(), "test.json"); }

RunResult run(const Scenario& s, int threads = 1) {
  RunOptions options;
  options.threads = threads;
  return run_experiment(s, options);
}

// One arm, one item `a` at price 10 with the given stock, valued at 100 by everyone: every shopper
// who finds it in stock buys exactly one.
json single_item_shop(int64_t stock) {
  json j = tiny_scenario();
  j["catalog"]["items"] = {{{"id", "a"}, {"category", "goods"}, {"price", 10}, {"unit_cost", 4}, {"stock", stock}}};
  j["population"]["segments"][0]["valuation"] = {{"distribution", "fixed"}, {"value", 100}};
  j["arms"] = {{{"name", "control"}, {"policy", "control"}, {"traffic", 1}}};
  return j;
}

void check_same_totals(const ArmTotals& a, const ArmTotals& b) {
  CHECK(a.visitors.count() == b.visitors.count());
  CHECK(a.visitors.means() == b.visitors.means());
  CHECK(a.visitors.comoments() == b.visitors.comoments());
  CHECK(a.stockouts == b.stockouts);
  CHECK(a.lost_sales == b.lost_sales);
  REQUIRE(a.days.size() == b.days.size());
  for (size_t d = 0; d < a.days.size(); ++d) {
    CHECK(a.days[d].orders == b.days[d].orders);
    CHECK(a.days[d].revenue == b.days[d].revenue);
  }
}

}  // namespace

TEST_CASE("mnl purchase shares match the closed-form logit probabilities") {
  // Everyone values a at 5 and b at 3 and gets 1 more from owning both; a costs 4, b 3.5, and the
  // bundle arm also offers a + b at 6.5. Price sensitivity 1, scale 1, so utilities are surpluses:
  // a 1, b -0.5, a + b separately 9 - 7.5 = 1.5, bundle 9 - 6.5 = 2.5, nothing 0, and
  // P(k) = exp(u_k) / (1 + sum exp(u_j)) (McFadden 1974). 60,000 shoppers, about 30,000 per arm:
  // each share is checked to 5 binomial standard errors.
  json j = tiny_scenario();
  j["seed"] = 11;
  j["arrivals"]["shoppers_per_day"] = 60000;
  j["catalog"]["items"][0]["price"] = 4;
  j["catalog"]["items"][1]["price"] = 3.5;
  j["population"]["segments"][0]["valuation"] = {{"distribution", "fixed"}, {"value", 5}};
  j["population"]["segments"][0]["valuation_by_item"] = {{"b", {{"distribution", "fixed"}, {"value", 3}}}};
  j["complementarity"] = {{{"items", {"a", "b"}}, {"extra_value", 1}}};
  j["choice_model"] = {{"type", "mnl"}, {"scale", 1}};
  j["arms"][1]["params"] = {{"show", "always"}, {"bundles", {{{"items", {"a", "b"}}, {"price", 6.5}}}}};
  Scenario s = parse(j);

  // Outcomes per arm: "-" nothing, "a", "b", "ab" both separately, "B" the bundle.
  std::map<std::string, int64_t> count[2];
  int64_t decisions[2] = {0, 0};
  RunOptions options;
  options.on_decision = [&](const DecisionRecord& d) {
    ++decisions[d.arm];
    std::string key = "-";
    if (d.chosen >= 0) {
      const ChoiceProblem& p = d.batch->problems[d.problem];
      const BasketOption& basket = d.batch->baskets[p.basket_begin + d.chosen];
      key.clear();
      if (basket.bundle >= 0) {
        key = "B";
      } else {
        for (int k = 0; k < p.item_count; ++k) {
          if (basket.items >> k & 1u) key += s.catalog.item(d.batch->items[p.item_begin + k]).id;
        }
        if (key == "ba") key = "ab";
      }
    }
    ++count[d.arm][key];
  };
  RunResult r = run_experiment(s, options);

  const double e = std::exp(1.0), ea = e, eb = std::exp(-0.5), eab = std::exp(1.5), ebundle = std::exp(2.5);
  const double control_total = 1 + ea + eb + eab, bundle_total = control_total + ebundle;
  const std::map<std::string, double> expected[2] = {
      {{"-", 1 / control_total}, {"a", ea / control_total}, {"b", eb / control_total}, {"ab", eab / control_total}},
      {{"-", 1 / bundle_total}, {"a", ea / bundle_total}, {"b", eb / bundle_total}, {"ab", eab / bundle_total},
       {"B", ebundle / bundle_total}}};
  for (int arm = 0; arm < 2; ++arm) {
    CAPTURE(arm);
    REQUIRE(decisions[arm] > 25000);
    int64_t listed = 0;
    for (const auto& [key, p] : expected[arm]) {
      CAPTURE(key);
      double share = static_cast<double>(count[arm][key]) / decisions[arm];
      double se = std::sqrt(p * (1 - p) / decisions[arm]);
      CHECK(std::abs(share - p) < 5 * se);
      listed += count[arm][key];
    }
    CHECK(listed == decisions[arm]);  // no outcome outside the closed form's menu
  }
  // The engine's own tallies agree with the decisions it reported.
  CHECK(r.arms[1].visitors.sum(kBundleOrders) == doctest::Approx(count[1]["B"]));
  CHECK(r.arms[0].visitors.sum(kOrders) == doctest::Approx(decisions[0] - count[0]["-"]));
  CHECK(r.decisions == decisions[0] + decisions[1]);
}

TEST_CASE("stock runs out at exactly the units on hand and every miss is counted") {
  // 25 units and about 1,000 shoppers who all want one: exactly 25 orders. Every other shopper
  // either found it out of stock when browsing or chose it after the last unit went within the same
  // batch (a lost sale); each of those counts one stock-out, so stock-outs = visitors - 25.
  Scenario s = parse(single_item_shop(25));
  RunResult r = run(s);
  const ArmTotals& t = r.arms[0];
  CHECK(t.visitors.sum(kOrders) == doctest::Approx(25));
  CHECK(t.visitors.sum(kRevenue) == doctest::Approx(250));
  CHECK(t.visitors.sum(kMargin) == doctest::Approx(25 * (10 - 4)));
  CHECK(t.stockouts == t.visitors.count() - 25);
  CHECK(t.lost_sales >= 0);
  CHECK(t.visitors.count() > 900);
}

TEST_CASE("a restock adds units and a price change applies from its time on") {
  // Restock: 10 more units at day 0.5, so 35 orders in all.
  json j = with(single_item_shop(25), "/events", {{{"type", "restock"}, {"at_day", 0.5}, {"item", "a"}, {"units", 10}}});
  RunResult r = run(parse(j));
  CHECK(r.arms[0].visitors.sum(kOrders) == doctest::Approx(35));
  CHECK(r.arms[0].stockouts == r.arms[0].visitors.count() - 35);

  // Price change: unlimited stock over two days, the price goes from 10 to 12 at the start of day 1,
  // so every order on day 0 pays 10 and every order on day 1 pays 12.
  j = with(single_item_shop(-1), "/horizon_days", 2);
  j["events"] = {{{"type", "price_change"}, {"at_day", 1}, {"item", "a"}, {"price", 12}}};
  r = run(parse(j));
  const auto& days = r.arms[0].days;
  REQUIRE(days.size() == 2);
  CHECK(days[0].orders > 900);
  CHECK(days[1].orders > 900);
  CHECK(days[0].revenue == 10.0 * days[0].orders);
  CHECK(days[1].revenue == 12.0 * days[1].orders);
  CHECK(days[0].orders == days[0].visitors);  // everyone buys
  CHECK(r.arms[0].stockouts == 0);
}

TEST_CASE("return visits follow the return probability and every visitor is tallied once") {
  // Each visit is followed by another with probability 0.5 after a mean delay of 0.01 day, so visits
  // per visitor are geometric with mean 1/(1 - 0.5) = 2 and variance 0.5/0.25 = 2 (cut short only
  // in the last minutes of the 20 days). About 4,000 visitors: standard error 0.022, checked to 5%.
  json j = tiny_scenario();
  j["horizon_days"] = 20;
  j["arrivals"]["shoppers_per_day"] = 200;
  j["population"]["segments"][0]["return_probability"] = 0.5;
  j["population"]["segments"][0]["return_delay_days"] = 0.01;
  RunResult r = run(parse(j));
  int64_t visitors = 0;
  double sessions = 0;
  for (const ArmTotals& t : r.arms) {
    visitors += t.visitors.count();
    sessions += t.visitors.sum(kSessions);
    int64_t day_visitors = 0, day_sessions = 0;
    for (const DayTotals& d : t.days) day_visitors += d.visitors, day_sessions += d.sessions;
    CHECK(day_visitors == t.visitors.count());
    CHECK(day_sessions == doctest::Approx(t.visitors.sum(kSessions)));
  }
  CHECK(visitors == r.shoppers);  // nobody is left half-counted at the horizon
  CHECK(sessions / visitors == doctest::Approx(2).epsilon(0.05));
  CHECK(r.decisions == std::llround(sessions));
  CHECK(r.events == std::llround(sessions));  // one event per visit, no market events
}

TEST_CASE("shoppers browse items by category affinity and never a category of weight zero") {
  // Items a, b (goods, weight 1) and c (extras, weight 3) for one segment; weight 0 for extras in the
  // other. Weighted sampling without replacement (Efraimidis & Spirakis 2006) picks successively in
  // proportion to weight: one item is c with probability 3/5; two items hold c with probability
  // 1 - 2 (1/5)(1/4) = 9/10. About 10,000 shoppers per segment: checked to 5 standard errors.
  json j = tiny_scenario();
  j["arrivals"]["shoppers_per_day"] = 20000;
  j["catalog"]["items"].push_back({{"id", "c"}, {"category", "extras"}, {"price", 5}});
  json segment = j["population"]["segments"][0];
  segment["share"] = 0.5;
  segment["category_affinity"] = {{"goods", 1}, {"extras", 3}};
  j["population"]["segments"][0] = segment;
  segment["name"] = "no extras";
  segment["category_affinity"] = {{"extras", 0}};
  j["population"]["segments"][1] = segment;
  for (int items : {1, 2}) {
    CAPTURE(items);
    j["browse"] = {{"mode", "sample"}, {"items", items}};
    int64_t visits[2] = {0, 0}, with_c[2] = {0, 0}, wrong_size = 0, repeated = 0;
    RunOptions options;
    options.on_decision = [&](const DecisionRecord& d) {
      const std::vector<ItemIndex>& browsed = *d.browsed;
      ++visits[d.segment];
      with_c[d.segment] += std::count(browsed.begin(), browsed.end(), 2);
      wrong_size += static_cast<int>(browsed.size()) != items;
      repeated += items == 2 && browsed[0] == browsed[1];
    };
    run_experiment(parse(j), options);
    CHECK(wrong_size == 0);
    CHECK(repeated == 0);
    CHECK(with_c[1] == 0);
    double p = items == 1 ? 0.6 : 0.9, share = static_cast<double>(with_c[0]) / visits[0];
    CHECK(std::abs(share - p) < 5 * std::sqrt(p * (1 - p) / visits[0]));
  }
}

TEST_CASE("shoppers are split between arms by traffic share") {
  // 20,000 shoppers, 30% to the first arm: binomial standard error 0.0032, checked to 5 of them.
  json j = tiny_scenario();
  j["arrivals"]["shoppers_per_day"] = 20000;
  j["experiment"] = {{"design", "ab"}};  // traffic shares only split shoppers under "ab"
  j["arms"][0]["traffic"] = 0.3;
  j["arms"][1]["traffic"] = 0.7;
  RunResult r = run(parse(j));
  double n0 = static_cast<double>(r.arms[0].visitors.count()), n1 = static_cast<double>(r.arms[1].visitors.count());
  CHECK(n0 + n1 == r.shoppers);
  CHECK(std::abs(n0 / (n0 + n1) - 0.3) < 5 * 0.0032);
}

TEST_CASE("paired design: every shopper lives through every arm with the same draws") {
  json j = tiny_scenario();
  j["arrivals"]["shoppers_per_day"] = 5000;
  j["experiment"] = {{"design", "paired"}, {"control", "control"}};
  j["arms"].push_back({{"name", "control-again"}, {"policy", "control"}, {"traffic", 0.2}});
  j["arms"][0]["traffic"] = 0.4;
  j["arms"][1]["traffic"] = 0.4;
  RunResult r = run(parse(j));
  REQUIRE(r.paired_differences.size() == 3);
  for (const ArmTotals& t : r.arms) CHECK(t.visitors.count() == r.shoppers);
  // Two arms with the same policy see identical shoppers and make identical choices.
  check_same_totals(r.arms[0], r.arms[2]);
  for (int v = 0; v < kVisitorVariables; ++v) {
    CAPTURE(v);
    CHECK(r.paired_differences[2].mean(v) == 0);
    CHECK(r.paired_differences[2].variance(v) == 0);
    CHECK(r.paired_differences[0].variance(v) == 0);  // control minus itself
    // The mean paired difference is the difference of the arms' means (same shoppers in both).
    CHECK(r.paired_differences[1].mean(v) ==
          doctest::Approx(r.arms[1].visitors.mean(v) - r.arms[0].visitors.mean(v)).epsilon(1e-9).scale(1));
  }
  // The bundle does change what people buy.
  CHECK(r.arms[1].visitors.sum(kBundleOrders) > 0);
  CHECK(r.paired_differences[1].variance(kRevenue) > 0);
}

TEST_CASE("results depend on the seed and on nothing else: not on threads or batch composition") {
  // The quickstart world at 100,000 shoppers in one day, so that choice batches are large enough
  // (> 256 problems) for the model to use its threads.
  Scenario s = load_scenario(scenario_path("quickstart.json"));
  s.arrivals.shoppers_per_day = 100000;
  s.horizon_days = 1;
  int largest_batch = 0;
  RunOptions options;
  options.threads = 1;
  options.on_decision = [&](const DecisionRecord& d) { largest_batch = std::max(largest_batch, d.batch->size()); };
  RunResult one = run_experiment(s, options);
  CHECK(largest_batch > 256);
  RunResult two = run(s, 2), four = run(s, 4);
  CHECK(one.shoppers == two.shoppers);
  CHECK(one.events == four.events);
  for (size_t a = 0; a < one.arms.size(); ++a) {
    check_same_totals(one.arms[a], two.arms[a]);
    check_same_totals(one.arms[a], four.arms[a]);
  }
  // The same run again is the same; another seed is not.
  RunResult again = run(s, 1);
  check_same_totals(one.arms[1], again.arms[1]);
  options.seed = 43;
  options.on_decision = nullptr;
  RunResult other = run_experiment(s, options);
  CHECK(other.seed == 43);
  CHECK(one.seed == 42);
  CHECK(other.arms[0].visitors.sum(kRevenue) != one.arms[0].visitors.sum(kRevenue));
}
