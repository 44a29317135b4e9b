// `bundlesim run SCENARIO.json`: runs the experiment, writes the report, prints the summary.

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

#include "market/choice_model.h"
#include "market/spec_error.h"
#include "reports/comparison_summary.h"
#include "reports/html_report.h"
#include "reports/report_file.h"
#include "reports/run_summary.h"
#include "sim/decision_log.h"
#include "tools/command_line.h"
#include "tools/commands.h"
#include "tools/progress_bar.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim run SCENARIO.json [options]

Runs the scenario's A/B/n experiment, writes its report and prints a summary per arm.

options:
  --out REPORT.sqlite  report file to add this run to (default: SCENARIO.sqlite in the
                       current directory, e.g. quickstart.sqlite)
  --seed N             use seed N instead of the scenario's
  --threads N          worker threads (default 1); results are identical for any N
  --json               print the summary as one JSON object on stdout
  --log-events EVENTS.csv
                       also write every decision (menu, offer, propensity, choice) to an
                       event log, the input of `bundlesim train` (docs/event-log.md)
  --neural MODEL.pt    simulate shoppers with this trained model (`bundlesim train`) instead
                       of the scenario's choice model
  --html OUT.html      also write this run's report as one HTML page with charts
                       (the same page as `bundlesim report REPORT.sqlite --html OUT.html`)
  --quiet              no progress bar
  --help               this text

exit codes: 0 success, 1 failure while running, 2 bad usage or bad input
)";

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

int run_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"out", "seed", "threads", "html", "log-events", "neural"}, {"json", "quiet"});
  cl.expect_positionals(1, 1, "SCENARIO.json");
  const std::string file = cl.positionals()[0];
  RunOptions options;
  if (auto seed = cl.integer("seed", 0, int64_t{1} << 53)) options.seed = static_cast<uint64_t>(*seed);
  options.threads = static_cast<int>(cl.integer("threads", 1, 256).value_or(1));
  std::string out = cl.option("out").value_or(std::filesystem::path(file).stem().string() + ".sqlite");

  Scenario scenario = load_scenario(file);
  if (auto model = cl.option("neural")) {
    // The trained model replaces the scenario's; it is checked against the catalog now.
    scenario.choice_model = {{"type", "neural"}, {"path", std::filesystem::absolute(*model).string()}};
    try {
      const std::vector<std::string> segment_names = scenario.population.segment_names();
      make_choice_model(scenario.choice_model, "/choice_model",
                        {&scenario.catalog, scenario.directory, 1, &segment_names});
    } catch (const SpecError& e) {
      std::fprintf(stderr, "error: --neural: %s\n", e.what());
      return kExitBadInput;
    }
    nlohmann::json text = nlohmann::json::parse(scenario.json_text);  // the report records what ran
    text["choice_model"] = scenario.choice_model;
    scenario.json_text = text.dump(2);
  }
  std::unique_ptr<DecisionLogWriter> events;
  if (auto path = cl.option("log-events")) {
    events = std::make_unique<DecisionLogWriter>(*path, scenario, options.seed.value_or(scenario.seed));
    options.on_decision = [&events](const DecisionRecord& r) { events->write(r); };
  }
  ProgressBar bar(!cl.flag("quiet"));
  options.on_progress = [&bar](const RunProgress& p) { bar.update(p); };
  RunInfo info;
  info.started_at = utc_now();
  info.threads = options.threads;
  info.program_version = BUNDLESIM_VERSION;
  RunResult result = run_experiment(scenario, options);
  bar.finish();
  if (events) events->close();
  info.finished_at = utc_now();

  std::vector<ArmMetrics> metrics;
  for (size_t a = 0; a < scenario.arms.size(); ++a) {
    metrics.push_back(compute_arm_metrics(scenario.arms[a], result.arms[a]));
  }
  int64_t run_id = write_report(out, scenario, result, metrics, info);
  // Drawn from the run as stored, so it is the same page `bundlesim report` draws later.
  if (auto html = cl.option("html")) write_html_report(*html, read_run(out, run_id));

  if (cl.flag("json")) {
    nlohmann::json summary = summary_json(scenario.name, result, metrics, run_id, out);
    summary.update(comparisons_json(compare_run(scenario, result)));  // comparisons, design, alpha, warnings
    std::cout << summary.dump(2) << "\n";
  } else {
    bool color = isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
    std::cout << summary_table(scenario.name, result, metrics, {color, scenario.currency});
    std::cout << comparisons_table(compare_run(scenario, result), scenario.currency, color);
    std::cout << fmt::format("report: {} (run {})\n", out, run_id);
    if (events) std::cout << fmt::format("events: {} ({} decisions)\n", *cl.option("log-events"), events->rows());
    if (auto html = cl.option("html")) std::cout << fmt::format("html: {}\n", *html);
  }
  return kExitOk;
}

}  // namespace bundlesim
