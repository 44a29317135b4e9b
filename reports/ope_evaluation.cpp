#include "reports/ope_evaluation.h"

#include <algorithm>
#include <cassert>

namespace bundlesim {

OpeRounds logged_rounds(const BanditLog& log, const ActionDistribution& target) {
  assert(target.rounds() == log.rounds());
  OpeRounds r;
  r.reward = log.reward;
  r.propensity = log.propensity;
  r.target_probability.resize(log.rounds());
  for (size_t i = 0; i < log.rounds(); ++i) {
    r.target_probability[i] =
        target.logged_probability.empty() ? target.probability_of(i, log.action[i]) : target.logged_probability[i];
  }
  return r;
}

OfflineEvaluation evaluate_offline(const BanditLog& log, const ActionDistribution& target,
                                   const std::vector<OpeEstimator>& estimators, const OpeOptions& options,
                                   const RewardModelOptions& model_options) {
  OfflineEvaluation out;
  OpeRounds rounds = logged_rounds(log, target);
  if (std::any_of(estimators.begin(), estimators.end(), needs_reward_model)) {
    out.model = fit_reward_model(log, target, model_options);
    out.model_fitted = true;
    rounds.q_logged = out.model.q_logged;
    rounds.q_target = out.model.q_target;
  }
  out.result = estimate_policy_value(rounds, estimators, options);
  return out;
}

}  // namespace bundlesim
