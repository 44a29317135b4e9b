#pragma once
// Logged bandit feedback for offline policy evaluation: for each round, what was known about the
// context, which action the logging policy took (at which position of a slate), the probability
// with which it took it, and the reward that followed. Readers fill it from the Open Bandit Dataset
// (Saito et al. 2021) or from the simulator's decision log; docs/offline-evaluation.md describes
// both formats and what each field means for them.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace bundlesim {

// A malformed log: "FILE: line N: what is wrong". A ScenarioError, so the command line treats it
// as bad input (exit 2).
class LogError : public ScenarioError {
 public:
  LogError(const std::string& file, int64_t line, const std::string& what);
  // For problems with the whole file (unreadable, empty, missing a column).
  LogError(const std::string& file, const std::string& what) : ScenarioError(file, what) {}
};

struct SimulatorRounds;  // reports/ope_sim_log.h

// A numeric feature of each (round, action) pair, such as the OBD's user-item affinity columns
// `user-item_affinity_0 .. user-item_affinity_{K-1}`.
struct PairFeature {
  std::string name;           // the column prefix, e.g. "user-item_affinity_"
  std::vector<float> values;  // rounds x actions, row-major
};

struct BanditLog {
  std::string source;     // the file the rounds came from
  std::string format;     // "obd" or "simulator"
  int actions = 0;        // actions are 0 .. actions-1
  int positions = 1;      // positions are 0 .. positions-1 (0 = first slot)
  std::vector<std::string> action_names;  // one per action, for messages and reports

  // One entry per round.
  std::vector<int> action;
  std::vector<int> position;
  std::vector<double> reward;
  // Probability that the logging policy took `action` at `position` in this round; in (0, 1].
  std::vector<double> propensity;
  std::vector<int64_t> line;  // the round's line in `source` (1-based), for messages

  // Context of each round (rounds x context_dim, row-major): one-hot categorical features and
  // numbers. Input to the reward model only; policies use named pair features.
  int context_dim = 0;
  std::vector<float> context;
  // Features of each action (actions x action_feature_dim, row-major), e.g. item features.
  int action_feature_dim = 0;
  std::vector<float> action_features;
  std::vector<PairFeature> pair_features;
  // Features of (round, action) pairs computed on demand, for logs with too many actions for a
  // dense table (the simulator's offers): writes pair_function_dim numbers to `out`.
  int pair_function_dim = 0;
  std::function<void(size_t round, int action, float* out)> pair_function;
  // Whether the reward model learns an embedding per action: right for a few dozen items seen
  // hundreds of times each, wrong for offers that rarely repeat (they are described by features).
  bool action_embedding = true;
  // The decisions behind a simulator log, for scoring registered policies; null for other formats.
  std::shared_ptr<SimulatorRounds> simulator;

  size_t rounds() const { return action.size(); }
  // Returns nullptr when the log has no pair feature with this name.
  const PairFeature* find_pair_feature(const std::string& name) const;
};

// Reads an Open Bandit Dataset campaign file (`{policy}/{campaign}/{campaign}.csv`), with the item
// features of `item_context.csv` from the same folder when that file exists. `path` may also name
// the folder. Throws LogError naming the file and line of a malformed row, a missing or
// non-positive propensity, or an item outside item_context.csv.
BanditLog read_obd_log(const std::string& path);

// Reads a simulator decision log (docs/event-log.md): the rounds of arm `arm`, or, when `arm` is
// empty, of its only arm or only randomised arm (reports/ope_sim_log.cpp).
BanditLog read_simulator_log(const std::string& path, const std::string& arm);

// Reads a log in any supported format, recognised by its first line; `arm` selects the logging
// arm of a simulator log (empty: automatic) and must be empty for other formats.
BanditLog read_bandit_log(const std::string& path, const std::string& arm = "");

}  // namespace bundlesim
