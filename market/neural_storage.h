#pragma once
// Internal to market/neural_*.cpp (includes LibTorch through neural_network.h): writing and reading
// a model's two files, MODEL.pt and MODEL.pt.json. The sidecar's layout is in docs/neural-model.md.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "market/catalog.h"
#include "market/neural_network.h"

namespace bundlesim::neural {

constexpr int kModelFormatVersion = 1;
constexpr const char* kModelFormatName = "bundlesim neural choice model";

struct LoadedModel {
  nlohmann::json sidecar;
  ChoiceNet net{nullptr};
  double price_scale = 1;
  int segments = 0;
  std::vector<std::string> segment_names;  // in index order
  NeuralArchitecture architecture;
};

// The feature specification as the sidecar records it; loading compares it field by field.
nlohmann::json feature_spec(int items, int segments, double price_scale);

// Writes the weights to `path` and `sidecar` (completed with the format, LibTorch version and the
// weights' size and hash) to neural_sidecar_path(path). Throws std::runtime_error naming the file.
void save_model(const std::string& path, ChoiceNet& net, nlohmann::json sidecar);

// Reads both files and checks them against each other and against `catalog`. Throws SpecError with
// a message naming the file for: a missing or unreadable file, a sidecar that is not JSON or not a
// model's, weights that don't match the sidecar (size, hash) or can't be read by LibTorch, and a
// feature specification or catalog fingerprint different from this build's and this catalog's.
LoadedModel load_model(const std::string& path, const Catalog& catalog);

}  // namespace bundlesim::neural
