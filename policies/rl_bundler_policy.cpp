// `rl_bundler`: RL-tuned bundle composition. For each browsed, in-stock item (up to `max_bundles`)
// a policy network (policy_gradient.h, LibTorch) builds a bundle item by item: the state is the
// shopper's segment, the browsed items, the items already offered in this offer's earlier bundles,
// the anchor and the bundle so far; the actions are "add item i" (items in stock and not yet in the
// bundle) or "stop at discount d" for each d of `discounts` (so the network prices the bundle too;
// with one discount, "stop" alone). A bundle of two or more items is offered at the discount it
// stopped at. The session's margin, divided by `reward_scale`, is every episode's return; the
// network learns online by REINFORCE with a learned baseline, one gradient step per `batch`
// finished episodes, at a learning rate that halves after `learning_rate_decay` steps and keeps
// falling as 1 / steps (so that the policy settles instead of jittering with each batch's noise).
// Actions are sampled from the policy stream of (arm, decision), at a temperature that falls from 1
// to `temperature` as the network learns (over about `temperature_updates` gradient steps): a
// session's margin is too noisy for the trained policy to become sharp in a few weeks, so acting
// sharper than it exploits what it has learnt (docs/policies.md, rl_bundler). Each offer carries
// the probability with which it was drawn (see Compositions), so its logs can be reweighted offline.
//
// params: {"discounts": [0.05] (or "discount": 0.05), "discount_on": "bundle" | "add_ons",
//          "max_items": 3, "max_bundles": 2, "hidden": 128, "learning_rate": 0.006,
//          "learning_rate_decay": 500, "batch": 64,
//          "entropy": 0.01, "reward_scale": 100, "segments": 8, "temperature": 0.3,
//          "temperature_updates": 500}

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bundle_offer.h"
#include "policies/policy.h"
#include "policies/policy_gradient.h"
#include "policies/policy_random.h"

namespace bundlesim {
namespace {

struct BundlerSpec {
  std::vector<double> discounts{0.05};
  DiscountBase base = DiscountBase::kBundle;
  int max_items = 3;
  int max_bundles = 2;
  int batch = 64;
  double reward_scale = 100;
  int segments = 8;
  PolicyGradient::Options learner;
};

class RlBundlerPolicy : public Policy {
 public:
  RlBundlerPolicy(const Catalog& catalog, BundlerSpec spec, uint64_t seed, int arm)
      : items_(catalog.size()), spec_(spec), learner_(with_sizes(spec, catalog.size()), seed, arm), seed_(seed),
        arm_(arm) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    PolicyStream stream(seed_, arm_, PolicyPurpose::kAction, decisions_++);
    const std::vector<ItemIndex> anchors = anchors_of(shopper, shop);
    Compositions compositions{*this, shopper, shop, {}};
    std::vector<std::vector<PolicyGradient::Step>> episodes;
    // Items the earlier bundles put on the menu: the second bundle should know them, because a
    // bundle's worth is mostly the items it adds to what the shopper considers, and repeating the
    // first bundle's add-ons adds nothing (docs/policies.md, "Where the oracle's margin comes from").
    std::vector<uint8_t> offered(items_, 0);
    for (ItemIndex anchor : anchors) {
      Composer& composer = compositions.from(anchor, offered);
      std::vector<ItemIndex> bundle{anchor};
      std::vector<PolicyGradient::Step> steps;
      double discount = 0;
      while (true) {
        PolicyGradient::Step step = composer.step(bundle);
        step.action = sample(composer.acting(bundle, &step), stream.uniform());
        int action = step.action;
        steps.push_back(std::move(step));
        if (action >= items_) {
          discount = spec_.discounts[action - items_];
          break;
        }
        bundle.push_back(action);
      }
      if (bundle.size() >= 2 && add_bundle(offer, bundle, bundle_price(shop, bundle, {discount, spec_.base}), anchor)) {
        for (ItemIndex i : bundle) offered[i] = 1;
      }
      episodes.push_back(std::move(steps));
    }
    offer.propensity = compositions.probability(anchors, offer.bundles);
    pending_.push_back(std::move(episodes));
  }

  // Scoring mode (offline evaluation): the exact probability of `logged`, by the same sum over
  // paths as the propensity; 0 for what this policy never offers (pure or repeated bundles,
  // repriced items).
  double offer_probability(const ShopperContext& shopper, const Inventory& shop, const Offer& logged) override {
    if (!logged.price_overrides.empty() || logged.bundles.size() > 32) return 0;
    std::vector<std::vector<ItemIndex>> sets;
    for (const OfferedBundle& b : logged.bundles) {
      std::vector<ItemIndex> set = Composer::sorted(b.items);
      if (b.pure || set.size() < 2 || std::adjacent_find(set.begin(), set.end()) != set.end()) return 0;
      if (std::find(sets.begin(), sets.end(), set) != sets.end()) return 0;
      sets.push_back(std::move(set));
    }
    Compositions compositions{*this, shopper, shop, {}};
    return compositions.probability(anchors_of(shopper, shop), logged.bundles);
  }

  void observe(const ShopperContext&, const Offer&, const Outcome& outcome) override {
    for (auto& steps : pending_.front()) {
      learner_.add_episode(std::move(steps), outcome.margin / spec_.reward_scale);
    }
    pending_.pop_front();
    if (learner_.pending_episodes() >= spec_.batch) learner_.update();
  }

 private:
  static PolicyGradient::Options with_sizes(const BundlerSpec& spec, int items) {
    PolicyGradient::Options o = spec.learner;
    o.inputs = spec.segments + 4 * items;
    o.actions = items + static_cast<int>(spec.discounts.size());
    return o;
  }

  // The items that get an episode, in the order browsed: the first `max_bundles` in stock.
  std::vector<ItemIndex> anchors_of(const ShopperContext& shopper, const Inventory& shop) const {
    std::vector<ItemIndex> anchors;
    for (ItemIndex anchor : *shopper.browsed) {
      if (static_cast<int>(anchors.size()) >= spec_.max_bundles) break;
      if (shop.in_stock(anchor)) anchors.push_back(anchor);
    }
    return anchors;
  }

  // [segment one-hot | browsed | in earlier bundles | anchor one-hot | in bundle]
  std::vector<float> state(const ShopperContext& shopper, const std::vector<uint8_t>& offered,
                           const std::vector<ItemIndex>& bundle) const {
    std::vector<float> x(spec_.segments + 4 * items_, 0.0f);
    x[std::min(shopper.segment, spec_.segments - 1)] = 1;
    for (ItemIndex i : *shopper.browsed) x[spec_.segments + i] = 1;
    for (ItemIndex i = 0; i < items_; ++i) x[spec_.segments + items_ + i] = offered[i];
    x[spec_.segments + 2 * items_ + bundle.front()] = 1;
    for (ItemIndex i : bundle) x[spec_.segments + 3 * items_ + i] = 1;
    return x;
  }

  // Inverse-CDF draw.
  static int sample(const std::vector<double>& probabilities, double u) {
    double cumulative = 0;
    int last = -1;
    for (int k = 0; k < static_cast<int>(probabilities.size()); ++k) {
      if (probabilities[k] <= 0) continue;
      cumulative += probabilities[k];
      last = k;
      if (u < cumulative) return k;
    }
    return last;  // rounding
  }

  // One anchor's composition, given the items earlier bundles offered. The state holds the bundle
  // as a set, so the acting probabilities are remembered per set, and the probability of composing
  // a set sums over the orders its add-ons could have been added in:
  //   P(reach T) = sum over add-ons i of T of P(reach T - i) pi(add i | T - i).
  struct Composer {
    const RlBundlerPolicy& policy;
    const ShopperContext& shopper;
    const Inventory& shop;
    std::vector<uint8_t> offered;
    ItemIndex anchor;
    std::map<std::vector<ItemIndex>, std::vector<double>> acting_at;  // by the sorted bundle
    std::map<std::vector<ItemIndex>, double> reach_of;

    // What the network sees and may do once `bundle` (anchor first) is composed.
    PolicyGradient::Step step(const std::vector<ItemIndex>& bundle) const {
      PolicyGradient::Step s;
      s.state = policy.state(shopper, offered, bundle);
      s.allowed.assign(policy.items_ + policy.spec_.discounts.size(), 0);
      for (size_t d = 0; d < policy.spec_.discounts.size(); ++d) s.allowed[policy.items_ + d] = 1;  // stop
      if (static_cast<int>(bundle.size()) < policy.spec_.max_items) {
        for (ItemIndex i = 0; i < policy.items_; ++i) {
          s.allowed[i] = shop.in_stock(i) && std::find(bundle.begin(), bundle.end(), i) == bundle.end();
        }
      }
      return s;
    }

    // The acting probabilities once `bundle` is composed; `known`: its step, when already built.
    const std::vector<double>& acting(const std::vector<ItemIndex>& bundle, const PolicyGradient::Step* known = nullptr) {
      std::vector<double>& p = acting_at[sorted(bundle)];
      if (p.empty()) {
        const PolicyGradient::Step s = known ? PolicyGradient::Step{} : step(bundle);
        const PolicyGradient::Step& at = known ? *known : s;
        policy.learner_.probabilities(at.state, at.allowed, p);
      }
      return p;
    }

    // Probability that the composition passes through the set `bundle` (anchor first), in any order.
    double reach(const std::vector<ItemIndex>& bundle) {
      if (bundle.size() == 1) return 1;
      std::vector<ItemIndex> key = sorted(bundle);
      auto known = reach_of.find(key);
      if (known != reach_of.end()) return known->second;
      double total = 0;
      for (size_t k = 1; k < bundle.size(); ++k) {
        std::vector<ItemIndex> before = bundle;
        before.erase(before.begin() + k);
        total += reach(before) * acting(before)[bundle[k]];
      }
      return reach_of[key] = total;
    }

    // Probability that it stops at the set `items` (which holds the anchor) at a discount that gives
    // `price` (same_price: equal up to rounding), or at any discount when `price` is NaN.
    double stops_at(const std::vector<ItemIndex>& items, double price) {
      if (static_cast<int>(items.size()) > policy.spec_.max_items) return 0;
      std::vector<ItemIndex> bundle{anchor};
      for (ItemIndex i : items) {
        if (i != anchor) bundle.push_back(i);
      }
      const std::vector<double>& p = acting(bundle);
      double stop = 0;
      for (size_t d = 0; d < policy.spec_.discounts.size(); ++d) {
        const double at_d = bundle_price(shop, items, {policy.spec_.discounts[d], policy.spec_.base});
        if (std::isnan(price) || same_price(at_d, price)) stop += p[policy.items_ + d];
      }
      return stop == 0 ? 0 : reach(bundle) * stop;
    }

    static std::vector<ItemIndex> sorted(std::vector<ItemIndex> items) {
      std::sort(items.begin(), items.end());
      return items;
    }
  };

  // The offer's probability (its propensity, logged for offline evaluation). A bundle holding two
  // browsed items could have come from either's episode, and an episode that composes a bundle an
  // earlier one offered adds nothing (add_bundle refuses it), so an offer is reached by several
  // paths: its probability is the sum over the ways of giving each of its bundles to an anchor it
  // holds, in the anchors' order, the other anchors offering nothing. Compositions are remembered
  // per (anchor, items offered before), so the sampled path's are reused.
  struct Compositions {
    const RlBundlerPolicy& policy;
    const ShopperContext& shopper;
    const Inventory& shop;
    std::map<std::pair<ItemIndex, std::vector<uint8_t>>, Composer> known;

    Composer& from(ItemIndex anchor, const std::vector<uint8_t>& offered) {
      auto it = known.find({anchor, offered});
      if (it == known.end()) {
        it = known.emplace(std::make_pair(anchor, offered), Composer{policy, shopper, shop, offered, anchor, {}, {}}).first;
      }
      return it->second;
    }

    double probability(const std::vector<ItemIndex>& anchors, const std::vector<OfferedBundle>& bundles) {
      return paths(anchors, bundles, 0, std::vector<uint8_t>(policy.items_, 0), 0);
    }

    // Anchors k, k+1, ... given the items offered so far and the bundles already given to an
    // anchor (`given`, a bit per bundle).
    double paths(const std::vector<ItemIndex>& anchors, const std::vector<OfferedBundle>& bundles, size_t k,
                 const std::vector<uint8_t>& offered, uint32_t given) {
      const size_t left = bundles.size() - __builtin_popcount(given);
      if (left > anchors.size() - k) return 0;
      if (k == anchors.size()) return 1;
      const ItemIndex anchor = anchors[k];
      Composer& composer = from(anchor, offered);
      const double any_price = std::numeric_limits<double>::quiet_NaN();
      // Nothing from this anchor: it stops at the anchor alone, or repeats a bundle already given.
      double none = composer.stops_at({anchor}, any_price);
      for (size_t b = 0; b < bundles.size(); ++b) {
        if ((given >> b & 1) && holds(bundles[b], anchor)) none += composer.stops_at(bundles[b].items, any_price);
      }
      double total = none == 0 ? 0 : none * paths(anchors, bundles, k + 1, offered, given);
      for (size_t b = 0; b < bundles.size(); ++b) {
        if ((given >> b & 1) || !holds(bundles[b], anchor)) continue;
        const double p = composer.stops_at(bundles[b].items, bundles[b].price);
        if (p == 0) continue;
        std::vector<uint8_t> then = offered;
        for (ItemIndex i : bundles[b].items) then[i] = 1;
        total += p * paths(anchors, bundles, k + 1, then, given | 1u << b);
      }
      return total;
    }

    static bool holds(const OfferedBundle& bundle, ItemIndex item) {
      return std::find(bundle.items.begin(), bundle.items.end(), item) != bundle.items.end();
    }
  };

  int items_;
  BundlerSpec spec_;
  PolicyGradient learner_;
  uint64_t seed_;
  int arm_;
  uint64_t decisions_ = 0;
  std::deque<std::vector<std::vector<PolicyGradient::Step>>> pending_;  // per offer, oldest first
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  SpecReader reader(params.is_null() ? kEmpty : params, path,
                    {"discount", "discounts", "discount_on", "max_items", "max_bundles", "hidden", "learning_rate", "learning_rate_decay", "batch",
                     "entropy", "reward_scale", "segments", "temperature", "temperature_updates"});
  BundlerSpec spec;
  if (reader.has("discount") && reader.has("discounts")) reader.fail("discounts", "give `discount` or `discounts`, not both");
  if (reader.has("discounts")) {
    spec.discounts = reader.numbers("discounts", {0, 1, false, true});
    if (spec.discounts.empty()) reader.fail("discounts", "needs at least one discount");
  } else {
    spec.discounts = {reader.number_or("discount", 0.05, {0, 1, false, true})};
  }
  spec.base = reader.choice_or("discount_on", "bundle", {"bundle", "add_ons"}) == "add_ons" ? DiscountBase::kAddOns
                                                                                          : DiscountBase::kBundle;
  spec.max_items = static_cast<int>(reader.integer_or("max_items", 3, 2, 8));
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  spec.learner.hidden = static_cast<int>(reader.integer_or("hidden", 128, 0, 4096));
  spec.learner.learning_rate = reader.number_or("learning_rate", 0.006, Range::positive());
  spec.learner.learning_rate_decay = reader.number_or("learning_rate_decay", 500, Range::positive());
  spec.batch = static_cast<int>(reader.integer_or("batch", 64, 1, 1 << 20));
  spec.learner.entropy = reader.number_or("entropy", 0.01, Range::non_negative());
  spec.reward_scale = reader.number_or("reward_scale", 100, Range::positive());
  spec.segments = static_cast<int>(reader.integer_or("segments", 8, 1, 1024));
  spec.learner.act_temperature = reader.number_or("temperature", 0.3, Range::unit_open_low());
  spec.learner.temperature_updates = reader.number_or("temperature_updates", 500, Range::positive());
  return std::make_unique<RlBundlerPolicy>(*context.catalog, spec, context.seed, context.arm);
}

Registrar<PolicyFactory> registrar("rl_bundler", make);

}  // namespace
}  // namespace bundlesim
