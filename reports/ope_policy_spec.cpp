#include "reports/ope_policy_spec.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "market/spec_reader.h"
#include "reports/ope_sim_log.h"

namespace bundlesim {

double ActionDistribution::probability_of(size_t i, int a) const {
  for (int64_t k = offset[i]; k < offset[i + 1]; ++k) {
    if (action[k] == a) return probability[k];
  }
  return 0;
}

std::string EvaluationPolicySpec::describe(const BanditLog& log) const {
  switch (type) {
    case Type::kUniform: return fmt::format("uniform over {} actions", log.actions);
    case Type::kFixed:
      return fmt::format("fixed: always {}",
                         action < static_cast<int>(log.action_names.size()) ? log.action_names[action]
                                                                            : fmt::format("action {}", action));
    case Type::kSoftmax: return fmt::format("softmax of {}* at temperature {}", score_prefix, temperature);
    case Type::kRegistered: return fmt::format("registered policy {} {}", policy, params.is_null() ? "{}" : params.dump());
  }
  return "";
}

EvaluationPolicySpec parse_evaluation_policy(const nlohmann::json& spec, const std::string& path) {
  EvaluationPolicySpec p;
  // Which keys are allowed depends on the type, so read the type first with a permissive reader.
  if (!spec.is_object()) throw SpecError(path.empty() ? "/" : path, fmt::format("must be an object, got {}", show_json(spec)));
  std::string type;
  {
    auto it = spec.find("type");
    if (it == spec.end()) throw SpecError(path.empty() ? "/" : path, "missing required key `type`");
    type = read_text(*it, child_path(path, "type"));
  }
  if (type == "uniform") {
    SpecReader r(spec, path, {"type", "description"});
    r.text_or("description", "");
    p.type = EvaluationPolicySpec::Type::kUniform;
  } else if (type == "fixed") {
    SpecReader r(spec, path, {"type", "description", "action"});
    r.text_or("description", "");
    p.type = EvaluationPolicySpec::Type::kFixed;
    p.action = static_cast<int>(r.integer("action", 0, 1 << 30));
  } else if (type == "softmax") {
    SpecReader r(spec, path, {"type", "description", "score_prefix", "temperature"});
    r.text_or("description", "");
    p.type = EvaluationPolicySpec::Type::kSoftmax;
    p.score_prefix = r.text("score_prefix");
    if (p.score_prefix.empty()) r.fail("score_prefix", "must not be empty");
    p.temperature = r.number_or("temperature", 1.0, Range::positive());
  } else if (type == "policy") {
    SpecReader r(spec, path, {"type", "description", "policy", "params", "seed"});
    r.text_or("description", "");
    p.type = EvaluationPolicySpec::Type::kRegistered;
    p.policy = r.text("policy");
    if (const nlohmann::json* params = r.raw_optional("params")) p.params = *params;
    p.seed = static_cast<uint64_t>(r.integer_or("seed", 1, 0, int64_t{1} << 53));
  } else {
    std::vector<std::string> types = {"uniform", "fixed", "softmax", "policy"};
    throw SpecError(child_path(path, "type"), fmt::format("unknown policy type \"{}\"{}; known: uniform, fixed, softmax, policy",
                                                          type, suggestion(type, types)));
  }
  return p;
}

EvaluationPolicySpec load_evaluation_policy(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file, fmt::format("can't read the file: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    throw ScenarioError(file, fmt::format("byte {}: not valid JSON: {}", e.byte, what.substr(what.find(':') + 2)));
  }
  try {
    EvaluationPolicySpec spec = parse_evaluation_policy(root, "");
    spec.file = file;
    return spec;
  } catch (const SpecError& e) {
    throw ScenarioError(file, e.describe());
  }
}

ActionDistribution action_distribution(const EvaluationPolicySpec& spec, BanditLog& log) {
  const std::string where = spec.file.empty() ? "policy" : spec.file;
  const size_t n = log.rounds();
  const int k = log.actions;
  if (spec.type == EvaluationPolicySpec::Type::kRegistered) {
    if (!log.simulator) {
      throw ScenarioError(where, fmt::format("/type: \"policy\" evaluates a registered bundle policy on a simulator "
                                             "decision log; {} is a {} log (use uniform, fixed or softmax)",
                                             log.source, log.format));
    }
    try {
      return score_registered_policy(spec.policy, spec.params, "", spec.seed, log);
    } catch (const SpecError& e) {
      throw ScenarioError(where, e.describe());
    }
  }
  if (log.simulator) {
    throw ScenarioError(where, fmt::format("/type: {} policies choose among items; {} is a simulator decision log, "
                                           "whose actions are offers: use {{\"type\": \"policy\", \"policy\": NAME, "
                                           "\"params\": {{...}}}}",
                                           spec.type == EvaluationPolicySpec::Type::kUniform ? "uniform"
                                           : spec.type == EvaluationPolicySpec::Type::kFixed ? "fixed"
                                                                                             : "softmax",
                                           log.source));
  }
  ActionDistribution d;
  d.offset.reserve(n + 1);
  switch (spec.type) {
    case EvaluationPolicySpec::Type::kRegistered: break;  // handled above
    case EvaluationPolicySpec::Type::kUniform:
      d.action.reserve(n * k);
      d.probability.assign(n * k, 1.0 / k);
      for (size_t i = 0; i < n; ++i) {
        for (int a = 0; a < k; ++a) d.action.push_back(a);
        d.offset.push_back(d.action.size());
      }
      break;
    case EvaluationPolicySpec::Type::kFixed:
      if (spec.action >= k) {
        throw ScenarioError(where, fmt::format("/action: must be an action of the log, 0..{} ({} has {} actions), got {}",
                                               k - 1, log.source, k, spec.action));
      }
      d.action.assign(n, spec.action);
      d.probability.assign(n, 1.0);
      for (size_t i = 0; i < n; ++i) d.offset.push_back(i + 1);
      break;
    case EvaluationPolicySpec::Type::kSoftmax: {
      const PairFeature* scores = log.find_pair_feature(spec.score_prefix);
      if (!scores) {
        std::vector<std::string> names;
        std::string list;
        for (const PairFeature& f : log.pair_features) {
          names.push_back(f.name);
          list += (list.empty() ? "" : ", ") + f.name;
        }
        throw ScenarioError(where, fmt::format("/score_prefix: {} has no columns \"{}0\" .. \"{}{}\"{}; it has: {}",
                                               log.source, spec.score_prefix, spec.score_prefix, k - 1,
                                               suggestion(spec.score_prefix, names), list.empty() ? "none" : list));
      }
      d.action.reserve(n * k);
      d.probability.reserve(n * k);
      std::vector<double> z(k);
      for (size_t i = 0; i < n; ++i) {
        // Subtract the largest score before exponentiating so that no term overflows.
        const float* s = &scores->values[i * k];
        double top = *std::max_element(s, s + k) / spec.temperature;
        double total = 0;
        for (int a = 0; a < k; ++a) total += z[a] = std::exp(s[a] / spec.temperature - top);
        for (int a = 0; a < k; ++a) {
          d.action.push_back(a);
          d.probability.push_back(z[a] / total);
        }
        d.offset.push_back(d.action.size());
      }
      break;
    }
  }
  return d;
}

}  // namespace bundlesim
