// `bundlesim validate SCENARIO.json`: checks a scenario without running it.

#include <cstdio>

#include <fmt/format.h>

#include "sim/scenario.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {

int validate_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(R"(usage: bundlesim validate SCENARIO.json

Checks a scenario file: JSON syntax, every key and value, references between its parts, and the
parameters of every policy and choice model. Prints what is wrong (file, JSON path, value) and
exits 2, or says the scenario is fine and exits 0.
)", stdout);
    return kExitOk;
  }
  CommandLine cl(args, {}, {});
  cl.expect_positionals(1, 1, "SCENARIO.json");
  Scenario s = load_scenario(cl.positionals()[0]);
  std::fputs(fmt::format("{}: ok: scenario \"{}\", {} items, {} segments, {} arms, {} days\n", s.file, s.name,
                         s.catalog.size(), s.population.size(), s.arms.size(), s.horizon_days)
                 .c_str(),
             stdout);
  return kExitOk;
}

}  // namespace bundlesim
