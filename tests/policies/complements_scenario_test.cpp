// scenarios/complements.json, shortened to two days: it loads, every arm runs, and every bundle
// policy beats control on revenue per visitor (the full-length figures with intervals are in
// docs/policies.md; tests/policies/complements_report.py computes them from a report).

#include <doctest/doctest.h>

#include <cmath>

#include "sim/experiment.h"
#include "sim/scenario.h"
#include "tests/test_support.h"

using namespace bundlesim;

TEST_CASE("complements.json: every bundle policy beats control on revenue per visitor within two days") {
  Scenario scenario = load_scenario(bundlesim::testing::scenario_path("complements.json"));
  REQUIRE(scenario.arms.size() == 11);
  scenario.horizon_days = 2;
  scenario.arrivals.shoppers_per_day = 15000;
  // The oracles' cost is per context (segment x browsed items), not per shopper: fewer draws keep
  // this test fast; the scenario's own settings are for the real run.
  for (ArmSpec& arm : scenario.arms) {
    if (arm.params.is_object() && arm.params.contains("oracle_draws")) arm.params["oracle_draws"] = 4;
    // matrix_factorization offers nothing before its warm-up of 2000 multi-item orders, more than
    // an arm sees in two short days.
    if (arm.policy == "matrix_factorization") arm.params["min_orders"] = 300;
  }
  RunResult result = run_experiment(scenario, RunOptions{});
  const int control = scenario.experiment.control_arm;
  auto mean_and_se = [&](int arm) {
    const VisitorMoments& m = result.arms[arm].visitors;
    double n = static_cast<double>(m.count());
    return std::make_pair(m.mean(kRevenue), std::sqrt(m.variance(kRevenue) / n));
  };
  auto [c, c_se] = mean_and_se(control);
  for (int arm = 0; arm < static_cast<int>(scenario.arms.size()); ++arm) {
    if (arm == control) continue;
    auto [m, se] = mean_and_se(arm);
    double z = (m - c) / std::hypot(se, c_se);
    MESSAGE(scenario.arms[arm].name << ": " << m << " against control " << c << ", z = " << z);
    CHECK(z > 3);
  }
}
