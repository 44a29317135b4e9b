#pragma once
// A scenario, loaded and checked: plain typed values. After load_scenario() nothing re-reads the
// file; policy parameters and the choice-model spec stay JSON because each part parses its own, but
// they were already checked by building every part once at load time.
// The format is documented in docs/scenario-format.md and scenarios/schema.json.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "market/catalog.h"
#include "market/complementarity.h"
#include "market/population.h"
#include "sim/check_spec.h"

namespace bundlesim {

struct ArrivalSpec {
  double shoppers_per_day = 1000;   // mean rate of new shoppers
  std::vector<double> hourly_profile = std::vector<double>(24, 1.0);  // 24 weights, mean 1
};

struct BrowseSpec {
  bool whole_catalog = false;  // every shopper considers every item
  int items = 3;               // otherwise: this many items, drawn by category affinity
};

struct MarketEventSpec {
  enum class Kind { kPriceChange, kRestock };
  Kind kind = Kind::kPriceChange;
  double at_days = 0;
  ItemIndex item = 0;
  double price = 0;    // kPriceChange: the new list price
  int64_t units = 0;   // kRestock: units added
};

struct ArmSpec {
  std::string name;
  std::string policy;
  nlohmann::json params;  // null when the arm has none
  double traffic = 0;     // share of shoppers (design "ab")
};

struct ExperimentSpec {
  enum class Design { kAb, kPaired };
  // Paired by default: comparing policies on the same shoppers needs far fewer of them
  // (docs/statistics.md, "Designs").
  Design design = Design::kPaired;
  int control_arm = 0;
  double alpha = 0.05;
};

struct Scenario {
  std::string file;       // as given on the command line
  std::string directory;  // for relative paths inside the scenario
  std::string json_text;  // the file's text, stored in the report
  std::string name;
  std::string currency = "USD";
  uint64_t seed = 1;
  double horizon_days = 1;
  ArrivalSpec arrivals;
  BrowseSpec browse;
  Catalog catalog;
  Population population;
  nlohmann::json choice_model;  // {"type": ...}
  std::vector<Complementarity> complementarities;
  std::vector<MarketEventSpec> events;
  ExperimentSpec experiment;
  std::vector<ArmSpec> arms;
  std::vector<CheckSpec> checks;  // the CI gate (sim/check_spec.h)
};

// An input error: the file, the JSON path and what is wrong with the value there.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& file, const std::string& where_and_what)
      : std::runtime_error(file + ": " + where_and_what) {}
};

// Reads and checks a scenario file. Throws ScenarioError naming the file and JSON path.
Scenario load_scenario(const std::string& file);
// Same, from text already in memory (`file` is only used in messages and for relative paths).
Scenario parse_scenario(const std::string& text, const std::string& file);

}  // namespace bundlesim
