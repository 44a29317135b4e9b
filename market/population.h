#pragma once
// The shopper population: segments with their share, price sensitivity, interests and willingness
// to pay. Draws take an engine from the caller (sim/ owns the random streams), so the market knows
// distributions but not where randomness comes from.

#include <string>
#include <vector>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "market/catalog.h"

namespace bundlesim {

// A shopper's willingness to pay for one unit of an item.
struct ValuationDistribution {
  enum class Kind { kFixed, kUniform, kNormal, kLognormal };
  Kind kind = Kind::kUniform;
  // kFixed: a = value. kUniform: [a, b]. kNormal: mean a, sd b (truncated at 0).
  // kLognormal: log-mean a, log-sd b.
  double a = 0, b = 1;
  // When true the draw is a multiple of the item's list price at the start of the run.
  bool relative_to_price = false;

  // One draw, truncated at 0 (willingness to pay is never negative).
  template <class Engine>
  double sample(Engine& engine, double list_price) const {
    double x = 0;
    switch (kind) {
      case Kind::kFixed: x = a; break;
      case Kind::kUniform: x = boost::random::uniform_real_distribution<double>(a, b)(engine); break;
      case Kind::kNormal: x = boost::random::normal_distribution<double>(a, b)(engine); break;
      case Kind::kLognormal: x = boost::random::lognormal_distribution<double>(a, b)(engine); break;
    }
    if (x < 0) x = 0;
    return relative_to_price ? x * list_price : x;
  }
};

struct Segment {
  std::string name;
  double share = 1;              // fraction of arriving shoppers, shares sum to 1
  double price_sensitivity = 1;  // alpha: utility of a basket is value - alpha * price
  // Browse weight per catalog category (Catalog::categories() order); 0 = never browses it.
  std::vector<double> category_affinity;
  ValuationDistribution valuation;                         // default for every item
  std::vector<int> valuation_override;                     // per item: -1 or index into overrides
  std::vector<ValuationDistribution> valuation_overrides;  // by category or by item
  double return_probability = 0;  // chance of coming back after a visit
  double return_delay_days = 1;   // mean of the exponential delay before that next visit
  // Spend before the experiment (for CUPED): mean of an exponential, 0 = none.
  double pre_period_spend_mean = 0;

  const ValuationDistribution& valuation_of(ItemIndex i) const {
    int o = valuation_override.empty() ? -1 : valuation_override[i];
    return o < 0 ? valuation : valuation_overrides[o];
  }
};

class Population {
 public:
  Population() = default;
  explicit Population(std::vector<Segment> segments);

  int size() const { return static_cast<int>(segments_.size()); }
  const Segment& segment(int s) const { return segments_[s]; }
  const std::vector<Segment>& segments() const { return segments_; }
  // The segments' names in index order.
  std::vector<std::string> segment_names() const;
  // Maps a uniform draw in [0, 1) to a segment by share.
  int segment_for(double u) const;

 private:
  std::vector<Segment> segments_;
  std::vector<double> cumulative_share_;
};

}  // namespace bundlesim
