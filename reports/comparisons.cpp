#include "reports/comparisons.h"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/cuped.h"
#include "reports/estimators.h"
#include "reports/run_summary.h"

namespace bundlesim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// How each comparable metric is built from the per-visitor variables (same order as
// comparable_metrics()).
struct MetricDefinition {
  const char* name;
  int numerator;
  int denominator;  // -1: a mean per visitor
  bool cuped;       // also reported CUPED-adjusted under "ab"
};
constexpr MetricDefinition kMetricDefinitions[] = {
    {"conversion_rate", kConverted, -1, false},   {"revenue_per_visitor", kRevenue, -1, true},
    {"margin_per_visitor", kMargin, -1, true},    {"average_order_value", kRevenue, kOrders, false},
    {"items_per_order", kItems, kOrders, false},  {"bundle_take_rate", kBundleOrders, kBundleOffers, false},
};

const MetricDefinition& definition_of(const std::string& metric) {
  for (const MetricDefinition& d : kMetricDefinitions) {
    if (metric == d.name) return d;
  }
  throw std::invalid_argument("not a comparable metric: " + metric);
}

// Cov(A_T, A_C) for two arms on the same shoppers, from Var(A_T - A_C) = Var A_T + Var A_C - 2 Cov.
double cross_covariance(const VisitorMoments& control, const VisitorMoments& treatment,
                        const VisitorMoments& difference, int v) {
  return (treatment.variance(v) + control.variance(v) - difference.variance(v)) / 2;
}

}  // namespace

const Comparison* ComparisonSet::find(const std::string& metric, const std::string& arm, bool cuped) const {
  for (const Comparison& c : comparisons) {
    if (c.metric == metric && c.arm == arm && c.cuped == cuped) return &c;
  }
  return nullptr;
}

EstimatePair independent_pair(const VisitorMoments& control, const VisitorMoments& treatment, const std::string& metric) {
  const MetricDefinition& d = definition_of(metric);
  if (d.denominator < 0) {
    return welch_pair(control.mean(d.numerator), control.variance(d.numerator), static_cast<double>(control.count()),
                      treatment.mean(d.numerator), treatment.variance(d.numerator),
                      static_cast<double>(treatment.count()));
  }
  // Delta method for each ratio (estimators.h); independent samples, normal reference.
  Estimate c = ratio_of(control, d.numerator, d.denominator), t = ratio_of(treatment, d.numerator, d.denominator);
  EstimatePair p;
  p.control = c.value;
  p.treatment = t.value;
  p.control_variance = c.standard_error * c.standard_error;
  p.treatment_variance = t.standard_error * t.standard_error;
  return p;
}

EstimatePair paired_pair(const VisitorMoments& control, const VisitorMoments& treatment,
                         const VisitorMoments& difference, const std::string& metric) {
  const MetricDefinition& d = definition_of(metric);
  const double n = static_cast<double>(control.count());
  EstimatePair p;
  if (d.denominator < 0) {
    // Paired t: the difference of means is the mean of per-shopper differences, Var = s_D^2 / n,
    // with n - 1 degrees of freedom (Student 1908; any text, e.g. Rice, "Mathematical Statistics
    // and Data Analysis", section 11.3).
    const int v = d.numerator;
    p.control = control.mean(v);
    p.treatment = treatment.mean(v);
    p.control_variance = control.variance(v) / n;
    p.treatment_variance = treatment.variance(v) / n;
    p.covariance = cross_covariance(control, treatment, difference, v) / n;
    p.degrees_of_freedom = n - 1;
    return p;
  }
  // Two ratio estimators R_a = Xbar_a / Ybar_a on the same shoppers, by the delta method
  // (Deng, Knoblich & Lu 2018): R_a ~ R_a + g_a . (Xbar_a - mu_X, Ybar_a - mu_Y), g_a = (1, -R_a) / Ybar_a,
  // so Cov(R_T, R_C) = g_T' Cov((X_T, Y_T), (X_C, Y_C)) g_C / n. The moments give Cov(X_T, X_C) and
  // Cov(Y_T, Y_C) exactly but only the sum Cov(X_T, Y_C) + Cov(Y_T, X_C); its two weights -R_C and
  // -R_T are replaced by their mean, which is exact when R_T = R_C and off by a term in
  // (R_T - R_C)(Cov(X_T, Y_C) - Cov(Y_T, X_C)) otherwise, second order for small effects.
  const int x = d.numerator, y = d.denominator;
  Estimate c = ratio_of(control, x, y), t = ratio_of(treatment, x, y);
  p.control = c.value;
  p.treatment = t.value;
  p.control_variance = c.standard_error * c.standard_error;
  p.treatment_variance = t.standard_error * t.standard_error;
  double yc = control.mean(y), yt = treatment.mean(y);
  double cov_xx = cross_covariance(control, treatment, difference, x);
  double cov_yy = cross_covariance(control, treatment, difference, y);
  double cov_xy_sum = treatment.covariance(x, y) + control.covariance(x, y) - difference.covariance(x, y);
  double covariance = (cov_xx - (c.value + t.value) / 2 * cov_xy_sum + t.value * c.value * cov_yy) / (yt * yc * n);
  p.covariance = std::isfinite(covariance) ? covariance : kNaN;
  return p;
}

ComparisonSet compare_arms(const std::vector<ArmSample>& arms, int control, bool paired, double alpha) {
  ComparisonSet set;
  set.paired = paired;
  set.alpha = alpha;
  set.control = control;
  const ArmSample& c = arms[control];
  for (const MetricDefinition& d : kMetricDefinitions) {
    for (int a = 0; a < static_cast<int>(arms.size()); ++a) {
      if (a == control) continue;
      const ArmSample& t = arms[a];
      Comparison row;
      row.metric = d.name;
      row.arm = t.name;
      row.control = c.name;
      row.arm_index = a;
      row.control_index = control;
      row.control_n = c.visitors.count();
      row.arm_n = t.visitors.count();
      EstimatePair independent = independent_pair(c.visitors, t.visitors, d.name);
      EstimatePair pair = paired ? paired_pair(c.visitors, t.visitors, t.paired_difference, d.name) : independent;
      row.method = d.denominator < 0 ? (paired ? "paired_t" : "welch") : (paired ? "paired_delta" : "delta");
      row.control_value = pair.control;
      row.arm_value = pair.treatment;
      row.test = test_pair(pair, alpha);
      row.variance_reduction = kNaN;
      if (paired) {
        double ab = independent.control_variance + independent.treatment_variance;
        row.variance_reduction = ab / (row.test.difference_se * row.test.difference_se);
      }
      set.comparisons.push_back(row);

      if (!paired && d.cuped) {
        VisitorMoments pooled = c.visitors;
        pooled.merge(t.visitors);
        CupedFit fit = fit_cuped(pooled, d.numerator, kPreSpend);
        if (!fit.usable) continue;  // no pre-period data: nothing to adjust with
        AdjustedSample ac = cuped_adjust(c.visitors, d.numerator, kPreSpend, fit);
        AdjustedSample at = cuped_adjust(t.visitors, d.numerator, kPreSpend, fit);
        Comparison adjusted = row;
        adjusted.cuped = true;
        EstimatePair cuped_pair = welch_pair(ac.mean, ac.variance, ac.n, at.mean, at.variance, at.n);
        adjusted.control_value = cuped_pair.control;
        adjusted.arm_value = cuped_pair.treatment;
        adjusted.test = test_pair(cuped_pair, alpha);
        adjusted.variance_reduction = (row.test.difference_se * row.test.difference_se) /
                                      (adjusted.test.difference_se * adjusted.test.difference_se);
        set.comparisons.push_back(adjusted);
      }
    }
  }
  // Holm over the treatment arms, one family per metric (raw and CUPED apart).
  std::map<std::pair<std::string, bool>, std::vector<size_t>> families;
  for (size_t k = 0; k < set.comparisons.size(); ++k) {
    families[{set.comparisons[k].metric, set.comparisons[k].cuped}].push_back(k);
  }
  for (const auto& [key, members] : families) {
    std::vector<double> p;
    for (size_t k : members) p.push_back(set.comparisons[k].test.p_value);
    std::vector<double> adjusted = holm_adjust(p);
    for (size_t j = 0; j < members.size(); ++j) {
      Comparison& row = set.comparisons[members[j]];
      row.p_value_adjusted = adjusted[j];
      row.significant = adjusted[j] < alpha;
    }
  }
  if (!paired && arms.size() >= 2) {
    std::vector<int64_t> observed;
    std::vector<double> shares;
    for (const ArmSample& arm : arms) {
      observed.push_back(arm.visitors.count());
      shares.push_back(arm.traffic);
    }
    set.srm = sample_ratio_test(observed, shares);
    if (set.srm.mismatch) {
      std::vector<std::string> counts;
      for (size_t a = 0; a < arms.size(); ++a) {
        counts.push_back(fmt::format("{} {} (expected {:.0f})", arms[a].name, observed[a], set.srm.expected[a]));
      }
      set.warnings.push_back(fmt::format(
          "sample ratio mismatch: visitors per arm {} do not fit the traffic shares (chi-square {:.1f}, "
          "p = {:.2g} < {}); the assignment or the counting is broken, so the comparisons can't be trusted",
          fmt::join(counts, ", "), set.srm.chi_square, set.srm.p_value, kSrmThreshold));
    }
  }
  return set;
}

ComparisonSet compare_run(const Scenario& scenario, const RunResult& result) {
  std::vector<ArmSample> arms;
  for (size_t a = 0; a < scenario.arms.size(); ++a) {
    ArmSample s;
    s.name = scenario.arms[a].name;
    s.traffic = scenario.arms[a].traffic;
    s.visitors = result.arms[a].visitors;
    if (a < result.paired_differences.size()) s.paired_difference = result.paired_differences[a];
    arms.push_back(std::move(s));
  }
  ComparisonSet set = compare_arms(arms, scenario.experiment.control_arm,
                                   scenario.experiment.design == ExperimentSpec::Design::kPaired,
                                   scenario.experiment.alpha);
  int64_t stockouts = 0, lost_sales = 0, visitors = 0;
  for (const ArmTotals& arm : result.arms) {
    stockouts += arm.stockouts;
    lost_sales += arm.lost_sales;
    visitors += arm.visitors.count();
  }
  if (!set.paired && arms.size() >= 2 && (stockouts > 0 || lost_sales > 0)) {
    set.shared_stock = true;
    set.warnings.push_back(fmt::format(
        "the arms share one stock (design \"ab\") and it ran out ({} stock-outs, {} chosen baskets not filled, "
        "over {} visitors): each arm's sales changed what the others could sell, so the differences include that "
        "interference (design \"paired\" gives every arm its own stock)",
        thousands(stockouts), thousands(lost_sales), thousands(visitors)));
  }
  return set;
}

}  // namespace bundlesim
