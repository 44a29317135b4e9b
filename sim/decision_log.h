#pragma once
// The event log: one CSV row per decision of a run (`bundlesim run --log-events EVENTS.csv`), with
// what the shopper saw (browsed items, the offer and the propensity with which the arm's policy
// chose it, the whole menu of baskets) and what they did. It is the input of `bundlesim train` and
// of offline policy evaluation. The format, version 1, is specified in docs/event-log.md; a file
// starts with `# key: JSON` lines (catalog, segments, arms) so that it is readable on its own.
//
// The shopper's valuations are never logged: what a learned model knows it learns from choices.

#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "market/catalog.h"
#include "market/choice_batch.h"
#include "market/offer.h"
#include "sim/experiment.h"
#include "sim/scenario.h"

namespace bundlesim {

constexpr int kDecisionLogVersion = 1;

// Writes a log as decisions arrive (RunOptions::on_decision).
class DecisionLogWriter {
 public:
  // Opens `path` and writes the header. Throws std::runtime_error naming the file when it can't.
  DecisionLogWriter(const std::string& path, const Scenario& scenario, uint64_t seed);
  ~DecisionLogWriter();
  void write(const DecisionRecord& record);
  // Flushes and closes; throws std::runtime_error naming the file on a write error.
  void close();
  int64_t rows() const { return rows_; }

 private:
  std::string path_;
  std::ofstream out_;
  std::string line_;
  int64_t rows_ = 0;
};

// A bad log file: the message names the file and, where it applies, the line and column.
class DecisionLogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One row, as read back. The menu is problem `problem` of DecisionLog::menus (valuations are 0:
// they are not in the log).
struct LoggedDecision {
  int arm = 0;
  uint64_t shopper = 0;
  int visit = 0;
  int segment = 0;
  double time_days = 0;
  std::vector<ItemIndex> browsed;
  Offer offer;  // with its propensity
  int problem = 0;
  int chosen = -1;   // basket index in the menu, -1 for nothing
  bool filled = false;
  double revenue = 0;
};

struct LoggedArm {
  std::string name;
  std::string policy;
};

struct DecisionLog {
  std::string file;
  int version = kDecisionLogVersion;
  std::string scenario_name;
  uint64_t seed = 0;
  // The catalog as logged: ids, categories, brands and list prices (at the start of the run), so
  // fingerprint() equals the scenario catalog's.
  Catalog catalog;
  std::vector<std::string> segments;
  std::vector<LoggedArm> arms;
  std::vector<LoggedDecision> decisions;
  ChoiceBatch menus;  // one problem per decision, in order
};

// Reads a whole log. Throws DecisionLogError naming the file, line and column for anything that
// does not follow docs/event-log.md (wrong version, bad number, an item or basket out of range).
DecisionLog read_decision_log(const std::string& path);

}  // namespace bundlesim
