// `bundlesim bench --ope LOGS`: how long offline evaluation takes: reading the log, fitting the
// reward model, and all six estimators with their bootstrap intervals.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "reports/ope_evaluation.h"
#include "reports/ope_ground_truth.h"
#include "tools/command_line.h"
#include "tools/commands.h"
#include "tools/scratch_dir.h"

namespace bundlesim {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The error table against the simulator's ground truth: per target policy and estimator, bias,
// spread and RMSE of the estimates over seeds, and how often the 95% interval held the truth.
int ground_truth_table(const CommandLine& cl) {
  const int seeds = static_cast<int>(cl.integer("seeds", 1, 10000).value_or(20));
  const int64_t shoppers = cl.integer("shoppers", 100, int64_t{1} << 30).value_or(20000);
  const int64_t truth_shoppers = cl.integer("truth-shoppers", 1000, int64_t{1} << 30).value_or(400000);
  OpeOptions options;
  options.bootstrap = static_cast<int>(cl.integer("bootstrap", 0, 1000000).value_or(200));
  auto start = std::chrono::steady_clock::now();
  std::vector<GroundTruthTarget> targets = ground_truth_targets(truth_shoppers, 1000003);
  ScratchDir scratch("ope-sim");
  const std::string dir = scratch.path();
  const std::vector<OpeEstimator> estimators = all_estimators();
  // errors[target][estimator][seed], covered[target][estimator]
  std::vector<std::vector<std::vector<double>>> errors(targets.size(), std::vector<std::vector<double>>(estimators.size()));
  std::vector<std::vector<int>> covered(targets.size(), std::vector<int>(estimators.size(), 0));
  std::vector<std::vector<double>> width(targets.size(), std::vector<double>(estimators.size(), 0));
  std::vector<double> ess(targets.size(), 0);
  double rounds = 0;
  for (int s = 1; s <= seeds; ++s) {
    BanditLog log = simulate_logged_rounds(dir + "/events.csv", shoppers, static_cast<uint64_t>(s));
    rounds += static_cast<double>(log.rounds()) / seeds;
    for (size_t t = 0; t < targets.size(); ++t) {
      ActionDistribution d = action_distribution(targets[t].spec, log);
      options.seed = static_cast<uint64_t>(s);
      RewardModelOptions model;
      model.seed = static_cast<uint64_t>(s);
      OfflineEvaluation e = evaluate_offline(log, d, estimators, options, model);
      ess[t] += e.result.weights.effective_sample_size / seeds;
      for (size_t k = 0; k < estimators.size(); ++k) {
        const OpeEstimate& x = e.result.estimates[k];
        errors[t][k].push_back(x.value - targets[t].true_value);
        covered[t][k] += x.ci_low <= targets[t].true_value && targets[t].true_value <= x.ci_high;
        width[t][k] += (x.ci_high - x.ci_low) / seeds;
      }
    }
  }
  std::string text = fmt::format(
      "offline evaluation against the simulator's ground truth\n"
      "logging policy  random_offers (no offer 1/2, else a 2-item bundle at 10% or 20% off)\n"
      "logs            {} seeds x ~{:.0f} decisions; truth from {} simulated shoppers per policy\n"
      "value           mean revenue per decision; error = estimate - truth\n\n",
      seeds, rounds, truth_shoppers);
  for (size_t t = 0; t < targets.size(); ++t) {
    text += fmt::format("{}: true value {:.3f} (simulation s.e. {:.3f}); mean effective sample size {:.0f}\n",
                        targets[t].name, targets[t].true_value, targets[t].true_value_standard_error, ess[t]);
    text += fmt::format("  {:<10} {:>8} {:>8} {:>8} {:>10} {:>9}\n", "estimator", "bias", "spread", "rmse",
                        "CI width", "coverage");
    for (size_t k = 0; k < estimators.size(); ++k) {
      const std::vector<double>& e = errors[t][k];
      double mean = 0, squares = 0, mse = 0;
      for (double x : e) mean += x / e.size();
      for (double x : e) squares += (x - mean) * (x - mean), mse += x * x / e.size();
      double spread = e.size() > 1 ? std::sqrt(squares / (e.size() - 1)) : NAN;
      text += fmt::format("  {:<10} {:>8.3f} {:>8.3f} {:>8.3f} {:>10.3f} {:>8.0f}%\n", estimator_name(estimators[k]), mean,
                          spread, std::sqrt(mse), width[t][k], 100.0 * covered[t][k] / seeds);
    }
    text += "\n";
  }
  text += fmt::format("(spread: standard deviation over seeds; coverage: share of seeds whose 95% bootstrap interval "
                      "held the true value)\ntime {:.1f} s\n",
                      seconds_since(start));
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

int bench_ope_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(R"(usage: bundlesim bench --ope LOGS [--policy POLICY_SPEC.json] [--bootstrap N] [--repeat N]
       bundlesim bench --ope-sim [--seeds N] [--shoppers N] [--truth-shoppers N] [--bootstrap N]

Times offline evaluation on LOGS (e.g. the Open Bandit Dataset's random/men, 10,000 rows): reading
the log, fitting the reward model, and all six estimators (dm, ipw, snipw, dr, sndr, switch-dr)
with N bootstrap resamples (default 200). The policy defaults to uniform, the costliest for the
reward model (it predicts every action of every round). Prints the median of --repeat runs
(default 5).

--ope-sim checks the estimators against the simulator's ground truth: for each of N seeds
(default 20) it logs ~20,000 decisions of a randomised policy (random_offers), estimates two other
policies (control and a discounted phone + case bundle) offline, and compares with their true
value from simulating 400,000 shoppers under each. Prints bias, spread (standard deviation over
seeds), RMSE, mean interval width and interval coverage per estimator.
)", stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"ope", "policy", "bootstrap", "repeat", "seeds", "shoppers", "truth-shoppers"}, {"ope-sim"});
  cl.expect_positionals(0, 0, "");
  if (cl.flag("ope-sim")) return ground_truth_table(cl);
  if (!cl.option("ope")) throw UsageError("--ope LOGS is required");
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
