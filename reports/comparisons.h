#pragma once
// Every treatment arm against the control arm, metric by metric: the difference and the relative
// lift with confidence intervals at level 1 - alpha, the p-value and its Holm adjustment across the
// treatment arms. Computed from the per-visitor moments the engine accumulated (and a report
// stores), so a report's comparisons can be recomputed from it. Methods per metric and design, with
// their sources, are in docs/statistics.md:
//   mean metrics (conversion, revenue and margin per visitor): Welch's t ("ab"), paired t ("paired");
//   ratio metrics (order value, items per order, bundle take rate): delta method;
//   revenue and margin per visitor under "ab" also CUPED-adjusted, with the variance reduction.

#include <cstdint>
#include <string>
#include <vector>

#include "reports/hypothesis_tests.h"
#include "reports/srm.h"
#include "sim/experiment.h"

namespace bundlesim {

struct Comparison {
  std::string metric;
  std::string arm, control;
  int arm_index = 0, control_index = 0;
  // "welch", "paired_t", "delta" or "paired_delta".
  std::string method;
  bool cuped = false;  // the CUPED-adjusted row of a revenue metric
  double control_value = 0, arm_value = 0;
  PairTest test;
  double p_value_adjusted = 0;  // Holm over the treatment arms, per metric (and CUPED or not)
  bool significant = false;     // p_value_adjusted < alpha
  // Variance of the difference without over with the variance reduction: CUPED's for a CUPED row,
  // pairing's ("ab" analysis of the same shoppers over "paired") under "paired"; NaN otherwise.
  double variance_reduction = 0;
  int64_t control_n = 0, arm_n = 0;
};

struct ComparisonSet {
  bool paired = false;
  double alpha = 0.05;
  int control = 0;
  std::vector<Comparison> comparisons;
  SrmResult srm;                      // "ab" only (a paired run has every shopper in every arm)
  std::vector<std::string> warnings;  // for the summary and the report's `warnings` table
  // Design "ab" with stock-outs: the arms drew on one stock, so each arm's sales changed what the
  // others could sell, and the differences include that interference. Its warning follows the
  // sample ratio mismatch's, when there is one.
  bool shared_stock = false;
  const Comparison* find(const std::string& metric, const std::string& arm, bool cuped = false) const;
};

// What the comparisons need from one arm.
struct ArmSample {
  std::string name;
  double traffic = 0;
  VisitorMoments visitors;
  VisitorMoments paired_difference;  // (arm - control) per shopper; count() == 0 unless paired
};

// REQUIRES: control < arms.size(); alpha in (0, 1); when paired, every arm has paired_difference.
ComparisonSet compare_arms(const std::vector<ArmSample>& arms, int control, bool paired, double alpha);
// The same from a finished run.
ComparisonSet compare_run(const Scenario& scenario, const RunResult& result);

// The estimate pair of `metric` (one of comparable_metrics()) between two independent samples,
// e.g. the same arm in two reports.
EstimatePair independent_pair(const VisitorMoments& control, const VisitorMoments& treatment, const std::string& metric);
// The estimate pair of `metric` for two arms run on the same shoppers; `difference` holds the
// per-shopper moments of (treatment - control).
EstimatePair paired_pair(const VisitorMoments& control, const VisitorMoments& treatment,
                         const VisitorMoments& difference, const std::string& metric);

}  // namespace bundlesim
