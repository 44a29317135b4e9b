#pragma once
// How shoppers choose among the baskets on their menu. One interface for the analytic models
// (surplus, mnl) and learned ones; decisions are always asked in batches (see choice_batch.h).
// A model is deterministic given the batch: the randomness of a decision is the problem's own
// uniform draw, so results do not depend on batch composition or thread count.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "market/catalog.h"
#include "market/choice_batch.h"
#include "market/registry.h"

namespace bundlesim {

class ChoiceModel {
 public:
  virtual ~ChoiceModel() = default;
  // Sets chosen[p] to the index of the basket problem p takes within its menu, or -1 for nothing.
  // REQUIRES: chosen.size() == batch.size().
  virtual void choose(const ChoiceBatch& batch, std::vector<int>& chosen) const = 0;
  // Probabilities of problem p's options: out[0] for nothing, out[1 + b] for basket b.
  // A deterministic model puts 1 on its choice.
  virtual void probabilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const = 0;
};

// What a choice model may use when it is built.
struct ChoiceModelContext {
  const Catalog* catalog = nullptr;
  std::string scenario_dir;  // relative paths in the spec are resolved against it
  int threads = 1;           // worker threads for a batch
  // The population's segment names in index order (ChoiceProblem::segment indexes them), for
  // models that must agree with them (a trained model); null when not known.
  const std::vector<std::string>* segment_names = nullptr;
};

// Builds a model from its scenario spec (the `choice_model` object, `type` already read).
// Throws SpecError for bad parameters.
using ChoiceModelFactory = std::function<std::unique_ptr<ChoiceModel>(
    const nlohmann::json& spec, const std::string& path, const ChoiceModelContext& context)>;
using ChoiceModelRegistry = Registry<ChoiceModelFactory>;

// Builds the model named by spec["type"]; throws SpecError for an unknown type or bad parameters.
std::unique_ptr<ChoiceModel> make_choice_model(const nlohmann::json& spec, const std::string& path,
                                               const ChoiceModelContext& context);

// Runs fn(p) for every problem of the batch on `threads` threads (static split, so which thread
// handles a problem never changes a result).
void for_each_problem(int problems, int threads, const std::function<void(int)>& fn);

}  // namespace bundlesim
