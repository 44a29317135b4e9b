#pragma once
// The CI gate: evaluates a scenario's checks (sim/check_spec.h) on a finished run, against its
// control arm or against the same arm in a baseline report. A check fails when the arm's relative
// lift is below -max_drop and, for a `significant` check, the drop is also statistically significant
// (two-sided, Holm-adjusted over the scenario's significant checks, at the scenario's alpha). A check
// whose metric is undefined (no orders, no bundle shown) fails: a gate that can't tell doesn't pass.

#include <stdexcept>
#include <string>
#include <vector>

#include "reports/comparisons.h"
#include "reports/report_file.h"

namespace bundlesim {

// Bad input found while evaluating (a baseline without the arm, a missing --baseline): exit 2.
class CheckInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckOutcome {
  CheckSpec spec;
  std::string arm, reference;  // reference: the control arm's name, or "baseline"
  bool passed = false;
  double reference_value = 0, arm_value = 0;
  PairTest test;               // arm - reference, lift with its interval
  double p_value_adjusted = 0; // Holm over the significant checks; the raw p for the others
  std::string line;            // "PASS revenue_per_visitor of x vs control: lift -1.20% [...]..."
};

// `baseline` may be null when no check compares with a baseline. Throws CheckInputError.
std::vector<CheckOutcome> evaluate_checks(const Scenario& scenario, const RunResult& result,
                                          const ComparisonSet& comparisons, const StoredRun* baseline);

}  // namespace bundlesim
