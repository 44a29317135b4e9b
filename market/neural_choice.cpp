// The `neural` choice model at simulation time: loading (with its checks), batched scoring and
// sampling. Training is in neural_training.cpp, the network in neural_network.cpp.

#include "market/neural_choice.h"

#include <dlfcn.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "market/neural_network.h"
#include "market/neural_storage.h"
#include "market/spec_reader.h"

namespace bundlesim {

void set_neural_threads(int threads) {
  threads = std::max(1, threads);
  // LibTorch's own intra-op pool stays at one thread. Its OpenMP workers spin-wait between the
  // many small operations of a training step; beside OpenBLAS's pool, or any other busy process on
  // two cores, they starved each other: training at 2 threads ran at 1.5-4.8 k decisions/s against
  // 42-45 k with one (with LibTorch at 2 and OpenBLAS at 1, 2.7-3.1 k). Matrix products, the only
  // work big enough to share, get the threads through OpenBLAS.
  torch::set_num_threads(1);
  // OpenBLAS keeps its own pool. Its header clashes with other BLAS headers and LibTorch may be
  // built on another BLAS (MKL), so the setter is looked up at run time rather than linked.
  using Setter = void (*)(int);
  if (auto setter = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) setter(threads);
}

namespace {
// This library (market/torch_parts.h) is loaded when a part needs LibTorch: a neural choice model,
// or a policy that learns with it (rl_bundler, matrix_factorization), which runs many small tensor
// operations on the engine's thread. Left at their defaults, LibTorch's and OpenBLAS's worker pools
// spin between them on every core (on 2 cores, 12 s of system time in a 13 s rl_bundler run, a core
// taken from whatever else runs), so they start single-threaded: the engine's own threads are the
// parallelism. Commands that train or benchmark a model set their own thread count.
const bool kSingleThreaded = [] {
  set_neural_threads(1);
  return true;
}();
}  // namespace

std::string resolve_neural_device(const std::string& device) {
  if (device == "cpu") return "cpu";
  if (device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  if (device == "cuda") {
    if (!torch::cuda::is_available()) {
      throw std::invalid_argument("device \"cuda\" asked for, but this LibTorch build sees no CUDA device");
    }
    return "cuda";
  }
  throw std::invalid_argument(fmt::format("device must be auto, cpu or cuda, got \"{}\"", device));
}

struct NeuralChoice::Impl {
  nlohmann::json sidecar;
  neural::ChoiceNet net{nullptr};
  torch::Device device{torch::kCPU};
  std::vector<double> list_prices;
  double price_scale = 1;
  int segments = 0;
  std::vector<std::string> segment_names;
  int threads = 1;
  NeuralArchitecture architecture;
  int d = 0, k = 0, classes = 1;  // item_dim, pair_dim, latent classes
  // Host copies of the item tables, row-major: the per-basket part is computed here, in C++.
  std::vector<float> context_embedding, item_embedding, pair_embedding, item_bias;
  // Per segment and class, [segments x classes]: the class's share pi_gk and its price response.
  std::vector<double> share, list_weight, slope, bonus;
  // o_k . e_i per item and class, [items x classes] (0 for class 0): the class's taste offset does
  // not depend on the context, so it is one table lookup per item at simulation time.
  std::vector<double> class_item;
  // Scratch for one batch; choose() is not reentrant.
  std::vector<float> context_inputs;
  std::vector<int64_t> segment_ids;
  std::vector<double> utilities;

  static std::vector<float> host_copy(const torch::Tensor& t) {
    torch::Tensor c = t.detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }

  static constexpr int kTowerBlock = 256;
  std::vector<float> tower_rows;  // the context tower's output, count x d

  // The context tower for decisions [begin, end) into tower_rows.
  void tower_pass(int begin, int end) {
    torch::InferenceMode inference;
    const int n = end - begin;
    torch::Tensor inputs =
        torch::from_blob(context_inputs.data() + static_cast<size_t>(begin) * (d + 1), {n, d + 1}, torch::kFloat32);
    torch::Tensor segment = torch::from_blob(segment_ids.data() + begin, {n}, torch::kInt64);
    if (!device.is_cpu()) inputs = inputs.to(device), segment = segment.to(device);
    torch::Tensor out = torch::from_blob(tower_rows.data() + static_cast<size_t>(begin) * d, {n, d}, torch::kFloat32);
    out.copy_(net->context(inputs, segment));
  }

  // Utilities of every basket of `batch` in every class, out[basket * classes + k] in batch order:
  // the context tower for all decisions in one forward pass, then each decision's baskets on the
  // host (double accumulation).
  void score(const ChoiceBatch& batch, std::vector<double>& out) {
    const int count = batch.size();
    out.resize(batch.baskets.size() * static_cast<size_t>(classes));
    if (count == 0) return;
    context_inputs.assign(static_cast<size_t>(count) * (d + 1), 0.0f);
    segment_ids.resize(count);
    for (int p = 0; p < count; ++p) {
      const ChoiceProblem& problem = batch.problems[p];
      if (problem.segment < 0 || problem.segment >= segments) {
        throw std::runtime_error(fmt::format("neural choice model: segment {} is not one of the model's {} segments",
                                             problem.segment, segments));
      }
      segment_ids[p] = problem.segment;
      float* z = context_inputs.data() + static_cast<size_t>(p) * (d + 1);
      for (int i = 0; i < problem.item_count; ++i) {
        const float* c = context_embedding.data() + static_cast<size_t>(batch.items[problem.item_begin + i]) * d;
        for (int j = 0; j < d; ++j) z[j] += c[j];
      }
      if (problem.item_count > 0) {
        for (int j = 0; j < d; ++j) z[j] /= static_cast<float>(problem.item_count);
      }
      z[d] = static_cast<float>(problem.item_count) / kMaxConsideredItems;
    }
    tower_rows.resize(static_cast<size_t>(count) * d);
    if (!device.is_cpu()) {
      tower_pass(0, count);
    } else {
      // Fixed blocks of rows, shared out among the threads: each thread runs the whole tower on its
      // blocks with LibTorch and OpenBLAS single-threaded (no nested pools to spin against each
      // other), and a row's figures never depend on the thread count (same block shapes always).
      const int blocks = (count + kTowerBlock - 1) / kTowerBlock;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && blocks > 1)
      for (int block = 0; block < blocks; ++block) {
        tower_pass(block * kTowerBlock, std::min(count, (block + 1) * kTowerBlock));
      }
    }
    const float* rows = tower_rows.data();
    const int width = d;
    for_each_problem(count, threads, [&](int p) {
      const ChoiceProblem& problem = batch.problems[p];
      const float* t = rows + static_cast<size_t>(p) * width;
      const ItemIndex* items = batch.items.data() + problem.item_begin;
      const int n = problem.item_count;
      // Item terms t . e_i + a_i and pair terms q_i . q_j of the considered items.
      double item_term[kMaxConsideredItems], pair_term[kMaxConsideredItems][kMaxConsideredItems];
      for (int i = 0; i < n; ++i) {
        const float* e = item_embedding.data() + static_cast<size_t>(items[i]) * d;
        double s = item_bias[items[i]];
        for (int j = 0; j < d; ++j) s += static_cast<double>(t[j]) * e[j];
        item_term[i] = s;
        const float* qi = pair_embedding.data() + static_cast<size_t>(items[i]) * k;
        for (int l = 0; l < i; ++l) {
          const float* ql = pair_embedding.data() + static_cast<size_t>(items[l]) * k;
          double dot = 0;
          for (int j = 0; j < k; ++j) dot += static_cast<double>(qi[j]) * ql[j];
          pair_term[i][l] = dot;
        }
      }
      const int K = classes;
      const double* list_g = list_weight.data() + static_cast<size_t>(problem.segment) * K;
      const double* slope_g = slope.data() + static_cast<size_t>(problem.segment) * K;
      const double* bonus_g = bonus.data() + static_cast<size_t>(problem.segment) * K;
      for (int b = 0; b < problem.basket_count; ++b) {
        const BasketOption& basket = batch.baskets[problem.basket_begin + b];
        double u = 0, list = 0;
        double offset[neural::kMaxClasses] = {};
        for (uint32_t m = basket.items; m; m &= m - 1) {
          int i = __builtin_ctz(m);
          u += item_term[i];
          list += list_prices[items[i]];
          for (uint32_t r = basket.items & ((1u << i) - 1); r; r &= r - 1) u += pair_term[i][__builtin_ctz(r)];
          const double* o = class_item.data() + static_cast<size_t>(items[i]) * K;
          for (int c = 0; c < K; ++c) offset[c] += o[c];
        }
        double* row = out.data() + static_cast<size_t>(problem.basket_begin + b) * K;
        for (int c = 0; c < K; ++c) {
          double v = u + offset[c] + list_g[c] * (list / price_scale) - slope_g[c] * (basket.price / price_scale);
          if (basket.bundle >= 0) v += bonus_g[c];
          row[c] = v;
        }
      }
    });
  }

  // The mixture's probabilities of one decision's options from its utilities u[basket * classes + k]:
  // out[0] for nothing, out[1 + b] for basket b, P = sum_k pi_gk exp(u_bk) / (1 + sum_c exp(u_ck)).
  void option_probabilities(const double* u, int basket_count, int segment, std::vector<double>& out) const {
    const int K = classes;
    const double* pi = share.data() + static_cast<size_t>(segment) * K;
    if (K == 1) {
      // One class: exp(u_b - top) / total directly (the mixture's general path would do it twice).
      out.resize(1 + basket_count);
      double top = 0;
      for (int b = 0; b < basket_count; ++b) top = std::max(top, u[b]);
      double total = out[0] = std::exp(-top);
      for (int b = 0; b < basket_count; ++b) total += out[1 + b] = std::exp(u[b] - top);
      for (double& x : out) x /= total;
      return;
    }
    thread_local std::vector<double> exps;
    exps.resize(1 + basket_count);
    out.assign(1 + basket_count, 0.0);
    for (int c = 0; c < K; ++c) {
      // Shifted by the class's largest utility (at least the outside option's 0) so no exp overflows.
      double top = 0;
      for (int b = 0; b < basket_count; ++b) top = std::max(top, u[b * K + c]);
      double total = exps[0] = std::exp(-top);
      for (int b = 0; b < basket_count; ++b) total += exps[1 + b] = std::exp(u[b * K + c] - top);
      const double weight = pi[c] / total;
      for (int b = 0; b <= basket_count; ++b) out[b] += weight * exps[b];
    }
  }
};

NeuralChoice::NeuralChoice(const std::string& model_path, const Catalog& catalog, int threads,
                           const std::string& device)
    : impl_(std::make_unique<Impl>()) {
  neural::LoadedModel loaded = neural::load_model(model_path, catalog);
  Impl& m = *impl_;
  m.sidecar = std::move(loaded.sidecar);
  m.net = std::move(loaded.net);
  m.price_scale = loaded.price_scale;
  m.segments = loaded.segments;
  m.segment_names = std::move(loaded.segment_names);
  m.architecture = loaded.architecture;
  m.d = m.architecture.item_dim;
  m.k = neural::pair_dim(m.architecture);
  m.classes = m.architecture.classes;
  m.threads = std::max(1, threads);
  for (const Item& item : catalog.items()) m.list_prices.push_back(item.price);
  m.context_embedding = Impl::host_copy(m.net->context_embedding->weight);
  m.item_embedding = Impl::host_copy(m.net->item_embedding->weight);
  m.pair_embedding = Impl::host_copy(m.net->pair_embedding->weight);
  m.item_bias = Impl::host_copy(m.net->item_bias->weight);
  const double k = neural::kSegmentParameterScale;
  for (float stored : Impl::host_copy(m.net->segment_price)) m.slope.push_back(k * stored);
  for (float stored : Impl::host_copy(m.net->segment_list)) m.list_weight.push_back(k * stored);
  for (float stored : Impl::host_copy(m.net->segment_bonus)) m.bonus.push_back(k * stored);
  {
    torch::NoGradGuard no_grad;
    for (float x : Impl::host_copy(torch::softmax(m.net->class_logit * neural::kClassLogitScale, 1))) m.share.push_back(x);
  }
  // Renormalised in double: the float softmax sums to 1 only to float rounding.
  for (int g = 0; g < m.segments; ++g) {
    double* pi = m.share.data() + static_cast<size_t>(g) * m.classes;
    double total = 0;
    for (int c = 0; c < m.classes; ++c) total += pi[c];
    for (int c = 0; c < m.classes; ++c) pi[c] /= total;
  }
  const int items = catalog.size();
  m.class_item.assign(static_cast<size_t>(items) * m.classes, 0.0);
  if (m.classes > 1) {
    std::vector<float> offsets = Impl::host_copy(m.net->class_taste);  // [classes - 1, d]
    for (int i = 0; i < items; ++i) {
      const float* e = m.item_embedding.data() + static_cast<size_t>(i) * m.d;
      for (int c = 1; c < m.classes; ++c) {
        const float* o = offsets.data() + static_cast<size_t>(c - 1) * m.d;
        double dot = 0;
        for (int j = 0; j < m.d; ++j) dot += static_cast<double>(o[j]) * e[j];
        m.class_item[static_cast<size_t>(i) * m.classes + c] = dot;
      }
    }
  }
  std::string resolved;
  try {
    resolved = resolve_neural_device(device);
  } catch (const std::invalid_argument& e) {
    throw SpecError("", e.what());
  }
  m.device = torch::Device(resolved);
  m.net->to(m.device);
  m.net->eval();
  // score() shares blocks of the batch out among m.threads threads itself; LibTorch and OpenBLAS
  // run single-threaded inside them.
  set_neural_threads(1);
}

NeuralChoice::~NeuralChoice() = default;

const nlohmann::json& NeuralChoice::sidecar() const { return impl_->sidecar; }

double NeuralChoice::flops(const ChoiceBatch& batch) const {
  const double d = impl_->d, k = impl_->k, h = impl_->architecture.hidden;
  double total = 2 * ((d + 1) * h + h * h + h * d) * batch.size();
  for (const ChoiceProblem& p : batch.problems) {
    total += p.item_count * (d + 2 * d) + p.item_count * (p.item_count - 1) / 2.0 * 2 * k;  // mean, t.e, q.q
  }
  const double classes = impl_->classes;
  for (const BasketOption& b : batch.baskets) {
    double n = __builtin_popcount(b.items);
    total += 2 * n + n * (n - 1) / 2 + classes * (n + 8);
  }
  return total;
}

void NeuralChoice::utilities(const ChoiceBatch& batch, std::vector<double>& out) const { impl_->score(batch, out); }

void NeuralChoice::reference_utilities(const ChoiceBatch& batch, std::vector<double>& out) const {
  std::vector<int> ids(batch.size());
  for (int p = 0; p < batch.size(); ++p) ids[p] = p;
  neural::Features features;
  neural::build_features(batch, ids.data(), batch.size(), impl_->list_prices, impl_->price_scale, features);
  torch::InferenceMode inference;
  torch::Tensor u = impl_->net->forward(neural::to_tensors(features, impl_->device)).to(torch::kCPU).contiguous();
  out.assign(u.data_ptr<float>(), u.data_ptr<float>() + u.numel());
}

int NeuralChoice::classes() const { return impl_->classes; }

double NeuralChoice::class_share(int segment, int k) const {
  return impl_->share.at(static_cast<size_t>(segment) * impl_->classes + k);
}

const std::vector<std::string>& NeuralChoice::segment_names() const { return impl_->segment_names; }

void NeuralChoice::choose(const ChoiceBatch& batch, std::vector<int>& chosen) const {
  std::vector<double>& u = impl_->utilities;
  impl_->score(batch, u);
  const int K = impl_->classes;
  for_each_problem(batch.size(), impl_->threads, [&](int p) {
    thread_local std::vector<double> probability;
    const ChoiceProblem& problem = batch.problems[p];
    impl_->option_probabilities(u.data() + static_cast<size_t>(problem.basket_begin) * K, problem.basket_count,
                                problem.segment, probability);
    // Inverse-CDF draw with the problem's own uniform, as the mnl model does. The class is not drawn
    // apart: training fitted each decision's probability as a mixture (a shopper's visits are not
    // tied to one class there), so the simulation draws from that same mixture, and a paired design
    // keeps its common random numbers (one uniform per decision, whatever the menu).
    double total = 0;
    for (double x : probability) total += x;
    double target = problem.uniform * total;
    double cumulative = probability[0];
    int pick = -1;
    if (target >= cumulative) {
      pick = problem.basket_count - 1;  // guards against rounding in the last step
      for (int b = 0; b < problem.basket_count; ++b) {
        cumulative += probability[1 + b];
        if (target < cumulative) {
          pick = b;
          break;
        }
      }
    }
    chosen[p] = pick;
  });
}

void NeuralChoice::probabilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const {
  // Score the one problem on its own (a batch of one, same code path).
  ChoiceBatch single;
  ChoiceProblem problem = batch.problems[p];
  single.items.assign(batch.items.begin() + problem.item_begin,
                      batch.items.begin() + problem.item_begin + problem.item_count);
  single.item_prices.assign(batch.item_prices.begin() + problem.item_begin,
                            batch.item_prices.begin() + problem.item_begin + problem.item_count);
  single.baskets.assign(batch.baskets.begin() + problem.basket_begin,
                        batch.baskets.begin() + problem.basket_begin + problem.basket_count);
  problem.item_begin = problem.basket_begin = 0;
  single.problems.push_back(problem);
  std::vector<double> u;
  impl_->score(single, u);
  impl_->option_probabilities(u.data(), problem.basket_count, problem.segment, out);
  double total = 0;
  for (double x : out) total += x;
  for (double& x : out) x /= total;
}

namespace {

// "" when the lists are equal, else where they first differ, for an error message.
std::string segment_difference(const std::vector<std::string>& model, const std::vector<std::string>& scenario) {
  for (size_t g = 0; g < std::max(model.size(), scenario.size()); ++g) {
    std::string in_model = g < model.size() ? "\"" + model[g] + "\"" : "nothing";
    std::string in_scenario = g < scenario.size() ? "\"" + scenario[g] + "\"" : "nothing";
    if (in_model != in_scenario) {
      return fmt::format("; segment {} is {} in the model and {} in the scenario's population", g, in_model, in_scenario);
    }
  }
  return "";
}

Registrar<ChoiceModelFactory> registrar(
    "neural", [](const nlohmann::json& spec, const std::string& path, const ChoiceModelContext& context) {
      SpecReader reader(spec, path, {"type", "path", "device"});
      std::string file = reader.text("path");
      std::string device = reader.choice_or("device", "cpu", {"auto", "cpu", "cuda"});
      std::filesystem::path resolved(file);
      if (resolved.is_relative() && !context.scenario_dir.empty()) resolved = std::filesystem::path(context.scenario_dir) / resolved;
      std::unique_ptr<NeuralChoice> model;
      try {
        model = std::make_unique<NeuralChoice>(resolved.string(), *context.catalog, context.threads, device);
      } catch (const SpecError& e) {
        throw SpecError(child_path(path, "path"), e.describe());
      }
      // A decision's segment is an index: the model's segments must be the scenario's, in the same
      // order, or the model would silently treat one segment's shoppers as another's.
      if (context.segment_names) {
        std::string difference = segment_difference(model->segment_names(), *context.segment_names);
        if (!difference.empty()) {
          throw SpecError(child_path(path, "path"),
                          fmt::format("{}: trained for other segments ({}){}", resolved.string(),
                                      fmt::join(model->segment_names(), ", "), difference));
        }
      }
      return model;
    });

}  // namespace
}  // namespace bundlesim
