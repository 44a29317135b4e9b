// `bundlesim compare OLD.sqlite NEW.sqlite`: per-arm differences between two reports (e.g. last
// release against this build), recomputed from the stored per-visitor moments.

#include <cmath>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "reports/comparisons.h"
#include "reports/report_file.h"
#include "reports/sqlite_db.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim compare OLD.sqlite NEW.sqlite [options]

Prints, for every arm present in both reports (matched by name), each comparable metric in the old
and the new run, the difference and the relative lift with confidence intervals and a p-value. The
two runs are treated as independent samples (Welch's t for per-visitor means, the delta method for
ratios); when both used the same seed they share shoppers and the test is conservative.

options:
  --old-run ID   run of OLD.sqlite (default: its latest)
  --new-run ID   run of NEW.sqlite (default: its latest)
  --alpha A      1 - confidence level of the intervals (default 0.05)
  --json         print the differences as JSON
  --help         this text

exit codes: 0 success, 2 bad usage or a file that is not a report
)";

std::string percent(double x) { return std::isfinite(x) ? fmt::format("{:+.2f}%", 100 * x) : "n/a"; }
std::string value(double x) { return std::isfinite(x) ? fmt::format("{:.4g}", x) : "n/a"; }
nlohmann::json num(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }

}  // namespace

int compare_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"old-run", "new-run", "alpha"}, {"json"});
  cl.expect_positionals(2, 2, "OLD.sqlite NEW.sqlite");
  const double alpha = cl.number("alpha", 1e-6, 0.5).value_or(0.05);
  StoredRun old_run, new_run;
  try {
    old_run = read_run(cl.positionals()[0], cl.integer("old-run", 1, int64_t{1} << 53).value_or(0));
    new_run = read_run(cl.positionals()[1], cl.integer("new-run", 1, int64_t{1} << 53).value_or(0));
  } catch (const SqliteError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  }
  nlohmann::json j;
  j["old"] = {{"path", cl.positionals()[0]}, {"run_id", old_run.id}, {"scenario", old_run.scenario_name}, {"seed", old_run.seed}};
  j["new"] = {{"path", cl.positionals()[1]}, {"run_id", new_run.id}, {"scenario", new_run.scenario_name}, {"seed", new_run.seed}};
  j["alpha"] = alpha;
  j["arms"] = nlohmann::json::array();
  std::string text = fmt::format("old: {} run {} ({}, seed {}, {} shoppers)\nnew: {} run {} ({}, seed {}, {} shoppers)\n",
                                 cl.positionals()[0], old_run.id, old_run.scenario_name, old_run.seed, old_run.shoppers,
                                 cl.positionals()[1], new_run.id, new_run.scenario_name, new_run.seed, new_run.shoppers);
  int confidence = static_cast<int>(std::lround(100 * (1 - alpha)));
  for (const StoredArm& after : new_run.arms) {
    const StoredArm* before = nullptr;
    for (const StoredArm& a : old_run.arms) {
      if (a.name == after.name) before = &a;
    }
    if (!before) {
      text += fmt::format("\narm {}: only in the new report\n", after.name);
      continue;
    }
    text += fmt::format("\narm {} ({} -> {} visitors):\n", after.name, before->visitors.count(), after.visitors.count());
    text += fmt::format("  {:<20} {:>12} {:>12} {:>12}  {:>10} {:>24} {:>9}\n", "metric", "old", "new", "difference",
                        "lift", fmt::format("{}% CI", confidence), "p");
    nlohmann::json arm = {{"name", after.name}, {"comparisons", nlohmann::json::array()}};
    for (const std::string& metric : comparable_metrics()) {
      EstimatePair pair = independent_pair(before->visitors, after.visitors, metric);
      PairTest t = test_pair(pair, alpha);
      text += fmt::format("  {:<20} {:>12} {:>12} {:>12}  {:>10} {:>24} {:>9}\n", metric, value(pair.control),
                          value(pair.treatment), value(t.difference), percent(t.lift),
                          fmt::format("[{}, {}]", percent(t.lift_low), percent(t.lift_high)),
                          std::isfinite(t.p_value) ? fmt::format("{:.4f}", t.p_value) : "n/a");
      arm["comparisons"].push_back({{"metric", metric},
                                    {"old", num(pair.control)},
                                    {"new", num(pair.treatment)},
                                    {"difference", num(t.difference)},
                                    {"difference_ci", {num(t.difference_low), num(t.difference_high)}},
                                    {"lift", num(t.lift)},
                                    {"lift_ci", {num(t.lift_low), num(t.lift_high)}},
                                    {"p_value", num(t.p_value)}});
    }
    j["arms"].push_back(arm);
  }
  for (const StoredArm& a : old_run.arms) {
    bool found = false;
    for (const StoredArm& b : new_run.arms) found = found || b.name == a.name;
    if (!found) text += fmt::format("\narm {}: only in the old report\n", a.name);
  }
  if (old_run.seed == new_run.seed) {
    text += "\n(both runs used the same seed: they share shoppers, so these tests are conservative)\n";
  }
  if (cl.flag("json")) std::cout << j.dump(2) << "\n";
  else std::cout << text;
  return kExitOk;
}

}  // namespace bundlesim
