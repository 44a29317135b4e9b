// Known answers for every formula behind the comparisons, the CI gate and the planner. Expected
// numbers come from SciPy 1.10.1 (scipy.stats: ttest_ind(equal_var=False), ttest_rel, chisquare,
// norm.ppf, t.ppf) on the data written here, or from the hand computations shown next to them.

#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

#include "reports/comparisons.h"
#include "reports/cuped.h"
#include "reports/hypothesis_tests.h"
#include "reports/power.h"
#include "reports/srm.h"

using namespace bundlesim;

namespace {

// Visitors with one variable set (the others 0), or two (for ratios and CUPED).
VisitorMoments moments_of(const std::vector<double>& values, int v) {
  VisitorMoments m;
  for (double x : values) {
    VisitorVector row{};
    row[v] = x;
    m.add(row);
  }
  return m;
}

VisitorMoments moments_of(const std::vector<std::pair<double, double>>& rows, int v1, int v2) {
  VisitorMoments m;
  for (auto [a, b] : rows) {
    VisitorVector row{};
    row[v1] = a;
    row[v2] = b;
    m.add(row);
  }
  return m;
}

}  // namespace

TEST_CASE("Welch's t test matches scipy.stats.ttest_ind(equal_var=False)") {
  // x = control, y = treatment. SciPy: t = 3.31764561484, p = 0.00753623069775,
  // Welch-Satterthwaite df = 10.2400620302; 95% CI of the difference with t.ppf(0.975, df).
  VisitorMoments x = moments_of({19.1, 22.4, 18.3, 25.0, 21.7, 20.2}, kRevenue);
  VisitorMoments y = moments_of({24.5, 26.1, 22.8, 27.9, 25.3, 23.0, 28.4}, kRevenue);
  EstimatePair pair = independent_pair(x, y, "revenue_per_visitor");
  CHECK(pair.degrees_of_freedom == doctest::Approx(10.2400620302).epsilon(1e-9));
  PairTest t = test_pair(pair, 0.05);
  CHECK(t.difference == doctest::Approx(4.3119047619).epsilon(1e-9));
  CHECK(t.statistic == doctest::Approx(3.31764561484).epsilon(1e-9));
  CHECK(t.p_value == doctest::Approx(0.00753623069775).epsilon(1e-8));
  CHECK(t.difference_low == doctest::Approx(1.42519504115).epsilon(1e-8));
  CHECK(t.difference_high == doctest::Approx(7.19861448266).epsilon(1e-8));
}

TEST_CASE("the paired t test matches scipy.stats.ttest_rel") {
  // SciPy ttest_rel(t, c): t = 4.69143737724, p = 0.00223074923551; mean difference 1.0375 with
  // 95% CI 1.0375 -+ t.ppf(0.975, 7) * sd(D) / sqrt(8) = [0.51456908072, 1.56043091928].
  std::vector<double> c = {12.0, 15.5, 9.8, 20.1, 14.2, 11.7, 16.3, 13.9};
  std::vector<double> t = {13.1, 16.0, 11.2, 21.5, 14.0, 13.3, 17.9, 14.8};
  std::vector<double> d;
  for (size_t i = 0; i < c.size(); ++i) d.push_back(t[i] - c[i]);
  EstimatePair pair = paired_pair(moments_of(c, kRevenue), moments_of(t, kRevenue), moments_of(d, kRevenue),
                                  "revenue_per_visitor");
  CHECK(pair.degrees_of_freedom == 7);
  PairTest r = test_pair(pair, 0.05);
  CHECK(r.difference == doctest::Approx(1.0375).epsilon(1e-12));
  CHECK(r.statistic == doctest::Approx(4.69143737724).epsilon(1e-9));
  CHECK(r.p_value == doctest::Approx(0.00223074923551).epsilon(1e-8));
  CHECK(r.difference_low == doctest::Approx(0.51456908072).epsilon(1e-9));
  CHECK(r.difference_high == doctest::Approx(1.56043091928).epsilon(1e-9));
  // Relative lift with the covariance of the two means (numpy.cov of t and c over n):
  // lift 0.073127753304, se 0.0168239782019, interval with the same t quantile.
  CHECK(r.lift == doctest::Approx(0.073127753304).epsilon(1e-9));
  CHECK(r.lift_se == doctest::Approx(0.0168239782019).epsilon(1e-9));
  CHECK(r.lift_low == doctest::Approx(0.0333453664492).epsilon(1e-8));
  CHECK(r.lift_high == doctest::Approx(0.112910140159).epsilon(1e-8));
}

TEST_CASE("the relative lift interval is the delta method's, not the absolute interval divided") {
  // By hand: C = 10, Var C = 0.25, T = 11, Var T = 0.36, independent. R = 1.1,
  // Var(lift) = (0.36 + 1.1^2 * 0.25) / 10^2 = 0.006625, se = 0.0813941030; z = 1.95996398454
  // (scipy.stats.norm.ppf(0.975)): interval 0.1 -+ 0.1595295104 = [-0.0595295104, 0.2595295104].
  // The difference 1 has se sqrt(0.61): z = 1.2803687993, two-sided p = 0.200415461693 (SciPy).
  EstimatePair p;
  p.control = 10;
  p.treatment = 11;
  p.control_variance = 0.25;
  p.treatment_variance = 0.36;
  PairTest t = test_pair(p, 0.05);
  CHECK(t.lift == doctest::Approx(0.1));
  CHECK(t.lift_se == doctest::Approx(0.0813941030).epsilon(1e-9));
  CHECK(t.lift_low == doctest::Approx(-0.0595295104).epsilon(1e-8));
  CHECK(t.lift_high == doctest::Approx(0.2595295104).epsilon(1e-8));
  CHECK(t.p_value == doctest::Approx(0.200415461693).epsilon(1e-9));
  // Dividing the absolute interval by C would give [-0.0531, 0.2531]: not what is reported.
  CHECK(std::abs(t.lift_low - (t.difference_low / p.control)) > 0.005);
  // A control of 0 has no relative lift.
  p.control = 0;
  CHECK(std::isnan(test_pair(p, 0.05).lift));
}

TEST_CASE("ratio metrics between independent arms by the delta method") {
  // Per-visitor (revenue, orders). numpy, with Var(R) = (s_xx - 2 R s_xy + R^2 s_yy) / (n ybar^2):
  // R_C = 56, R_T = 66.4285714286, difference 10.4285714286 with se 15.1058135019, z-test
  // p = 0.489962746218 (scipy.stats.norm.sf), lift 0.186224489796 in [-0.372239154167, 0.744688133759].
  VisitorMoments c = moments_of({{0, 0}, {50, 1}, {120, 2}, {0, 0}, {30, 1}, {80, 1}}, kRevenue, kOrders);
  VisitorMoments t = moments_of({{60, 1}, {0, 0}, {200, 2}, {45, 1}, {0, 0}, {90, 2}, {70, 1}}, kRevenue, kOrders);
  PairTest r = test_pair(independent_pair(c, t, "average_order_value"), 0.05);
  CHECK(r.difference == doctest::Approx(10.4285714286).epsilon(1e-9));
  CHECK(r.difference_se == doctest::Approx(15.1058135019).epsilon(1e-9));
  CHECK(r.p_value == doctest::Approx(0.489962746218).epsilon(1e-9));
  CHECK(r.lift == doctest::Approx(0.186224489796).epsilon(1e-9));
  CHECK(r.lift_low == doctest::Approx(-0.372239154167).epsilon(1e-9));
  CHECK(r.lift_high == doctest::Approx(0.744688133759).epsilon(1e-9));
}

TEST_CASE("paired ratio comparisons: the delta-method covariance against the exact linearisation") {
  // 2,000 shoppers with correlated (revenue, orders) in both arms. The exact first-order variance of
  // R_T - R_C is the variance of the per-shopper linearised difference
  //   L = (X_T - R_T Y_T) / Ybar_T - (X_C - R_C Y_C) / Ybar_C,
  // computed here shopper by shopper; paired_pair() sees only the moments and splits one unknown
  // cross term evenly (comparisons.cpp), so it must agree to within a few percent, and exactly when
  // the arms are identical.
  std::vector<std::array<double, 4>> rows;  // x_t, y_t, x_c, y_c
  uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  for (int i = 0; i < 2000; ++i) {
    double taste = uniform();
    double y_c = taste > 0.5 ? 1 + (uniform() < 0.3) : 0;
    double y_t = taste > 0.45 ? 1 + (uniform() < 0.35) : 0;
    double x_c = y_c * (40 + 60 * taste + 10 * uniform());
    double x_t = y_t * (42 + 60 * taste + 10 * uniform());
    rows.push_back({x_t, y_t, x_c, y_c});
  }
  VisitorMoments mt, mc, md;
  for (const auto& r : rows) {
    VisitorVector t{}, c{}, d{};
    t[kRevenue] = r[0], t[kOrders] = r[1], c[kRevenue] = r[2], c[kOrders] = r[3];
    for (int k = 0; k < kVisitorVariables; ++k) d[k] = t[k] - c[k];
    mt.add(t), mc.add(c), md.add(d);
  }
  double rt = mt.mean(kRevenue) / mt.mean(kOrders), rc = mc.mean(kRevenue) / mc.mean(kOrders);
  VisitorMoments linear;
  for (const auto& r : rows) {
    VisitorVector l{};
    l[0] = (r[0] - rt * r[1]) / mt.mean(kOrders) - (r[2] - rc * r[3]) / mc.mean(kOrders);
    linear.add(l);
  }
  double exact = linear.variance(0) / static_cast<double>(rows.size());
  EstimatePair p = paired_pair(mc, mt, md, "average_order_value");
  double approx = p.treatment_variance + p.control_variance - 2 * p.covariance;
  CHECK(approx == doctest::Approx(exact).epsilon(0.03));
  // Identical arms: no variance in the difference at all.
  VisitorMoments zero;
  for (size_t i = 0; i < rows.size(); ++i) zero.add(VisitorVector{});
  EstimatePair same = paired_pair(mc, mc, zero, "average_order_value");
  CHECK(same.treatment_variance + same.control_variance - 2 * same.covariance == doctest::Approx(0).epsilon(1e-12));
}

TEST_CASE("Holm's step-down adjustment") {
  // By hand (Holm 1979): sorted p 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04,
  // made non-decreasing: 0.02, 0.03, 0.06, 0.06; back in input order:
  std::vector<double> adjusted = holm_adjust({0.01, 0.04, 0.03, 0.005});
  CHECK(adjusted[0] == doctest::Approx(0.03));
  CHECK(adjusted[1] == doctest::Approx(0.06));
  CHECK(adjusted[2] == doctest::Approx(0.06));
  CHECK(adjusted[3] == doctest::Approx(0.02));
  // Capped at 1; one test is not adjusted; NaN stays NaN and does not count in m.
  CHECK(holm_adjust({0.6, 0.7}) == std::vector<double>{1, 1});  // 1.2 and 0.7, capped, monotone
  CHECK(holm_adjust({0.03})[0] == 0.03);
  std::vector<double> with_nan = holm_adjust({0.02, NAN});
  CHECK(with_nan[0] == doctest::Approx(0.02));
  CHECK(std::isnan(with_nan[1]));
}

TEST_CASE("sample ratio mismatch: chi-square p-values match scipy.stats.chisquare") {
  // chisquare([50000, 49000], [49500, 49500]): statistic 10.1010101010, p = 0.00148188077472.
  SrmResult a = sample_ratio_test({50000, 49000}, {0.5, 0.5});
  CHECK(a.chi_square == doctest::Approx(10.1010101010).epsilon(1e-10));
  CHECK(a.p_value == doctest::Approx(0.00148188077472).epsilon(1e-9));
  CHECK_FALSE(a.mismatch);  // above the 0.001 threshold
  // chisquare([5100, 2400, 2500], [5000, 2500, 2500]): statistic 6.0, p = 0.0497870683679 (= e^-3).
  SrmResult b = sample_ratio_test({5100, 2400, 2500}, {0.5, 0.25, 0.25});
  CHECK(b.degrees_of_freedom == 2);
  CHECK(b.chi_square == doctest::Approx(6.0));
  CHECK(b.p_value == doctest::Approx(0.0497870683679).epsilon(1e-9));
  // A clear mismatch: 50,000 vs 48,000 gives chi-square 40.8, p ~ 1.7e-10.
  CHECK(sample_ratio_test({50000, 48000}, {0.5, 0.5}).mismatch);
}

TEST_CASE("CUPED: theta and the adjusted variance match numpy") {
  // Y = revenue, X = pre-period spend. numpy: theta = cov(Y, X) / var(X) = 1.2821998007,
  // var(Y - theta (X - mean X)) = 55.8779279466 against var(Y) = 1522.35833333, and
  // 1 - corr(Y, X)^2 = 1 - 0.963295154154 gives the same ratio (Deng et al. 2013, eq. 4).
  std::vector<std::pair<double, double>> rows = {{0, 5},     {0, 0},   {35.5, 40}, {0, 2},  {120, 90},
                                                 {12, 20},   {0, 0},   {60, 55},   {0, 8},  {18, 10}};
  VisitorMoments m = moments_of(rows, kRevenue, kPreSpend);
  CupedFit fit = fit_cuped(m, kRevenue, kPreSpend);
  REQUIRE(fit.usable);
  CHECK(fit.theta == doctest::Approx(1.2821998007).epsilon(1e-9));
  AdjustedSample a = cuped_adjust(m, kRevenue, kPreSpend, fit);
  CHECK(a.mean == doctest::Approx(m.mean(kRevenue)));  // the pooled sample's mean does not move
  CHECK(a.variance == doctest::Approx(55.8779279466).epsilon(1e-9));
  CHECK(a.variance / m.variance(kRevenue) == doctest::Approx(1 - 0.963295154154).epsilon(1e-8));
  // No pre-period variation: nothing to adjust with.
  CHECK_FALSE(fit_cuped(moments_of({1, 2, 3}, kRevenue), kRevenue, kPreSpend).usable);
}

TEST_CASE("sample size for a two-arm comparison") {
  // Two arms with unit variance, delta = 0.5, alpha 0.05, power 0.8: (1.959964 + 0.841621)^2 * 2 / 0.25
  // = 62.7910378748 per arm (scipy.stats.norm.ppf; the textbook z-approximation, Chow, Shao & Wang
  // 2008 section 3.2.1, whose t-based answer is 64).
  CHECK(visitors_per_arm(2, 0.5, 0.05, 0.8) == doctest::Approx(62.7910378748).epsilon(1e-9));
  // sigma2 = 4 + 9, delta = 1.5: 45.3490829096.
  CHECK(visitors_per_arm(13, 1.5, 0.05, 0.8) == doctest::Approx(45.3490829096).epsilon(1e-9));
  // Halving the effect quadruples the sample (the formula's 1 / delta^2).
  CHECK(visitors_per_arm(2, 0.25, 0.05, 0.8) == doctest::Approx(4 * visitors_per_arm(2, 0.5, 0.05, 0.8)));
  CHECK(std::isinf(visitors_per_arm(2, 0, 0.05, 0.8)));
}
