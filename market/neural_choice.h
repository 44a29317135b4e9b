#pragma once
// `neural`: a choice model learned from logs. It is a latent-class mixture of conditional logits
// with an outside option (McFadden 1974; Train 2009, sec. 6.7) whose basket utilities come from a
// network over the shopper's segment, item embeddings of the basket and of the whole menu, and
// offer features (price, list price, bundle membership), with each class's own price response:
// P(b) = sum_k pi_gk exp(u_bk) / (1 + sum_c exp(u_ck)), P(nothing) = sum_k pi_gk / (1 + ...).
// docs/neural-model.md describes the features, the network, training and the file format.
//
// A model is two files: MODEL.pt (the weights, LibTorch serialisation) and MODEL.pt.json (the
// sidecar: feature specification, catalog fingerprint, segments, architecture, training metrics,
// LibTorch version). Loading checks the sidecar against the scenario's catalog.
//
// LibTorch stays out of this header: the network lives behind a pimpl in market/neural_*.cpp.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "market/catalog.h"
#include "market/choice_batch.h"
#include "market/choice_model.h"

namespace bundlesim {

// The network's size. Nearly all of a decision's FLOPs are in the context tower (one row per
// decision): about 5 kFLOP with the defaults, about 87 kFLOP with hidden = 192; each basket then
// costs a few dozen FLOPs per class. The small default generalises best from tens of thousands of
// decisions.
struct NeuralArchitecture {
  int item_dim = 16;  // width of the item embeddings and of the taste vector
  int hidden = 32;    // width of the context tower's two hidden layers
  // Latent classes of shoppers within a segment, each with its own price response and taste
  // offset (1: a plain conditional logit). See docs/neural-model.md for the measured choice.
  int classes = 2;
};

// What training learns from: menus and choices (from an event log), and the catalog and segments
// they refer to. Valuations in the menus are ignored.
struct NeuralTrainingData {
  const Catalog* catalog = nullptr;
  std::vector<std::string> segments;
  const ChoiceBatch* menus = nullptr;
  const std::vector<int>* chosen = nullptr;  // per problem: basket index, or -1 for nothing
  std::vector<uint64_t> groups;              // per problem: the shopper (held-out split); may be empty
  std::string source;                        // where the data came from (the log file), for the sidecar
};

struct NeuralTrainProgress {
  int epoch = 0, epochs = 0;
  int64_t decisions_done = 0, decisions_per_epoch = 0;
  double running_loss = 0;  // mean log-loss over this epoch so far
};

struct NeuralTrainOptions {
  int epochs = 30;
  std::string device = "auto";       // "auto" (CUDA when available), "cpu" or "cuda"
  int threads = 1;                   // CPU threads for LibTorch and OpenBLAS
  uint64_t seed = 1;                 // weights, the held-out split and minibatch order
  double validation_fraction = 0.2;  // held out, by shopper
  int patience = 6;                  // epochs without a better validation loss before stopping
  int batch_decisions = 512;         // decisions per minibatch
  double learning_rate = 1e-2;       // Adam (Kingma & Ba 2015)
  NeuralArchitecture architecture;
  std::function<void(const NeuralTrainProgress&)> on_progress;  // a few times per epoch
  // After each epoch: its mean training log-loss and the held-out log-loss.
  std::function<void(int epoch, double train_log_loss, double validation_log_loss)> on_epoch;
};

struct NeuralMetrics {
  int64_t train_decisions = 0, validation_decisions = 0;
  int epochs_run = 0, best_epoch = 0;
  double train_log_loss = 0;        // nats per decision, at the best epoch
  double validation_log_loss = 0;   // nats per decision
  double null_log_loss = 0;         // the same for a model that picks uniformly among the options
  double auc = 0;                   // of P(buy something) against whether the shopper bought
  double calibration_error = 0;     // expected calibration error of P(buy), 10 equal-width bins
  double samples_per_second = 0;    // training decisions per second (forward and backward)
  double seconds = 0;
  std::string device;
};

// Gives OpenBLAS `threads` threads and keeps LibTorch's intra-op pool at one (process-wide; see
// the definition for why). Results on the CPU do not depend on it.
void set_neural_threads(int threads);

// "cuda" when `device` is "auto" and CUDA is available, else "cpu"; "cuda" without CUDA is an error.
// Throws std::invalid_argument for anything other than auto, cpu or cuda.
std::string resolve_neural_device(const std::string& device);

// Trains a model and writes MODEL (weights) and MODEL.json (sidecar) at `model_path` + ".json".
// Throws std::invalid_argument for unusable data (no decisions) and std::runtime_error for I/O.
NeuralMetrics train_neural_choice(const NeuralTrainingData& data, const NeuralTrainOptions& options,
                                  const std::string& model_path);

// The sidecar's path for a model file.
std::string neural_sidecar_path(const std::string& model_path);

class NeuralChoice : public ChoiceModel {
 public:
  // Loads MODEL.pt and its sidecar. Throws SpecError (path "") when a file is missing or corrupt,
  // or when the model was trained for another catalog or feature specification.
  NeuralChoice(const std::string& model_path, const Catalog& catalog, int threads,
               const std::string& device = "cpu");
  ~NeuralChoice() override;

  // Scores every basket of the batch in one forward pass, then draws each problem's choice from
  // its own uniform (inverse CDF of the mixture's probabilities). Deterministic given the batch.
  void choose(const ChoiceBatch& batch, std::vector<int>& chosen) const override;
  void probabilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const override;
  // Utilities of every basket of the batch in every latent class (the outside option's is 0):
  // out[basket * classes() + k], baskets in batch order.
  void utilities(const ChoiceBatch& batch, std::vector<double>& out) const;
  // The same through the training code path (LibTorch end to end), for tests: it must agree with
  // utilities() up to float rounding.
  void reference_utilities(const ChoiceBatch& batch, std::vector<double>& out) const;
  // The sidecar as loaded.
  const nlohmann::json& sidecar() const;
  // The number of latent classes and class k's share pi_gk in segment g.
  int classes() const;
  double class_share(int segment, int k) const;
  // The segments the model was trained for, in index order.
  const std::vector<std::string>& segment_names() const;
  // FLOPs (two per multiply-add) of scoring `batch`: the context tower per decision, the item terms
  // per considered item and the sums per basket.
  double flops(const ChoiceBatch& batch) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bundlesim
