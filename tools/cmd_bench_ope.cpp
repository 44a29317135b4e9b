// `bundlesim bench --ope LOGS`: how long offline evaluation takes: reading the log, fitting the
// reward model, and all six estimators with their bootstrap intervals.

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "reports/ope_evaluation.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int bench_ope_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(R"(usage: bundlesim bench --ope LOGS [--policy POLICY_SPEC.json] [--bootstrap N] [--repeat N]

Times offline evaluation on LOGS (e.g. the Open Bandit Dataset's random/men, 10,000 rows): reading
the log, fitting the reward model, and all six estimators (dm, ipw, snipw, dr, sndr, switch-dr)
with N bootstrap resamples (default 200). The policy defaults to uniform, the costliest for the
reward model (it predicts every action of every round). Prints the median of --repeat runs
(default 5).
)", stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"ope", "policy", "bootstrap", "repeat"}, {});
  cl.expect_positionals(0, 0, "");
  std::string logs = *cl.option("ope");
  OpeOptions options;
  options.bootstrap = static_cast<int>(cl.integer("bootstrap", 0, 1000000).value_or(200));
  int repeat = static_cast<int>(cl.integer("repeat", 1, 1000).value_or(5));
  std::optional<EvaluationPolicySpec> spec;
  if (auto file = cl.option("policy")) spec = load_evaluation_policy(*file);
  RewardModelOptions model_options;

  std::vector<double> read, model, estimators, total;
  size_t rounds = 0;
  int actions = 0;
  for (int r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    BanditLog log = read_bandit_log(logs);
    read.push_back(seconds_since(start));
    ActionDistribution target = action_distribution(spec ? *spec : EvaluationPolicySpec{}, log);
    OfflineEvaluation e = evaluate_offline(log, target, all_estimators(), options, model_options);
    total.push_back(seconds_since(start));
    model.push_back(e.model.seconds);
    estimators.push_back(total.back() - read.back() - e.model.seconds);
    rounds = log.rounds();
    actions = log.actions;
  }
  std::printf("%s", fmt::format("logs                 {} ({} rounds, {} actions)\n"
                                "policy               {}\n"
                                "bootstrap resamples  {}\n"
                                "reading              {:.3f} s\n"
                                "reward model         {:.3f} s ({} epochs, {} hidden units)\n"
                                "estimators + CIs     {:.3f} s (6 estimators)\n"
                                "total                {:.3f} s (median of {} runs; fastest {:.3f} s)\n",
                                logs, rounds, actions, spec ? spec->file : "uniform", options.bootstrap, median(read),
                                median(model), model_options.epochs, model_options.hidden, median(estimators),
                                median(total), repeat, *std::min_element(total.begin(), total.end()))
                        .c_str());
  return kExitOk;
}

}  // namespace bundlesim
