// bundlesim: the command line. Dispatches to a subcommand and turns errors into messages and exit
// codes (0 success, 1 failure while running, 2 bad usage or bad input).

#include <cstdio>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "market/spec_reader.h"
#include "reports/sqlite_db.h"
#include "sim/scenario.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {

namespace {

constexpr const char* kHelp = R"(usage: bundlesim COMMAND [arguments]

Simulates shoppers to compare bundle and pricing policies before they meet real traffic.

commands:
  run SCENARIO.json        run the experiment, write the SQLite report, print the summary
  validate SCENARIO.json   check a scenario file and say what is wrong
  bench [SCENARIO.json]    measure simulation speed and memory
  train --logs EVENTS.csv --out MODEL.pt
                           train a neural choice model on an event log
  report REPORT.sqlite --html OUT.html
                           one run of a report as an HTML page with charts
  init NAME                write a commented starter scenario, NAME.json
  check SCENARIO.json      the CI gate: run, evaluate the scenario's checks, exit 1 on a regression
  plan SCENARIO.json --mde 2%
                           visitors needed to detect a lift, from a pilot run
  compare OLD.sqlite NEW.sqlite
                           per-arm differences between two reports
  ope --logs LOGS --policy POLICY.json
                           estimate a policy's value offline from logged data

`bundlesim COMMAND --help` explains each command. Scenario format: docs/scenario-format.md.
)";

struct Command {
  int (*run)(const Args&);
  const char* summary;
};

}  // namespace
}  // namespace bundlesim

int main(int argc, char** argv) {
  using namespace bundlesim;
  const std::map<std::string, Command> commands = {
      {"run", {run_command, "run"}}, {"validate", {validate_command, "validate"}}, {"bench", {bench_command, "bench"}},
      {"train", {train_command, "train"}},
      {"report", {report_command, "report"}}, {"init", {init_command, "init"}},
      {"check", {check_command, "check"}}, {"plan", {plan_command, "plan"}}, {"compare", {compare_command, "compare"}},
      {"ope", {ope_command, "ope"}}};
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kHelp, argc < 2 ? stderr : stdout);
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("bundlesim %s\n", BUNDLESIM_VERSION);
    return kExitOk;
  }
  auto it = commands.find(argv[1]);
  if (it == commands.end()) {
    std::vector<std::string> names;
    for (const auto& [name, c] : commands) names.push_back(name);
    std::fprintf(stderr, "bundlesim: unknown command \"%s\"%s; see bundlesim --help\n", argv[1],
                 suggestion(argv[1], names).c_str());
    return kExitBadInput;
  }
  Args args(argv + 2, argv + argc);
  try {
    return it->second.run(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "bundlesim %s: %s (see bundlesim %s --help)\n", argv[1], e.what(), argv[1]);
    return kExitBadInput;
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  } catch (const SqliteError& e) {
    std::fprintf(stderr, "error: report not written: %s\n", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitFailure;
  }
}
