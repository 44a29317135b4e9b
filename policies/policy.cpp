#include "policies/policy.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"

namespace bundlesim {

std::unique_ptr<Policy> make_policy(const std::string& name, const std::string& name_path,
                                    const nlohmann::json& params, const std::string& params_path,
                                    const PolicyContext& context) {
  const auto& registry = PolicyRegistry::instance();
  const PolicyFactory* factory = registry.find(name);
  if (!factory) {
    std::string list;
    for (const auto& n : registry.names()) list += (list.empty() ? "" : ", ") + n;
    throw SpecError(name_path, fmt::format("unknown policy \"{}\"{}; known: {}", name,
                                           suggestion(name, registry.names()), list));
  }
  return (*factory)(params, params_path, context);
}

}  // namespace bundlesim
