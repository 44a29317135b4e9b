// `bundlesim report REPORT.sqlite [--run ID] --html OUT.html`: draws one run of a report as an HTML
// page; without --html, lists the runs the report holds.

#include <cstdio>

#include <fmt/format.h>

#include "reports/html_report.h"
#include "reports/report_file.h"
#include "reports/sqlite_db.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim report REPORT.sqlite [--run ID] [--html OUT.html]

Writes one run of a report (by default the latest) as a single HTML page: scenario summary, arms
with confidence intervals, lift vs control, revenue per visitor over time, bundle leaderboard,
learning curves and warnings. The page needs no network and prints well. Without --html, lists the
runs in the report.

options:
  --run ID         the run to draw (ids as listed without --html; default: the latest)
  --html OUT.html  where to write the page
  --help           this text

exit codes: 0 success, 1 the page could not be written, 2 bad usage or not a report / no such run
)";

}  // namespace

int report_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"run", "html"}, {});
  cl.expect_positionals(1, 1, "REPORT.sqlite");
  const std::string path = cl.positionals()[0];
  const int64_t id = cl.integer("run", 1, int64_t{1} << 62).value_or(0);
  StoredRun run;
  std::vector<int64_t> ids;
  // A missing or foreign file, or a run that isn't there, is bad input, not a failure to write.
  try {
    ids = list_runs(path);
    if (cl.option("html")) run = read_run(path, id);
  } catch (const SqliteError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  }
  if (auto html = cl.option("html")) {
    write_html_report(*html, run);
    std::printf("%s: run %lld of %s (%s)\n", html->c_str(), static_cast<long long>(run.id), path.c_str(),
                run.scenario_name.c_str());
    return kExitOk;
  }
  if (cl.option("run")) throw UsageError("--run needs --html OUT.html (what to write)");
  std::printf("%s holds %zu run%s\n", path.c_str(), ids.size(), ids.size() == 1 ? "" : "s");
  for (int64_t r : ids) {
    StoredRun s = read_run(path, r);
    std::printf("  run %lld: %s, %s shoppers, seed %llu, finished %s\n", static_cast<long long>(r),
                s.scenario_name.c_str(), fmt::format("{}", s.shoppers).c_str(), static_cast<unsigned long long>(s.seed),
                s.finished_at.c_str());
  }
  std::printf("write one as HTML: bundlesim report %s --run ID --html OUT.html\n", path.c_str());
  return kExitOk;
}

}  // namespace bundlesim
