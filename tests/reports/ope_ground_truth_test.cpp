// Offline evaluation on the simulator's own decision logs, checked against the simulator's ground
// truth (reports/ope_ground_truth.h): a randomised policy logs decisions, two other policies are
// evaluated offline, and their true values come from simulating them.

#include <doctest/doctest.h>

#include <fstream>

#include "reports/ope_ground_truth.h"
#include "reports/ope_sim_log.h"
#include "tests/test_support.h"

using namespace bundlesim;
using bundlesim::testing::run_bundlesim;
using bundlesim::testing::TempDir;

TEST_CASE("simulator logs: the true values of two policies lie in the DR and SNIPW 95% intervals") {
  // Truth: 200,000 simulated shoppers under each policy (simulation standard error ~0.2, against
  // interval half-widths of ~1 and ~3). Logs: ~20,000 decisions of random_offers, seed 1. The seed
  // is fixed, so the test is deterministic; `bundlesim bench --ope-sim` shows the coverage over 20
  // seeds.
  std::vector<GroundTruthTarget> targets = ground_truth_targets(200000, 1000003);
  REQUIRE(targets.size() == 2);
  // The policies must be far apart for the check to mean anything: control about 40 per
  // decision, the bundle about 78.
  CHECK(targets[1].true_value - targets[0].true_value > 20);

  TempDir dir;
  BanditLog log = simulate_logged_rounds(dir.file("events.csv"), 20000, 1);
  CHECK(log.rounds() > 19000);
  CHECK(log.format == "simulator");
  OpeOptions options;
  options.bootstrap = 200;
  std::vector<OpeEstimator> estimators = {OpeEstimator::kSnipw, OpeEstimator::kDr};
  std::vector<OpeResult> results;
  for (const GroundTruthTarget& t : targets) {
    ActionDistribution d = action_distribution(t.spec, log);
    OfflineEvaluation e = evaluate_offline(log, d, estimators, options, RewardModelOptions{});
    for (const OpeEstimate& x : e.result.estimates) {
      INFO(t.name << " " << estimator_name(x.estimator) << ": truth " << t.true_value << ", estimate " << x.value
                  << " [" << x.ci_low << ", " << x.ci_high << "]");
      CHECK(x.ci_low <= t.true_value);
      CHECK(t.true_value <= x.ci_high);
    }
    results.push_back(e.result);
  }
  // And the intervals tell the policies apart: control's interval excludes the bundle's value.
  CHECK(results[0].estimates[1].ci_high < targets[1].true_value);
  // Control shows no offer, which random_offers shows with probability 1/2: weights are 0 or 2.
  CHECK(results[0].weights.largest[0].weight == doctest::Approx(2));
}

TEST_CASE("simulator logs: scoring mode asks the policy for the probability of the logged offer") {
  TempDir dir;
  BanditLog log = simulate_logged_rounds(dir.file("events.csv"), 500, 3);
  EvaluationPolicySpec control;
  control.type = EvaluationPolicySpec::Type::kRegistered;
  control.policy = "control";
  ActionDistribution d = action_distribution(control, log);
  REQUIRE(d.logged_probability.size() == log.rounds());
  int empty = 0;
  for (size_t i = 0; i < log.rounds(); ++i) {
    const Offer& logged = log.simulator->offers[log.action[i]];
    bool no_offer = logged.bundles.empty() && logged.price_overrides.empty();
    empty += no_offer;
    // Control is deterministic: probability 1 exactly when the logged offer is no offer.
    CHECK(d.logged_probability[i] == (no_offer ? 1.0 : 0.0));
    // Its own offer is the "no offer" action, with probability 1.
    REQUIRE(d.offset[i + 1] - d.offset[i] == 1);
    CHECK(log.simulator->offers[d.action[d.offset[i]]].bundles.empty());
    // The logged propensity of "no offer" is 1 - bundle_probability = 1/2.
    if (no_offer) CHECK(log.propensity[i] == doctest::Approx(0.5));
  }
  // About half the offers are "no offer" (binomial, n ~ 500: sd 11).
  CHECK(empty > 200);
  CHECK(empty < 300);
}

TEST_CASE("bundlesim ope on a simulator log: arm selection, item policies refused, bad rows name the line") {
  TempDir dir;
  BanditLog log = simulate_logged_rounds(dir.file("events.csv"), 300, 5);
  std::ofstream(dir.file("control.json")) << R"({"type": "policy", "policy": "control"})";
  std::ofstream(dir.file("typo.json")) << R"({"type": "policy", "policy": "controll"})";
  std::ofstream(dir.file("uniform.json")) << R"({"type": "uniform"})";

  auto r = run_bundlesim("ope --logs " + dir.file("events.csv") + " --policy " + dir.file("control.json") +
                         " --estimators ipw,snipw --bootstrap 20 --json");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("\"format\": \"simulator\"") != std::string::npos);

  r = run_bundlesim("ope --logs " + dir.file("events.csv") + " --policy " + dir.file("uniform.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("uniform.json: /type: uniform policies choose among items") != std::string::npos);

  r = run_bundlesim("ope --logs " + dir.file("events.csv") + " --policy " + dir.file("typo.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("typo.json: /policy: unknown policy \"controll\" (did you mean `control`?)") != std::string::npos);

  // A zero propensity on the third data row: the log's header has 6 lines, so that is line 9.
  std::ifstream in(dir.file("events.csv"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t row = 0;
  for (int k = 0; k < 8; ++k) row = text.find('\n', row) + 1;
  size_t end = text.find('\n', row);
  std::string line = text.substr(row, end - row);
  // propensity is the 10th column
  size_t at = 0;
  for (int k = 0; k < 9; ++k) at = line.find(',', at) + 1;
  line = line.substr(0, at) + "0" + line.substr(line.find(',', at));
  std::ofstream(dir.file("zero.csv")) << text.substr(0, row) << line << text.substr(end);
  r = run_bundlesim("ope --logs " + dir.file("zero.csv") + " --policy " + dir.file("control.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(dir.file("zero.csv") + ": line 9, column `propensity`: must be in (0, 1]") != std::string::npos);
}
