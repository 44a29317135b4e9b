#pragma once
// Shared by tests/market/neural_*_test.cpp: event logs from the fidelity scenario and small models
// trained on them, in a test's temporary directory.

#include <string>

#include "market/neural_choice.h"
#include "sim/decision_log.h"
#include "sim/experiment.h"
#include "sim/scenario.h"
#include "tests/test_support.h"

namespace bundlesim::testing {

// Runs `scenario` and writes its event log to `path`; returns the number of decisions.
inline int64_t write_event_log(const Scenario& scenario, const std::string& path) {
  DecisionLogWriter writer(path, scenario, scenario.seed);
  RunOptions options;
  options.on_decision = [&writer](const DecisionRecord& r) { writer.write(r); };
  run_experiment(scenario, options);
  writer.close();
  return writer.rows();
}

// Trains on every decision of the log at `log_path` and writes the model to `model_path`.
inline NeuralMetrics train_on_log(const std::string& log_path, const std::string& model_path,
                                  NeuralTrainOptions options) {
  DecisionLog log = read_decision_log(log_path);
  std::vector<int> chosen;
  NeuralTrainingData data;
  for (const LoggedDecision& d : log.decisions) {
    chosen.push_back(d.chosen);
    data.groups.push_back(d.shopper);
  }
  data.catalog = &log.catalog;
  data.segments = log.segments;
  data.menus = &log.menus;
  data.chosen = &chosen;
  data.source = log_path;
  return train_neural_choice(data, options, model_path);
}

// A small model of the fidelity scenario (a few seconds to train): its log covers `days` days.
inline std::string small_model(const TempDir& dir, double days = 0.5) {
  Scenario s = load_scenario(scenario_path("fidelity.json"));
  s.horizon_days = days;
  write_event_log(s, dir.file("events.csv"));
  NeuralTrainOptions options;
  options.epochs = 3;
  options.device = "cpu";
  options.architecture.hidden = 16;
  options.architecture.item_dim = 8;
  train_on_log(dir.file("events.csv"), dir.file("model.pt"), options);
  return dir.file("model.pt");
}

}  // namespace bundlesim::testing
