#pragma once
// The reward model behind the direct method and the doubly robust estimators: a small neural
// network q(x, a, position) ~ E[reward | context x, action a at position], trained with LibTorch
// on the logged rounds. LibTorch stays inside the .cpp.
//
// The first layer is a sum of parts (context, action embedding, action features, position,
// features of the (round, action) pair), so predicting every action of a round costs one small
// gather and add per action instead of a full input vector per (round, action).

#include <cstdint>
#include <string>
#include <vector>

#include "market/registry.h"
#include "reports/ope_logs.h"
#include "reports/ope_policy_spec.h"

namespace bundlesim {

struct RewardModelOptions {
  int hidden = 16;             // hidden units
  int epochs = 10;             // passes over the logged rounds
  int batch_size = 1024;
  double learning_rate = 0.03;  // Adam
  // L2 penalty on the weights (not the biases), applied by Adam. On the OBD sample (46 clicks in
  // 10,000 rounds) 1e-4 overfits (the model's mean click rate under the uniform policy is 0.0028
  // against 0.0046 logged), 1e-2 flattens it to the base rate; 3e-3 keeps it near (0.0050).
  double weight_decay = 3e-3;
  uint64_t seed = 1;            // initial weights and batch order: RandomStream(seed, 0, kRewardModel, .)
};

struct RewardModelFit {
  std::vector<double> q_logged;  // q(x_i, a_i) for each logged round
  std::vector<double> q_target;  // sum over the distribution's actions of pi(a | x_i) q(x_i, a)
  std::string loss;              // "logistic" for 0/1 rewards, else "squared"
  double train_loss = 0;         // mean loss on the logged rounds after training
  double seconds = 0;            // wall time of fitting and predicting
};

// Trains the model on `log` and predicts at the logged actions and under `target` (whose rounds
// are those of `log`). Rewards that are all 0 or 1 are fitted with the logistic loss, others with
// the squared loss on standardised rewards. Deterministic for a given seed. Implemented in
// ope_reward_model.cpp, one of the torch parts (market/torch_parts.h), loaded on the first call.
using RewardModelFitter = RewardModelFit (*)(const BanditLog&, const ActionDistribution&, const RewardModelOptions&);
inline RewardModelFit fit_reward_model(const BanditLog& log, const ActionDistribution& target,
                                       const RewardModelOptions& options) {
  return torch_function<RewardModelFitter>("reward model")(log, target, options);
}

}  // namespace bundlesim
