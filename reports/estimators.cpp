#include "reports/estimators.h"

#include <cmath>
#include <limits>

#include <boost/math/distributions/normal.hpp>

namespace bundlesim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

Estimate mean_of(const VisitorMoments& m, int v) {
  if (m.count() == 0) return {kNaN, kNaN};
  double n = static_cast<double>(m.count());
  return {m.mean(v), m.count() < 2 ? kNaN : std::sqrt(m.variance(v) / n)};
}

Estimate ratio_of(const VisitorMoments& m, int numerator, int denominator) {
  double mean_y = m.mean(denominator);
  if (m.count() == 0 || mean_y == 0) return {kNaN, kNaN};
  double n = static_cast<double>(m.count());
  double ratio = m.mean(numerator) / mean_y;
  // Var(X̄/Ȳ) ≈ (s_xx - 2 R s_xy + R² s_yy) / (n Ȳ²)   (first-order Taylor expansion)
  double variance = (m.variance(numerator) - 2 * ratio * m.covariance(numerator, denominator) +
                     ratio * ratio * m.variance(denominator)) / (n * mean_y * mean_y);
  return {ratio, m.count() < 2 ? kNaN : std::sqrt(std::max(0.0, variance))};
}

double normal_quantile(double probability) {
  return boost::math::quantile(boost::math::normal(), probability);
}

}  // namespace bundlesim
