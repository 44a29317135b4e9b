#include "reports/checks.h"

#include <cmath>

#include <fmt/format.h>

#include "reports/comparison_summary.h"

namespace bundlesim {
namespace {

std::string percent(double x) { return std::isfinite(x) ? fmt::format("{:+.2f}%", 100 * x) : "n/a"; }

// "= 0.0123", "< 1e-12" (below that the normal tail is all rounding).
std::string p_text(double p) { return p < 1e-12 ? "< 1e-12" : fmt::format("= {:.3g}", p); }

std::string describe(const CheckOutcome& o, double alpha) {
  std::string verdict = o.passed ? "PASS" : "FAIL";
  const PairTest& t = o.test;
  if (!std::isfinite(t.lift) || !std::isfinite(t.lift_low)) {
    return fmt::format("{} {}: can't tell, the metric is undefined in the arm or its reference (n/a counts as a "
                       "failure)", verdict, o.spec.name);
  }
  std::string rule = fmt::format("max drop {:.2f}%{}", 100 * o.spec.max_drop,
                                 o.spec.significant ? fmt::format(", significant at {}", alpha) : "");
  return fmt::format("{} {}: lift {} [{}, {}] ({:.4g} -> {:.4g}), p {}{}; {}", verdict, o.spec.name, percent(t.lift),
                     percent(t.lift_low), percent(t.lift_high), o.reference_value, o.arm_value,
                     p_text(o.spec.significant ? o.p_value_adjusted : t.p_value), o.spec.significant ? " (Holm)" : "", rule);
}

}  // namespace

std::vector<CheckOutcome> evaluate_checks(const Scenario& scenario, const RunResult& result,
                                          const ComparisonSet& comparisons, const StoredRun* baseline) {
  const double alpha = scenario.experiment.alpha;
  std::vector<CheckOutcome> out;
  for (size_t k = 0; k < scenario.checks.size(); ++k) {
    const CheckSpec& spec = scenario.checks[k];
    CheckOutcome o;
    o.spec = spec;
    o.arm = scenario.arms[spec.arm].name;
    if (spec.versus == CheckSpec::Versus::kControl) {
      o.reference = scenario.arms[scenario.experiment.control_arm].name;
      const Comparison* c = comparisons.find(spec.metric, o.arm);
      if (!c) throw std::logic_error("no comparison for check " + spec.name);
      o.test = c->test;
      o.reference_value = c->control_value;
      o.arm_value = c->arm_value;
    } else {
      o.reference = "baseline";
      if (!baseline) {
        throw CheckInputError(fmt::format("{}: /checks/{}/versus: \"baseline\" needs --baseline REPORT.sqlite",
                                          scenario.file, k));
      }
      const StoredArm* before = nullptr;
      for (const StoredArm& arm : baseline->arms) {
        if (arm.name == o.arm) before = &arm;
      }
      if (!before) {
        throw CheckInputError(fmt::format("{}: /checks/{}/arm: the baseline report's run {} has no arm named \"{}\"",
                                          scenario.file, k, baseline->id, o.arm));
      }
      // Two runs are independent samples (if they share a seed they share shoppers, which makes this
      // test conservative, never anti-conservative, for a positive correlation).
      EstimatePair pair = independent_pair(before->visitors, result.arms[spec.arm].visitors, spec.metric);
      o.test = test_pair(pair, alpha);
      o.reference_value = pair.control;
      o.arm_value = pair.treatment;
    }
    o.p_value_adjusted = o.test.p_value;
    out.push_back(std::move(o));
  }
  // Holm over the checks that need significance: the chance that a gate with no real regression
  // fails on noise stays below alpha however many checks it has.
  std::vector<size_t> family;
  std::vector<double> p;
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k].spec.significant) family.push_back(k), p.push_back(out[k].test.p_value);
  }
  std::vector<double> adjusted = holm_adjust(p);
  for (size_t j = 0; j < family.size(); ++j) out[family[j]].p_value_adjusted = adjusted[j];
  for (CheckOutcome& o : out) {
    const PairTest& t = o.test;
    bool defined = std::isfinite(t.lift) && std::isfinite(t.lift_low);
    bool too_big = t.lift < -o.spec.max_drop;
    bool significant_drop = t.difference < 0 && o.p_value_adjusted < alpha;
    o.passed = defined && !(too_big && (!o.spec.significant || significant_drop));
    o.line = describe(o, alpha);
  }
  return out;
}

}  // namespace bundlesim
