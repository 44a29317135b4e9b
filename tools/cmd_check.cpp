// `bundlesim check SCENARIO.json`: the CI gate. Runs the scenario, evaluates its `checks`, prints one
// line per check, optionally writes JUnit XML, and exits 0 (all pass), 1 (one fails) or 2 (bad input).

#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "reports/checks.h"
#include "reports/comparison_summary.h"
#include "reports/junit.h"
#include "reports/report_file.h"
#include "reports/sqlite_db.h"
#include "tools/command_line.h"
#include "tools/commands.h"
#include "tools/progress_bar.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim check SCENARIO.json [options]

Runs the scenario and evaluates its `checks` (docs/statistics.md, "The CI gate"): for a metric and
an arm, the largest relative drop allowed against the control arm or against the same arm in a
baseline report, and whether the drop must also be statistically significant to fail the check.
Prints one line per check: PASS or FAIL, the lift, its confidence interval and p-value.

options:
  --baseline REPORT.sqlite  report to compare with for checks with "versus": "baseline"
  --baseline-run ID         run of the baseline report (default: its latest)
  --junit RESULT.xml        also write the results as JUnit XML for CI systems
  --out REPORT.sqlite       also write this run's report (e.g. to serve as the next baseline)
  --seed N                  use seed N instead of the scenario's
  --threads N               worker threads (default 1); results are identical for any N
  --json                    print the results as JSON
  --quiet                   no progress bar
  --help                    this text

exit codes: 0 every check passes, 1 a check fails (or a run fails), 2 bad usage or bad input
)";

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return text;
}

}  // namespace

int check_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"baseline", "baseline-run", "junit", "out", "seed", "threads"}, {"json", "quiet"});
  cl.expect_positionals(1, 1, "SCENARIO.json");
  Scenario scenario = load_scenario(cl.positionals()[0]);
  if (scenario.checks.empty()) {
    throw ScenarioError(scenario.file, "/checks: the scenario has no checks for `bundlesim check` to evaluate");
  }
  RunOptions options;
  if (auto seed = cl.integer("seed", 0, int64_t{1} << 53)) options.seed = static_cast<uint64_t>(*seed);
  options.threads = static_cast<int>(cl.integer("threads", 1, 256).value_or(1));

  // Read the baseline before the run, so a bad one fails fast (exit 2).
  std::optional<StoredRun> baseline;
  if (auto path = cl.option("baseline")) {
    try {
      baseline = read_run(*path, cl.integer("baseline-run", 1, int64_t{1} << 53).value_or(0));
    } catch (const SqliteError& e) {
      std::fprintf(stderr, "error: --baseline: %s\n", e.what());
      return kExitBadInput;
    }
  } else if (cl.option("baseline-run")) {
    throw UsageError("--baseline-run needs --baseline");
  }

  std::string started = utc_timestamp();
  ProgressBar bar(!cl.flag("quiet") && !cl.flag("json"));
  options.on_progress = [&bar](const RunProgress& p) { bar.update(p); };
  RunResult result = run_experiment(scenario, options);
  bar.finish();
  ComparisonSet comparisons = compare_run(scenario, result);
  std::vector<CheckOutcome> outcomes;
  try {
    outcomes = evaluate_checks(scenario, result, comparisons, baseline ? &*baseline : nullptr);
  } catch (const CheckInputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  }
  int failed = 0;
  for (const CheckOutcome& o : outcomes) failed += !o.passed;

  if (auto out = cl.option("out")) {
    std::vector<ArmMetrics> metrics;
    for (size_t a = 0; a < scenario.arms.size(); ++a) metrics.push_back(compute_arm_metrics(scenario.arms[a], result.arms[a]));
    RunInfo info{started + "Z", utc_timestamp() + "Z", options.threads, BUNDLESIM_VERSION};
    write_report(*out, scenario, result, metrics, info);
  }
  if (auto path = cl.option("junit")) {
    JunitSuite suite;
    suite.name = scenario.name;
    suite.timestamp = started;
    suite.seconds = result.wall_seconds;
    suite.properties = {{"scenario", scenario.file},
                        {"seed", std::to_string(result.seed)},
                        {"design", comparisons.paired ? "paired" : "ab"},
                        {"alpha", fmt::format("{}", scenario.experiment.alpha)},
                        {"shoppers", std::to_string(result.shoppers)}};
    if (baseline) suite.properties.emplace_back("baseline", fmt::format("{} run {}", *cl.option("baseline"), baseline->id));
    for (const CheckOutcome& o : outcomes) {
      suite.cases.push_back({o.spec.name, "bundlesim.check." + scenario.name, !o.passed, o.line, o.line});
    }
    write_junit(*path, suite);
  }

  if (cl.flag("json")) {
    nlohmann::json j;
    j["scenario"] = scenario.name;
    j["seed"] = result.seed;
    j["passed"] = failed == 0;
    j["checks"] = nlohmann::json::array();
    for (const CheckOutcome& o : outcomes) {
      auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); };
      j["checks"].push_back({{"name", o.spec.name},
                             {"metric", o.spec.metric},
                             {"arm", o.arm},
                             {"versus", o.reference},
                             {"passed", o.passed},
                             {"max_drop", o.spec.max_drop},
                             {"significant", o.spec.significant},
                             {"lift", num(o.test.lift)},
                             {"lift_ci", {num(o.test.lift_low), num(o.test.lift_high)}},
                             {"p_value", num(o.test.p_value)},
                             {"p_value_adjusted", num(o.p_value_adjusted)}});
    }
    j["warnings"] = comparisons.warnings;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("{}: {} shoppers, design {}, seed {}\n", scenario.name, result.shoppers,
                             comparisons.paired ? "paired" : "ab", result.seed);
    for (const CheckOutcome& o : outcomes) std::cout << o.line << "\n";
    for (const std::string& w : comparisons.warnings) std::cout << "warning: " << w << "\n";
    std::cout << fmt::format("{} checks: {} passed, {} failed\n", outcomes.size(), outcomes.size() - failed, failed);
  }
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace bundlesim
