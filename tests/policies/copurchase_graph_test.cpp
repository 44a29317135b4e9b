// CopurchaseGraph: counts, lift and cosine weights against hand computation, complements order,
// and the maximum-weight matching against a hand-solved graph and against brute force.

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <set>

#include "policies/copurchase_graph.h"
#include "policies/policy_random.h"

using namespace bundlesim;

namespace {

CopurchaseGraph::Options options(CopurchaseGraph::Measure measure, int64_t min_support, double min_lift) {
  CopurchaseGraph::Options o;
  o.measure = measure;
  o.min_support = min_support;
  o.min_lift = min_lift;
  return o;
}

// The best total weight of any matching, by trying every choice for the lowest unmatched item.
double brute_force_best(const CopurchaseGraph& g, int n) {
  std::function<double(uint32_t)> best = [&](uint32_t used) -> double {
    int i = 0;
    while (i < n && (used >> i & 1u)) ++i;
    if (i == n) return 0.0;
    double top = best(used | 1u << i);  // i stays unmatched
    for (int j = i + 1; j < n; ++j) {
      if (used >> j & 1u) continue;
      double w = g.weight(i, j);
      if (w > 0) top = std::max(top, w + best(used | 1u << i | 1u << j));
    }
    return top;
  };
  return best(0);
}

}  // namespace

TEST_CASE("co-purchase counts, lift and cosine match hand computation") {
  // 10 orders over items 0..3:
  //   {0,1} x4, {0,1,2} x2, {2} x3, {3} x1
  // n(0) = 6, n(1) = 6, n(2) = 5, n(3) = 1, n(0,1) = 6, n(0,2) = 2, n(1,2) = 2, N = 10.
  CopurchaseGraph lift(4, options(CopurchaseGraph::Measure::kLift, 1, 1.0));
  CopurchaseGraph cosine(4, options(CopurchaseGraph::Measure::kCosine, 1, 0.0));
  auto add = [&](std::vector<ItemIndex> order, int times) {
    for (int t = 0; t < times; ++t) lift.add_order(order), cosine.add_order(order);
  };
  add({0, 1}, 4);
  add({0, 1, 2}, 2);
  add({2}, 3);
  add({3}, 1);
  CHECK(lift.orders() == 10);
  CHECK(lift.count(0) == 6);
  CHECK(lift.count(2) == 5);
  CHECK(lift.count(0, 1) == 6);
  CHECK(lift.count(1, 0) == 6);
  CHECK(lift.count(1, 2) == 2);
  CHECK(lift.count(0, 3) == 0);
  // lift(0,1) = 6 * 10 / (6 * 6) = 5/3; lift(0,2) = 2 * 10 / (6 * 5) = 2/3 (< 1: no edge).
  CHECK(lift.weight(0, 1) == doctest::Approx(5.0 / 3));
  CHECK(lift.lift(0, 2) == doctest::Approx(2.0 / 3));
  CHECK(lift.weight(0, 2) == 0);
  // cosine(0,1) = 6 / sqrt(36) = 1; cosine(1,2) = 2 / sqrt(30).
  CHECK(cosine.weight(0, 1) == doctest::Approx(1.0));
  CHECK(cosine.weight(1, 2) == doctest::Approx(2.0 / std::sqrt(30.0)));
  CHECK(cosine.weight(0, 3) == 0);

  // complements(0): item 1 (1.0) before item 2 (2/sqrt(30) = 0.365).
  auto top = cosine.complements(0, 5);
  REQUIRE(top.size() == 2);
  CHECK(top[0].first == 1);
  CHECK(top[1].first == 2);
  CHECK(cosine.complements(0, 1).size() == 1);

  // min_support: the pair (1,2), seen twice, drops out at support 3.
  CopurchaseGraph strict(4, options(CopurchaseGraph::Measure::kCosine, 3, 0.0));
  for (int t = 0; t < 2; ++t) strict.add_order({1, 2});
  CHECK(strict.weight(1, 2) == 0);
  strict.add_order({1, 2});
  CHECK(strict.weight(1, 2) == doctest::Approx(1.0));
}

TEST_CASE("the catalogue matching beats greedy on a path graph") {
  // Pairs only: {0,1} x6, {1,2} x10, {2,3} x6, so n = (6, 16, 16, 6) and cosine weights
  // w01 = w23 = 6 / sqrt(96) = 0.612, w12 = 10 / 16 = 0.625. Greedy takes (1,2) for 0.625; the
  // maximum-weight matching is {(0,1), (2,3)} for 1.225.
  CopurchaseGraph g(4, options(CopurchaseGraph::Measure::kCosine, 1, 0.0));
  for (int t = 0; t < 6; ++t) g.add_order({0, 1});
  for (int t = 0; t < 10; ++t) g.add_order({1, 2});
  for (int t = 0; t < 6; ++t) g.add_order({2, 3});
  auto pairs = g.matching();
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[0] == std::make_pair(0, 1));
  CHECK(pairs[1] == std::make_pair(2, 3));
  CHECK(matching_weight(g, pairs) == doctest::Approx(2 * 6 / std::sqrt(96.0)));
}

TEST_CASE("the catalogue matching equals brute force on random graphs") {
  // 300 random order sets over 9 items; Boost's blossom matching must reach the brute-force optimum
  // (to the 1e-6 relative scaling the integer weights allow) and be a matching.
  const int n = 9;
  for (int trial = 0; trial < 300; ++trial) {
    PolicyStream stream(11, 0, PolicyPurpose::kTraining, trial);
    CopurchaseGraph g(n, options(trial % 2 ? CopurchaseGraph::Measure::kCosine : CopurchaseGraph::Measure::kLift, 1,
                                 trial % 2 ? 0.0 : 1.0));
    int orders = 20 + static_cast<int>(stream() % 40);
    for (int o = 0; o < orders; ++o) {
      std::vector<ItemIndex> order;
      for (int i = 0; i < n; ++i) {
        if (stream.uniform() < 0.3) order.push_back(i);
      }
      if (!order.empty()) g.add_order(order);
    }
    auto pairs = g.matching();
    std::set<ItemIndex> used;
    for (auto [i, j] : pairs) {
      CHECK(i < j);
      CHECK(g.weight(i, j) > 0);
      CHECK(used.insert(i).second);
      CHECK(used.insert(j).second);
    }
    double best = brute_force_best(g, n);
    CHECK(matching_weight(g, pairs) == doctest::Approx(best).epsilon(1e-5));
  }
}
