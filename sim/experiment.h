#pragma once
// The experiment runner: simulates a scenario's shoppers through its arms and returns what each arm
// accumulated. Design "ab" sends each shopper to one arm by traffic share (as a live test would);
// design "paired" lets every shopper live through every arm with the same random draws.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "market/choice_batch.h"
#include "market/offer.h"
#include "sim/scenario.h"
#include "sim/visitor_tally.h"

namespace bundlesim {

struct RunProgress {
  double time_days = 0;
  double horizon_days = 0;
  int64_t shoppers = 0;
  int64_t events = 0;
};

// One decision as it happened, for logs and offline evaluation (see docs/event-log.md).
struct DecisionRecord {
  int arm = 0;
  uint64_t shopper = 0;
  int visit = 0;
  int segment = 0;
  double time_days = 0;
  const std::vector<ItemIndex>* browsed = nullptr;
  const Offer* offer = nullptr;
  const ChoiceBatch* batch = nullptr;  // the menu is problem `problem` of this batch
  int problem = 0;
  int chosen = -1;  // basket index in the menu, -1 for nothing
  bool filled = false;
};

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's seed
  int threads = 1;               // worker threads for choice batches (results do not depend on it)
  std::function<void(const RunProgress&)> on_progress;       // called every few thousand events
  std::function<void(const DecisionRecord&)> on_decision;    // called for every decision, in order
};

struct RunResult {
  uint64_t seed = 0;
  std::vector<ArmTotals> arms;
  // Design "paired": per arm, the moments of (arm - control) per shopper; empty for "ab".
  std::vector<VisitorMoments> paired_differences;
  int64_t shoppers = 0;
  int64_t events = 0;
  int64_t decisions = 0;
  double wall_seconds = 0;
};

// Runs the scenario. Throws std::runtime_error for failures while running (a model that fails).
RunResult run_experiment(const Scenario& scenario, const RunOptions& options);

}  // namespace bundlesim
