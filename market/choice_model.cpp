#include "market/choice_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"

namespace bundlesim {

std::unique_ptr<ChoiceModel> make_choice_model(const nlohmann::json& spec, const std::string& path,
                                               const ChoiceModelContext& context) {
  if (!spec.is_object()) throw SpecError(path, fmt::format("must be an object, got {}", show_json(spec)));
  if (!spec.contains("type")) {
    // A misspelt `type` is named where it is, rather than reported as missing.
    for (auto it = spec.begin(); it != spec.end(); ++it) {
      std::string hint = suggestion(it.key(), {"type"});
      if (!hint.empty()) throw SpecError(child_path(path, it.key()), "unknown key" + hint);
    }
    throw SpecError(path, "missing required key `type`");
  }
  std::string type = read_text(spec["type"], child_path(path, "type"));
  const auto& registry = ChoiceModelRegistry::instance();
  const ChoiceModelFactory* factory = registry.find(type);
  if (!factory) {
    std::string list;
    for (const auto& n : registry.names()) list += (list.empty() ? "" : ", ") + n;
    throw SpecError(child_path(path, "type"), fmt::format("unknown choice model \"{}\"{}; known: {}", type,
                                                          suggestion(type, registry.names()), list));
  }
  return (*factory)(spec, path, context);
}

void for_each_problem(int problems, int threads, const std::function<void(int)>& fn) {
  if (threads <= 1 || problems < 256) {
    for (int p = 0; p < problems; ++p) fn(p);
    return;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int p = 0; p < problems; ++p) fn(p);
}

}  // namespace bundlesim
