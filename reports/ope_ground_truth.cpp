#include "reports/ope_ground_truth.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/decision_log.h"
#include "sim/experiment.h"
#include "sim/scenario.h"

namespace bundlesim {

namespace {

// A phone shop with two complements (case, charger) and an unrelated lamp; shoppers browse two of
// the four items; no returns and unlimited stock, so one decision per shopper and every decision
// faces the same market whatever the policy did before.
nlohmann::json shop(int64_t shoppers, nlohmann::json arms) {
  return {
      {"name", "ope-ground-truth"},
      {"seed", 1},
      {"horizon_days", 1},
      {"arrivals", {{"shoppers_per_day", shoppers}}},
      {"browse", {{"mode", "sample"}, {"items", 2}}},
      {"catalog",
       {{"items",
         {{{"id", "phone"}, {"category", "phones"}, {"price", 100}, {"unit_cost", 70}},
          {{"id", "case"}, {"category", "cases"}, {"price", 20}, {"unit_cost", 5}},
          {{"id", "charger"}, {"category", "chargers"}, {"price", 30}, {"unit_cost", 8}},
          {{"id", "lamp"}, {"category", "home"}, {"price", 40}, {"unit_cost", 20}}}}}},
      {"population",
       {{"segments",
         {{{"name", "thrifty"},
           {"share", 0.6},
           {"price_sensitivity", 1.2},
           {"valuation", {{"distribution", "lognormal"}, {"mu", -0.1}, {"sigma", 0.3}, {"relative_to_price", true}}}},
          {{"name", "keen"},
           {"share", 0.4},
           {"price_sensitivity", 0.9},
           {"valuation", {{"distribution", "lognormal"}, {"mu", 0.0}, {"sigma", 0.3}, {"relative_to_price", true}}}}}}}},
      {"choice_model", {{"type", "mnl"}, {"scale", 6}}},
      {"complementarity",
       {{{"items", {"phone", "case"}}, {"extra_value", 15}}, {{"items", {"phone", "charger"}}, {"extra_value", 10}}}},
      {"experiment", {{"design", "paired"}}},
      {"arms", std::move(arms)}};
}

// The logging policy: no offer with probability 1/2, else a two-item bundle anchored on a browsed
// item at 10% or 20% off; every offer's propensity is logged exactly.
nlohmann::json logging_arm() {
  return {{"name", "explore"},
          {"policy", "random_offers"},
          {"traffic", 1},
          {"params",
           {{"bundle_probability", 0.5},
            {"bundle_sizes", {2}},
            {"discounts", {0.1, 0.2}},
            {"pure_probability", 0},
            {"item_discount_probability", 0}}}};
}

const nlohmann::json kBundleParams = {{"bundles", {{{"items", {"phone", "case"}}, {"discount", 0.2}}}}};

}  // namespace

std::vector<GroundTruthTarget> ground_truth_targets(int64_t shoppers, uint64_t seed) {
  std::vector<GroundTruthTarget> targets(2);
  targets[0].name = "control";
  targets[0].spec.type = EvaluationPolicySpec::Type::kRegistered;
  targets[0].spec.policy = "control";
  targets[1].name = "phone+case bundle";
  targets[1].spec.type = EvaluationPolicySpec::Type::kRegistered;
  targets[1].spec.policy = "fixed_bundles";
  targets[1].spec.params = kBundleParams;

  nlohmann::json arms = {{{"name", "control"}, {"policy", "control"}, {"traffic", 0.5}},
                         {{"name", "bundle"}, {"policy", "fixed_bundles"}, {"traffic", 0.5}, {"params", kBundleParams}}};
  Scenario scenario = parse_scenario(shop(shoppers, arms).dump(), "ope-ground-truth (truth)");
  RunOptions options;
  options.seed = seed;
  // Revenue per decision, per arm (Welford).
  std::vector<double> count(2, 0), mean(2, 0), m2(2, 0);
  options.on_decision = [&](const DecisionRecord& r) {
    const ChoiceProblem& problem = r.batch->problems[r.problem];
    double revenue = r.filled && r.chosen >= 0 ? r.batch->baskets[problem.basket_begin + r.chosen].price : 0;
    double delta = revenue - mean[r.arm];
    count[r.arm] += 1;
    mean[r.arm] += delta / count[r.arm];
    m2[r.arm] += delta * (revenue - mean[r.arm]);
  };
  run_experiment(scenario, options);
  for (int a = 0; a < 2; ++a) {
    targets[a].true_value = mean[a];
    targets[a].true_value_standard_error = count[a] > 1 ? std::sqrt(m2[a] / (count[a] - 1) / count[a]) : NAN;
  }
  return targets;
}

BanditLog simulate_logged_rounds(const std::string& log_file, int64_t shoppers, uint64_t seed) {
  Scenario scenario = parse_scenario(shop(shoppers, {logging_arm()}).dump(), "ope-ground-truth (log)");
  RunOptions options;
  options.seed = seed;
  {
    DecisionLogWriter writer(log_file, scenario, seed);
    options.on_decision = [&writer](const DecisionRecord& r) { writer.write(r); };
    run_experiment(scenario, options);
    writer.close();
  }
  return read_simulator_log(log_file, "");
}

}  // namespace bundlesim
