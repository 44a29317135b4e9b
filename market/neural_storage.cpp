#include "market/neural_storage.h"

#include <torch/version.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "market/spec_error.h"

namespace bundlesim::neural {
namespace {

using nlohmann::json;

// FNV-1a, 64 bit: ties the sidecar to the exact weights file.
std::string fnv1a64(const std::string& bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return fmt::format("{:016x}", h);
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return static_cast<bool>(in) || in.eof();
}

[[noreturn]] void fail(const std::string& file, const std::string& message) {
  throw SpecError("", fmt::format("{}: {}", file, message));
}

}  // namespace

json feature_spec(int items, int segments, double price_scale) {
  return {{"version", kFeatureVersion},
          {"items", items},
          {"segments", segments},
          {"price_scale", price_scale},
          {"context", {"segment", "mean_context_embedding_of_considered_items", "considered_count/12"}},
          {"basket",
           {"sum_of_item_terms((taste+class_taste).item_embedding+item_bias)",
            "sum_of_pair_terms(pair_embedding.pair_embedding)", "segment_class_weight*list_price/price_scale",
            "segment_class_slope*price/price_scale", "segment_class_bonus*holds_bundle"}},
          {"choice", "latent_class_mixture(softmax(segment_class_logit))"}};
}

void save_model(const std::string& path, ChoiceNet& net, json sidecar) {
  std::ostringstream weights;
  try {
    torch::serialize::OutputArchive archive;
    net->save(archive);
    archive.save_to(weights);
  } catch (const c10::Error& e) {
    throw std::runtime_error(fmt::format("{}: can't serialise the model: {}", path, e.what_without_backtrace()));
  }
  const std::string bytes = weights.str();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error(fmt::format("{}: can't write the model: {}", path, std::strerror(errno)));
  }
  sidecar["format"] = {{"name", kModelFormatName}, {"version", kModelFormatVersion}};
  sidecar["libtorch_version"] = TORCH_VERSION;
  sidecar["weights"] = {{"bytes", bytes.size()}, {"fnv1a64", fnv1a64(bytes)}};
  const std::string sidecar_path = neural_sidecar_path(path);
  std::ofstream out(sidecar_path, std::ios::binary | std::ios::trunc);
  out << sidecar.dump(2) << "\n";
  if (!out) throw std::runtime_error(fmt::format("{}: can't write the sidecar: {}", sidecar_path, std::strerror(errno)));
}

LoadedModel load_model(const std::string& path, const Catalog& catalog) {
  const std::string sidecar_path = neural_sidecar_path(path);
  std::string weights, text;
  if (!read_file(path, weights)) fail(path, fmt::format("can't read the model: {}", std::strerror(errno)));
  if (!read_file(sidecar_path, text)) {
    fail(sidecar_path, "can't read the model's sidecar (a model is MODEL.pt plus MODEL.pt.json, both written by "
                       "`bundlesim train`)");
  }
  LoadedModel m;
  try {
    m.sidecar = json::parse(text);
  } catch (const json::exception& e) {
    fail(sidecar_path, fmt::format("not valid JSON: {}", e.what()));
  }
  const json& s = m.sidecar;
  try {
    if (!s.is_object() || !s.contains("format") || s["format"].value("name", "") != kModelFormatName) {
      fail(sidecar_path, "not the sidecar of a bundlesim neural choice model");
    }
    int version = s["format"].at("version").get<int>();
    if (version != kModelFormatVersion) {
      fail(sidecar_path, fmt::format("model format version {}; this build reads version {}", version,
                                     kModelFormatVersion));
    }
    // The weights must be the very file the sidecar was written with.
    const json& w = s.at("weights");
    if (w.at("bytes").get<uint64_t>() != weights.size() || w.at("fnv1a64").get<std::string>() != fnv1a64(weights)) {
      fail(path, fmt::format("the weights don't match their sidecar {} (expected {} bytes with FNV-1a {}, found {} "
                             "bytes with {}): the file is corrupt or from another training run",
                             sidecar_path, w.at("bytes").get<uint64_t>(), w.at("fnv1a64").get<std::string>(),
                             weights.size(), fnv1a64(weights)));
    }
    // Features: what this build computes must be what the model was trained on.
    const json& features = s.at("features");
    int feature_version = features.at("version").get<int>();
    if (feature_version != kFeatureVersion) {
      fail(sidecar_path, fmt::format("trained with feature specification version {}; this build computes version {}{}",
                                     feature_version, kFeatureVersion,
                                     feature_version < kFeatureVersion
                                         ? " (latent classes, docs/neural-model.md): train the model again with "
                                           "`bundlesim train`"
                                         : ""));
    }
    m.segments = features.at("segments").get<int>();
    m.price_scale = features.at("price_scale").get<double>();
    json expected = feature_spec(features.at("items").get<int>(), m.segments, m.price_scale);
    if (features != expected) {
      fail(sidecar_path, fmt::format("feature specification {} differs from this build's {}", features.dump(),
                                     expected.dump()));
    }
    // Catalog: same items in the same order (ids, categories, brands).
    const json& c = s.at("catalog");
    std::string fingerprint = c.at("fingerprint").get<std::string>();
    if (fingerprint != fmt::format("{:016x}", catalog.fingerprint())) {
      std::vector<std::string> ids = c.at("ids").get<std::vector<std::string>>();
      std::string difference;
      for (size_t i = 0; i < std::max(ids.size(), static_cast<size_t>(catalog.size())); ++i) {
        std::string model_id = i < ids.size() ? "\"" + ids[i] + "\"" : "nothing";
        std::string scenario_id = i < static_cast<size_t>(catalog.size()) ? "\"" + catalog.item(i).id + "\"" : "nothing";
        if (model_id != scenario_id) {
          difference = fmt::format("; item {} is {} in the model and {} in the scenario", i, model_id, scenario_id);
          break;
        }
      }
      if (difference.empty()) difference = "; same ids, different categories or brands";
      fail(path, fmt::format("trained on another catalog: fingerprint {} ({} items), the scenario's catalog has {} "
                             "({} items){}",
                             fingerprint, ids.size(), fmt::format("{:016x}", catalog.fingerprint()), catalog.size(),
                             difference));
    }
    if (features.at("items").get<int>() != catalog.size() || m.segments < 1 || !(m.price_scale > 0)) {
      fail(sidecar_path, "feature specification inconsistent with its catalog");
    }
    m.architecture.item_dim = s.at("architecture").at("item_dim").get<int>();
    m.architecture.hidden = s.at("architecture").at("hidden").get<int>();
    m.architecture.classes = s.at("architecture").at("classes").get<int>();
    if (m.architecture.item_dim < 1 || m.architecture.hidden < 1 || m.architecture.classes < 1 ||
        m.architecture.classes > kMaxClasses) {
      fail(sidecar_path, fmt::format("bad architecture {}", s.at("architecture").dump()));
    }
    m.segment_names = s.at("segments").get<std::vector<std::string>>();
    if (static_cast<int>(m.segment_names.size()) != m.segments) {
      fail(sidecar_path, fmt::format("{} segment names for {} segments", m.segment_names.size(), m.segments));
    }
  } catch (const json::exception& e) {
    fail(sidecar_path, fmt::format("malformed sidecar: {}", e.what()));
  }
  m.net = ChoiceNet(catalog.size(), m.segments, m.architecture);
  try {
    torch::serialize::InputArchive archive;
    std::istringstream in(weights);
    archive.load_from(in);
    m.net->load(archive);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    fail(path, fmt::format("LibTorch can't read the weights: {}", what.substr(0, what.find('\n'))));
  }
  return m;
}

}  // namespace bundlesim::neural
