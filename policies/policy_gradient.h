#pragma once
// A softmax policy over discrete actions with a learned state-value baseline, trained by the
// policy-gradient theorem with LibTorch: REINFORCE with baseline (Williams 1992; Sutton & Barto,
// "Reinforcement Learning: An Introduction", 2nd ed., sec. 13.4), the critic V(s) fitted to the
// returns (an actor-critic in the Monte Carlo sense of sec. 13.5). For a batch of episodes, each
// with steps (s_t, a_t) and one return R (the reward arrives at the end), the loss is
//
//   mean_t [ -(R - V(s_t)) log pi(a_t | s_t) - entropy * H(pi(. | s_t)) + value_weight (R - V(s_t))^2 ]
//
// with (R - V(s_t)) treated as a constant in the first term. Actions can be masked per step.
// The network is linear (hidden = 0) or one tanh hidden layer shared by both heads.
// Acting uses a plain copy of the weights (no torch per decision); only update() runs torch.
// Acting may be sharper than the policy that is trained: probabilities() returns
// softmax(logits / T) with T = act_temperature + (1 - act_temperature) exp(-updates / temperature_updates),
// while update() treats the actions as drawn from softmax(logits). With T < 1 this is no longer an
// unbiased policy gradient; it exploits what the network has learnt while it keeps learning.

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace bundlesim {

class PolicyGradient {
 public:
  struct Options {
    int inputs = 1;
    int actions = 2;
    int hidden = 64;             // 0: linear heads on the inputs
    double learning_rate = 0.01;
    // Step k (0, 1, ...) uses learning_rate / (1 + k / learning_rate_decay): halved after that many
    // updates, a third after twice as many (a Robbins-Monro schedule: a constant rate keeps the
    // policy jittering around its optimum with the noise of each batch's returns).
    double learning_rate_decay = INFINITY;
    bool adam = true;            // else plain SGD (tests check one step by hand)
    double entropy = 0.01;
    double value_weight = 0.5;
    bool critic = true;          // false: no baseline (plain REINFORCE)
    double act_temperature = 1;  // acting temperature reached after many updates; 1: act on pi itself
    double temperature_updates = 500;  // updates over which the acting temperature falls from 1 (e-folding)
  };
  struct Step {
    std::vector<float> state;
    std::vector<uint8_t> allowed;  // per action; at least one is 1
    int action = 0;
  };

  // Weights: hidden layer ~ N(0, 1/inputs), heads 0 (so the first policy is uniform over allowed
  // actions and the first baseline 0), drawn from the policy stream of (seed, arm).
  PolicyGradient(Options options, uint64_t seed, int arm);
  ~PolicyGradient();

  const Options& options() const { return options_; }
  int64_t updates() const { return updates_; }
  // The acting temperature after updates() gradient steps (see the top of this file).
  double temperature() const;
  // The acting policy: softmax(logits / temperature()) over the allowed actions (pi itself when
  // act_temperature is 1), 0 for actions not allowed.
  void probabilities(const std::vector<float>& state, const std::vector<uint8_t>& allowed,
                     std::vector<double>& out) const;
  double value(const std::vector<float>& state) const;

  void add_episode(std::vector<Step> steps, double reward);
  int64_t pending_episodes() const { return static_cast<int64_t>(episodes_.size()); }
  // One gradient step on the episodes added since the last update, which are then dropped.
  // Returns the loss before the step (0 when there were none).
  double update();

 private:
  struct Torch;
  void forward(const std::vector<float>& state, std::vector<double>& logits, double& value) const;
  void refresh_copy();
  void set_learning_rate(double rate);
  Options options_;
  std::unique_ptr<Torch> torch_;
  struct Episode {
    std::vector<Step> steps;
    double reward;
  };
  std::vector<Episode> episodes_;
  int64_t updates_ = 0;
  // Plain copies of the weights, row-major (out x in).
  std::vector<float> w1_, b1_, wp_, bp_, wv_, bv_;
};

}  // namespace bundlesim
