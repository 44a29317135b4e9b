#pragma once
// Offline evaluation checked against the simulator's ground truth: a small shop logs a randomised
// policy (random_offers), two other policies (control, and a discounted phone + case bundle) are
// evaluated offline from that log, and simulating them gives their true value. Used by the test
// tests/reports/ope_ground_truth_test.cpp and by `bundlesim bench --ope-sim`.

#include <cstdint>
#include <string>
#include <vector>

#include "reports/ope_evaluation.h"

namespace bundlesim {

struct GroundTruthTarget {
  std::string name;          // "control", "phone+case bundle"
  EvaluationPolicySpec spec;  // a registered policy
  double true_value = 0;     // mean revenue per decision, simulated
  double true_value_standard_error = 0;
};

// The target policies and their true values from simulating `shoppers` shoppers with seed
// `seed` (both policies see the same shoppers: design paired).
std::vector<GroundTruthTarget> ground_truth_targets(int64_t shoppers, uint64_t seed);

// Simulates `shoppers` shoppers under the logging policy with seed `seed`, writes the decision log
// to `log_file` and reads it back as a bandit log.
BanditLog simulate_logged_rounds(const std::string& log_file, int64_t shoppers, uint64_t seed);

}  // namespace bundlesim
