// `bundlesim bench`: the speed benchmark. Runs a scenario (the quickstart by default) scaled to a
// number of shoppers and prints shoppers/s, events/s, decisions/s and peak memory.

#include <sys/resource.h>

#include <cstdio>

#include <fmt/format.h>

#include "sim/experiment.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {

int bench_command(const Args& args) {
  for (const std::string& a : args) {
    if (a == "--ope" || a.rfind("--ope=", 0) == 0 || a == "--ope-sim") return bench_ope_command(args);  // cmd_bench_ope.cpp
    if (a == "--neural" || a.rfind("--neural=", 0) == 0) return bench_neural_command(args);  // cmd_bench_neural.cpp
  }
  if (wants_help(args)) {
    std::fputs(R"(usage: bundlesim bench [SCENARIO.json] [--shoppers N] [--threads N] [--model mnl|surplus]

Simulates SCENARIO (default: scenarios/quickstart.json) with about N new shoppers (default
1,000,000) and prints throughput and peak memory. The daily arrival rate is kept and the horizon
stretched to fit N, so the shop looks the same every day; peak memory at 10^6 and 10^7 shoppers
should then be the same (nothing is kept per past shopper).

`bundlesim bench --ope LOGS --help` times offline policy evaluation on a log; `bench --ope-sim`
prints its error table against the simulator's ground truth.
`bundlesim bench --neural MODEL.pt --help` benchmarks a trained neural choice model.
)", stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"shoppers", "threads", "model"}, {});
  cl.expect_positionals(0, 1, "SCENARIO.json");
  std::string file = cl.positionals().empty() ? default_scenario_path() : cl.positionals()[0];
  double shoppers = static_cast<double>(cl.integer("shoppers", 1, int64_t{1} << 40).value_or(1000000));
  Scenario scenario = load_scenario(file);
  if (auto model = cl.option("model")) {
    if (*model != "mnl" && *model != "surplus") throw UsageError("--model must be mnl or surplus");
    scenario.choice_model = {{"type", *model}};
  }
  RunOptions options;
  options.threads = static_cast<int>(cl.integer("threads", 1, 256).value_or(1));
  scenario.horizon_days = shoppers / scenario.arrivals.shoppers_per_day;
  RunResult r = run_experiment(scenario, options);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%s", fmt::format("scenario      {}\nmodel         {}\nthreads       {}\nshoppers      {}\n"
                                "events        {}\ndecisions     {}\nwall          {:.2f} s\n"
                                "shoppers/s    {:.0f}\nevents/s      {:.0f}\ndecisions/s   {:.0f}\n"
                                "peak memory   {:.1f} MiB\n",
                                scenario.name, scenario.choice_model["type"].get<std::string>(), options.threads,
                                r.shoppers, r.events, r.decisions, r.wall_seconds, r.shoppers / r.wall_seconds,
                                r.events / r.wall_seconds, r.decisions / r.wall_seconds, usage.ru_maxrss / 1024.0)
                        .c_str());
  return kExitOk;
}

}  // namespace bundlesim
