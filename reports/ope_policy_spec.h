#pragma once
// Evaluation policies for offline evaluation, as written in a policy spec file:
//   {"type": "uniform"}                         every action equally likely
//   {"type": "fixed", "action": K}              always action (item) K, in every position
//   {"type": "softmax", "score_prefix": "user-item_affinity_", "temperature": T}
//                                               P(K) proportional to exp(column PREFIX+K / T)
//   {"type": "policy", "policy": NAME, "params": {...}, "seed": S}
//                                               a registered policy in scoring mode (simulator logs)
// A spec is parsed once (errors name the JSON path); action_distribution() then gives the
// policy's probabilities over the actions of each logged round.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/ope_logs.h"

namespace bundlesim {

struct EvaluationPolicySpec {
  enum class Type { kUniform, kFixed, kSoftmax, kRegistered };
  Type type = Type::kUniform;
  int action = 0;            // kFixed
  std::string score_prefix;  // kSoftmax: the pair feature holding each action's score
  double temperature = 1;    // kSoftmax, > 0
  std::string policy;        // kRegistered: the registered name
  nlohmann::json params;     // kRegistered: its parameters (null when none)
  uint64_t seed = 1;         // kRegistered: for randomised policies
  std::string file;          // where the spec came from, for messages ("" when not from a file)

  // "uniform", "fixed item 3", "softmax over user-item_affinity_* at temperature 0.5"
  std::string describe(const BanditLog& log) const;
};

// For each round i, the entries [offset[i], offset[i+1]) list the actions the evaluation policy
// may take in that round and their probabilities (which sum to 1). Actions with probability 0 are
// left out, so a deterministic policy costs one entry per round.
struct ActionDistribution {
  std::vector<int64_t> offset{0};
  std::vector<int> action;
  std::vector<double> probability;
  // When not empty: the policy's probability of the logged action of each round, as the policy
  // itself computed it (scoring mode). The entries above may then be a sample of the policy.
  std::vector<double> logged_probability;

  size_t rounds() const { return offset.size() - 1; }
  // The probability of action `a` in round `i` (0 when not listed).
  double probability_of(size_t i, int a) const;
};

// Parses a spec object at JSON path `path`. Throws SpecError.
EvaluationPolicySpec parse_evaluation_policy(const nlohmann::json& spec, const std::string& path);
// Reads and parses a spec file. Throws ScenarioError naming the file and JSON path.
EvaluationPolicySpec load_evaluation_policy(const std::string& file);

// The policy's probabilities in every round of `log`. Throws ScenarioError (naming the spec file
// and JSON path) when the spec does not fit the log: an action outside the log's actions, a score
// prefix with no matching columns, an item policy on a simulator log or the reverse. A registered
// policy adds its offers to the log's action table.
ActionDistribution action_distribution(const EvaluationPolicySpec& spec, BanditLog& log);

}  // namespace bundlesim
