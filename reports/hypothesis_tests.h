#pragma once
// The tests behind every comparison, on summary numbers only (means, variances, counts), so they can
// be checked against hand computations and be recomputed from a report's stored moments. Formulas and
// sources are in docs/statistics.md.

#include <limits>
#include <vector>

namespace bundlesim {

// Two estimates, of the control and of a treatment, with their sampling (co)variances.
struct EstimatePair {
  double control = 0, treatment = 0;
  double control_variance = 0, treatment_variance = 0;  // variances of the estimates, not of a visitor
  double covariance = 0;                                // 0 for independent samples
  // Degrees of freedom of the difference's t statistic; infinity means a z (normal) test.
  double degrees_of_freedom = std::numeric_limits<double>::infinity();
};

// Result of a two-sided test of treatment - control = 0, with intervals at level 1 - alpha.
struct PairTest {
  double difference = 0, difference_se = 0, difference_low = 0, difference_high = 0;
  double lift = 0, lift_se = 0, lift_low = 0, lift_high = 0;  // relative: treatment / control - 1
  double statistic = 0, p_value = 0;
};

// Tests the difference (t with the pair's degrees of freedom, or z) and estimates the relative
// lift with a delta-method interval (never by dividing the ends of the absolute interval):
//   Var(T/C) ~ (Var T - 2 R Cov(T, C) + R^2 Var C) / C^2,  R = T / C   (Deng, Knoblich & Lu 2018).
// NaN fields where an input is missing or the control is 0 (the lift).
// REQUIRES: alpha in (0, 1).
PairTest test_pair(const EstimatePair& pair, double alpha);

// Welch's t test inputs for two independent samples of per-visitor values (Welch 1947): variances of
// the means s^2 / n and Welch-Satterthwaite degrees of freedom.
// `*_variance` here are per-visitor sample variances (n - 1 denominator).
EstimatePair welch_pair(double control_mean, double control_variance, double control_n, double treatment_mean,
                        double treatment_variance, double treatment_n);

// Holm's step-down adjustment of p-values for a family of tests (Holm 1979): in ascending order,
// p_(i) * (m - i + 1), made monotone and capped at 1. Rejecting adjusted p < alpha controls the
// family-wise error rate at alpha. NaN entries are left NaN and not counted in m.
std::vector<double> holm_adjust(const std::vector<double>& p_values);

// Quantiles used above: two-sided critical value for level 1 - alpha with `df` degrees of freedom
// (normal when df is infinite).
double critical_value(double alpha, double degrees_of_freedom);

}  // namespace bundlesim
