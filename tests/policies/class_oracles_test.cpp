// scenarios/complements.json, each learner against the oracle restricted to its own decision class
// (docs/policies.md, "Class oracles"): the kit learner against `oracle-kits` (the same four kits,
// priced from the true model), the composers against `oracle-5%` (any composition at the fixed 5%
// off) and rl_bundler against `oracle` (any composition at 0-15% off: its own action space).
//
// Shortened so that it runs in seconds: a fifth of the scenario's traffic, the learners given most
// of it, and the oracles fewer valuation draws (their cost is per context, not per shopper). The
// ratios are those of the last five days, after the learners' warm-up. The run is deterministic
// (fixed seed), so the floors guard against regressions; each is the full-length figure (last 7 of 28
// days, docs/policies.md) less about two standard errors of this shorter run's ratio (2-3 points):
//   bandit_discount / oracle-kits: 102% on the full run, 100% here; the claim: at least 95%
//     (a bandit fed the negated reward, which learns the worst discount, makes 72% here and fails);
//   rl_bundler / oracle: 91% on the full run, 89% here: at least 85%;
//   copurchase / oracle-5%: 79% on the full run, 76% here: at least 72%.
// The composers' gap to their class oracle is real, not noise: the oracle chooses add-ons by what
// they put on the shopper's menu, the composers by co-purchase; see docs/policies.md, "Where the
// oracle's margin comes from".

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "sim/experiment.h"
#include "sim/scenario.h"
#include "tests/test_support.h"

using namespace bundlesim;

namespace {

struct Window {
  double mean = 0, se = 0;
};

// Margin per visitor over days >= first_day, from the per-day sums (every visitor of this scenario
// has one session, so a day's margin_sumsq_delta is the sum of its visitors' squared margins).
Window margin_from_day(const ArmTotals& arm, int first_day) {
  double n = 0, sum = 0, squares = 0;
  for (int d = first_day; d < static_cast<int>(arm.days.size()); ++d) {
    n += static_cast<double>(arm.days[d].visitors);
    sum += arm.days[d].margin;
    squares += arm.days[d].margin_sumsq_delta;
  }
  double mean = sum / n;
  return {mean, std::sqrt(std::max(squares / n - mean * mean, 0.0) / n)};
}

}  // namespace

TEST_CASE("complements.json: each learner ends close to the oracle of its own decision class") {
  Scenario scenario = load_scenario(bundlesim::testing::scenario_path("complements.json"));
  // learner arm -> (its class oracle's arm, the floor of learner / oracle)
  const std::map<std::string, std::pair<std::string, double>> classes{
      {"bandit-discount", {"oracle-kits", 0.95}},
      {"copurchase", {"oracle-5%", 0.72}},
      {"rl-bundler", {"oracle", 0.85}},
  };
  const std::map<std::string, double> traffic{{"bandit-discount", 0.15}, {"copurchase", 0.15}, {"rl-bundler", 0.4},
                                              {"oracle-kits", 0.1},     {"oracle-5%", 0.1},   {"oracle", 0.1}};
  std::vector<ArmSpec> arms;
  for (ArmSpec& arm : scenario.arms) {
    auto t = traffic.find(arm.name);
    if (t == traffic.end()) continue;
    arm.traffic = t->second;
    if (arm.params.is_object() && arm.params.contains("oracle_draws")) arm.params["oracle_draws"] = 16;
    arms.push_back(arm);
  }
  REQUIRE(arms.size() == traffic.size());
  scenario.arms = arms;
  scenario.experiment.control_arm = 0;
  scenario.horizon_days = 14;
  scenario.arrivals.shoppers_per_day = 6000;
  const int first_day = 9;  // the last five days

  RunResult result = run_experiment(scenario, RunOptions{});
  std::map<std::string, Window> end;
  for (size_t a = 0; a < scenario.arms.size(); ++a) end[scenario.arms[a].name] = margin_from_day(result.arms[a], first_day);
  for (const auto& [learner, oracle_and_floor] : classes) {
    const auto& [oracle, floor] = oracle_and_floor;
    const Window l = end.at(learner), o = end.at(oracle);
    const double ratio = l.mean / o.mean;
    // Delta method: se(l / o) ~ ratio * sqrt((se_l / l)^2 + (se_o / o)^2).
    const double ratio_se = ratio * std::hypot(l.se / l.mean, o.se / o.mean);
    MESSAGE(learner << ": " << l.mean << " margin/visitor, " << oracle << ": " << o.mean << ", ratio " << ratio
                    << " +- " << ratio_se);
    CHECK(ratio >= floor);
  }
}
