#pragma once
// Point estimates with standard errors from accumulated moments: means of per-visitor values and
// ratios of two per-visitor sums by the delta method (Deng, Knoblich & Lu, "Applying the Delta
// Method in Metric Analytics", KDD 2018).

#include "sim/visitor_tally.h"

namespace bundlesim {

struct Estimate {
  double value = 0;
  double standard_error = 0;  // NaN when it can't be estimated
};

// Mean per visitor of variable `v`.
Estimate mean_of(const VisitorMoments& m, int v);
// sum(numerator) / sum(denominator); NaN when the denominator is zero.
Estimate ratio_of(const VisitorMoments& m, int numerator, int denominator);
// The two-sided standard normal quantile for a confidence level (1.959964 for 0.95).
double normal_quantile(double probability);

}  // namespace bundlesim
