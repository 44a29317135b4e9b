#include "reports/power.h"

#include <cmath>

#include <boost/math/distributions/normal.hpp>

namespace bundlesim {

double visitors_per_arm(double sigma2, double delta, double alpha, double power) {
  boost::math::normal z;
  double total = boost::math::quantile(z, 1 - alpha / 2) + boost::math::quantile(z, power);
  if (delta == 0) return INFINITY;
  return total * total * sigma2 / (delta * delta);
}

}  // namespace bundlesim
