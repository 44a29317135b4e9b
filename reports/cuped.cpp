#include "reports/cuped.h"

#include <algorithm>
#include <cmath>

namespace bundlesim {

CupedFit fit_cuped(const VisitorMoments& pooled, int metric, int covariate) {
  CupedFit fit;
  double variance = pooled.variance(covariate);
  fit.covariate_mean = pooled.mean(covariate);
  if (!(variance > 0)) return fit;
  fit.theta = pooled.covariance(metric, covariate) / variance;
  fit.usable = std::isfinite(fit.theta);
  if (!fit.usable) fit.theta = 0;
  return fit;
}

AdjustedSample cuped_adjust(const VisitorMoments& arm, int metric, int covariate, const CupedFit& fit) {
  AdjustedSample a;
  a.n = static_cast<double>(arm.count());
  double theta = fit.usable ? fit.theta : 0;
  a.mean = arm.mean(metric) - theta * (arm.mean(covariate) - fit.covariate_mean);
  a.variance = std::max(0.0, arm.variance(metric) - 2 * theta * arm.covariance(metric, covariate) +
                                 theta * theta * arm.variance(covariate));
  if (arm.count() < 2) a.variance = arm.variance(metric);  // NaN
  return a;
}

}  // namespace bundlesim
