#include "policies/copurchase_graph.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/maximum_weighted_matching.hpp>

namespace bundlesim {

// Co-purchase counts live on the edges of an undirected graph over the catalog's items.
struct CopurchaseGraph::Graph {
  struct EdgeCount {
    int64_t orders = 0;
  };
  using Type = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, EdgeCount>;
  Type g;
  explicit Graph(int items) : g(items) {}
};

CopurchaseGraph::CopurchaseGraph(int items, Options options)
    : options_(options), graph_(std::make_unique<Graph>(items)), item_orders_(items, 0) {}
CopurchaseGraph::~CopurchaseGraph() = default;
CopurchaseGraph::CopurchaseGraph(CopurchaseGraph&&) noexcept = default;
CopurchaseGraph& CopurchaseGraph::operator=(CopurchaseGraph&&) noexcept = default;

void CopurchaseGraph::add_order(const std::vector<ItemIndex>& items) {
  ++orders_;
  for (size_t a = 0; a < items.size(); ++a) {
    ++item_orders_[items[a]];
    for (size_t b = a + 1; b < items.size(); ++b) {
      assert(items[a] != items[b]);
      auto [edge, found] = boost::edge(items[a], items[b], graph_->g);
      if (!found) edge = boost::add_edge(items[a], items[b], graph_->g).first;
      ++graph_->g[edge].orders;
    }
  }
}

int64_t CopurchaseGraph::count(ItemIndex i, ItemIndex j) const {
  auto [edge, found] = boost::edge(i, j, graph_->g);
  return found ? graph_->g[edge].orders : 0;
}

double CopurchaseGraph::lift(ItemIndex i, ItemIndex j) const {
  int64_t both = count(i, j);
  if (both == 0) return 0;
  return static_cast<double>(both) * static_cast<double>(orders_) /
         (static_cast<double>(item_orders_[i]) * static_cast<double>(item_orders_[j]));
}

double CopurchaseGraph::weight(ItemIndex i, ItemIndex j) const {
  int64_t both = count(i, j);
  if (both < std::max<int64_t>(options_.min_support, 1) || lift(i, j) <= options_.min_lift) return 0;
  if (options_.measure == Measure::kLift) return lift(i, j);
  return static_cast<double>(both) / std::sqrt(static_cast<double>(item_orders_[i]) * static_cast<double>(item_orders_[j]));
}

std::vector<std::pair<ItemIndex, double>> CopurchaseGraph::complements(ItemIndex i, int k) const {
  std::vector<std::pair<ItemIndex, double>> out;
  for (auto [it, end] = boost::adjacent_vertices(i, graph_->g); it != end; ++it) {
    ItemIndex j = static_cast<ItemIndex>(*it);
    double w = weight(i, j);
    if (w > 0) out.emplace_back(j, w);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  });
  if (static_cast<int>(out.size()) > k) out.resize(k);
  return out;
}

std::vector<std::pair<ItemIndex, ItemIndex>> CopurchaseGraph::matching() const {
  // Boost 1.74's implementation misbehaves on equal weights (boostorg/graph#199, #399), so the
  // weights are handed to it as distinct integers: the weight in millionths of the largest, plus
  // one, times (edges + 1), plus a tie-breaker by edge rank. Matchings whose total weights differ by
  // more than about (items / 2) millionths of the largest weight keep their order.
  using WeightedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                              boost::property<boost::edge_weight_t, int64_t>>;
  const int n = static_cast<int>(item_orders_.size());
  struct Candidate {
    ItemIndex i, j;
    double w;
  };
  std::vector<Candidate> edges;
  double largest = 0;
  for (auto [it, end] = boost::edges(graph_->g); it != end; ++it) {
    ItemIndex i = static_cast<ItemIndex>(boost::source(*it, graph_->g));
    ItemIndex j = static_cast<ItemIndex>(boost::target(*it, graph_->g));
    double w = weight(i, j);
    if (w <= 0) continue;
    edges.push_back({std::min(i, j), std::max(i, j), w});
    largest = std::max(largest, w);
  }
  if (edges.empty()) return {};
  std::sort(edges.begin(), edges.end(), [](const Candidate& a, const Candidate& b) {
    return a.i < b.i || (a.i == b.i && a.j < b.j);
  });
  const int64_t count = static_cast<int64_t>(edges.size());
  WeightedGraph g(n);
  for (int64_t e = 0; e < count; ++e) {
    int64_t scaled = std::llround(edges[e].w / largest * 1e6);
    boost::add_edge(edges[e].i, edges[e].j, (scaled + 1) * (count + 1) + (count - e), g);
  }
  std::vector<boost::graph_traits<WeightedGraph>::vertex_descriptor> mate(n);
  boost::maximum_weighted_matching(g, &mate[0]);

  std::vector<std::pair<ItemIndex, ItemIndex>> pairs;
  for (int v = 0; v < n; ++v) {
    auto u = mate[v];
    if (u == boost::graph_traits<WeightedGraph>::null_vertex() || static_cast<int>(u) <= v) continue;
    if (mate[u] != static_cast<decltype(u)>(v) || !boost::edge(v, u, g).second) {
      throw std::logic_error("maximum_weighted_matching returned something that is not a matching");
    }
    pairs.emplace_back(v, static_cast<ItemIndex>(u));
  }
  return pairs;
}

double matching_weight(const CopurchaseGraph& graph, const std::vector<std::pair<ItemIndex, ItemIndex>>& pairs) {
  double total = 0;
  for (auto [i, j] : pairs) total += graph.weight(i, j);
  return total;
}

}  // namespace bundlesim
