#include "policies/policy_gradient.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <torch/torch.h>

#include "policies/policy_random.h"

namespace bundlesim {

struct PolicyGradient::Torch {
  torch::Tensor w1, b1, wp, bp, wv, bv;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
};

namespace {
torch::Tensor parameter(std::vector<float> values, std::vector<int64_t> shape) {
  return torch::from_blob(values.data(), shape, torch::kFloat32).clone().set_requires_grad(true);
}
std::vector<float> copy_of(const torch::Tensor& t) {
  torch::Tensor c = t.detach().contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

PolicyGradient::PolicyGradient(Options options, uint64_t seed, int arm)
    : options_(options), torch_(std::make_unique<Torch>()) {
  assert(options_.inputs >= 1 && options_.actions >= 1 && options_.hidden >= 0);
  assert(options_.act_temperature > 0 && options_.temperature_updates > 0 && options_.learning_rate_decay > 0);
  const int in = options_.inputs, h = options_.hidden, a = options_.actions;
  const int features = h > 0 ? h : in;
  std::vector<torch::Tensor> params;
  if (h > 0) {
    PolicyStream init(seed, arm, PolicyPurpose::kInit, 0);
    std::vector<float> w1(static_cast<size_t>(h) * in);
    for (float& w : w1) w = static_cast<float>(init.normal() / std::sqrt(static_cast<double>(in)));
    torch_->w1 = parameter(w1, {h, in});
    torch_->b1 = parameter(std::vector<float>(h, 0.0f), {h});
    params = {torch_->w1, torch_->b1};
  }
  torch_->wp = parameter(std::vector<float>(static_cast<size_t>(a) * features, 0.0f), {a, features});
  torch_->bp = parameter(std::vector<float>(a, 0.0f), {a});
  torch_->wv = parameter(std::vector<float>(features, 0.0f), {1, features});
  torch_->bv = parameter(std::vector<float>(1, 0.0f), {1});
  for (const torch::Tensor& t : {torch_->wp, torch_->bp, torch_->wv, torch_->bv}) params.push_back(t);
  if (options_.adam) {
    torch_->optimizer = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(options_.learning_rate));
  } else {
    torch_->optimizer = std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(options_.learning_rate));
  }
  refresh_copy();
}

PolicyGradient::~PolicyGradient() = default;

void PolicyGradient::refresh_copy() {
  if (options_.hidden > 0) {
    w1_ = copy_of(torch_->w1);
    b1_ = copy_of(torch_->b1);
  }
  wp_ = copy_of(torch_->wp);
  bp_ = copy_of(torch_->bp);
  wv_ = copy_of(torch_->wv);
  bv_ = copy_of(torch_->bv);
}

// The same arithmetic as the torch graph in update(), in float like it, for acting.
void PolicyGradient::forward(const std::vector<float>& state, std::vector<double>& logits, double& value) const {
  const int in = options_.inputs, h = options_.hidden, a = options_.actions;
  assert(static_cast<int>(state.size()) == in);
  std::vector<float> hidden_values;
  const std::vector<float>* features = &state;
  if (h > 0) {
    // States are mostly zeros (rl_bundler's: a few set bits of 60), and a zero term leaves the sum
    // as it was, so summing only the non-zero inputs, in the same order, gives the same floats
    // as the dense sum in a fraction of the time.
    std::vector<int> nonzero;
    for (int i = 0; i < in; ++i) {
      if (state[i] != 0) nonzero.push_back(i);
    }
    hidden_values.resize(h);
    for (int j = 0; j < h; ++j) {
      const float* row = &w1_[static_cast<size_t>(j) * in];
      float z = b1_[j];
      for (int i : nonzero) z += row[i] * state[i];
      hidden_values[j] = std::tanh(z);
    }
    features = &hidden_values;
  }
  const int f = static_cast<int>(features->size());
  logits.assign(a, 0.0);
  for (int k = 0; k < a; ++k) {
    float z = bp_[k];
    for (int j = 0; j < f; ++j) z += wp_[static_cast<size_t>(k) * f + j] * (*features)[j];
    logits[k] = z;
  }
  float v = bv_[0];
  for (int j = 0; j < f; ++j) v += wv_[j] * (*features)[j];
  value = v;
}

void PolicyGradient::probabilities(const std::vector<float>& state, const std::vector<uint8_t>& allowed,
                                   std::vector<double>& out) const {
  double value;
  forward(state, out, value);
  const double temperature = this->temperature();
  if (temperature != 1) {
    for (double& z : out) z /= temperature;
  }
  double top = -INFINITY;
  for (int k = 0; k < options_.actions; ++k) {
    if (allowed[k]) top = std::max(top, out[k]);
  }
  double total = 0;
  for (int k = 0; k < options_.actions; ++k) total += out[k] = allowed[k] ? std::exp(out[k] - top) : 0.0;
  for (double& p : out) p /= total;
}

double PolicyGradient::temperature() const {
  if (options_.act_temperature == 1) return 1;
  return options_.act_temperature +
         (1 - options_.act_temperature) * std::exp(-static_cast<double>(updates_) / options_.temperature_updates);
}

double PolicyGradient::value(const std::vector<float>& state) const {
  std::vector<double> logits;
  double v;
  forward(state, logits, v);
  return v;
}

void PolicyGradient::add_episode(std::vector<Step> steps, double reward) {
  if (!steps.empty()) episodes_.push_back({std::move(steps), reward});
}

void PolicyGradient::set_learning_rate(double rate) {
  for (torch::optim::OptimizerParamGroup& group : torch_->optimizer->param_groups()) {
    if (options_.adam) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
    } else {
      static_cast<torch::optim::SGDOptions&>(group.options()).lr(rate);
    }
  }
}

double PolicyGradient::update() {
  if (episodes_.empty()) return 0;
  const int in = options_.inputs, a = options_.actions;
  std::vector<float> states, returns;
  std::vector<uint8_t> masks;
  std::vector<int64_t> actions;
  for (const Episode& e : episodes_) {
    for (const Step& s : e.steps) {
      states.insert(states.end(), s.state.begin(), s.state.end());
      masks.insert(masks.end(), s.allowed.begin(), s.allowed.end());
      actions.push_back(s.action);
      returns.push_back(static_cast<float>(e.reward));
    }
  }
  episodes_.clear();
  const int64_t t = static_cast<int64_t>(actions.size());
  torch::Tensor x = torch::from_blob(states.data(), {t, in}, torch::kFloat32);
  torch::Tensor mask = torch::from_blob(masks.data(), {t, a}, torch::kUInt8).to(torch::kBool);
  torch::Tensor action = torch::from_blob(actions.data(), {t, 1}, torch::kInt64);
  torch::Tensor r = torch::from_blob(returns.data(), {t}, torch::kFloat32);

  torch::Tensor features = options_.hidden > 0 ? torch::tanh(torch::addmm(torch_->b1, x, torch_->w1.t())) : x;
  torch::Tensor logits = torch::addmm(torch_->bp, features, torch_->wp.t()).masked_fill(mask.logical_not(), -1e9);
  torch::Tensor log_p = torch::log_softmax(logits, 1);
  torch::Tensor v = torch::addmm(torch_->bv, features, torch_->wv.t()).squeeze(1);
  torch::Tensor advantage = options_.critic ? (r - v).detach() : r;
  torch::Tensor loss = -(advantage * log_p.gather(1, action).squeeze(1)).mean();
  if (options_.entropy > 0) {
    torch::Tensor p_log_p = (log_p.exp() * log_p).masked_fill(mask.logical_not(), 0.0);
    loss = loss + options_.entropy * p_log_p.sum(1).mean();  // minus entropy
  }
  if (options_.critic) loss = loss + options_.value_weight * (r - v).pow(2).mean();
  set_learning_rate(options_.learning_rate / (1 + updates_ / options_.learning_rate_decay));
  torch_->optimizer->zero_grad();
  loss.backward();
  torch_->optimizer->step();
  ++updates_;
  refresh_copy();
  return loss.item<double>();
}

}  // namespace bundlesim
