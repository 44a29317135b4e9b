#pragma once
// Item-to-item co-purchase statistics held as a Boost.Graph graph: one vertex per catalog item, an
// edge between two items once an order held both, carrying how many orders did. Edge weights say
// how strongly two items go together, by one of two documented measures (docs/policies.md):
//
//   lift:   w(i, j) = n(i, j) * N / (n(i) * n(j))   > 1 when bought together more often than if
//           independent (Agrawal, Imielinski & Swami 1993; Brin et al. 1997)
//   cosine: w(i, j) = n(i, j) / sqrt(n(i) * n(j))   the normalised co-occurrence (Ochiai
//           coefficient) that item-to-item collaborative filtering uses (Linden, Smith & York,
//           "Amazon.com recommendations: item-to-item collaborative filtering", IEEE Internet
//           Computing 2003)
//
// where N counts orders, n(i) orders holding i and n(i, j) orders holding both. An edge seen in
// fewer than `min_support` orders has weight 0 (too little evidence), as has an edge whose lift is
// at most `min_lift` (not bought together more than chance).

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "market/catalog.h"

namespace bundlesim {

class CopurchaseGraph {
 public:
  enum class Measure { kLift, kCosine };
  struct Options {
    Measure measure = Measure::kLift;
    int64_t min_support = 5;  // co-purchases before an edge counts
    double min_lift = 1.0;    // an edge counts only when its lift exceeds this (both measures)
  };

  CopurchaseGraph(int items, Options options);
  ~CopurchaseGraph();
  CopurchaseGraph(CopurchaseGraph&&) noexcept;
  CopurchaseGraph& operator=(CopurchaseGraph&&) noexcept;

  // Counts one order. REQUIRES: items distinct, each in [0, items).
  void add_order(const std::vector<ItemIndex>& items);

  int64_t orders() const { return orders_; }
  int64_t count(ItemIndex i) const { return item_orders_[i]; }
  int64_t count(ItemIndex i, ItemIndex j) const;
  double lift(ItemIndex i, ItemIndex j) const;
  // The edge weight by the chosen measure, 0 when the edge does not count (see above).
  double weight(ItemIndex i, ItemIndex j) const;
  // Up to `k` items with positive weight to i, strongest first (ties: lower index first).
  std::vector<std::pair<ItemIndex, double>> complements(ItemIndex i, int k) const;
  // Disjoint pairs of items maximising the total weight (Edmonds' blossom algorithm, as Boost.Graph's
  // maximum_weighted_matching implements it; Galil, "Efficient algorithms for finding maximum matching
  // in graphs", ACM Computing Surveys 1986). Pairs come with i < j, sorted by i.
  std::vector<std::pair<ItemIndex, ItemIndex>> matching() const;

 private:
  struct Graph;
  Options options_;
  std::unique_ptr<Graph> graph_;
  int64_t orders_ = 0;
  std::vector<int64_t> item_orders_;
};

// The total weight of `pairs` under `weight` (for checks and reports).
double matching_weight(const CopurchaseGraph& graph, const std::vector<std::pair<ItemIndex, ItemIndex>>& pairs);

}  // namespace bundlesim
