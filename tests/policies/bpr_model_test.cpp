// BPR matrix factorisation (LibTorch): one SGD step against the gradient worked by hand, and a toy
// co-purchase world whose complements it must rank first.

#include <doctest/doctest.h>

#include <cmath>

#include "policies/bpr_model.h"

using namespace bundlesim;

TEST_CASE("one BPR step with SGD moves every factor as the hand-derived gradient says") {
  BprModel::Options options;
  options.factors = 2;
  options.segments = 1;
  options.learning_rate = 0.1;
  options.l2 = 0;
  options.adam = false;
  BprModel model(3, options, 1, 0);
  // U[0] = (1, 0), S[0] = (0, .5), V[1] = (.5, 1), V[2] = (1, -1), b = (0, .2, .1).
  model.set_parameters({1, 0, 0, 0, 0, 0}, {0, 0.5f}, {0, 0, 0.5f, 1, 1, -1}, {0, 0.2f, 0.1f});
  // Context c = U[0] + S[0] = (1, .5); x(1) = .5 + .5 + .2 = 1.2, x(2) = 1 - .5 + .1 = .6, d = .6.
  CHECK(model.score(0, 0, 1) == doctest::Approx(1.2));
  CHECK(model.score(0, 0, 2) == doctest::Approx(0.6));
  CHECK(model.anchor_score(0, 1) == doctest::Approx(0.5));  // U[0] . V[1] alone
  double loss = model.step({0}, {0}, {1}, {2});
  CHECK(loss == doctest::Approx(std::log1p(std::exp(-0.6))));  // -log sigmoid(d)
  // d loss / d theta = -sigmoid(-d) * d d / d theta; SGD adds eta * sigmoid(-d) * d d / d theta.
  const double g = 0.1 / (1 + std::exp(0.6));  // eta * sigmoid(-d) = 0.0354344
  std::vector<float> u, s, v, b;
  model.parameters(u, s, v, b);
  // d d / dU[0] = d d / dS[0] = V[1] - V[2] = (-.5, 2).
  CHECK(u[0] == doctest::Approx(1 - 0.5 * g));
  CHECK(u[1] == doctest::Approx(2 * g));
  CHECK(s[0] == doctest::Approx(-0.5 * g));
  CHECK(s[1] == doctest::Approx(0.5 + 2 * g));
  // d d / dV[1] = c, d d / dV[2] = -c; d d / db[1] = 1, d d / db[2] = -1.
  CHECK(v[2] == doctest::Approx(0.5 + g));
  CHECK(v[3] == doctest::Approx(1 + 0.5 * g));
  CHECK(v[4] == doctest::Approx(1 - g));
  CHECK(v[5] == doctest::Approx(-1 - 0.5 * g));
  CHECK(b[1] == doctest::Approx(0.2 + g));
  CHECK(b[2] == doctest::Approx(0.1 - g));
  // Untouched: U rows 1 and 2, V row 0, b[0].
  CHECK(u[2] == 0);
  CHECK(v[0] == 0);
  CHECK(b[0] == 0);
}

TEST_CASE("BPR ranks each item's planted partner first") {
  // Six items bought in fixed pairs {0,1}, {2,3}, {4,5}: every item's top-scored other item must be
  // its partner, by a clear margin.
  BprModel::Options options;
  options.factors = 8;
  BprModel model(6, options, 7, 0);
  for (int r = 0; r < 200; ++r) {
    model.add_order(0, {0, 1});
    model.add_order(0, {2, 3});
    model.add_order(0, {4, 5});
  }
  CHECK(model.pairs() == 1200);
  double first = model.train(10);
  double last = model.train(300);
  CHECK(last < first);
  for (ItemIndex a = 0; a < 6; ++a) {
    ItemIndex partner = a ^ 1;
    for (ItemIndex j = 0; j < 6; ++j) {
      if (j == a || j == partner) continue;
      CHECK(model.score(0, a, partner) > model.score(0, a, j) + 1);
      CHECK(model.anchor_score(a, partner) > model.anchor_score(a, j));
    }
  }
}
