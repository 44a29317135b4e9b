#include "reports/hypothesis_tests.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace bundlesim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Two-sided tail probability of |statistic|.
double two_sided_p(double statistic, double degrees_of_freedom) {
  if (!std::isfinite(statistic)) return std::isnan(statistic) ? kNaN : 0.0;
  double tail = std::isfinite(degrees_of_freedom)
                    ? boost::math::cdf(boost::math::complement(boost::math::students_t(degrees_of_freedom), std::abs(statistic)))
                    : boost::math::cdf(boost::math::complement(boost::math::normal(), std::abs(statistic)));
  return std::min(1.0, 2 * tail);
}

}  // namespace

double critical_value(double alpha, double degrees_of_freedom) {
  if (std::isfinite(degrees_of_freedom)) {
    return boost::math::quantile(boost::math::complement(boost::math::students_t(degrees_of_freedom), alpha / 2));
  }
  return boost::math::quantile(boost::math::complement(boost::math::normal(), alpha / 2));
}

PairTest test_pair(const EstimatePair& p, double alpha) {
  PairTest t;
  double df = p.degrees_of_freedom;
  bool usable = std::isfinite(p.control) && std::isfinite(p.treatment) && std::isfinite(p.control_variance) &&
                std::isfinite(p.treatment_variance) && std::isfinite(p.covariance) && df > 0;
  if (!usable) {
    return {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  }
  double q = critical_value(alpha, df);
  t.difference = p.treatment - p.control;
  double variance = std::max(0.0, p.treatment_variance + p.control_variance - 2 * p.covariance);
  t.difference_se = std::sqrt(variance);
  t.difference_low = t.difference - q * t.difference_se;
  t.difference_high = t.difference + q * t.difference_se;
  if (t.difference_se > 0) {
    t.statistic = t.difference / t.difference_se;
    t.p_value = two_sided_p(t.statistic, df);
  } else {
    // No sampling variation at all: identical arms are not different; otherwise the difference is certain.
    t.statistic = t.difference == 0 ? 0 : std::copysign(INFINITY, t.difference);
    t.p_value = t.difference == 0 ? 1 : 0;
  }
  if (p.control == 0) {
    t.lift = t.lift_se = t.lift_low = t.lift_high = kNaN;
  } else {
    // Delta method for T / C (first-order Taylor expansion; Deng, Knoblich & Lu 2018, section 3).
    double r = p.treatment / p.control;
    double lift_variance =
        (p.treatment_variance - 2 * r * p.covariance + r * r * p.control_variance) / (p.control * p.control);
    t.lift = r - 1;
    t.lift_se = std::sqrt(std::max(0.0, lift_variance));
    t.lift_low = t.lift - q * t.lift_se;
    t.lift_high = t.lift + q * t.lift_se;
  }
  return t;
}

EstimatePair welch_pair(double control_mean, double control_variance, double control_n, double treatment_mean,
                        double treatment_variance, double treatment_n) {
  EstimatePair p;
  p.control = control_mean;
  p.treatment = treatment_mean;
  p.control_variance = control_variance / control_n;
  p.treatment_variance = treatment_variance / treatment_n;
  // Welch-Satterthwaite: (a + b)^2 / (a^2 / (n_a - 1) + b^2 / (n_b - 1)), a = s_a^2 / n_a.
  double a = p.control_variance, b = p.treatment_variance;
  double denominator = a * a / (control_n - 1) + b * b / (treatment_n - 1);
  p.degrees_of_freedom = denominator > 0 ? (a + b) * (a + b) / denominator : INFINITY;
  if (control_n < 2 || treatment_n < 2) p.degrees_of_freedom = kNaN;
  return p;
}

std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  std::vector<size_t> order;
  for (size_t i = 0; i < p_values.size(); ++i) {
    if (!std::isnan(p_values[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(p_values.size(), kNaN);
  const double m = static_cast<double>(order.size());
  double running = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(k)) * p_values[order[k]]));
    adjusted[order[k]] = running;
  }
  return adjusted;
}

}  // namespace bundlesim
