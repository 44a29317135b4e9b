// Random streams: same key, same numbers; different keys, independent-looking numbers.

#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <vector>

#include "sim/random_stream.h"

using namespace bundlesim;

TEST_CASE("a stream is a pure function of its key") {
  RandomStream a(42, 7, StreamPurpose::kChoice, 3), b(42, 7, StreamPurpose::kChoice, 3);
  for (int i = 0; i < 100; ++i) CHECK(a() == b());
}

TEST_CASE("streams of different keys differ and are uncorrelated") {
  // Correlation of the first draw across 20,000 pairs of neighbouring keys: under independence its
  // standard error is 1/sqrt(n) = 0.0071, so |r| < 0.03 fails by chance with probability ~1e-5.
  const int n = 20000;
  std::vector<std::pair<double, double>> pairs;
  for (int s = 0; s < n; ++s) {
    pairs.emplace_back(RandomStream(1, s, StreamPurpose::kValuation, 0).uniform(),
                       RandomStream(1, s + 1, StreamPurpose::kValuation, 0).uniform());
  }
  double mx = 0, my = 0;
  for (auto [x, y] : pairs) mx += x / n, my += y / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (auto [x, y] : pairs) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx), syy += (y - my) * (y - my);
  CHECK(std::abs(sxy / std::sqrt(sxx * syy)) < 0.03);
  // Uniform mean 1/2, sd of the mean sqrt(1/12/n) = 0.002.
  CHECK(mx == doctest::Approx(0.5).epsilon(0.02));

  std::set<uint64_t> firsts;
  for (uint64_t purpose = 1; purpose <= 10; ++purpose) {
    for (uint64_t index = 0; index < 10; ++index) {
      firsts.insert(RandomStream(1, 5, static_cast<StreamPurpose>(purpose), index)());
    }
  }
  CHECK(firsts.size() == 100);
}
