#include "reports/ope_reward_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <torch/torch.h>

#include "sim/random_stream.h"

namespace bundlesim {

namespace {

// Standardises the columns of a rows x cols matrix in place (columns with no spread are only
// centred), so that counts, prices and one-hot columns enter the network on one scale.
void standardize_columns(std::vector<float>& values, size_t rows, size_t cols) {
  if (rows == 0) return;
  for (size_t c = 0; c < cols; ++c) {
    double sum = 0, squares = 0;
    for (size_t r = 0; r < rows; ++r) sum += values[r * cols + c];
    double mean = sum / rows;
    for (size_t r = 0; r < rows; ++r) squares += (values[r * cols + c] - mean) * (values[r * cols + c] - mean);
    double sd = std::sqrt(squares / rows);
    float scale = sd > 1e-12 ? static_cast<float>(1 / sd) : 1.0f;
    for (size_t r = 0; r < rows; ++r) values[r * cols + c] = static_cast<float>((values[r * cols + c] - mean) * scale);
  }
}

torch::Tensor to_tensor(const std::vector<float>& values, int64_t rows, int64_t cols) {
  return torch::from_blob(const_cast<float*>(values.data()), {rows, cols}, torch::kFloat32).clone();
}

// Uniform(-bound, bound) weights from our own random stream, so the model does not depend on
// LibTorch's global generator.
torch::Tensor uniform_parameter(RandomStream& stream, int64_t rows, int64_t cols, double bound) {
  std::vector<float> values(static_cast<size_t>(rows * cols));
  for (float& v : values) v = static_cast<float>((2 * stream.uniform() - 1) * bound);
  return to_tensor(values, rows, cols).requires_grad_(true);
}

// Sets LibTorch's intra-op thread count for a scope and restores it afterwards.
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads) : before_(torch::get_num_threads()) {
    if (before_ != threads) torch::set_num_threads(threads);
  }
  ~ThreadLimit() {
    if (torch::get_num_threads() != before_) torch::set_num_threads(before_);
  }

 private:
  int before_;
};

class FactoredNetwork {
 public:
  FactoredNetwork(const BanditLog& log, const RewardModelOptions& options) : log_(log) {
    const int64_t n = static_cast<int64_t>(log.rounds());
    const int64_t h = options.hidden;
    dense_pairs_ = static_cast<int64_t>(log.pair_features.size());
    pair_dim_ = dense_pairs_ + log.pair_function_dim;

    std::vector<float> context = log.context;
    standardize_columns(context, n, log.context_dim);
    if (log.context_dim > 0) context_ = to_tensor(context, n, log.context_dim);
    std::vector<float> action_features = log.action_features;
    standardize_columns(action_features, log.actions, log.action_feature_dim);
    if (log.action_feature_dim > 0) action_features_ = to_tensor(action_features, log.actions, log.action_feature_dim);
    // Pair features: standardised over all (round, action) pairs.
    for (const PairFeature& f : log.pair_features) {
      double sum = 0, squares = 0;
      for (float v : f.values) sum += v;
      double mean = f.values.empty() ? 0 : sum / f.values.size();
      for (float v : f.values) squares += (v - mean) * (v - mean);
      double sd = f.values.empty() ? 0 : std::sqrt(squares / f.values.size());
      pair_mean_.push_back(mean);
      pair_scale_.push_back(sd > 1e-12 ? 1 / sd : 1);
    }
    // Computed pair features: standardised over the logged pairs.
    if (log.pair_function_dim > 0) {
      const int dim = log.pair_function_dim;
      std::vector<double> sum(dim, 0), squares(dim, 0);
      std::vector<float> out(dim);
      for (int64_t i = 0; i < n; ++i) {
        log.pair_function(static_cast<size_t>(i), log.action[i], out.data());
        for (int f = 0; f < dim; ++f) sum[f] += out[f], squares[f] += static_cast<double>(out[f]) * out[f];
      }
      for (int f = 0; f < dim; ++f) {
        double mean = sum[f] / n, variance = std::max(0.0, squares[f] / n - mean * mean);
        pair_mean_.push_back(mean);
        pair_scale_.push_back(variance > 1e-24 ? 1 / std::sqrt(variance) : 1);
      }
    }
    std::vector<int64_t> positions(log.position.begin(), log.position.end());
    position_ = torch::tensor(positions, torch::kInt64);

    RandomStream stream(options.seed, 0, StreamPurpose::kRewardModel, 0);
    // As torch.nn.Linear on the concatenated input: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    double bound = 1 / std::sqrt(static_cast<double>(log.context_dim + (log.action_embedding ? log.actions : 0) +
                                                     log.action_feature_dim + log.positions + pair_dim_));
    if (log.context_dim > 0) context_weight_ = uniform_parameter(stream, log.context_dim, h, bound);
    if (log.action_embedding) action_embedding_ = uniform_parameter(stream, log.actions, h, bound);
    if (log.action_feature_dim > 0) action_feature_weight_ = uniform_parameter(stream, log.action_feature_dim, h, bound);
    position_embedding_ = uniform_parameter(stream, log.positions, h, bound);
    if (pair_dim_ > 0) pair_weight_ = uniform_parameter(stream, pair_dim_, h, bound);
    hidden_bias_ = uniform_parameter(stream, 1, h, bound);
    output_weight_ = uniform_parameter(stream, h, 1, 1 / std::sqrt(static_cast<double>(h)));
    output_bias_ = torch::zeros({1}, torch::kFloat32).requires_grad_(true);
  }

  // The weights, which weight decay pulls toward 0 ...
  std::vector<torch::Tensor> weights() const {
    std::vector<torch::Tensor> p = {position_embedding_, output_weight_};
    for (const torch::Tensor* t : {&action_embedding_, &context_weight_, &action_feature_weight_, &pair_weight_}) {
      if (t->defined()) p.push_back(*t);
    }
    return p;
  }
  // ... and the biases, which it must not: a decayed output bias drags every prediction toward a
  // click rate of 1/2.
  std::vector<torch::Tensor> biases() const { return {hidden_bias_, output_bias_}; }
  void set_output_bias(double b) {
    torch::NoGradGuard no_grad;
    output_bias_.fill_(b);
  }

  // Standardised pair features of (rounds[j], actions[j]).
  torch::Tensor pair_features(const std::vector<int64_t>& rounds, const std::vector<int64_t>& actions) const {
    std::vector<float> values(rounds.size() * pair_dim_);
    for (int64_t f = 0; f < dense_pairs_; ++f) {
      const std::vector<float>& v = log_.pair_features[f].values;
      for (size_t j = 0; j < rounds.size(); ++j) {
        float raw = v[rounds[j] * log_.actions + actions[j]];
        values[j * pair_dim_ + f] = static_cast<float>((raw - pair_mean_[f]) * pair_scale_[f]);
      }
    }
    if (log_.pair_function_dim > 0) {
      for (size_t j = 0; j < rounds.size(); ++j) {
        float* out = &values[j * pair_dim_ + dense_pairs_];
        log_.pair_function(static_cast<size_t>(rounds[j]), static_cast<int>(actions[j]), out);
        for (int64_t f = dense_pairs_; f < pair_dim_; ++f) {
          out[f - dense_pairs_] = static_cast<float>((out[f - dense_pairs_] - pair_mean_[f]) * pair_scale_[f]);
        }
      }
    }
    return to_tensor(values, static_cast<int64_t>(rounds.size()), pair_dim_);
  }

  // The network's output (a logit or a standardised reward) for pairs (rounds[j], actions[j]);
  // `pairs` is pair_features(rounds, actions) or undefined when the log has none.
  torch::Tensor forward(const torch::Tensor& rounds, const torch::Tensor& actions, const torch::Tensor& pairs) const {
    torch::Tensor pre = position_embedding_.index_select(0, position_.index_select(0, rounds)) + hidden_bias_;
    if (action_embedding_.defined()) pre = pre + action_embedding_.index_select(0, actions);
    if (context_weight_.defined()) pre = pre + torch::matmul(context_.index_select(0, rounds), context_weight_);
    if (action_feature_weight_.defined()) {
      pre = pre + torch::matmul(action_features_.index_select(0, actions), action_feature_weight_);
    }
    if (pair_weight_.defined()) pre = pre + torch::matmul(pairs, pair_weight_);
    return (torch::matmul(torch::relu(pre), output_weight_) + output_bias_).squeeze(1);
  }

  // The output for every action of rounds [begin, end), as a (end - begin) x actions matrix: the
  // per-round and per-action parts of the first layer are computed once and broadcast.
  // REQUIRES: supports_all_actions().
  torch::Tensor forward_all_actions(int64_t begin, int64_t end) const {
    torch::Tensor row = position_embedding_.index_select(0, position_.slice(0, begin, end)) + hidden_bias_;
    if (context_weight_.defined()) row = row + torch::matmul(context_.slice(0, begin, end), context_weight_);
    torch::Tensor column = action_embedding_.defined() ? action_embedding_
                                                       : torch::zeros({log_.actions, hidden_bias_.size(1)});
    if (action_feature_weight_.defined()) column = column + torch::matmul(action_features_, action_feature_weight_);
    torch::Tensor pre = row.unsqueeze(1) + column.unsqueeze(0);  // rounds x actions x hidden
    if (pair_weight_.defined()) {
      std::vector<torch::Tensor> parts;
      for (int64_t f = 0; f < pair_dim_; ++f) {
        const float* v = log_.pair_features[f].values.data() + begin * log_.actions;
        torch::Tensor raw = torch::from_blob(const_cast<float*>(v), {end - begin, log_.actions}, torch::kFloat32);
        parts.push_back((raw - pair_mean_[f]) * pair_scale_[f]);
      }
      pre = pre + torch::matmul(torch::stack(parts, 2), pair_weight_);
    }
    return (torch::matmul(torch::relu(pre), output_weight_) + output_bias_).squeeze(2);
  }

  bool has_pairs() const { return pair_dim_ > 0; }
  bool supports_all_actions() const { return log_.pair_function_dim == 0; }

 private:
  const BanditLog& log_;
  int64_t dense_pairs_ = 0;  // pair features from log.pair_features, then log.pair_function's
  int64_t pair_dim_ = 0;
  std::vector<double> pair_mean_, pair_scale_;
  torch::Tensor context_, action_features_, position_;
  torch::Tensor context_weight_, action_embedding_, action_feature_weight_, position_embedding_, pair_weight_;
  torch::Tensor hidden_bias_, output_weight_, output_bias_;
};

}  // namespace

RewardModelFit fit_neural_reward_model(const BanditLog& log, const ActionDistribution& target,
                                const RewardModelOptions& options) {
  // The tensors are small: worker threads only add synchronisation (and, on a busy machine, waits
  // of milliseconds per operation). One thread also makes the sums independent of the machine.
  ThreadLimit one_thread(1);
  auto start = std::chrono::steady_clock::now();
  const int64_t n = static_cast<int64_t>(log.rounds());
  RewardModelFit fit;
  const bool binary = std::all_of(log.reward.begin(), log.reward.end(), [](double r) { return r == 0 || r == 1; });
  fit.loss = binary ? "logistic" : "squared";
  double mean = std::accumulate(log.reward.begin(), log.reward.end(), 0.0) / n;
  double squares = 0;
  for (double r : log.reward) squares += (r - mean) * (r - mean);
  double sd = std::sqrt(squares / n);
  if (!(sd > 1e-12)) sd = 1;

  FactoredNetwork net(log, options);
  // Start from the mean reward, so the early steps learn differences rather than the base rate.
  if (binary) net.set_output_bias(mean > 0 && mean < 1 ? std::log(mean / (1 - mean)) : (mean > 0 ? 10.0 : -10.0));

  std::vector<int64_t> all_rounds(n), logged_actions(log.action.begin(), log.action.end());
  std::iota(all_rounds.begin(), all_rounds.end(), int64_t{0});
  std::vector<float> targets(n);
  for (int64_t i = 0; i < n; ++i) targets[i] = static_cast<float>(binary ? log.reward[i] : (log.reward[i] - mean) / sd);
  torch::Tensor target_tensor = torch::from_blob(targets.data(), {n}, torch::kFloat32).clone();
  torch::Tensor logged_action_tensor = torch::tensor(logged_actions, torch::kInt64);
  torch::Tensor logged_pairs = net.has_pairs() ? net.pair_features(all_rounds, logged_actions) : torch::Tensor();

  auto loss_of = [&](const torch::Tensor& output, const torch::Tensor& y) {
    return binary ? torch::nn::functional::binary_cross_entropy_with_logits(output, y)
                  : torch::mse_loss(output, y);
  };

  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(net.weights(), std::make_unique<torch::optim::AdamOptions>(
                                         torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay)));
  groups.emplace_back(net.biases(), std::make_unique<torch::optim::AdamOptions>(
                                        torch::optim::AdamOptions(options.learning_rate).weight_decay(0)));
  torch::optim::Adam optimizer(std::move(groups), torch::optim::AdamOptions(options.learning_rate));
  std::vector<int64_t> order(all_rounds);
  // The learning rate falls linearly to 0 over training, so the model ends at a minimum rather than
  // wherever the last noisy step left it (at a constant rate the direct method's estimate jumped by
  // +-10% from one seed to the next on the simulator's logs).
  const int64_t steps_per_epoch = (n + options.batch_size - 1) / options.batch_size;
  const double total_steps = static_cast<double>(steps_per_epoch) * options.epochs;
  int64_t step = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    // Fisher-Yates shuffle from this epoch's stream.
    RandomStream stream(options.seed, 0, StreamPurpose::kRewardModel, static_cast<uint64_t>(epoch) + 1);
    for (int64_t i = n - 1; i > 0; --i) {
      int64_t j = static_cast<int64_t>((static_cast<__uint128_t>(stream()) * static_cast<uint64_t>(i + 1)) >> 64);
      std::swap(order[i], order[j]);
    }
    torch::Tensor order_tensor = torch::tensor(order, torch::kInt64);
    for (int64_t begin = 0; begin < n; begin += options.batch_size) {
      torch::Tensor rounds = order_tensor.slice(0, begin, std::min<int64_t>(n, begin + options.batch_size));
      torch::Tensor output = net.forward(rounds, logged_action_tensor.index_select(0, rounds),
                                         net.has_pairs() ? logged_pairs.index_select(0, rounds) : torch::Tensor());
      torch::Tensor loss = loss_of(output, target_tensor.index_select(0, rounds));
      optimizer.zero_grad();
      loss.backward();
      double rate = options.learning_rate * (1 - static_cast<double>(step++) / total_steps);
      for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
      optimizer.step();
    }
  }

  torch::NoGradGuard no_grad;
  auto predict = [&](const torch::Tensor& output) {
    return binary ? torch::sigmoid(output) : output * sd + mean;
  };
  torch::Tensor all = torch::tensor(all_rounds, torch::kInt64);
  torch::Tensor logged_output = net.forward(all, logged_action_tensor, logged_pairs);
  fit.train_loss = loss_of(logged_output, target_tensor).item<double>();
  torch::Tensor logged_q = predict(logged_output).contiguous();
  fit.q_logged.assign(logged_q.data_ptr<float>(), logged_q.data_ptr<float>() + n);

  // Under the target distribution, in chunks so memory stays bounded for large logs. When the
  // policy spreads over most actions, predicting every action of a block of rounds at once is far
  // cheaper than gathering (round, action) pairs one by one.
  fit.q_target.assign(n, 0.0);
  const int64_t entries = static_cast<int64_t>(target.action.size());
  if (entries * 4 >= n * log.actions && net.supports_all_actions()) {
    const int64_t block = std::max<int64_t>(1, (int64_t{1} << 22) / (int64_t{log.actions} * options.hidden));
    for (int64_t begin = 0; begin < n; begin += block) {
      int64_t end = std::min(n, begin + block);
      torch::Tensor q = predict(net.forward_all_actions(begin, end)).contiguous();
      const float* values = q.data_ptr<float>();
      for (int64_t i = begin; i < end; ++i) {
        for (int64_t k = target.offset[i]; k < target.offset[i + 1]; ++k) {
          fit.q_target[i] += target.probability[k] * values[(i - begin) * log.actions + target.action[k]];
        }
      }
    }
  } else {
    const int64_t chunk = 1 << 16;
    std::vector<int64_t> entry_round(entries);
    for (size_t i = 0; i < target.rounds(); ++i) {
      for (int64_t k = target.offset[i]; k < target.offset[i + 1]; ++k) entry_round[k] = static_cast<int64_t>(i);
    }
    for (int64_t begin = 0; begin < entries; begin += chunk) {
      int64_t end = std::min(entries, begin + chunk);
      std::vector<int64_t> rounds(entry_round.begin() + begin, entry_round.begin() + end);
      std::vector<int64_t> actions(target.action.begin() + begin, target.action.begin() + end);
      torch::Tensor q = predict(net.forward(torch::tensor(rounds, torch::kInt64), torch::tensor(actions, torch::kInt64),
                                            net.has_pairs() ? net.pair_features(rounds, actions) : torch::Tensor()))
                            .contiguous();
      const float* values = q.data_ptr<float>();
      for (int64_t k = begin; k < end; ++k) fit.q_target[entry_round[k]] += target.probability[k] * values[k - begin];
    }
  }
  fit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return fit;
}

namespace {
Registrar<RewardModelFitter> registrar("reward model", fit_neural_reward_model);
}  // namespace

}  // namespace bundlesim
