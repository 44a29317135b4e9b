// `bundlesim plan SCENARIO.json --mde 2%`: how many visitors an experiment needs to detect a given
// relative lift at 80% power, from the variance a pilot run shows (reports/power.h).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/comparisons.h"
#include "reports/cuped.h"
#include "reports/power.h"
#include "reports/run_summary.h"
#include "tools/command_line.h"
#include "tools/commands.h"
#include "tools/progress_bar.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim plan SCENARIO.json --mde LIFT [options]

Runs the scenario once as a pilot, on the paired design so every arm sees the same shoppers, and
prints how many visitors each design needs to detect a relative lift of LIFT in the metric with a
two-sided test at the scenario's alpha and the given power (docs/statistics.md, "Power"):
  ab            randomised split, visitors per arm and in all, days at the scenario's arrival rate
  ab + CUPED    the same with the pre-period spend as covariate (revenue and margin metrics)
  paired        shoppers who each go through every arm
The variances come from the pilot: the larger the pilot, the better the estimate.

options:
  --mde LIFT          minimum detectable effect, relative to the control: 2% or 0.02 (required)
  --metric NAME       conversion_rate, revenue_per_visitor (default), margin_per_visitor,
                      average_order_value, items_per_order or bundle_take_rate
  --power P           in (0, 1), default 0.8
  --seed N            pilot seed instead of the scenario's
  --threads N         worker threads (default 1)
  --quiet             no progress bar
  --help              this text

exit codes: 0 success, 1 failure while running, 2 bad usage or bad input
)";

double parse_mde(const std::string& text) {
  std::string number = text;
  bool percent = !number.empty() && number.back() == '%';
  if (percent) number.pop_back();
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !std::isfinite(v)) {
    throw UsageError(fmt::format("--mde must be a relative lift like 2% or 0.02, got \"{}\"", text));
  }
  if (percent) v /= 100;
  if (!(v > 0 && v < 1)) throw UsageError(fmt::format("--mde must be between 0% and 100% (exclusive), got \"{}\"", text));
  return v;
}

// A visitor count, rounded up; "n/a" when there is none.
std::string visitors_text(double x) {
  return std::isfinite(x) && x < 9e18 ? thousands(static_cast<int64_t>(std::ceil(x))) : "n/a";
}

}  // namespace

int plan_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"mde", "metric", "power", "seed", "threads"}, {"quiet"});
  cl.expect_positionals(1, 1, "SCENARIO.json");
  if (!cl.option("mde")) throw UsageError("missing --mde (the relative lift to detect, e.g. --mde 2%)");
  const double mde = parse_mde(*cl.option("mde"));
  const std::string metric = cl.option("metric").value_or("revenue_per_visitor");
  const auto& metrics = comparable_metrics();
  if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end()) {
    throw UsageError(fmt::format("--metric: \"{}\" is not one of {}", metric, fmt::join(metrics, ", ")));
  }
  const double power = cl.number("power", 0.01, 0.99).value_or(0.8);
  Scenario scenario = load_scenario(cl.positionals()[0]);
  const double alpha = scenario.experiment.alpha;
  const int control = scenario.experiment.control_arm;

  // The pilot: paired, so the same shoppers give every design's variance.
  Scenario pilot = scenario;
  pilot.experiment.design = ExperimentSpec::Design::kPaired;
  RunOptions options;
  if (auto seed = cl.integer("seed", 0, int64_t{1} << 53)) options.seed = static_cast<uint64_t>(*seed);
  options.threads = static_cast<int>(cl.integer("threads", 1, 256).value_or(1));
  ProgressBar bar(!cl.flag("quiet"));
  options.on_progress = [&bar](const RunProgress& p) { bar.update(p); };
  RunResult result = run_experiment(pilot, options);
  bar.finish();

  const VisitorMoments& c = result.arms[control].visitors;
  const double n = static_cast<double>(c.count());
  EstimatePair self = independent_pair(c, c, metric);
  const double base = self.control;
  const double delta = mde * base;
  const double per_day = static_cast<double>(result.shoppers) / scenario.horizon_days;
  std::cout << fmt::format(
      "plan for {}: detect a {:.2f}% relative change in {} (control {:.4g}, so {:.4g} absolute), two-sided at "
      "alpha {}, power {:.0f}%\npilot: {} shoppers over {} days (seed {}), every design estimated on the same "
      "shoppers\n",
      scenario.name, 100 * mde, metric, base, delta, alpha, 100 * power, thousands(result.shoppers),
      scenario.horizon_days, result.seed);
  if (!(n >= 2) || !std::isfinite(base) || base == 0) {
    std::cout << fmt::format("can't plan: {} is undefined or 0 in the pilot's control arm; run a longer pilot\n", metric);
    return kExitFailure;
  }
  auto days = [&](double shoppers) {
    return std::isfinite(shoppers) && per_day > 0 ? fmt::format("{:.1f} days", shoppers / per_day) : std::string("n/a");
  };
  std::vector<int> treatments;
  for (int a = 0; a < static_cast<int>(scenario.arms.size()); ++a) {
    if (a != control) treatments.push_back(a);
  }
  if (treatments.empty()) treatments.push_back(control);  // one arm: plan an A/A-sized test
  for (int a : treatments) {
    const VisitorMoments& t = result.arms[a].visitors;
    EstimatePair ab = independent_pair(c, t, metric);
    // n * Var(difference) for n visitors per arm, the sigma2 of reports/power.h.
    double sigma2_ab = n * (ab.control_variance + ab.treatment_variance);
    double share_c = scenario.arms[control].traffic, share_t = scenario.arms[a].traffic;
    std::cout << fmt::format("\n{} vs {}:\n", scenario.arms[a].name, scenario.arms[control].name);
    double per_arm = visitors_per_arm(sigma2_ab, delta, alpha, power);
    // With unequal shares N visitors in all give N share_a per arm: N = z^2 (s_C^2/share_C + s_T^2/share_T) / delta^2.
    double total_ab = visitors_per_arm(n * (ab.control_variance / share_c + ab.treatment_variance / share_t), delta,
                                       alpha, power);
    std::cout << fmt::format("  ab            {:>14} visitors per arm, {} in all at the scenario's traffic shares ({})\n",
                             visitors_text(per_arm), visitors_text(total_ab), days(total_ab));
    if (metric == "revenue_per_visitor" || metric == "margin_per_visitor") {
      int v = metric == "revenue_per_visitor" ? kRevenue : kMargin;
      VisitorMoments pooled = c;
      if (a != control) pooled.merge(t);
      CupedFit fit = fit_cuped(pooled, v, kPreSpend);
      if (fit.usable) {
        AdjustedSample ac = cuped_adjust(c, v, kPreSpend, fit), at = cuped_adjust(t, v, kPreSpend, fit);
        double cuped_per_arm = visitors_per_arm(ac.variance + at.variance, delta, alpha, power);
        double cuped_total = visitors_per_arm(ac.variance / share_c + at.variance / share_t, delta, alpha, power);
        std::cout << fmt::format("  ab + CUPED    {:>14} visitors per arm, {} in all ({}); variance x{:.2f} smaller\n",
                                 visitors_text(cuped_per_arm), visitors_text(cuped_total), days(cuped_total),
                                 sigma2_ab / (ac.variance + at.variance));
      } else {
        std::cout << "  ab + CUPED    n/a: the scenario's segments have no pre_period_spend_mean\n";
      }
    }
    if (a != control) {
      EstimatePair paired = paired_pair(c, t, result.paired_differences[a], metric);
      double sigma2_paired = n * (paired.control_variance + paired.treatment_variance - 2 * paired.covariance);
      double shoppers = visitors_per_arm(sigma2_paired, delta, alpha, power);
      std::cout << fmt::format("  paired        {:>14} shoppers, each through every arm ({}); variance x{:.2f} smaller than ab\n",
                               visitors_text(shoppers), days(shoppers), sigma2_ab / sigma2_paired);
    }
  }
  std::cout << "\n(the variances are the pilot's: with the arms' real difference, not the one to detect)\n";
  return kExitOk;
}

}  // namespace bundlesim
