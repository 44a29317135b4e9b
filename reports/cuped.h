#pragma once
// CUPED: variance reduction with a pre-experiment covariate (Deng, Xu, Kohavi & Walker, "Improving
// the Sensitivity of Online Controlled Experiments by Utilizing Pre-Experiment Data", WSDM 2013).
// Each visitor's Y is replaced by Y - theta (X - mean X), theta = Cov(Y, X) / Var(X) estimated on
// the arms pooled; the mean of Y is unchanged in expectation (X is fixed before treatment) and its
// variance shrinks by the factor 1 - rho^2.

#include "sim/visitor_tally.h"

namespace bundlesim {

struct CupedFit {
  double theta = 0;           // Cov(Y, X) / Var(X)
  double covariate_mean = 0;  // pooled mean of X
  bool usable = false;        // false when X does not vary (no pre-period data): no adjustment
};

// Fits theta on `pooled` (every arm of the comparison merged).
CupedFit fit_cuped(const VisitorMoments& pooled, int metric, int covariate);

// One arm's CUPED-adjusted mean and per-visitor variance:
//   mean = Ybar - theta (Xbar - pooled Xbar),  variance = s_yy - 2 theta s_xy + theta^2 s_xx.
struct AdjustedSample {
  double mean = 0, variance = 0, n = 0;
};
AdjustedSample cuped_adjust(const VisitorMoments& arm, int metric, int covariate, const CupedFit& fit);

}  // namespace bundlesim
