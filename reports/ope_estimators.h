#pragma once
// Off-policy estimators of an evaluation policy's value from logged bandit feedback, with
// percentile-bootstrap confidence intervals and importance-weight diagnostics. The formulas, with
// their sources, are in docs/offline-evaluation.md. Everything here works on per-round numbers,
// so it does not care what the actions are (items, offers) or where the reward model came from.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bundlesim {

enum class OpeEstimator { kDm, kIpw, kSnipw, kDr, kSndr, kSwitchDr };

// "dm", "ipw", "snipw", "dr", "sndr", "switch-dr".
const char* estimator_name(OpeEstimator estimator);
std::vector<OpeEstimator> all_estimators();
// Parses a comma-separated list of names; returns nullopt and sets `bad` to the first unknown name.
std::optional<std::vector<OpeEstimator>> parse_estimators(const std::string& list, std::string& bad);
// Whether the estimator needs a reward model (dm, dr, sndr, switch-dr).
bool needs_reward_model(OpeEstimator estimator);

// What the estimators need from each logged round i (all vectors have one entry per round; the
// reward-model vectors may be empty when no estimator needs them).
struct OpeRounds {
  std::vector<double> reward;              // r_i
  std::vector<double> propensity;          // logging policy's probability of the logged action, > 0
  std::vector<double> target_probability;  // evaluation policy's probability of the logged action
  std::vector<double> q_logged;            // reward model at the logged action, q(x_i, a_i)
  std::vector<double> q_target;            // reward model averaged over the evaluation policy
  size_t size() const { return reward.size(); }
};

struct OpeOptions {
  int bootstrap = 200;        // resamples; 0 for point estimates only
  double confidence = 0.95;   // of the percentile intervals
  uint64_t seed = 1;          // resamples come from RandomStream(seed, 0, kBootstrap, b)
  // Switch-DR's weight threshold tau; unset: chosen from the data (see choose_switch_tau).
  std::optional<double> switch_tau;
  int largest_weights = 5;    // how many of the largest weights to report
};

struct OpeEstimate {
  OpeEstimator estimator = OpeEstimator::kIpw;
  double value = 0;           // NaN when the data can't support it (see `note`)
  double ci_low = 0, ci_high = 0;
  double standard_error = 0;  // standard deviation of the bootstrap replicates
  std::string note;           // why a value is NaN, or what to beware of
};

struct WeightSummary {
  double effective_sample_size = 0;  // Kish: (sum w)^2 / sum w^2
  int64_t rounds = 0;
  int64_t nonzero = 0;               // rounds with w > 0
  double mean = 0;                   // should be near 1 when the propensities are right
  struct Largest {
    size_t round = 0;
    double weight = 0;
  };
  std::vector<Largest> largest;      // the largest weights, largest first
};

struct OpeResult {
  std::vector<OpeEstimate> estimates;
  WeightSummary weights;
  double switch_tau = 0;  // the threshold switch-DR used
  int bootstrap = 0;
  std::vector<std::string> warnings;  // e.g. an effective sample size too small to trust
};

// Importance weight of round i: target_probability / propensity.
std::vector<double> importance_weights(const OpeRounds& rounds);
WeightSummary summarize_weights(const std::vector<double>& weights, int largest);

// Switch-DR's threshold (Wang, Agarwal & Dudik 2017, section 4.2): among the distinct weights, the
// tau minimising estimated variance/n + squared bias bound, where the bias of falling back to the
// model where w > tau is bounded by (reward range) x (estimated policy mass with w > tau).
double choose_switch_tau(const OpeRounds& rounds, const std::vector<double>& weights);

// Point estimates, bootstrap intervals and weight diagnostics for `estimators`.
// REQUIRES: rounds.size() > 0; q_logged and q_target filled when an estimator needs them.
OpeResult estimate_policy_value(const OpeRounds& rounds, const std::vector<OpeEstimator>& estimators,
                                const OpeOptions& options);

}  // namespace bundlesim
