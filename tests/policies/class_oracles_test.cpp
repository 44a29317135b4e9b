// scenarios/complements.json, each learning policy against the oracle restricted to its own decision
// class (docs/policies.md, "Class oracles"): the kit learner against `oracle-kits` (the same four
// kits, priced from the true model), the composers against `oracle-5%` (any composition at the fixed
// 5% off) and rl_bundler against `oracle` (any composition at 0-15% off: its own action space).
//
// Shortened so that it runs in seconds: only the arms compared, the learners given most of the
// traffic. The ratios are those of the last days, after the learners' warm-up. The runs are
// deterministic (fixed seed), so the floors guard against regressions:
//   bandit_discount / oracle-kits: 100.3% on the full run, 102% here (the oracles here have 64
//     valuation draws, about 1% weaker than the scenario's 192-256); the claim: at least
//     95% (a bandit fed the negated reward, which learns the worst discount, makes 72% and fails);
//   copurchase / oracle-5%: 77% on the full run, 82% here: at least 78%. Its gap to the class oracle
//     is real, not noise: the oracle chooses add-ons by what they put on the shopper's menu,
//     copurchase by co-purchase; see docs/policies.md, "Where the oracle's margin comes from";
//   rl_bundler / oracle (the scenario's 192 draws) after about 600,000 shoppers (what its arm gets
//     in the scenario): 96.8% on the full run, 97.4% here, 96.8-98.2% over seven seeds of the full
//     run (docs/policies.md, "How many shoppers"); the claim: at least 95%. It learns from
//     noisy margins, so with fewer shoppers a run can settle lower: this one ends at 94.5% with
//     half as many and 94.9% with a quarter, and fails.

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

// complements.json with only the arms named in `traffic`, at those shares of `shoppers_per_day`.
Scenario complements_arms(const std::map<std::string, double>& traffic, int days, double shoppers_per_day) {
  Scenario scenario = load_scenario(bundlesim::testing::scenario_path("complements.json"));
  std::vector<ArmSpec> arms;
  for (ArmSpec& arm : scenario.arms) {
    auto t = traffic.find(arm.name);
    if (t == traffic.end()) continue;
    arm.traffic = t->second;
    arms.push_back(arm);
  }
  REQUIRE(arms.size() == traffic.size());
  scenario.arms = arms;
  scenario.experiment.control_arm = 0;
  scenario.horizon_days = days;
  scenario.arrivals.shoppers_per_day = shoppers_per_day;
  return scenario;
}

// Runs the scenario and checks learner / oracle >= floor for each (learner, (oracle, floor)): the
// learner's margin per visitor over days >= first_day, the oracle's over the whole run (it does not
// learn and stock is unlimited, so every day has the same expected margin; more days, less noise).
void check_end_ratios(const Scenario& scenario, int first_day,
                      const std::map<std::string, std::pair<std::string, double>>& classes) {
  RunResult result = run_experiment(scenario, RunOptions{});
  std::map<std::string, Window> end, whole;
  for (size_t a = 0; a < scenario.arms.size(); ++a) {
    end[scenario.arms[a].name] = margin_from_day(result.arms[a], first_day);
    whole[scenario.arms[a].name] = margin_from_day(result.arms[a], 0);
  }
  for (const auto& [learner, oracle_and_floor] : classes) {
    const auto& [oracle, floor] = oracle_and_floor;
    const Window l = end.at(learner), o = whole.at(oracle);
    const double ratio = l.mean / o.mean;
    // Delta method: se(l / o) ~ ratio * sqrt((se_l / l)^2 + (se_o / o)^2).
    const double ratio_se = ratio * std::hypot(l.se / l.mean, o.se / o.mean);
    MESSAGE(learner << ": " << l.mean << " margin/visitor, " << oracle << ": " << o.mean << ", ratio " << ratio
                    << " +- " << ratio_se);
    CHECK(ratio >= floor);
  }
}

}  // namespace

TEST_CASE("complements.json: the kit learner and copurchase end close to the oracle of their class") {
  Scenario scenario = complements_arms({{"bandit-discount", 0.25}, {"copurchase", 0.25},
                                        {"oracle-kits", 0.25}, {"oracle-5%", 0.25}}, 14, 3600);
  // The oracles' cost is per context, not per shopper: fewer valuation draws (64) keep this test short.
  for (ArmSpec& arm : scenario.arms) {
    if (arm.params.is_object() && arm.params.contains("oracle_draws")) arm.params["oracle_draws"] = 64;
  }
  check_end_ratios(scenario, 9, {{"bandit-discount", {"oracle-kits", 0.95}}, {"copurchase", {"oracle-5%", 0.78}}});
}

TEST_CASE("complements.json: rl_bundler given enough shoppers ends close to the oracle") {
  // 21,600 rl_bundler shoppers a day for 28 days (604,800), as many as it gets in the scenario; the
  // oracle (its full valuation draws) at a tenth of the traffic: its margin per visitor is the same
  // every day.
  Scenario scenario = complements_arms({{"rl-bundler", 0.9}, {"oracle", 0.1}}, 28, 24000);
  check_end_ratios(scenario, 21, {{"rl-bundler", {"oracle", 0.95}}});
}
