// `bundlesim ope`: offline policy evaluation. Estimates what an evaluation policy would have earned
// on logged traffic, with bootstrap intervals and the importance-weight diagnostics that say how
// far to trust the answer. Formulas: docs/offline-evaluation.md.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/ope_evaluation.h"
#include "reports/ope_sim_log.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {

namespace {

constexpr const char* kOpeHelp = R"(usage: bundlesim ope --logs LOGS --policy POLICY_SPEC.json [--estimators LIST]
                     [--bootstrap N] [--seed S] [--switch-tau T] [--epochs N] [--arm NAME] [--json]

Estimates the value (mean reward per round) that the policy in POLICY_SPEC.json would have earned
on the logged rounds, from the logs alone.

  --logs LOGS         an Open Bandit Dataset campaign file (random/men/men.csv) or its folder,
                      or a simulator decision log (`bundlesim run --log-events`)
  --policy FILE       the evaluation policy; on Open Bandit Dataset logs:
                        {"type": "uniform"}
                        {"type": "fixed", "action": K}       always item K, in every position
                        {"type": "softmax", "score_prefix": "user-item_affinity_", "temperature": T}
                      on simulator logs, a registered policy in scoring mode:
                        {"type": "policy", "policy": NAME, "params": {...}}
  --arm NAME          the simulator log's arm whose decisions to use (default: its only arm,
                      or its only randomised one)
  --estimators LIST   comma-separated, from dm,ipw,snipw,dr,sndr,switch-dr (default: all)
  --bootstrap N       resamples for the 95% percentile intervals (default 200; 0: none)
  --seed S            seed of the resamples and of the reward model (default 1)
  --switch-tau T      switch-DR's weight threshold (default: chosen from the data)
  --epochs N          training passes of the reward model behind dm/dr/sndr/switch-dr (default 10)
  --json              print one JSON object: per estimator value, ci_low, ci_high, and diagnostics

The effective sample size and the largest importance weights show when an estimate rests on a
handful of rounds. Formulas and sources: docs/offline-evaluation.md.
)";

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : "n/a"; }

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

int ope_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kOpeHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {"logs", "policy", "estimators", "bootstrap", "seed", "switch-tau", "epochs", "arm"}, {"json"});
  cl.expect_positionals(0, 0, "");
  auto logs = cl.option("logs");
  auto policy_file = cl.option("policy");
  if (!logs) throw UsageError("--logs LOGS is required");
  if (!policy_file) throw UsageError("--policy POLICY_SPEC.json is required");
  std::vector<OpeEstimator> estimators = all_estimators();
  if (auto list = cl.option("estimators")) {
    std::string bad;
    auto parsed = parse_estimators(*list, bad);
    if (!parsed) {
      throw UsageError(fmt::format("--estimators: unknown estimator \"{}\"; known: dm,ipw,snipw,dr,sndr,switch-dr", bad));
    }
    estimators = *parsed;
  }
  OpeOptions options;
  options.bootstrap = static_cast<int>(cl.integer("bootstrap", 0, 1000000).value_or(200));
  options.seed = static_cast<uint64_t>(cl.integer("seed", 0, int64_t{1} << 53).value_or(1));
  options.switch_tau = cl.number("switch-tau", 0, 1e300);
  RewardModelOptions model_options;
  model_options.seed = options.seed;
  model_options.epochs = static_cast<int>(cl.integer("epochs", 1, 10000).value_or(model_options.epochs));

  // The policy first: a typo in it should not wait for a large log to be read.
  EvaluationPolicySpec spec = load_evaluation_policy(*policy_file);
  auto start = std::chrono::steady_clock::now();
  BanditLog log = read_bandit_log(*logs, cl.option("arm").value_or(""));
  double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ActionDistribution target = action_distribution(spec, log);
  OfflineEvaluation evaluation = evaluate_offline(log, target, estimators, options, model_options);
  const OpeResult& r = evaluation.result;
  double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mean_reward = 0;
  for (double x : log.reward) mean_reward += x / log.rounds();

  if (cl.flag("json")) {
    nlohmann::json out;
    out["logs"] = log.source;
    out["format"] = log.format;
    out["rounds"] = log.rounds();
    out["actions"] = log.actions;
    out["logged_mean_reward"] = mean_reward;
    out["policy"] = spec.describe(log);
    out["bootstrap"] = r.bootstrap;
    out["confidence"] = options.confidence;
    nlohmann::json estimates = nlohmann::json::object();
    for (const OpeEstimate& e : r.estimates) {
      nlohmann::json one = {{"value", json_number(e.value)},
                            {"ci_low", json_number(e.ci_low)},
                            {"ci_high", json_number(e.ci_high)},
                            {"standard_error", json_number(e.standard_error)}};
      if (!e.note.empty()) one["note"] = e.note;
      estimates[estimator_name(e.estimator)] = one;
    }
    out["estimates"] = estimates;
    out["effective_sample_size"] = r.weights.effective_sample_size;
    out["nonzero_weights"] = r.weights.nonzero;
    out["mean_weight"] = json_number(r.weights.mean);
    nlohmann::json largest = nlohmann::json::array();
    for (const auto& l : r.weights.largest) largest.push_back({{"line", log.line[l.round]}, {"weight", l.weight}});
    out["largest_weights"] = largest;
    if (std::find(estimators.begin(), estimators.end(), OpeEstimator::kSwitchDr) != estimators.end()) {
      out["switch_tau"] = r.switch_tau;
    }
    if (evaluation.model_fitted) {
      out["reward_model"] = {{"loss", evaluation.model.loss}, {"train_loss", evaluation.model.train_loss},
                             {"epochs", model_options.epochs}, {"hidden", model_options.hidden}};
    }
    out["warnings"] = r.warnings;
    out["seconds"] = total_seconds;
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }

  std::string text;
  text += fmt::format("logs          {} ({}): {} rounds, {} actions, {} positions, logged mean reward {}\n", log.source,
                      log.format == "obd" ? "Open Bandit Dataset" : log.format, log.rounds(), log.actions,
                      log.positions, number(mean_reward));
  if (log.simulator) text += fmt::format("logging arm   {} (policy {})\n", log.simulator->arm, log.simulator->policy);
  text += fmt::format("policy        {} ({})\n", spec.describe(log), *policy_file);
  if (evaluation.model_fitted) {
    text += fmt::format("reward model  {}-unit network, {} loss {:.4g} after {} epochs ({:.2f} s)\n",
                        model_options.hidden, evaluation.model.loss, evaluation.model.train_loss,
                        model_options.epochs, evaluation.model.seconds);
  }
  text += "\n";
  text += fmt::format("{:<11} {:>12}   {}\n", "estimator", "value",
                      options.bootstrap > 0 ? fmt::format("95% CI ({} bootstrap resamples)", options.bootstrap) : "");
  for (const OpeEstimate& e : r.estimates) {
    std::string ci = options.bootstrap > 0 ? fmt::format("[{}, {}]", number(e.ci_low), number(e.ci_high)) : "";
    text += fmt::format("{:<11} {:>12}   {}{}\n", estimator_name(e.estimator), number(e.value), ci,
                        e.note.empty() ? "" : "  (" + e.note + ")");
  }
  const WeightSummary& w = r.weights;
  text += fmt::format("\nimportance weights  effective sample size {:.1f} of {} rounds; {} nonzero; mean {}\n",
                      w.effective_sample_size, w.rounds, w.nonzero, number(w.mean));
  if (!w.largest.empty()) {
    std::string list;
    for (const auto& l : w.largest) {
      list += fmt::format("{}{:.4g} (line {})", list.empty() ? "" : ", ", l.weight, log.line[l.round]);
    }
    text += fmt::format("largest weights     {}\n", list);
  }
  if (std::find(estimators.begin(), estimators.end(), OpeEstimator::kSwitchDr) != estimators.end()) {
    text += fmt::format("switch-dr tau       {} (rounds with larger weights use the model alone)\n",
                        number(r.switch_tau));
  }
  for (const std::string& warning : r.warnings) text += fmt::format("warning: {}\n", warning);
  text += fmt::format("time                {:.2f} s (reading {:.2f} s)\n", total_seconds, read_seconds);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace bundlesim
