// `bandit_discount`: RL-tuned bundle pricing. The scenario lists the bundles; for each shopper
// segment and each bundle a Thompson sampler (thompson_sampler.h) chooses the discount from a grid,
// and learns online from the margin of every session that showed the bundle at that discount.
// When a session shows two bundles, each sampler is credited with the session's margin: the other
// bundle's discount is drawn independently, so it only adds noise to the comparison.
//
// params: {"bundles": [["phone", "case"], ...], "discounts": [0, 0.05, 0.1, 0.15, 0.2],
//          "discount_on": "bundle" | "add_ons", "context": "segment" | "none", "max_bundles": 2,
//          "initial_pulls": 3, "reward_scale": 100}
// reward_scale sets the prior's spread of session margins (in currency units): the
// Normal-Inverse-Gamma prior has m = 0, k = 0.01, a = 1, b = reward_scale^2.

#include <deque>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bundle_offer.h"
#include "policies/policy.h"
#include "policies/policy_random.h"
#include "policies/thompson_sampler.h"

namespace bundlesim {
namespace {

struct BanditSpec {
  std::vector<std::vector<ItemIndex>> bundles;
  std::vector<double> discounts;
  DiscountBase base = DiscountBase::kBundle;
  bool by_segment = true;
  int max_bundles = 2;
  int initial_pulls = 3;
  double reward_scale = 100;
};

class BanditDiscountPolicy : public Policy {
 public:
  BanditDiscountPolicy(BanditSpec spec, uint64_t seed, int arm) : spec_(std::move(spec)), seed_(seed), arm_(arm) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    PolicyStream stream(seed_, arm_, PolicyPurpose::kThompson, decisions_++);
    Pending pending;
    for (int b = 0; b < static_cast<int>(spec_.bundles.size()); ++b) {
      if (static_cast<int>(offer.bundles.size()) >= spec_.max_bundles) break;
      const std::vector<ItemIndex>& items = spec_.bundles[b];
      if (!browsed_any(shopper, items) || !all_in_stock(shop, items)) continue;
      ThompsonSampler& sampler = sampler_for(shopper.segment, b);
      int action = sampler.choose(stream);
      double price = bundle_price(shop, items, {spec_.discounts[action], spec_.base});
      if (add_bundle(offer, items, price, b)) pending.push_back({&sampler, action});
    }
    // The discount came from posterior draws: its probability has no closed form.
    if (!pending.empty()) offer.mark_propensity_unknown();
    pending_.push_back(std::move(pending));
  }

  void observe(const ShopperContext&, const Offer&, const Outcome& outcome) override {
    // Outcomes arrive in the order offers were made.
    for (auto [sampler, action] : pending_.front()) sampler->reward(action, outcome.margin);
    pending_.pop_front();
  }

 private:
  using Pending = std::vector<std::pair<ThompsonSampler*, int>>;

  ThompsonSampler& sampler_for(int segment, int bundle) {
    auto key = std::make_pair(spec_.by_segment ? segment : 0, bundle);
    auto it = samplers_.find(key);
    if (it == samplers_.end()) {
      NormalInverseGamma prior{0, 0.01, 1, spec_.reward_scale * spec_.reward_scale};
      it = samplers_.emplace(key, ThompsonSampler(static_cast<int>(spec_.discounts.size()), prior, spec_.initial_pulls))
               .first;
    }
    return it->second;
  }

  BanditSpec spec_;
  uint64_t seed_;
  int arm_;
  uint64_t decisions_ = 0;
  std::map<std::pair<int, int>, ThompsonSampler> samplers_;  // node-based: pointers stay valid
  std::deque<Pending> pending_;  // offers waiting for their outcome, oldest first
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  if (params.is_null()) throw SpecError(path, "missing: bandit_discount needs `params` with `bundles`");
  SpecReader reader(params, path,
                    {"bundles", "discounts", "discount_on", "context", "max_bundles", "initial_pulls", "reward_scale"});
  BanditSpec spec;
  spec.bundles = read_bundle_list(reader.raw("bundles"), child_path(path, "bundles"), *context.catalog);
  spec.discounts = reader.has("discounts") ? reader.numbers("discounts", {0, 1, false, true})
                                           : std::vector<double>{0, 0.05, 0.1, 0.15, 0.2};
  if (spec.discounts.size() < 2) reader.fail("discounts", "needs at least two discounts to choose from");
  spec.base = reader.choice_or("discount_on", "bundle", {"bundle", "add_ons"}) == "add_ons" ? DiscountBase::kAddOns
                                                                                          : DiscountBase::kBundle;
  spec.by_segment = reader.choice_or("context", "segment", {"segment", "none"}) == "segment";
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  spec.initial_pulls = static_cast<int>(reader.integer_or("initial_pulls", 3, 0, 1000));
  spec.reward_scale = reader.number_or("reward_scale", 100, Range::positive());
  return std::make_unique<BanditDiscountPolicy>(std::move(spec), context.seed, context.arm);
}

Registrar<PolicyFactory> registrar("bandit_discount", make);

}  // namespace
}  // namespace bundlesim
