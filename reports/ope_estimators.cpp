#include "reports/ope_estimators.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "sim/random_stream.h"

namespace bundlesim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The per-round sums every estimator is a function of; a bootstrap replicate is the same sums
// over resampled rounds.
struct Sums {
  double n = 0;
  double q_target = 0;       // sum q_pi(x_i)
  double weighted_reward = 0;  // sum w_i r_i
  double weight = 0;         // sum w_i
  double correction = 0;     // sum w_i (r_i - q(x_i, a_i))
  double switched = 0;       // sum 1{w_i <= tau} w_i (r_i - q(x_i, a_i))

  void add(double qt, double wr, double w, double c, double s) {
    n += 1, q_target += qt, weighted_reward += wr, weight += w, correction += c, switched += s;
  }
};

double value_of(OpeEstimator e, const Sums& s) {
  switch (e) {
    // Direct method: the model's value of the policy.
    case OpeEstimator::kDm: return s.q_target / s.n;
    // IPW (Horvitz & Thompson 1952; Precup, Sutton & Singh 2000): (1/n) sum w_i r_i.
    case OpeEstimator::kIpw: return s.weight > 0 ? s.weighted_reward / s.n : kNaN;
    // SNIPW (Swaminathan & Joachims 2015): sum w_i r_i / sum w_i.
    case OpeEstimator::kSnipw: return s.weight > 0 ? s.weighted_reward / s.weight : kNaN;
    // DR (Dudik, Langford & Li 2011): (1/n) sum [q_pi(x_i) + w_i (r_i - q(x_i, a_i))].
    case OpeEstimator::kDr: return (s.q_target + s.correction) / s.n;
    // SNDR: the DR correction normalised by sum w_i instead of n (as in Open Bandit Pipeline).
    case OpeEstimator::kSndr: return s.weight > 0 ? s.q_target / s.n + s.correction / s.weight : s.q_target / s.n;
    // Switch-DR (Wang, Agarwal & Dudik 2017): DR where w <= tau, the model alone elsewhere.
    case OpeEstimator::kSwitchDr: return (s.q_target + s.switched) / s.n;
  }
  return kNaN;
}

// Linear-interpolation quantile of sorted values (numpy's default), q in [0, 1].
double quantile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  double position = q * static_cast<double>(sorted.size() - 1);
  size_t below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

const char* estimator_name(OpeEstimator estimator) {
  switch (estimator) {
    case OpeEstimator::kDm: return "dm";
    case OpeEstimator::kIpw: return "ipw";
    case OpeEstimator::kSnipw: return "snipw";
    case OpeEstimator::kDr: return "dr";
    case OpeEstimator::kSndr: return "sndr";
    case OpeEstimator::kSwitchDr: return "switch-dr";
  }
  return "?";
}

std::vector<OpeEstimator> all_estimators() {
  return {OpeEstimator::kDm, OpeEstimator::kIpw, OpeEstimator::kSnipw,
          OpeEstimator::kDr, OpeEstimator::kSndr, OpeEstimator::kSwitchDr};
}

std::optional<std::vector<OpeEstimator>> parse_estimators(const std::string& list, std::string& bad) {
  std::vector<OpeEstimator> out;
  std::stringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    bool found = false;
    for (OpeEstimator e : all_estimators()) {
      if (name == estimator_name(e)) {
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
        found = true;
      }
    }
    if (!found) {
      bad = name;
      return std::nullopt;
    }
  }
  if (out.empty()) {
    bad = list;
    return std::nullopt;
  }
  return out;
}

bool needs_reward_model(OpeEstimator estimator) {
  return estimator != OpeEstimator::kIpw && estimator != OpeEstimator::kSnipw;
}

std::vector<double> importance_weights(const OpeRounds& rounds) {
  std::vector<double> w(rounds.size());
  for (size_t i = 0; i < w.size(); ++i) w[i] = rounds.target_probability[i] / rounds.propensity[i];
  return w;
}

WeightSummary summarize_weights(const std::vector<double>& weights, int largest) {
  WeightSummary s;
  s.rounds = static_cast<int64_t>(weights.size());
  double sum = 0, sum_squares = 0;
  for (double w : weights) {
    sum += w;
    sum_squares += w * w;
    s.nonzero += w > 0;
  }
  // Kish's effective sample size: the number of equally weighted rounds with the same variance.
  s.effective_sample_size = sum_squares > 0 ? sum * sum / sum_squares : 0;
  s.mean = weights.empty() ? kNaN : sum / static_cast<double>(weights.size());
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  size_t k = std::min<size_t>(static_cast<size_t>(std::max(largest, 0)), weights.size());
  // Ties go to the earlier round, so the list does not depend on the sort's implementation.
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](size_t a, size_t b) {
    return weights[a] != weights[b] ? weights[a] > weights[b] : a < b;
  });
  for (size_t j = 0; j < k && weights[order[j]] > 0; ++j) s.largest.push_back({order[j], weights[order[j]]});
  return s;
}

double choose_switch_tau(const OpeRounds& rounds, const std::vector<double>& weights) {
  const size_t n = rounds.size();
  assert(rounds.q_logged.size() == n && rounds.q_target.size() == n);
  auto [low, high] = std::minmax_element(rounds.reward.begin(), rounds.reward.end());
  const double reward_range = *high - *low;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return weights[a] < weights[b]; });
  // Start with tau below every weight (the model everywhere), then admit rounds in weight order.
  // Per-round term t_i = q_pi(x_i) + 1{w_i <= tau} w_i (r_i - q(x_i, a_i)).
  double sum = 0, sum_squares = 0, mass_above = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += rounds.q_target[i];
    sum_squares += rounds.q_target[i] * rounds.q_target[i];
    mass_above += weights[i];  // IPW estimate of the policy's mass on rounds with w > tau
  }
  const double dn = static_cast<double>(n);
  auto mse = [&] {
    double mean = sum / dn;
    double variance = std::max(0.0, sum_squares / dn - mean * mean);
    double bias = reward_range * mass_above / dn;
    return variance / dn + bias * bias;
  };
  double best_tau = weights[order[0]] > 0 ? 0 : weights[order[0]];
  double best = mse();
  for (size_t j = 0; j < n;) {
    double tau = weights[order[j]];
    for (; j < n && weights[order[j]] == tau; ++j) {
      size_t i = order[j];
      double correction = weights[i] * (rounds.reward[i] - rounds.q_logged[i]);
      double before = rounds.q_target[i], after = before + correction;
      sum += correction;
      sum_squares += after * after - before * before;
      mass_above -= weights[i];
    }
    double m = mse();
    if (m < best) best = m, best_tau = tau;
  }
  return best_tau;
}

OpeResult estimate_policy_value(const OpeRounds& rounds, const std::vector<OpeEstimator>& estimators,
                                const OpeOptions& options) {
  const size_t n = rounds.size();
  assert(n > 0);
  bool model = std::any_of(estimators.begin(), estimators.end(), needs_reward_model);
  assert(!model || (rounds.q_logged.size() == n && rounds.q_target.size() == n));
  OpeResult result;
  result.bootstrap = options.bootstrap;
  const std::vector<double> w = importance_weights(rounds);
  result.weights = summarize_weights(w, options.largest_weights);

  bool switch_dr = std::find(estimators.begin(), estimators.end(), OpeEstimator::kSwitchDr) != estimators.end();
  if (switch_dr) result.switch_tau = options.switch_tau ? *options.switch_tau : choose_switch_tau(rounds, w);
  const double tau = switch_dr ? result.switch_tau : std::numeric_limits<double>::infinity();

  // Per-round terms, computed once; the bootstrap only re-adds them.
  struct Term {
    double q_target, weighted_reward, weight, correction, switched;
  };
  std::vector<Term> terms(n);
  Sums full;
  for (size_t i = 0; i < n; ++i) {
    double qt = model ? rounds.q_target[i] : 0;
    double correction = model ? w[i] * (rounds.reward[i] - rounds.q_logged[i]) : 0;
    terms[i] = {qt, w[i] * rounds.reward[i], w[i], correction, w[i] <= tau ? correction : 0};
    full.add(terms[i].q_target, terms[i].weighted_reward, terms[i].weight, terms[i].correction, terms[i].switched);
  }

  std::vector<std::vector<double>> replicates(estimators.size());
  for (int b = 0; b < options.bootstrap; ++b) {
    RandomStream stream(options.seed, 0, StreamPurpose::kBootstrap, static_cast<uint64_t>(b));
    Sums s;
    for (size_t k = 0; k < n; ++k) {
      // Lemire's multiply-shift maps a 64-bit draw to [0, n) (bias below n / 2^64).
      size_t i = static_cast<size_t>((static_cast<__uint128_t>(stream()) * n) >> 64);
      const Term& t = terms[i];
      s.add(t.q_target, t.weighted_reward, t.weight, t.correction, t.switched);
    }
    for (size_t e = 0; e < estimators.size(); ++e) replicates[e].push_back(value_of(estimators[e], s));
  }

  const double alpha = 1 - options.confidence;
  for (size_t e = 0; e < estimators.size(); ++e) {
    OpeEstimate est;
    est.estimator = estimators[e];
    est.value = value_of(estimators[e], full);
    std::vector<double> finite;
    for (double v : replicates[e]) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    std::sort(finite.begin(), finite.end());
    // A percentile interval from fewer than 90% usable replicates would be too narrow to trust.
    if (options.bootstrap > 0 && finite.size() >= 0.9 * options.bootstrap && std::isfinite(est.value)) {
      est.ci_low = quantile_sorted(finite, alpha / 2);
      est.ci_high = quantile_sorted(finite, 1 - alpha / 2);
      double mean = std::accumulate(finite.begin(), finite.end(), 0.0) / finite.size();
      double squares = 0;
      for (double v : finite) squares += (v - mean) * (v - mean);
      est.standard_error = finite.size() > 1 ? std::sqrt(squares / (finite.size() - 1)) : kNaN;
    } else {
      est.ci_low = est.ci_high = est.standard_error = kNaN;
      if (options.bootstrap > 0 && std::isfinite(est.value)) {
        est.note = fmt::format("only {} of {} bootstrap resamples had a round the policy could take", finite.size(),
                               options.bootstrap);
      }
    }
    if (!std::isfinite(est.value)) {
      est.note = "no logged round has an action the evaluation policy could take (all importance weights are 0)";
    }
    result.estimates.push_back(est);
  }

  const WeightSummary& ws = result.weights;
  if (ws.nonzero == 0) {
    result.warnings.push_back("the evaluation policy never takes a logged action: only the direct method "
                              "(a pure model extrapolation) has a value");
  } else if (ws.effective_sample_size < 100) {
    result.warnings.push_back(fmt::format("effective sample size {:.1f}: the weighted estimates rest on a handful "
                                          "of rounds",
                                          ws.effective_sample_size));
  }
  if (ws.nonzero > 0 && std::abs(ws.mean - 1) > 4 * std::sqrt(1.0 / ws.effective_sample_size) + 0.05 &&
      std::abs(ws.mean - 1) > 0.1) {
    result.warnings.push_back(fmt::format("mean importance weight {:.3f}, far from 1: are the propensities those "
                                          "of the policy that logged the data?",
                                          ws.mean));
  }
  return result;
}

}  // namespace bundlesim
