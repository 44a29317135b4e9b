// Running moments: Welford's update and the Chan-Golub-LeVeque merge against hand computation and
// the textbook two-pass formulas.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/moment_accumulator.h"
#include "sim/random_stream.h"

using namespace bundlesim;

TEST_CASE("moments of a small sample match a hand computation") {
  // x = 1, 2, 3, 4 and y = 2, 4, 6, 9: by hand, mean x 2.5, mean y 5.25, sample variance of x
  // (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3, of y (10.5625 + 1.5625 + 0.5625 + 14.0625) / 3 = 26.75/3,
  // covariance (4.875 + 0.625 + 0.375 + 5.625) / 3 = 11.5/3.
  MomentAccumulator<2> m;
  const double x[] = {1, 2, 3, 4}, y[] = {2, 4, 6, 9};
  for (int k = 0; k < 4; ++k) m.add({x[k], y[k]});
  CHECK(m.count() == 4);
  CHECK(m.mean(0) == doctest::Approx(2.5));
  CHECK(m.mean(1) == doctest::Approx(5.25));
  CHECK(m.sum(1) == doctest::Approx(21));
  CHECK(m.variance(0) == doctest::Approx(5.0 / 3));
  CHECK(m.variance(1) == doctest::Approx(26.75 / 3));
  CHECK(m.covariance(0, 1) == doctest::Approx(11.5 / 3));
  CHECK(m.covariance(1, 0) == doctest::Approx(11.5 / 3));
}

TEST_CASE("moments stay accurate far from zero") {
  // The classic cancellation case (Knuth TAOCP vol. 2, 4.2.2; Welford 1962): 4, 7, 13, 16 shifted by
  // 1e9 still has sample variance 30. The naive sum-of-squares formula loses every digit here.
  MomentAccumulator<1> m;
  for (double v : {4.0, 7.0, 13.0, 16.0}) m.add({1e9 + v});
  CHECK(m.mean(0) == doctest::Approx(1e9 + 10));
  CHECK(m.variance(0) == doctest::Approx(30).epsilon(1e-9));
}

TEST_CASE("merging two accumulators equals accumulating everything in one") {
  RandomStream stream(3, 0, StreamPurpose::kChoice, 0);
  MomentAccumulator<3> all, left, right, empty;
  for (int k = 0; k < 1000; ++k) {
    double a = stream.uniform() * 10, b = a * a + stream.uniform(), c = -3 * a + 100;
    all.add({a, b, c});
    (k < 370 ? left : right).add({a, b, c});
  }
  MomentAccumulator<3> merged = left;
  merged.merge(right);
  merged.merge(empty);  // merging nothing changes nothing
  CHECK(merged.count() == all.count());
  for (int i = 0; i < 3; ++i) {
    CHECK(merged.mean(i) == doctest::Approx(all.mean(i)).epsilon(1e-12));
    for (int j = 0; j < 3; ++j) {
      CHECK(merged.covariance(i, j) == doctest::Approx(all.covariance(i, j)).epsilon(1e-10));
    }
  }
  // c is an exact linear function of a: correlation -1.
  double r = all.covariance(0, 2) / std::sqrt(all.variance(0) * all.variance(2));
  CHECK(r == doctest::Approx(-1).epsilon(1e-12));

  MomentAccumulator<3> into_empty;
  into_empty.merge(all);
  CHECK(into_empty.count() == 1000);
  CHECK(into_empty.variance(1) == doctest::Approx(all.variance(1)));
}

TEST_CASE("a variance from fewer than two observations is NaN and the state round-trips") {
  MomentAccumulator<2> m;
  CHECK(std::isnan(m.variance(0)));
  m.add({5, 6});
  CHECK(std::isnan(m.variance(0)));
  CHECK(m.mean(1) == 6);
  m.add({7, 2});
  auto copy = MomentAccumulator<2>::from_state(m.count(), m.means(), m.comoments());
  CHECK(copy.count() == 2);
  CHECK(copy.variance(0) == doctest::Approx(2));   // (1 + 1) / 1
  CHECK(copy.covariance(0, 1) == doctest::Approx(-4));  // (-1)(2) + (1)(-2)
}
