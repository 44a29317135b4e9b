// Training of the `neural` choice model: maximum likelihood of the logged choices given their menus
// (the latent-class logit's log-likelihood, log sum_k pi_k P_k(choice); McFadden 1974, Train 2009
// sec. 6.7) with Adam, a held-out split by shopper, and early stopping on the held-out log-loss.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/neural_choice.h"
#include "market/neural_network.h"
#include "market/neural_storage.h"

namespace bundlesim {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64 stream for the minibatch order of one epoch (Steele, Lea & Flood 2014).
class OrderStream {
 public:
  OrderStream(uint64_t seed, uint64_t epoch) : state_(mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ epoch)) {}
  uint64_t next() { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }

 private:
  uint64_t state_;
};

// Per decision of an evaluation: log-likelihood of the choice and P(buy something).
struct Evaluation {
  std::vector<double> log_likelihood, p_buy;
  std::vector<int> bought;
  double mean_log_loss() const {
    double s = 0;
    for (double x : log_likelihood) s -= x;
    return log_likelihood.empty() ? std::nan("") : s / static_cast<double>(log_likelihood.size());
  }
};

// Area under the ROC curve by the Mann-Whitney statistic, ties given average ranks
// (Hanley & McNeil 1982). NaN when one class is empty.
double auc(const std::vector<double>& score, const std::vector<int>& label) {
  const size_t n = score.size();
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, positives = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    double rank = (i + 1 + j) / 2.0;  // average of ranks i+1 .. j
    for (size_t k = i; k < j; ++k) {
      if (label[order[k]]) rank_sum += rank, positives += 1;
    }
    i = j;
  }
  double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::nan("");
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

// Expected calibration error over 10 equal-width bins (Naeini, Cooper & Hauskrecht 2015).
double calibration_error(const std::vector<double>& p, const std::vector<int>& y) {
  constexpr int kBins = 10;
  double sum_p[kBins] = {}, sum_y[kBins] = {}, count[kBins] = {};
  for (size_t i = 0; i < p.size(); ++i) {
    int b = std::min(kBins - 1, static_cast<int>(p[i] * kBins));
    sum_p[b] += p[i], sum_y[b] += y[i], count[b] += 1;
  }
  double e = 0;
  for (int b = 0; b < kBins; ++b) {
    if (count[b] > 0) e += std::abs(sum_p[b] - sum_y[b]) / static_cast<double>(p.size());
  }
  return p.empty() ? std::nan("") : e;
}

class Trainer {
 public:
  Trainer(const NeuralTrainingData& data, const NeuralTrainOptions& options, const torch::Device& device)
      : data_(data), options_(options), device_(device) {
    for (const Item& item : data.catalog->items()) list_prices_.push_back(item.price);
    double sum = 0;
    for (double p : list_prices_) sum += p;
    price_scale_ = list_prices_.empty() || sum <= 0 ? 1 : sum / static_cast<double>(list_prices_.size());
  }

  double price_scale() const { return price_scale_; }

  // One pass of minibatch steps over `ids`; returns the mean training log-loss.
  double epoch(neural::ChoiceNet& net, torch::optim::Optimizer& optimizer, std::vector<int>& ids, int epoch_index,
               int64_t& decisions_done) {
    net->train();
    OrderStream order(options_.seed, static_cast<uint64_t>(epoch_index));
    for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[order.next() % i]);  // Fisher-Yates
    const int step = options_.batch_decisions;
    double loss_sum = 0;
    int64_t seen = 0;
    const int64_t reports = std::max<int64_t>(1, static_cast<int64_t>(ids.size()) / step / 20);
    int64_t steps = 0;
    for (size_t start = 0; start < ids.size(); start += step) {
      int count = static_cast<int>(std::min<size_t>(step, ids.size() - start));
      torch::Tensor chosen;
      neural::FeatureTensors t = tensors(ids.data() + start, count, chosen);
      torch::Tensor u = net->forward(t);
      torch::Tensor loss =
          -neural::choice_log_likelihood(u, net->log_class_shares(t.segment), t, chosen, count).mean();
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * count;
      seen += count;
      decisions_done += count;
      if (options_.on_progress && ++steps % reports == 0) {
        options_.on_progress({epoch_index + 1, options_.epochs, seen, static_cast<int64_t>(ids.size()), loss_sum / seen});
      }
    }
    return seen ? loss_sum / seen : std::nan("");
  }

  Evaluation evaluate(neural::ChoiceNet& net, const std::vector<int>& ids) {
    net->eval();
    torch::NoGradGuard no_grad;
    Evaluation e;
    constexpr int kChunk = 4096;
    for (size_t start = 0; start < ids.size(); start += kChunk) {
      int count = static_cast<int>(std::min<size_t>(kChunk, ids.size() - start));
      torch::Tensor chosen;
      neural::FeatureTensors t = tensors(ids.data() + start, count, chosen);
      torch::Tensor u = net->forward(t).to(torch::kCPU).to(torch::kFloat64).contiguous();
      torch::Tensor shares = net->log_class_shares(t.segment).exp().to(torch::kCPU).to(torch::kFloat64).contiguous();
      const double* v = u.data_ptr<double>();
      const double* pi = shares.data_ptr<double>();
      const int classes = net->classes;
      // In double on the host, per class: log Z_k = log(1 + sum_b exp(u_bk)), stabilised by the
      // largest utility; then the mixture P(choice) = sum_k pi_k exp(u_ck - log Z_k).
      for (int q = 0; q < count; ++q) {
        const ChoiceProblem& p = data_.menus->problems[ids[start + q]];
        const double* w = v + first_basket_[q] * classes;
        const int c = (*data_.chosen)[ids[start + q]];
        double likelihood = 0, p_nothing = 0;
        for (int k = 0; k < classes; ++k) {
          double top = 0;
          for (int b = 0; b < p.basket_count; ++b) top = std::max(top, w[b * classes + k]);
          double total = std::exp(-top);
          for (int b = 0; b < p.basket_count; ++b) total += std::exp(w[b * classes + k] - top);
          double log_z = top + std::log(total);
          const double share = pi[q * classes + k];
          likelihood += share * std::exp((c >= 0 ? w[c * classes + k] : 0.0) - log_z);
          p_nothing += share * std::exp(-log_z);
        }
        e.log_likelihood.push_back(std::log(likelihood));
        e.p_buy.push_back(1 - p_nothing);
        e.bought.push_back(c >= 0 ? 1 : 0);
      }
    }
    return e;
  }

 private:
  neural::FeatureTensors tensors(const int* ids, int count, torch::Tensor& chosen) {
    neural::build_features(*data_.menus, ids, count, list_prices_, price_scale_, features_);
    // Flat index of each decision's chosen basket; `baskets` stands for the outside option.
    chosen_flat_.resize(count);
    first_basket_.resize(count);
    int64_t first = 0;
    for (int q = 0; q < count; ++q) {
      const ChoiceProblem& p = data_.menus->problems[ids[q]];
      int c = (*data_.chosen)[ids[q]];
      first_basket_[q] = first;
      chosen_flat_[q] = c >= 0 ? first + c : features_.baskets;
      first += p.basket_count;
    }
    chosen = torch::from_blob(chosen_flat_.data(), {count}, torch::TensorOptions().dtype(torch::kInt64)).to(device_);
    return neural::to_tensors(features_, device_);
  }

  const NeuralTrainingData& data_;
  const NeuralTrainOptions& options_;
  torch::Device device_;
  std::vector<double> list_prices_;
  double price_scale_ = 1;
  neural::Features features_;
  std::vector<int64_t> chosen_flat_, first_basket_;
};

}  // namespace

std::string neural_sidecar_path(const std::string& model_path) { return model_path + ".json"; }

NeuralMetrics train_neural_choice(const NeuralTrainingData& data, const NeuralTrainOptions& options,
                                  const std::string& model_path) {
  const int problems = data.menus ? data.menus->size() : 0;
  if (problems < 10) {
    throw std::invalid_argument(fmt::format("{}: {} decisions; training needs at least 10", data.source, problems));
  }
  if (static_cast<int>(data.chosen->size()) != problems) throw std::invalid_argument("one choice per decision needed");
  const int segments = std::max<int>(1, static_cast<int>(data.segments.size()));
  for (const ChoiceProblem& p : data.menus->problems) {
    if (p.segment < 0 || p.segment >= segments) {
      throw std::invalid_argument(fmt::format("{}: segment {} of a decision is not one of the {} segments",
                                              data.source, p.segment, segments));
    }
  }
  if (options.architecture.classes < 1 || options.architecture.classes > neural::kMaxClasses) {
    throw std::invalid_argument(
        fmt::format("classes must be 1 to {}, got {}", neural::kMaxClasses, options.architecture.classes));
  }
  const std::string device_name = resolve_neural_device(options.device);
  const torch::Device device(device_name);
  set_neural_threads(options.threads);

  // Held-out split by shopper when shoppers are given (all visits of one shopper on one side).
  std::vector<int> train_ids, validation_ids;
  for (int p = 0; p < problems; ++p) {
    uint64_t group = data.groups.empty() ? static_cast<uint64_t>(p) : data.groups[p];
    double u = static_cast<double>(mix64(mix64(options.seed ^ 0x5eed) ^ group) >> 11) * 0x1.0p-53;
    (u < options.validation_fraction ? validation_ids : train_ids).push_back(p);
  }
  if (train_ids.empty() || validation_ids.empty()) {
    throw std::invalid_argument(fmt::format("{}: the held-out split left {} decisions to train on and {} to validate "
                                            "with; both need some",
                                            data.source, train_ids.size(), validation_ids.size()));
  }

  Trainer trainer(data, options, device);
  // Weights are initialised from LibTorch's generator, seeded here from the run's seed.
  torch::manual_seed(options.seed);
  neural::ChoiceNet net(data.catalog->size(), segments, options.architecture);
  net->to(device);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(options.learning_rate));

  NeuralMetrics m;
  m.device = device_name;
  m.train_decisions = static_cast<int64_t>(train_ids.size());
  m.validation_decisions = static_cast<int64_t>(validation_ids.size());
  double best = std::numeric_limits<double>::infinity();
  std::map<std::string, torch::Tensor> best_state;
  int since_best = 0;
  double train_seconds = 0;
  int64_t decisions_done = 0;
  auto start = Clock::now();
  for (int e = 0; e < options.epochs; ++e) {
    auto t0 = Clock::now();
    double train_loss = trainer.epoch(net, optimizer, train_ids, e, decisions_done);
    train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    double validation_loss = trainer.evaluate(net, validation_ids).mean_log_loss();
    m.epochs_run = e + 1;
    if (options.on_epoch) options.on_epoch(e + 1, train_loss, validation_loss);
    if (validation_loss < best - 1e-5) {
      best = validation_loss;
      m.best_epoch = e + 1;
      m.train_log_loss = train_loss;
      torch::NoGradGuard no_grad;
      for (const auto& item : net->named_parameters()) best_state[item.key()] = item.value().detach().clone();
      since_best = 0;
    } else if (++since_best >= options.patience) {
      break;
    } else if (since_best % 2 == 0) {
      // Reduce on plateau: halve the step after every two epochs without a better held-out loss.
      for (auto& group : optimizer.param_groups()) {
        auto& adam = static_cast<torch::optim::AdamOptions&>(group.options());
        adam.lr(adam.lr() * 0.5);
      }
    }
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& item : net->named_parameters()) item.value().copy_(best_state.at(item.key()));
  }
  Evaluation validation = trainer.evaluate(net, validation_ids);
  m.validation_log_loss = validation.mean_log_loss();
  m.auc = auc(validation.p_buy, validation.bought);
  m.calibration_error = calibration_error(validation.p_buy, validation.bought);
  double null_sum = 0;
  for (int p : validation_ids) null_sum += std::log(1.0 + data.menus->problems[p].basket_count);
  m.null_log_loss = null_sum / static_cast<double>(validation_ids.size());
  m.samples_per_second = train_seconds > 0 ? static_cast<double>(decisions_done) / train_seconds : 0;
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();

  nlohmann::json sidecar;
  std::vector<std::string> ids;
  for (const Item& item : data.catalog->items()) ids.push_back(item.id);
  sidecar["catalog"] = {{"fingerprint", fmt::format("{:016x}", data.catalog->fingerprint())},
                        {"items", data.catalog->size()}, {"ids", ids}};
  sidecar["segments"] = data.segments;
  sidecar["features"] = neural::feature_spec(data.catalog->size(), segments, trainer.price_scale());
  sidecar["architecture"] = {{"item_dim", options.architecture.item_dim},
                             {"hidden", options.architecture.hidden},
                             {"classes", options.architecture.classes}};
  auto number = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  sidecar["training"] = {{"source", data.source},
                         {"seed", options.seed},
                         {"device", m.device},
                         {"epochs_asked", options.epochs},
                         {"epochs_run", m.epochs_run},
                         {"best_epoch", m.best_epoch},
                         {"batch_decisions", options.batch_decisions},
                         {"learning_rate", options.learning_rate},
                         {"train_decisions", m.train_decisions},
                         {"validation_decisions", m.validation_decisions},
                         {"train_log_loss", number(m.train_log_loss)},
                         {"validation_log_loss", number(m.validation_log_loss)},
                         {"null_log_loss", number(m.null_log_loss)},
                         {"auc_purchase", number(m.auc)},
                         {"calibration_error_purchase", number(m.calibration_error)},
                         {"samples_per_second", number(m.samples_per_second)}};
  // What the model learned per segment and class (docs/neural-model.md): the class's share, list
  // price weight, price slope, bundle bonus.
  {
    const double k = neural::kSegmentParameterScale;
    torch::NoGradGuard no_grad;
    torch::Tensor shares = torch::softmax(net->class_logit * neural::kClassLogitScale, 1).to(torch::kCPU);
    torch::Tensor list = net->segment_list.to(torch::kCPU), slope = net->segment_price.to(torch::kCPU),
                  bonus = net->segment_bonus.to(torch::kCPU);
    nlohmann::json learned = nlohmann::json::array();
    for (int g = 0; g < segments; ++g) {
      nlohmann::json classes = nlohmann::json::array();
      for (int c = 0; c < net->classes; ++c) {
        classes.push_back({{"share", shares[g][c].item<double>()},
                           {"list_price_weight", k * list[g][c].item<double>()},
                           {"price_slope", k * slope[g][c].item<double>()},
                           {"bundle_bonus", k * bonus[g][c].item<double>()}});
      }
      learned.push_back({{"segment", data.segments.size() > static_cast<size_t>(g) ? data.segments[g] : ""},
                         {"classes", classes}});
    }
    sidecar["training"]["segment_parameters"] = learned;
  }
  net->to(torch::kCPU);
  neural::save_model(model_path, net, std::move(sidecar));
  return m;
}

}  // namespace bundlesim
