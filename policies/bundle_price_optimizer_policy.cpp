// `bundle_price_optimizer`: given the bundles' items (from the scenario), searches the prices that
// maximise expected margin (or revenue). The decision for a bundle is its price as a fraction f of
// its items' list prices and, with "item_prices": "optimize", each item's own price as a multiple m
// of its list price (mixed bundling: items stay on sale alone).
//
// Learned mode (default): the demand estimate is a quadratic response surface of the session's
// reward in (f, m...) per segment and bundle (response_surface.h), learned from outcomes by
// sequential response surface methodology: `rounds` rounds, each trying `samples_per_round` price
// points drawn uniformly from a box (the whole range at first), fitting the surface to every outcome
// inside the box, and centring a box `shrink` times smaller on the fitted maximum over the box's
// central half; after the last round it charges that maximum. Reward is per session, so when two
// bundles are shown each search is credited with the session's reward (the other bundle's prices
// are drawn independently and only add noise).
//
// Oracle mode ("oracle": true): a yardstick that knows the true model (TrueDemand: the scenario's
// valuations, complementarities and choice model). For each shopper (segment, browsed items) it
// searches the prices by coordinate ascent (a grid, then golden-section search) on the expected
// reward; decisions are cached per context. Only this mode may use PolicyContext::truth.
//
// params: {"bundles": [["a", "b"], ...], "oracle": false, "objective": "margin" | "revenue",
//          "item_prices": "list" | "optimize", "bundle_price_range": [0.5, 1.0],
//          "item_price_range": [0.5, 2.0], "context": "segment" | "none",
//          "show": "when_browsed" | "always", "max_bundles": 2,
//          "rounds": 3, "samples_per_round": 2000, "shrink": 0.5,      (learned mode)
//          "oracle_draws": 128, "grid": 9}                             (oracle mode)

#include <algorithm>
#include <deque>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bundle_offer.h"
#include "policies/policy.h"
#include "policies/policy_random.h"
#include "policies/response_surface.h"
#include "policies/true_demand.h"

namespace bundlesim {
namespace {

struct OptimizerSpec {
  std::vector<std::vector<ItemIndex>> bundles;
  bool oracle = false;
  bool revenue = false;  // objective
  bool optimize_items = false;
  double f_low = 0.5, f_high = 1.0;
  double m_low = 0.5, m_high = 2.0;
  bool by_segment = true;
  bool always = false;
  int max_bundles = 2;
  int rounds = 3;
  int64_t samples_per_round = 2000;
  double shrink = 0.5;
  int oracle_draws = 128;
  int grid = 9;
};

// Sequential response-surface search for one (segment, bundle).
class SurfaceSearch {
 public:
  SurfaceSearch(const OptimizerSpec& spec, int items)
      : spec_(spec), dimensions_(1 + (spec.optimize_items ? items : 0)) {
    const int d = dimensions_;
    bounds_.low.assign(d, spec.m_low);
    bounds_.high.assign(d, spec.m_high);
    bounds_.low[0] = spec.f_low;
    bounds_.high[0] = spec.f_high;
    box_ = bounds_;
    for (int i = 0; i < d; ++i) best_.push_back((box_.low[i] + box_.high[i]) / 2);
  }

  bool done() const { return round_ >= spec_.rounds; }
  int round() const { return round_; }
  const std::vector<double>& best() const { return best_; }

  // The prices to try next: uniform in the round's box, or the optimum once the search is done.
  std::vector<double> next(PolicyStream& stream) const {
    if (done()) return best_;
    std::vector<double> x(dimensions_);
    for (size_t i = 0; i < x.size(); ++i) x[i] = box_.low[i] + (box_.high[i] - box_.low[i]) * stream.uniform();
    return x;
  }

  // An outcome for prices tried in `round`. Only outcomes of this round count towards ending it.
  void add(const std::vector<double>& x, int round, double reward) {
    if (done()) return;
    tried_.push_back({x, reward});
    if (round == round_ && ++round_samples_ >= spec_.samples_per_round) end_round();
  }

 private:
  struct Observation {
    std::vector<double> x;
    double reward;
  };

  // Fits the surface to every outcome so far whose prices lie in this round's box (earlier rounds
  // sampled larger boxes uniformly, so their points inside this box are uniform in it too), takes
  // its maximum over the box's central half (a trust region: a fitted quadratic is least reliable
  // at the edges of its data, and a saddle would otherwise throw the search into a corner), and
  // centres the next, smaller box there.
  void end_round() {
    const int d = box_.dimensions();
    QuadraticSurface surface(d);
    for (const Observation& o : tried_) {
      bool inside = true;
      for (int i = 0; i < d; ++i) inside = inside && o.x[i] >= box_.low[i] && o.x[i] <= box_.high[i];
      if (inside) surface.add(o.x, o.reward);
    }
    if (surface.fit()) {
      Box trust = box_;
      for (int i = 0; i < d; ++i) {
        double quarter = (box_.high[i] - box_.low[i]) / 4;
        trust.low[i] += quarter;
        trust.high[i] -= quarter;
      }
      best_ = surface.maximize(trust);
    }
    for (int i = 0; i < d; ++i) {
      double half = (box_.high[i] - box_.low[i]) * spec_.shrink / 2;
      double low = best_[i] - half, high = best_[i] + half;
      // Shift, keeping the width, when the box would cross a bound.
      if (low < bounds_.low[i]) high += bounds_.low[i] - low, low = bounds_.low[i];
      if (high > bounds_.high[i]) low -= high - bounds_.high[i], high = bounds_.high[i];
      box_.low[i] = std::max(low, bounds_.low[i]);
      box_.high[i] = high;
    }
    ++round_;
    round_samples_ = 0;
    if (done()) tried_.clear();
  }

 private:
  const OptimizerSpec& spec_;
  int dimensions_;
  Box bounds_, box_;
  std::vector<double> best_;
  int round_ = 0;
  int64_t round_samples_ = 0;          // outcomes of prices tried in this round
  std::vector<Observation> tried_;     // every outcome until the search is done
};

class BundlePriceOptimizer : public Policy {
 public:
  BundlePriceOptimizer(OptimizerSpec spec, const PolicyContext& context, const std::string& path)
      : spec_(std::move(spec)), seed_(context.seed), arm_(context.arm) {
    if (spec_.oracle) demand_ = std::make_unique<TrueDemand>(context, child_path(path, "oracle"), spec_.oracle_draws);
  }

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    std::vector<int> relevant;
    for (int b = 0; b < static_cast<int>(spec_.bundles.size()); ++b) {
      if (static_cast<int>(relevant.size()) >= spec_.max_bundles) break;
      const auto& items = spec_.bundles[b];
      if ((spec_.always || browsed_any(shopper, items)) && all_in_stock(shop, items)) relevant.push_back(b);
    }
    if (spec_.oracle) {
      oracle_offer(shopper, shop, relevant, offer);
      return;
    }
    PolicyStream stream(seed_, arm_, PolicyPurpose::kExplore, decisions_++);
    std::vector<Tried> tried;
    for (int b : relevant) {
      SurfaceSearch& search = search_for(shopper.segment, b);
      std::vector<double> x = search.next(stream);
      apply(b, x, shop, offer);
      tried.push_back({&search, std::move(x), search.round()});
    }
    // Prices drawn by the search's exploration: their probability is not tracked.
    if (!tried.empty()) offer.mark_propensity_unknown();
    pending_.push_back(std::move(tried));
  }

  void observe(const ShopperContext&, const Offer&, const Outcome& outcome) override {
    if (spec_.oracle) return;
    double reward = spec_.revenue ? outcome.revenue : outcome.margin;
    for (Tried& t : pending_.front()) t.search->add(t.x, t.round, reward);
    pending_.pop_front();
  }

 private:
  struct Tried {
    SurfaceSearch* search;
    std::vector<double> x;
    int round;
  };

  SurfaceSearch& search_for(int segment, int bundle) {
    auto key = std::make_pair(spec_.by_segment ? segment : 0, bundle);
    auto it = searches_.find(key);
    if (it == searches_.end()) {
      it = searches_.emplace(key, SurfaceSearch(spec_, static_cast<int>(spec_.bundles[bundle].size()))).first;
    }
    return it->second;
  }

  // Puts bundle b into the offer at decision x = (f, m_1, ..., m_k). An item already repriced by an
  // earlier bundle keeps that price.
  void apply(int b, const std::vector<double>& x, const Inventory& shop, Offer& offer) const {
    const auto& items = spec_.bundles[b];
    if (spec_.optimize_items) {
      for (size_t k = 0; k < items.size(); ++k) {
        bool set = false;
        for (auto& [item, price] : offer.price_overrides) set = set || item == items[k];
        if (!set) offer.price_overrides.emplace_back(items[k], x[1 + k] * shop.price(items[k]));
      }
    }
    add_bundle(offer, items, x[0] * list_price(shop, items), b);
  }

  // --- oracle mode ---

  struct OracleDecision {
    std::vector<double> prices;  // current list prices of the relevant items when decided
    std::vector<std::vector<double>> x;  // per relevant bundle
  };

  void oracle_offer(const ShopperContext& shopper, const Inventory& shop, const std::vector<int>& relevant,
                    Offer& offer) {
    if (relevant.empty()) return;
    std::vector<ItemIndex> browsed = *shopper.browsed;
    std::sort(browsed.begin(), browsed.end());
    std::vector<double> prices;
    for (int b : relevant) {
      for (ItemIndex i : spec_.bundles[b]) prices.push_back(shop.price(i));
    }
    auto key = std::make_tuple(spec_.by_segment ? shopper.segment : 0, browsed, relevant);
    auto it = oracle_cache_.find(key);
    if (it == oracle_cache_.end() || it->second.prices != prices) {
      OracleDecision d{prices, oracle_search(shopper, shop, relevant)};
      it = oracle_cache_.insert_or_assign(key, std::move(d)).first;
    }
    for (size_t r = 0; r < relevant.size(); ++r) apply(relevant[r], it->second.x[r], shop, offer);
  }

  // Coordinate ascent on the true expected reward: for each variable in turn, the best of a grid
  // of `grid` points over its range, refined by golden-section search (Kiefer 1953) within one grid
  // step either side; a second sweep follows when the first moved anything.
  std::vector<std::vector<double>> oracle_search(const ShopperContext& shopper, const Inventory& shop,
                                                 const std::vector<int>& relevant) {
    std::vector<std::vector<double>> x;
    for (int b : relevant) {
      std::vector<double> xb(1 + (spec_.optimize_items ? spec_.bundles[b].size() : 0), 1.0);
      xb[0] = std::clamp(1.0, spec_.f_low, spec_.f_high);
      for (size_t k = 1; k < xb.size(); ++k) xb[k] = std::clamp(1.0, spec_.m_low, spec_.m_high);
      x.push_back(std::move(xb));
    }
    auto value = [&](const std::vector<std::vector<double>>& candidate) {
      Offer offer;
      for (size_t r = 0; r < relevant.size(); ++r) apply(relevant[r], candidate[r], shop, offer);
      return demand_->expected(shopper.segment, *shopper.browsed, offer, shop, spec_.revenue);
    };
    double best = value(x);
    for (int sweep = 0; sweep < 2; ++sweep) {
      bool improved = false;
      for (size_t r = 0; r < x.size(); ++r) {
        for (size_t k = 0; k < x[r].size(); ++k) {
          const double low = k == 0 ? spec_.f_low : spec_.m_low, high = k == 0 ? spec_.f_high : spec_.m_high;
          const double step = (high - low) / (spec_.grid - 1);
          auto at = [&](double v) {
            auto candidate = x;
            candidate[r][k] = v;
            return value(candidate);
          };
          double v_best = x[r][k], y_best = best;
          for (int g = 0; g < spec_.grid; ++g) {
            double v = low + step * g;
            double y = at(v);
            if (y > y_best + 1e-12) v_best = v, y_best = y;
          }
          // Golden section on [v_best - step, v_best + step] (clipped to the range).
          const double ratio = 0.6180339887498949;
          double a = std::max(low, v_best - step), b = std::min(high, v_best + step);
          double c = b - ratio * (b - a), d = a + ratio * (b - a);
          double yc = at(c), yd = at(d);
          for (int it = 0; it < 8; ++it) {
            if (yc >= yd) {
              b = d, d = c, yd = yc;
              c = b - ratio * (b - a), yc = at(c);
            } else {
              a = c, c = d, yc = yd;
              d = a + ratio * (b - a), yd = at(d);
            }
          }
          if (yc > y_best + 1e-12) v_best = c, y_best = yc;
          if (yd > y_best + 1e-12) v_best = d, y_best = yd;
          if (y_best > best + 1e-12) {
            x[r][k] = v_best;
            best = y_best;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
    return x;
  }

  OptimizerSpec spec_;
  uint64_t seed_;
  int arm_;
  uint64_t decisions_ = 0;
  std::map<std::pair<int, int>, SurfaceSearch> searches_;  // node-based: pointers stay valid
  std::deque<std::vector<Tried>> pending_;                 // offers waiting for outcomes, oldest first
  std::unique_ptr<TrueDemand> demand_;                     // oracle mode only
  std::map<std::tuple<int, std::vector<ItemIndex>, std::vector<int>>, OracleDecision> oracle_cache_;
};

std::pair<double, double> read_range(SpecReader& reader, const std::string& key, std::pair<double, double> fallback) {
  if (!reader.has(key)) return fallback;
  std::vector<double> r = reader.numbers(key, Range::positive());
  if (r.size() != 2 || !(r[0] < r[1])) reader.fail(key, "must be [low, high] with 0 < low < high");
  return {r[0], r[1]};
}

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  if (params.is_null()) throw SpecError(path, "missing: bundle_price_optimizer needs `params` with `bundles`");
  SpecReader reader(params, path,
                    {"bundles", "oracle", "objective", "item_prices", "bundle_price_range", "item_price_range", "context",
                     "show", "max_bundles", "rounds", "samples_per_round", "shrink", "oracle_draws", "grid"});
  OptimizerSpec spec;
  spec.bundles = read_bundle_list(reader.raw("bundles"), child_path(path, "bundles"), *context.catalog);
  spec.oracle = reader.boolean_or("oracle", false);
  spec.revenue = reader.choice_or("objective", "margin", {"margin", "revenue"}) == "revenue";
  spec.optimize_items = reader.choice_or("item_prices", "list", {"list", "optimize"}) == "optimize";
  std::tie(spec.f_low, spec.f_high) = read_range(reader, "bundle_price_range", {0.5, 1.0});
  std::tie(spec.m_low, spec.m_high) = read_range(reader, "item_price_range", {0.5, 2.0});
  if (!spec.optimize_items && reader.has("item_price_range")) {
    reader.fail("item_price_range", "only with \"item_prices\": \"optimize\"");
  }
  spec.by_segment = reader.choice_or("context", "segment", {"segment", "none"}) == "segment";
  spec.always = reader.choice_or("show", "when_browsed", {"when_browsed", "always"}) == "always";
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  for (const char* key : {"rounds", "samples_per_round", "shrink"}) {
    if (spec.oracle && reader.has(key)) reader.fail(key, "only without `oracle` (the oracle does not learn)");
  }
  for (const char* key : {"oracle_draws", "grid"}) {
    if (!spec.oracle && reader.has(key)) reader.fail(key, "only with \"oracle\": true");
  }
  spec.rounds = static_cast<int>(reader.integer_or("rounds", 3, 1, 20));
  spec.samples_per_round = reader.integer_or("samples_per_round", 2000, 20, int64_t{1} << 40);
  spec.shrink = reader.number_or("shrink", 0.5, {0, 1, true, false});
  spec.oracle_draws = static_cast<int>(reader.integer_or("oracle_draws", 128, 1, 1 << 20));
  spec.grid = static_cast<int>(reader.integer_or("grid", 9, 2, 1001));
  return std::make_unique<BundlePriceOptimizer>(std::move(spec), context, path);
}

Registrar<PolicyFactory> registrar("bundle_price_optimizer", make);

}  // namespace
}  // namespace bundlesim
