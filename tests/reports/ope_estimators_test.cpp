// Off-policy estimators on hand-computed examples, and properties of the bootstrap and of the
// switch-DR threshold.

#include <doctest/doctest.h>

#include <cmath>

#include "reports/ope_estimators.h"

using namespace bundlesim;

namespace {

// Four rounds: w = pi / p = [2, 0, 2, 4].
OpeRounds four_rounds() {
  OpeRounds r;
  r.reward = {1, 0, 1, 0};
  r.propensity = {0.5, 0.5, 0.25, 0.25};
  r.target_probability = {1, 0, 0.5, 1};
  r.q_logged = {0.5, 0.5, 0.5, 0.25};
  r.q_target = {0.6, 0.2, 0.4, 0.4};
  return r;
}

double value(const OpeResult& r, OpeEstimator e) {
  for (const OpeEstimate& x : r.estimates) {
    if (x.estimator == e) return x.value;
  }
  return NAN;
}

}  // namespace

TEST_CASE("estimators match a hand computation on four rounds") {
  OpeOptions options;
  options.bootstrap = 0;
  options.switch_tau = 3;
  OpeResult r = estimate_policy_value(four_rounds(), all_estimators(), options);
  // By hand: w = [2, 0, 2, 4]; sum w r = 4; sum w = 8; mean q_target = 1.6 / 4 = 0.4;
  // corrections w (r - q) = [1, 0, 1, -1], sum 1; with tau = 3 the last one is dropped, sum 2.
  CHECK(value(r, OpeEstimator::kDm) == doctest::Approx(0.4));
  CHECK(value(r, OpeEstimator::kIpw) == doctest::Approx(1.0));         // 4 / 4
  CHECK(value(r, OpeEstimator::kSnipw) == doctest::Approx(0.5));       // 4 / 8
  CHECK(value(r, OpeEstimator::kDr) == doctest::Approx(0.65));         // 0.4 + 1 / 4
  CHECK(value(r, OpeEstimator::kSndr) == doctest::Approx(0.525));      // 0.4 + 1 / 8
  CHECK(value(r, OpeEstimator::kSwitchDr) == doctest::Approx(0.9));    // 0.4 + 2 / 4
  // Kish ESS = (sum w)^2 / sum w^2 = 64 / 24.
  CHECK(r.weights.effective_sample_size == doctest::Approx(64.0 / 24.0));
  CHECK(r.weights.nonzero == 3);
  REQUIRE(r.weights.largest.size() == 3);  // the zero weight is not listed
  CHECK(r.weights.largest[0].round == 3);
  CHECK(r.weights.largest[0].weight == 4);
  CHECK(r.weights.largest[1].round == 0);  // ties: earlier round first
  CHECK(r.weights.largest[2].round == 2);
}

TEST_CASE("switch-DR is DR with a threshold above every weight and DM below every positive weight") {
  OpeOptions options;
  options.bootstrap = 0;
  options.switch_tau = 1e9;
  OpeResult above = estimate_policy_value(four_rounds(), all_estimators(), options);
  CHECK(value(above, OpeEstimator::kSwitchDr) == doctest::Approx(value(above, OpeEstimator::kDr)));
  options.switch_tau = 1;
  OpeResult below = estimate_policy_value(four_rounds(), all_estimators(), options);
  CHECK(value(below, OpeEstimator::kSwitchDr) == doctest::Approx(value(below, OpeEstimator::kDm)));
}

TEST_CASE("the chosen switch threshold keeps every round when all weights are equal") {
  // Equal weights: dropping rounds only adds bias, so tau must reach the common weight and
  // switch-DR equal DR.
  OpeRounds r;
  for (int i = 0; i < 100; ++i) {
    r.reward.push_back(i % 3 == 0);
    r.propensity.push_back(0.5);
    r.target_probability.push_back(0.5);
    r.q_logged.push_back(0.3);
    r.q_target.push_back(0.3);
  }
  std::vector<double> w = importance_weights(r);
  CHECK(choose_switch_tau(r, w) == doctest::Approx(1.0));
}

TEST_CASE("bootstrap intervals contain the estimate, are reproducible, and shrink with more data") {
  // Uniform logging over 4 actions, target always action 0 (w = 4 on a quarter of the rounds);
  // rewards from a fixed pattern so the test does not depend on a generator.
  auto make = [](int n) {
    OpeRounds r;
    for (int i = 0; i < n; ++i) {
      int action = i % 4;
      r.reward.push_back(action == 0 ? (i % 12 == 0 ? 1 : 0) : (i % 2));
      r.propensity.push_back(0.25);
      r.target_probability.push_back(action == 0 ? 1 : 0);
    }
    return r;
  };
  std::vector<OpeEstimator> ipw_family = {OpeEstimator::kIpw, OpeEstimator::kSnipw};
  OpeOptions options;
  options.bootstrap = 400;
  OpeResult small = estimate_policy_value(make(1200), ipw_family, options);
  OpeResult again = estimate_policy_value(make(1200), ipw_family, options);
  OpeResult large = estimate_policy_value(make(12000), ipw_family, options);
  for (size_t e = 0; e < ipw_family.size(); ++e) {
    const OpeEstimate& s = small.estimates[e];
    // Action-0 rounds are i = 0, 4, 8, ...; every third of them (i % 12 == 0) is rewarded.
    CHECK(s.value == doctest::Approx(1.0 / 3).epsilon(0.01));
    CHECK(s.ci_low < s.value);
    CHECK(s.value < s.ci_high);
    CHECK(s.ci_low == again.estimates[e].ci_low);  // same seed, same resamples
    CHECK(s.ci_high == again.estimates[e].ci_high);
    // Ten times the data: the interval narrows by about sqrt(10) = 3.2; allow 2 to 5.
    double ratio = (s.ci_high - s.ci_low) / (large.estimates[e].ci_high - large.estimates[e].ci_low);
    CHECK(ratio > 2);
    CHECK(ratio < 5);
  }
  // IPW's bootstrap standard error against the closed form sd(w r) / sqrt(n): w r is 4 on
  // one round in 12, so sd = 4 sqrt(p (1 - p)) with p = 1/12, n = 1200 -> 0.0319.
  double p = 1.0 / 12;
  CHECK(small.estimates[0].standard_error == doctest::Approx(4 * std::sqrt(p * (1 - p) / 1200)).epsilon(0.15));
  options.seed = 2;
  OpeResult other_seed = estimate_policy_value(make(1200), ipw_family, options);
  CHECK(other_seed.estimates[0].ci_low != small.estimates[0].ci_low);
}

TEST_CASE("a policy that never takes a logged action gets no weighted estimate, not a zero") {
  OpeRounds r;
  r.reward = {1, 0, 1};
  r.propensity = {0.5, 0.5, 0.5};
  r.target_probability = {0, 0, 0};
  OpeOptions options;
  options.bootstrap = 50;
  OpeResult result = estimate_policy_value(r, {OpeEstimator::kIpw, OpeEstimator::kSnipw}, options);
  for (const OpeEstimate& e : result.estimates) {
    CHECK(std::isnan(e.value));
    CHECK(std::isnan(e.ci_low));
    CHECK_FALSE(e.note.empty());
  }
  CHECK(result.weights.effective_sample_size == 0);
  REQUIRE_FALSE(result.warnings.empty());
  CHECK(result.warnings[0].find("never takes a logged action") != std::string::npos);
}

TEST_CASE("estimator names parse and unknown names are reported") {
  std::string bad;
  auto list = parse_estimators("ipw,switch-dr,ipw", bad);
  REQUIRE(list);
  CHECK(list->size() == 2);
  CHECK((*list)[1] == OpeEstimator::kSwitchDr);
  CHECK_FALSE(parse_estimators("ipw,snips", bad));
  CHECK(bad == "snips");
}
