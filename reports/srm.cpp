#include "reports/srm.h"

#include <boost/math/distributions/chi_squared.hpp>

namespace bundlesim {

SrmResult sample_ratio_test(const std::vector<int64_t>& observed, const std::vector<double>& shares) {
  SrmResult r;
  double total = 0, share_total = 0;
  for (int64_t o : observed) total += static_cast<double>(o);
  for (double s : shares) share_total += s;
  r.degrees_of_freedom = static_cast<int>(observed.size()) - 1;
  for (size_t a = 0; a < observed.size(); ++a) {
    double expected = total * shares[a] / share_total;
    r.expected.push_back(expected);
    if (expected > 0) {
      double d = static_cast<double>(observed[a]) - expected;
      r.chi_square += d * d / expected;
    }
  }
  if (r.degrees_of_freedom < 1 || total == 0) return r;
  r.p_value = boost::math::cdf(boost::math::complement(boost::math::chi_squared(r.degrees_of_freedom), r.chi_square));
  r.mismatch = r.p_value < kSrmThreshold;
  return r;
}

}  // namespace bundlesim
