#pragma once
// Thompson sampling (Thompson 1933; Russo et al., "A Tutorial on Thompson Sampling", 2018) over a
// few discrete actions whose rewards are Gaussian with unknown mean and variance. Each action keeps
// a Normal-Inverse-Gamma posterior over (mean, variance), updated in closed form (Murphy,
// "Conjugate Bayesian analysis of the Gaussian distribution", 2007, sec. 6):
//
//   m' = (k m + x) / (k + 1)      k' = k + 1      a' = a + 1/2
//   b' = b + k (x - m)^2 / (2 (k + 1))
//
// To choose, draw a variance s2 ~ InvGamma(a, b) and a mean mu ~ N(m, s2 / k) per action and take
// the action with the largest draw.

#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

namespace bundlesim {

struct NormalInverseGamma {
  double mean = 0;   // m
  double kappa = 1;  // k: pseudo-observations behind m
  double alpha = 1;  // a
  double beta = 1;   // b
  int64_t observations = 0;

  void update(double x) {
    beta += kappa * (x - mean) * (x - mean) / (2 * (kappa + 1));
    mean = (kappa * mean + x) / (kappa + 1);
    kappa += 1;
    alpha += 0.5;
    ++observations;
  }

  // One draw of the mean from the posterior.
  template <class Engine>
  double sample_mean(Engine& engine) const {
    double precision = boost::random::gamma_distribution<double>(alpha, 1 / beta)(engine);
    return boost::random::normal_distribution<double>(mean, 1 / std::sqrt(precision * kappa))(engine);
  }
};

class ThompsonSampler {
 public:
  // REQUIRES: actions >= 1, prior.kappa > 0, prior.alpha > 0, prior.beta > 0.
  ThompsonSampler(int actions, NormalInverseGamma prior, int initial_pulls)
      : posteriors_(actions, prior), initial_pulls_(initial_pulls) {}

  // The action to take: the least-tried action while some has fewer than `initial_pulls` (counting
  // choices not yet rewarded, since rewards arrive late), else the Thompson draw.
  template <class Engine>
  int choose(Engine& engine) {
    int action = -1;
    for (int a = 0; a < actions(); ++a) {
      if (chosen_[a] < initial_pulls_ && (action < 0 || chosen_[a] < chosen_[action])) action = a;
    }
    if (action < 0) {
      double best = 0;
      for (int a = 0; a < actions(); ++a) {
        double draw = posteriors_[a].sample_mean(engine);
        if (action < 0 || draw > best) best = draw, action = a;
      }
    }
    ++chosen_[action];
    return action;
  }
  void reward(int action, double x) { posteriors_[action].update(x); }

  int actions() const { return static_cast<int>(posteriors_.size()); }
  const NormalInverseGamma& posterior(int action) const { return posteriors_[action]; }
  // The action with the highest posterior mean (what the sampler believes is best now).
  int best() const {
    int best = 0;
    for (int a = 1; a < actions(); ++a) {
      if (posteriors_[a].mean > posteriors_[best].mean) best = a;
    }
    return best;
  }

 private:
  std::vector<NormalInverseGamma> posteriors_;
  std::vector<int64_t> chosen_ = std::vector<int64_t>(posteriors_.size(), 0);
  int initial_pulls_;
};

}  // namespace bundlesim
