#include "sim/experiment.h"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>

#include "market/basket_menu.h"
#include "market/choice_model.h"
#include "policies/policy.h"
#include "sim/arrival_process.h"
#include "sim/event_queue.h"
#include "sim/random_stream.h"

namespace bundlesim {
namespace {

// Decisions are collected into a batch and sent to the choice model together. A batch is closed
// when it is full, when a scheduled market event is due, or when simulated time has moved on by the
// window; outcomes are then applied in the order the decisions were made. Within one window a
// shopper sees the stock and policy state as of the batch's start (a documented approximation).
constexpr int kBatchVisits = 2048;
constexpr double kBatchWindowDays = 1.0 / 96;  // 15 simulated minutes
constexpr int64_t kProgressEveryEvents = 1 << 14;
// Pre-period activity is Gamma(shape, 1 / shape): mean 1, coefficient of variation 1 / sqrt(shape).
constexpr double kPrePeriodActivityShape = 2;

// E[draw] of a valuation distribution (draws are floored at 0, so a normal is censored there:
// E[max(X, 0)] = mu Phi(mu / sd) + sd phi(mu / sd), Johnson, Kotz & Balakrishnan vol. 1, ch. 13).
double expected_valuation(const ValuationDistribution& d, double list_price) {
  double mean = 0;
  switch (d.kind) {
    case ValuationDistribution::Kind::kFixed: mean = std::max(0.0, d.a); break;
    case ValuationDistribution::Kind::kUniform: mean = (d.a + d.b) / 2; break;
    case ValuationDistribution::Kind::kLognormal: mean = std::exp(d.a + d.b * d.b / 2); break;
    case ValuationDistribution::Kind::kNormal:
      if (d.b <= 0) {
        mean = std::max(0.0, d.a);
      } else {
        double z = d.a / d.b;
        mean = d.a * 0.5 * std::erfc(-z / std::sqrt(2.0)) + d.b * std::exp(-z * z / 2) / std::sqrt(2 * M_PI);
      }
      break;
  }
  return d.relative_to_price ? mean * list_price : mean;
}

// One arm's decision for one visit, waiting for its batch.
struct PendingDecision {
  int arm = 0;
  int slot = 0;  // position of this arm among the arms the shopper is in (0 in "ab")
  uint64_t shopper = 0;
  int visit = 0;
  int segment = 0;
  double time_days = 0;
  bool last_visit = true;
  bool bundle_on_menu = false;
  double pre_spend = 0;
  std::vector<ItemIndex> browsed;
  Offer offer;
  std::vector<int> bundle_totals;  // per offered bundle: its index in ArmTotals::bundles, -1 if not on the menu
};

class Engine {
 public:
  Engine(const Scenario& scenario, const RunOptions& options)
      : s_(scenario),
        options_(options),
        seed_(options.seed.value_or(scenario.seed)),
        paired_(scenario.experiment.design == ExperimentSpec::Design::kPaired),
        arms_(static_cast<int>(scenario.arms.size())),
        slots_(paired_ ? arms_ : 1),
        menu_(scenario.catalog.size(), scenario.complementarities),
        arrivals_(scenario.arrivals.shoppers_per_day, scenario.arrivals.hourly_profile,
                  RandomStream(seed_, 0, StreamPurpose::kArrivals)) {
    model_ = make_choice_model(s_.choice_model, "/choice_model", {&s_.catalog, s_.directory, options.threads});
    for (int a = 0; a < arms_; ++a) {
      const ArmSpec& arm = s_.arms[a];
      // The market's truth is passed for yardstick policies (`oracle: true`) only; see policy.h.
      MarketTruth truth{&s_.population, &s_.complementarities, &s_.choice_model, s_.directory};
      PolicyContext context{&s_.catalog, seed_, a, &truth};
      policies_.push_back(make_policy(arm.policy, "", arm.params, "", context));
    }
    // "ab" arms share the shop's stock, as in a live test; "paired" arms are separate worlds.
    inventories_.assign(paired_ ? arms_ : 1, Inventory(s_.catalog));
    double total = 0;
    for (const ArmSpec& arm : s_.arms) cumulative_traffic_.push_back(total += arm.traffic);
    int days = static_cast<int>(std::ceil(s_.horizon_days));
    result_.seed = seed_;
    result_.arms.resize(arms_);
    for (ArmTotals& t : result_.arms) t.days.resize(days);
    if (paired_) result_.paired_differences.resize(arms_);
    pending_.resize(static_cast<size_t>(kBatchVisits) * slots_);
    for (const Segment& segment : s_.population.segments()) {
      std::vector<double> expected(s_.catalog.size());
      for (ItemIndex i = 0; i < s_.catalog.size(); ++i) {
        expected[i] = expected_valuation(segment.valuation_of(i), s_.catalog.item(i).price);
      }
      expected_valuation_.push_back(std::move(expected));
    }
    all_items_.resize(s_.catalog.size());
    for (ItemIndex i = 0; i < s_.catalog.size(); ++i) all_items_[i] = i;
  }

  RunResult run() {
    auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < static_cast<int>(s_.events.size()); ++k) {
      queue_.push({s_.events[k].at_days, EventKind::kMarket, 0, 0, k});
    }
    queue_.push({arrivals_.next_after(0), EventKind::kArrival, 0, 0, 0});
    while (!queue_.empty() && queue_.top().time_days < s_.horizon_days) {
      Event e = queue_.pop();
      ++result_.events;
      if (pending_count_ > 0 && (e.kind == EventKind::kMarket || e.time_days >= batch_start_ + kBatchWindowDays)) {
        flush();
      }
      switch (e.kind) {
        case EventKind::kMarket: apply_market_event(s_.events[e.index]); break;
        case EventKind::kArrival: {
          uint64_t shopper = ++result_.shoppers;
          queue_.push({arrivals_.next_after(e.time_days), EventKind::kArrival, 0, 0, 0});
          begin_visit(shopper, 0, e.time_days);
          break;
        }
        case EventKind::kReturnVisit: begin_visit(e.shopper, e.index, e.time_days); break;
      }
      if (pending_count_ + slots_ > static_cast<int>(pending_.size())) flush();
      if (options_.on_progress && result_.events % kProgressEveryEvents == 0) {
        options_.on_progress({e.time_days, s_.horizon_days, result_.shoppers, result_.events});
      }
    }
    flush();
    if (options_.on_progress) {
      options_.on_progress({s_.horizon_days, s_.horizon_days, result_.shoppers, result_.events});
    }
    result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(result_);
  }

 private:
  Inventory& inventory(int arm) { return inventories_[paired_ ? arm : 0]; }
  int day_of(double t) const { return std::min(static_cast<int>(t), static_cast<int>(result_.arms[0].days.size()) - 1); }

  void apply_market_event(const MarketEventSpec& e) {
    for (Inventory& inv : inventories_) {
      if (e.kind == MarketEventSpec::Kind::kPriceChange) inv.set_price(e.item, e.price);
      else inv.restock(e.item, e.units);
    }
  }

  int arm_of(uint64_t shopper) const {
    double u = RandomStream(seed_, shopper, StreamPurpose::kArm).uniform();
    for (int a = 0; a + 1 < arms_; ++a) {
      if (u < cumulative_traffic_[a]) return a;
    }
    return arms_ - 1;
  }

  // Which items the shopper looks at on this visit: the whole catalog, or a weighted sample without
  // replacement by category affinity (Efraimidis & Spirakis 2006: keep the k largest log(u) / w).
  void draw_browse(RandomStream stream, const Segment& segment, std::vector<ItemIndex>& out) {
    if (s_.browse.whole_catalog) {
      out = all_items_;
      return;
    }
    keys_.clear();
    for (ItemIndex i = 0; i < s_.catalog.size(); ++i) {
      double w = segment.category_affinity[s_.catalog.category_of(i)];
      double u = stream.uniform();
      if (w > 0) keys_.emplace_back(std::log1p(-u) / w, i);
    }
    int k = std::min<int>(s_.browse.items, static_cast<int>(keys_.size()));
    std::partial_sort(keys_.begin(), keys_.begin() + k, keys_.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    out.clear();
    for (int j = 0; j < k; ++j) out.push_back(keys_[j].second);
  }

  // CUPED's covariate (docs/statistics.md, "Pre-period spend"): the shopper's spend before the
  // experiment, simulated from the same shopper. They browsed as in the experiment (own stream) and
  // spent in proportion to how much they value what they saw, at list prices with no bundles (the
  // control offer), times how active they were:
  //   pre_spend = pre_period_spend_mean * activity * sum_i p_i v_i / E[v_i] / sum_i p_i
  // over the browsed items i, with the same valuations v_i as in the experiment and activity ~
  // Gamma(2, 1/2). Both factors have mean 1, so the segment's mean is pre_period_spend_mean exactly,
  // and the spend is correlated with what the shopper buys later, as real pre-period spend is.
  double pre_period_spend(uint64_t shopper, int segment_index, const Segment& segment) {
    if (segment.pre_period_spend_mean <= 0) return 0;
    RandomStream activity_stream(seed_, shopper, StreamPurpose::kPrePeriod, 0);
    double activity = boost::random::gamma_distribution<double>(kPrePeriodActivityShape,
                                                                1 / kPrePeriodActivityShape)(activity_stream);
    draw_browse(RandomStream(seed_, shopper, StreamPurpose::kPrePeriod, 1), segment, pre_browsed_);
    double weighted = 0, weights = 0;
    for (ItemIndex i : pre_browsed_) {
      double expected = expected_valuation_[segment_index][i];
      if (!(expected > 0)) continue;
      double price = s_.catalog.item(i).price;
      RandomStream valuation(seed_, shopper, StreamPurpose::kValuation, i);
      weighted += price * segment.valuation_of(i).sample(valuation, price) / expected;
      weights += price;
    }
    return weights > 0 ? segment.pre_period_spend_mean * activity * weighted / weights : 0;
  }

  void begin_visit(uint64_t shopper, int visit, double t) {
    if (pending_count_ == 0) batch_start_ = t;
    int segment_index = s_.population.segment_for(RandomStream(seed_, shopper, StreamPurpose::kSegment).uniform());
    const Segment& segment = s_.population.segment(segment_index);

    // Will the shopper come back? Decided now, from the shopper's own stream, the same in every arm.
    bool last_visit = true;
    RandomStream back(seed_, shopper, StreamPurpose::kReturn, visit);
    if (back.uniform() < segment.return_probability) {
      double next = t + boost::random::exponential_distribution<double>(1 / segment.return_delay_days)(back);
      if (next < s_.horizon_days) {
        last_visit = false;
        queue_.push({next, EventKind::kReturnVisit, 0, shopper, visit + 1});
      }
    }
    double choice_draw = RandomStream(seed_, shopper, StreamPurpose::kChoice, visit).uniform();
    int first_arm = paired_ ? 0 : arm_of(shopper);
    double pre_spend = visit == 0 ? pre_period_spend(shopper, segment_index, segment) : 0;
    for (int slot = 0; slot < slots_; ++slot) {
      int arm = first_arm + slot;
      PendingDecision& d = pending_[pending_count_++];
      d.arm = arm;
      d.slot = slot;
      d.shopper = shopper;
      d.visit = visit;
      d.segment = segment_index;
      d.time_days = t;
      d.last_visit = last_visit;
      d.pre_spend = pre_spend;
      draw_browse(RandomStream(seed_, shopper, StreamPurpose::kBrowse, visit), segment, d.browsed);
      if (visit == 0) result_.arms[arm].days[day_of(t)].visitors++;
      Inventory& shop = inventory(arm);
      for (ItemIndex i : d.browsed) {
        if (!shop.in_stock(i)) result_.arms[arm].stockouts++;
      }
      d.offer.clear();
      ShopperContext context{shopper, segment_index, visit, t, &d.browsed};
      policies_[arm]->make_offer(context, shop, d.offer);
      menu_.begin_problem(batch_, segment_index, segment.price_sensitivity, choice_draw, d.browsed, d.offer, shop);
      const ChoiceProblem& problem = batch_.problems.back();
      values_.resize(problem.item_count);
      for (int k = 0; k < problem.item_count; ++k) {
        ItemIndex item = batch_.items[problem.item_begin + k];
        RandomStream stream(seed_, shopper, StreamPurpose::kValuation, item);
        values_[k] = segment.valuation_of(item).sample(stream, s_.catalog.item(item).price);
      }
      menu_.end_problem(batch_, values_.data());
      d.bundle_on_menu = false;
      d.bundle_totals.assign(d.offer.bundles.size(), -1);
      for (int b = 0; b < batch_.problems.back().basket_count; ++b) {
        int bundle = batch_.baskets[batch_.problems.back().basket_begin + b].bundle;
        if (bundle < 0) continue;
        d.bundle_on_menu = true;
        if (d.bundle_totals[bundle] < 0) {
          d.bundle_totals[bundle] = bundle_totals_index(arm, d.offer.bundles[bundle].items);
          result_.arms[arm].bundles[d.bundle_totals[bundle]].shown++;
        }
      }
    }
  }

  // The bundle's place in the arm's per-bundle totals (added on first showing), by its item set.
  int bundle_totals_index(int arm, const std::vector<ItemIndex>& items) {
    if (bundle_index_.empty()) bundle_index_.resize(arms_);
    bundle_key_.assign(items.begin(), items.end());
    std::sort(bundle_key_.begin(), bundle_key_.end());
    auto [it, added] = bundle_index_[arm].emplace(bundle_key_, static_cast<int>(result_.arms[arm].bundles.size()));
    if (added) result_.arms[arm].bundles.push_back({bundle_key_});
    return it->second;
  }

  void flush() {
    if (pending_count_ == 0) return;
    chosen_.assign(batch_.size(), -1);
    model_->choose(batch_, chosen_);
    for (int p = 0; p < pending_count_; ++p) apply(pending_[p], p, chosen_[p]);
    result_.decisions += pending_count_;
    pending_count_ = 0;
    batch_.clear();
  }

  void apply(PendingDecision& d, int p, int chosen) {
    if (d.slot == 0) {
      if (d.visit == 0) {
        tallies_.assign(slots_, VisitorVector{});
      } else {
        auto it = open_shoppers_.find(d.shopper);
        tallies_ = std::move(it->second);
        open_shoppers_.erase(it);
      }
    }
    VisitorVector& v = tallies_[d.slot];
    ArmTotals& totals = result_.arms[d.arm];
    DayTotals& day = totals.days[day_of(d.time_days)];
    v[kSessions] += 1;
    if (d.visit == 0) v[kPreSpend] = d.pre_spend;
    day.sessions++;
    if (d.bundle_on_menu) v[kBundleOffers] += 1;

    const ChoiceProblem& problem = batch_.problems[p];
    outcome_.bought = false;
    outcome_.items.clear();
    outcome_.bundle = -1;
    outcome_.revenue = outcome_.margin = 0;
    outcome_.stockout = false;
    if (chosen >= 0) {
      const BasketOption& basket = batch_.baskets[problem.basket_begin + chosen];
      for (int k = 0; k < problem.item_count; ++k) {
        if (basket.items >> k & 1u) outcome_.items.push_back(batch_.items[problem.item_begin + k]);
      }
      Inventory& shop = inventory(d.arm);
      if (shop.take_all(outcome_.items.data(), static_cast<int>(outcome_.items.size()))) {
        double cost = 0;
        for (ItemIndex i : outcome_.items) cost += s_.catalog.item(i).unit_cost;
        outcome_.bought = true;
        outcome_.bundle = basket.bundle;
        outcome_.revenue = basket.price;
        outcome_.margin = basket.price - cost;
        // (r + p)^2 - r^2 = p (2 r + p): the change in the arm's sum of squared visitor totals.
        day.revenue_sumsq_delta += basket.price * (2 * v[kRevenue] + basket.price);
        day.margin_sumsq_delta += outcome_.margin * (2 * v[kMargin] + outcome_.margin);
        v[kRevenue] += basket.price;
        v[kMargin] += outcome_.margin;
        v[kOrders] += 1;
        v[kItems] += static_cast<double>(outcome_.items.size());
        v[kConverted] = 1;
        if (basket.bundle >= 0) {
          v[kBundleOrders] += 1;
          BundleTotals& bundle = totals.bundles[d.bundle_totals[basket.bundle]];
          bundle.taken++;
          bundle.revenue += d.offer.bundles[basket.bundle].price;
        }
        day.orders++;
        day.revenue += basket.price;
        day.margin += outcome_.margin;
      } else {
        // Sold out since the menu was shown (within the batch window): a lost sale.
        outcome_.stockout = true;
        totals.lost_sales++;
        for (ItemIndex i : outcome_.items) {
          if (!shop.in_stock(i)) totals.stockouts++;
        }
      }
    }
    ShopperContext context{d.shopper, d.segment, d.visit, d.time_days, &d.browsed};
    policies_[d.arm]->observe(context, d.offer, outcome_);
    if (options_.on_decision) {
      options_.on_decision({d.arm, d.shopper, d.visit, d.segment, d.time_days, &d.browsed, &d.offer, &batch_, p,
                            chosen, outcome_.bought});
    }

    if (d.slot + 1 < slots_) return;
    if (!d.last_visit) {
      open_shoppers_.emplace(d.shopper, std::move(tallies_));
      return;
    }
    // The shopper is done in every arm: fold its totals into the arms' accumulators.
    for (int slot = 0; slot < slots_; ++slot) {
      int arm = paired_ ? slot : d.arm;
      result_.arms[arm].visitors.add(tallies_[slot]);
    }
    if (paired_) {
      const int control = s_.experiment.control_arm;
      for (int arm = 0; arm < arms_; ++arm) {
        VisitorVector difference;
        for (int k = 0; k < kVisitorVariables; ++k) difference[k] = tallies_[arm][k] - tallies_[control][k];
        result_.paired_differences[arm].add(difference);
      }
    }
  }

  const Scenario& s_;
  RunOptions options_;
  uint64_t seed_;
  bool paired_;
  int arms_, slots_;
  BasketMenu menu_;
  ArrivalProcess arrivals_;
  std::unique_ptr<ChoiceModel> model_;
  std::vector<std::unique_ptr<Policy>> policies_;
  std::vector<Inventory> inventories_;
  std::vector<double> cumulative_traffic_;
  std::vector<ItemIndex> all_items_;
  EventQueue queue_;
  RunResult result_;

  ChoiceBatch batch_;
  std::vector<PendingDecision> pending_;  // fixed size: offers hold pointers into it
  int pending_count_ = 0;
  double batch_start_ = 0;
  std::vector<int> chosen_;
  // Shoppers with visits still to come: their totals so far, one per arm slot.
  std::unordered_map<uint64_t, std::vector<VisitorVector>> open_shoppers_;
  std::vector<VisitorVector> tallies_;
  Outcome outcome_;
  std::vector<double> values_;
  std::vector<std::pair<double, ItemIndex>> keys_;
  std::vector<std::map<std::vector<ItemIndex>, int>> bundle_index_;  // per arm: items -> ArmTotals::bundles
  std::vector<ItemIndex> bundle_key_;
  std::vector<std::vector<double>> expected_valuation_;  // [segment][item]: E[v_i], for pre-period spend
  std::vector<ItemIndex> pre_browsed_;
};

}  // namespace

RunResult run_experiment(const Scenario& scenario, const RunOptions& options) {
  return Engine(scenario, options).run();
}

}  // namespace bundlesim
