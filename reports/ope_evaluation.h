#pragma once
// Offline evaluation end to end: from a log and an evaluation policy's action distribution to the
// estimators' values, fitting the reward model when an estimator needs one.

#include <optional>
#include <vector>

#include "reports/ope_estimators.h"
#include "reports/ope_logs.h"
#include "reports/ope_policy_spec.h"
#include "reports/ope_reward_model.h"

namespace bundlesim {

struct OfflineEvaluation {
  OpeResult result;
  bool model_fitted = false;
  RewardModelFit model;  // q vectors, loss and time when model_fitted
};

// The per-round inputs of the estimators, without the reward model's predictions.
// REQUIRES: target.rounds() == log.rounds().
OpeRounds logged_rounds(const BanditLog& log, const ActionDistribution& target);

// REQUIRES: log.rounds() > 0 and target.rounds() == log.rounds().
OfflineEvaluation evaluate_offline(const BanditLog& log, const ActionDistribution& target,
                                   const std::vector<OpeEstimator>& estimators, const OpeOptions& options,
                                   const RewardModelOptions& model_options);

}  // namespace bundlesim
