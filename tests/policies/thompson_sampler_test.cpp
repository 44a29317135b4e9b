// Thompson sampling: the Normal-Inverse-Gamma update against hand computation, the posterior draws
// against the Student-t moments, and a toy bandit that must settle on its best action.

#include <doctest/doctest.h>

#include <cmath>

#include "policies/policy_random.h"
#include "policies/thompson_sampler.h"

using namespace bundlesim;

TEST_CASE("the Normal-Inverse-Gamma posterior update matches hand computation") {
  // Prior m = 0, k = 1, a = 1, b = 1 (Murphy 2007, eqs. 85-88, one observation at a time).
  NormalInverseGamma p{0, 1, 1, 1};
  p.update(2);
  // m = (1*0 + 2) / 2 = 1, k = 2, a = 1.5, b = 1 + 1 * (2 - 0)^2 / (2 * 2) = 2.
  CHECK(p.mean == doctest::Approx(1));
  CHECK(p.kappa == doctest::Approx(2));
  CHECK(p.alpha == doctest::Approx(1.5));
  CHECK(p.beta == doctest::Approx(2));
  p.update(4);
  // m = (2*1 + 4) / 3 = 2, k = 3, a = 2, b = 2 + 2 * (4 - 1)^2 / (2 * 3) = 5.
  CHECK(p.mean == doctest::Approx(2));
  CHECK(p.kappa == doctest::Approx(3));
  CHECK(p.alpha == doctest::Approx(2));
  CHECK(p.beta == doctest::Approx(5));
  // The batch form agrees: n = 2, mean 3, S = 2: b = b0 + S/2 + k0 n (mean - m0)^2 / (2 (k0 + n))
  // = 1 + 1 + 2 * 9 / 6 = 5.
  CHECK(p.observations == 2);
}

TEST_CASE("posterior draws of the mean have the Student-t moments") {
  // With a = 3, b = 8, k = 4 the mean's marginal is Student-t with 2a = 6 degrees of freedom,
  // location m, and variance b / (k (a - 1)) = 1 (Murphy 2007, eq. 100 ff.).
  NormalInverseGamma p{5, 4, 3, 8};
  const int n = 40000;
  double sum = 0, squares = 0;
  for (int d = 0; d < n; ++d) {
    PolicyStream stream(3, 0, PolicyPurpose::kThompson, d);
    double x = p.sample_mean(stream);
    sum += x;
    squares += x * x;
  }
  double mean = sum / n, variance = squares / n - mean * mean;
  CHECK(mean == doctest::Approx(5).epsilon(0.003));  // standard error 1/sqrt(n) = 0.005
  CHECK(variance == doctest::Approx(1).epsilon(0.06));  // t6: sd of the variance estimate ~ 2.2/sqrt(n)
}

TEST_CASE("a Thompson sampler settles on the best of three Gaussian actions") {
  // Rewards N(1, 1), N(1.5, 1), N(0.5, 1): after 3000 rounds the 1.5 action has most pulls and
  // the highest posterior mean; regret per round must be small.
  const double means[] = {1, 1.5, 0.5};
  ThompsonSampler sampler(3, {0, 0.01, 1, 1}, 2);
  int pulls[3] = {0, 0, 0};
  for (int t = 0; t < 3000; ++t) {
    PolicyStream stream(9, 0, PolicyPurpose::kThompson, t);
    int a = sampler.choose(stream);
    ++pulls[a];
    sampler.reward(a, means[a] + stream.normal());
  }
  CHECK(sampler.best() == 1);
  CHECK(pulls[1] > 2500);
  CHECK(sampler.posterior(1).mean == doctest::Approx(1.5).epsilon(0.05));
}
