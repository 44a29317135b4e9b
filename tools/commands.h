#pragma once
// The subcommands of `bundlesim`. Each takes its arguments (after the subcommand's name) and returns
// the exit code: 0 success, 1 failure while running, 2 bad usage or bad input. Errors are thrown
// (UsageError, ScenarioError, ...) and turned into messages and exit codes in main.cpp.

#include <string>
#include <vector>

#include "market/registry.h"

namespace bundlesim {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int validate_command(const Args& args);
int bench_command(const Args& args);
// These two are torch parts (market/torch_parts.h): cmd_train.cpp and cmd_bench_neural.cpp
// register them, and the library is loaded on the first call.
using CommandFunction = int (*)(const Args&);
inline int train_command(const Args& args) { return torch_function<CommandFunction>("train")(args); }
inline int bench_neural_command(const Args& args) {  // `bench --neural`
  return torch_function<CommandFunction>("bench --neural")(args);
}
int report_command(const Args& args);
int init_command(const Args& args);
int check_command(const Args& args);
int plan_command(const Args& args);
int compare_command(const Args& args);
int ope_command(const Args& args);
int bench_ope_command(const Args& args);  // `bench --ope`

// Exit codes.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

// The default scenario, found next to the sources this binary was built from.
std::string default_scenario_path();
// Prints `text` and returns kExitOk when args hold --help or -h.
bool wants_help(const Args& args);

}  // namespace bundlesim
