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
// sharper than it exploits what it has learnt (docs/policies.md, rl_bundler).
//
// params: {"discounts": [0.05] (or "discount": 0.05), "discount_on": "bundle" | "add_ons",
//          "max_items": 3, "max_bundles": 2, "hidden": 128, "learning_rate": 0.006,
//          "learning_rate_decay": 500, "batch": 64,
//          "entropy": 0.01, "reward_scale": 100, "segments": 8, "temperature": 0.3,
//          "temperature_updates": 500}

#include <algorithm>
#include <deque>

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
    std::vector<std::vector<PolicyGradient::Step>> episodes;
    // Items the earlier bundles put on the menu: the second bundle should know them, because a
    // bundle's worth is mostly the items it adds to what the shopper considers, and repeating the
    // first bundle's add-ons adds nothing (docs/policies.md, "Where the oracle's margin comes from").
    std::vector<uint8_t> offered(items_, 0);
    for (ItemIndex anchor : *shopper.browsed) {
      if (static_cast<int>(episodes.size()) >= spec_.max_bundles) break;
      if (!shop.in_stock(anchor)) continue;
      std::vector<ItemIndex> bundle{anchor};
      std::vector<PolicyGradient::Step> steps;
      double discount = 0;
      while (true) {
        PolicyGradient::Step step;
        step.state = state(shopper, offered, bundle);
        step.allowed.assign(items_ + spec_.discounts.size(), 0);
        for (size_t d = 0; d < spec_.discounts.size(); ++d) step.allowed[items_ + d] = 1;  // stop
        if (static_cast<int>(bundle.size()) < spec_.max_items) {
          for (ItemIndex i = 0; i < items_; ++i) {
            step.allowed[i] = shop.in_stock(i) && std::find(bundle.begin(), bundle.end(), i) == bundle.end();
          }
        }
        learner_.probabilities(step.state, step.allowed, probabilities_);
        step.action = sample(stream.uniform());
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
    // Sampled from the policy network; the offer's probability would be a sum over the orders in
    // which its items could have been added, which is not computed.
    if (!episodes.empty()) offer.mark_propensity_unknown();
    pending_.push_back(std::move(episodes));
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

  // Inverse-CDF draw from probabilities_.
  int sample(double u) const {
    double cumulative = 0;
    int last = -1;
    for (int k = 0; k < static_cast<int>(probabilities_.size()); ++k) {
      if (probabilities_[k] <= 0) continue;
      cumulative += probabilities_[k];
      last = k;
      if (u < cumulative) return k;
    }
    return last;  // rounding
  }

  int items_;
  BundlerSpec spec_;
  PolicyGradient learner_;
  uint64_t seed_;
  int arm_;
  uint64_t decisions_ = 0;
  std::vector<double> probabilities_;
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
