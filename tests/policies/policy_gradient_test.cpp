// Policy gradient (LibTorch): one REINFORCE-with-baseline step against the hand-derived update,
// and a toy bundle-building problem whose optimal bundle is known.

#include <doctest/doctest.h>

#include <cmath>

#include "policies/policy_gradient.h"
#include "policies/policy_random.h"

using namespace bundlesim;

namespace {

// A linear softmax policy on a one-number state, three actions, plain gradient steps of 0.1, no
// entropy bonus, critic weight 0.5: small enough to follow one step by hand.
PolicyGradient::Options one_step_options() {
  PolicyGradient::Options options;
  options.inputs = 1;
  options.actions = 3;
  options.hidden = 0;
  options.learning_rate = 0.1;
  options.adam = false;
  options.entropy = 0;
  options.value_weight = 0.5;
  return options;
}

}  // namespace

TEST_CASE("one policy-gradient step moves the logits by lr * advantage * (e_a - pi)") {
  // Linear softmax policy on the constant state x = (1), three actions, all weights 0: pi uniform,
  // V = 0. One episode: action 1, return 1, so the advantage is R - V = 1.
  PolicyGradient pg(one_step_options(), 1, 0);
  std::vector<float> x{1};
  std::vector<uint8_t> all{1, 1, 1};
  std::vector<double> p;
  pg.probabilities(x, all, p);
  CHECK(p[0] == doctest::Approx(1.0 / 3));
  pg.add_episode({{x, all, 1}}, 1.0);
  // Loss = -A log pi(1) + 0.5 (R - V)^2 = log 3 + 0.5 before the step.
  CHECK(pg.update() == doctest::Approx(std::log(3.0) + 0.5));
  // d(-log pi_a)/dz = pi - e_a; z = w x + b, so w and b each move by lr (e_a - pi): the logits by
  // 2 lr (e_a - pi) = (-1/15, 2/15, -1/15).
  double z1 = 2 * 0.1 * (2.0 / 3), z0 = 2 * 0.1 * (-1.0 / 3);
  double expected = std::exp(z1) / (std::exp(z1) + 2 * std::exp(z0));
  pg.probabilities(x, all, p);
  CHECK(p[1] == doctest::Approx(expected));
  CHECK(p[0] == doctest::Approx((1 - expected) / 2));
  // The critic: d(0.5 (R - V)^2)/dV = -(R - V) = -1, so w_v and b_v each rise by lr: V = 0.2.
  CHECK(pg.value(x) == doctest::Approx(0.2));
  // A masked action keeps probability 0.
  pg.probabilities(x, {1, 0, 1}, p);
  CHECK(p[1] == 0);
  CHECK(p[0] + p[2] == doctest::Approx(1));
}

TEST_CASE("learning-rate decay: the k-th step at learning_rate / (1 + k / learning_rate_decay)") {
  // The critic of the first test: V = w_v + b_v on x = (1), each moved by lr (R - V) per step, so V
  // moves by 2 lr (R - V). With R = 1: step 0 at lr 0.1 gives V = 0.2; step 1 at lr 0.1 / (1 + 1)
  // gives V = 0.2 + 2 * 0.05 * 0.8 = 0.28 (a constant rate would give 0.36).
  PolicyGradient::Options options = one_step_options();
  options.learning_rate_decay = 1;
  PolicyGradient pg(options, 1, 0);
  std::vector<float> x{1};
  std::vector<uint8_t> all{1, 1, 1};
  for (int step = 0; step < 2; ++step) {
    pg.add_episode({{x, all, 1}}, 1.0);
    pg.update();
  }
  CHECK(pg.value(x) == doctest::Approx(0.28));
}

TEST_CASE("acting temperature: softmax(logits / T), T from 1 toward act_temperature, training unchanged") {
  // The step of the test above, acting at T = 0.5 + 0.5 exp(-updates / 2).
  PolicyGradient::Options options = one_step_options();
  options.act_temperature = 0.5;
  options.temperature_updates = 2;
  PolicyGradient pg(options, 1, 0);
  std::vector<float> x{1};
  std::vector<uint8_t> all{1, 1, 1};
  std::vector<double> p;
  CHECK(pg.temperature() == 1);
  pg.add_episode({{x, all, 1}}, 1.0);
  // The loss is that of the untempered policy (uniform before the step), as above.
  CHECK(pg.update() == doctest::Approx(std::log(3.0) + 0.5));
  const double t = 0.5 + 0.5 * std::exp(-0.5);
  CHECK(pg.temperature() == doctest::Approx(t));
  double z1 = 2 * 0.1 * (2.0 / 3), z0 = 2 * 0.1 * (-1.0 / 3);
  double expected = std::exp(z1 / t) / (std::exp(z1 / t) + 2 * std::exp(z0 / t));
  pg.probabilities(x, all, p);
  CHECK(p[1] == doctest::Approx(expected));
  CHECK(p[0] == doctest::Approx((1 - expected) / 2));
}

TEST_CASE("REINFORCE with a baseline learns the one rewarding bundle") {
  // Anchor item 0 and three more items; state = which items are in the bundle; actions add item
  // 1..3 or stop (action 0 is "add item 0", never allowed). The return is 1 for the bundle {0, 2}
  // and 0 for anything else, so the optimal policy adds item 2, then stops.
  PolicyGradient::Options options;
  options.inputs = 4;
  options.actions = 5;  // add 0..3, stop
  options.hidden = 16;
  options.learning_rate = 0.02;
  PolicyGradient pg(options, 3, 0);
  std::vector<double> p;
  auto state_of = [](const std::vector<int>& bundle) {
    std::vector<float> x(4, 0.0f);
    for (int i : bundle) x[i] = 1;
    return x;
  };
  auto allowed_of = [](const std::vector<int>& bundle) {
    std::vector<uint8_t> allowed{0, 1, 1, 1, 1};
    for (int i : bundle) allowed[i] = 0;
    if (bundle.size() >= 3) allowed = {0, 0, 0, 0, 1};
    return allowed;
  };
  for (int episode = 0; episode < 6000; ++episode) {
    PolicyStream stream(5, 0, PolicyPurpose::kAction, episode);
    std::vector<int> bundle{0};
    std::vector<PolicyGradient::Step> steps;
    while (true) {
      PolicyGradient::Step step{state_of(bundle), allowed_of(bundle), 0};
      pg.probabilities(step.state, step.allowed, p);
      double u = stream.uniform(), c = 0;
      step.action = 4;
      for (int k = 0; k < 5; ++k) {
        c += p[k];
        if (p[k] > 0 && u < c) {
          step.action = k;
          break;
        }
      }
      steps.push_back(step);
      if (step.action == 4) break;
      bundle.push_back(step.action);
    }
    double reward = bundle == std::vector<int>{0, 2} ? 1.0 : 0.0;
    pg.add_episode(std::move(steps), reward);
    if (pg.pending_episodes() >= 16) pg.update();
  }
  pg.probabilities(state_of({0}), allowed_of({0}), p);
  CHECK(p[2] > 0.9);
  pg.probabilities(state_of({0, 2}), allowed_of({0, 2}), p);
  CHECK(p[4] > 0.9);
  // The critic learns the value of the start state under the (nearly optimal) policy: close to 1.
  CHECK(pg.value(state_of({0})) > 0.8);
}
