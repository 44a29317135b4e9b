// The LibTorch reward model behind DM and DR: it recovers known click rates and mean revenues
// from a synthetic log, and is reproducible for a seed.

#include <doctest/doctest.h>

#include "reports/ope_evaluation.h"
#include "sim/random_stream.h"

using namespace bundlesim;

namespace {

// Two actions logged uniformly (propensity 1/2) over contexts x in {0, 1} with P(x = 1) = 3/4.
// Reward of action 1: Bernoulli(0.8) when x = 1, Bernoulli(0.2) when x = 0; of action 0:
// Bernoulli(0.5). With `revenue`, rewards are 10 x Bernoulli(...) + 1 instead (squared loss).
BanditLog synthetic_log(int n, bool revenue) {
  BanditLog log;
  log.source = "synthetic";
  log.actions = 2;
  log.positions = 1;
  log.context_dim = 2;
  for (int i = 0; i < n; ++i) {
    RandomStream stream(7, static_cast<uint64_t>(i), StreamPurpose::kChoice, 0);
    int x = stream.uniform() < 0.75;
    int a = stream.uniform() < 0.5;
    double p_click = a == 1 ? (x == 1 ? 0.8 : 0.2) : 0.5;
    double click = stream.uniform() < p_click;
    log.action.push_back(a);
    log.position.push_back(0);
    log.reward.push_back(revenue ? 10 * click + 1 : click);
    log.propensity.push_back(0.5);
    log.line.push_back(i + 2);
    log.context.push_back(x == 0);
    log.context.push_back(x == 1);
  }
  return log;
}

ActionDistribution always(int action, size_t rounds) {
  ActionDistribution d;
  for (size_t i = 0; i < rounds; ++i) {
    d.action.push_back(action);
    d.probability.push_back(1);
    d.offset.push_back(static_cast<int64_t>(i + 1));
  }
  return d;
}

}  // namespace

TEST_CASE("reward model: the direct method recovers known click rates") {
  BanditLog log = synthetic_log(4000, false);
  RewardModelOptions options;
  options.epochs = 20;
  RewardModelFit one = fit_reward_model(log, always(1, log.rounds()), options);
  CHECK(one.loss == "logistic");
  double dm = 0;
  for (double q : one.q_target) dm += q / log.rounds();
  // True value of "always action 1": 0.75 * 0.8 + 0.25 * 0.2 = 0.65. The model sees ~1,500
  // rewards of action 1 at x = 1 (sd of their mean 0.01); allow 0.04.
  CHECK(dm == doctest::Approx(0.65).epsilon(0.04 / 0.65));
  for (size_t i = 0; i < log.rounds(); ++i) {
    if (log.action[i] == 1 && log.context[2 * i + 1] == 1) {
      CHECK(one.q_logged[i] == doctest::Approx(0.8).epsilon(0.05 / 0.8));
      break;
    }
  }
  RewardModelFit zero = fit_reward_model(log, always(0, log.rounds()), options);
  double dm0 = 0;
  for (double q : zero.q_target) dm0 += q / log.rounds();
  CHECK(dm0 == doctest::Approx(0.5).epsilon(0.04 / 0.5));  // action 0 clicks with 0.5 everywhere

  // Same seed, same model.
  RewardModelFit again = fit_reward_model(log, always(1, log.rounds()), options);
  CHECK(again.q_target == one.q_target);
}

TEST_CASE("reward model: non-binary rewards use the squared loss and recover mean revenue") {
  BanditLog log = synthetic_log(4000, true);
  RewardModelOptions options;
  options.epochs = 20;
  RewardModelFit fit = fit_reward_model(log, always(1, log.rounds()), options);
  CHECK(fit.loss == "squared");
  double dm = 0;
  for (double q : fit.q_target) dm += q / log.rounds();
  // 10 * 0.65 + 1 = 7.5; allow 10 times the click-rate tolerance.
  CHECK(dm == doctest::Approx(7.5).epsilon(0.4 / 7.5));
}

TEST_CASE("DR and SNDR with the fitted model agree with IPW on a well-specified log and narrow its interval") {
  BanditLog log = synthetic_log(4000, false);
  OpeOptions options;
  options.bootstrap = 200;
  RewardModelOptions model;
  model.epochs = 20;
  OfflineEvaluation e = evaluate_offline(log, always(1, log.rounds()), all_estimators(), options, model);
  const auto& est = e.result.estimates;  // dm, ipw, snipw, dr, sndr, switch-dr
  for (const OpeEstimate& x : est) {
    INFO(estimator_name(x.estimator));
    CHECK(x.value == doctest::Approx(0.65).epsilon(0.05 / 0.65));  // the true value, see above
    CHECK(x.ci_low < 0.65 + 0.02);
    CHECK(x.ci_high > 0.65 - 0.02);
  }
  // A good model takes out most of IPW's variance (Dudik et al. 2011): DR's interval is narrower.
  CHECK(est[3].ci_high - est[3].ci_low < est[1].ci_high - est[1].ci_low);
}
