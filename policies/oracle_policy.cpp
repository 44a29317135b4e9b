// `oracle`: a yardstick, not a policy a shop could run. It knows the true model (TrueDemand: the
// scenario's valuations, complementarities and choice model, through PolicyContext::truth) and, for
// each shopper (segment and browsed items), composes and prices the bundles that maximise expected
// margin (or revenue) within the class the bundling policies choose from: up to `max_bundles`
// mixed bundles, each anchored on a browsed in-stock item, of at most `max_items` items, priced at
// one of `discounts` off the list price.
//
// The search is greedy (an exact search over every composition is far too large): for each anchor
// in browsing order, given the bundles already chosen, it adds the in-stock item that raises the
// expected reward most (each tried at the middle discount) while any does, then picks the bundle's
// discount from the grid. Decisions are cached per (segment, browsed items, prices), so the cost is
// per context, not per shopper.
//
// params: {"max_items": 3, "max_bundles": 2, "discounts": [0, 0.05, 0.1, 0.15],
//          "discount_on": "bundle" | "add_ons", "objective": "margin" | "revenue", "oracle_draws": 64}

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bundle_offer.h"
#include "policies/policy.h"
#include "policies/true_demand.h"

namespace bundlesim {
namespace {

struct OracleSpec {
  int max_items = 3;
  int max_bundles = 2;
  std::vector<double> discounts{0, 0.05, 0.1, 0.15};
  DiscountBase base = DiscountBase::kBundle;
  bool revenue = false;
  int draws = 64;
};

class OraclePolicy : public Policy {
 public:
  OraclePolicy(const PolicyContext& context, const std::string& path, OracleSpec spec)
      : items_(context.catalog->size()), spec_(std::move(spec)), demand_(context, path, spec_.draws) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    std::vector<ItemIndex> browsed = *shopper.browsed;
    std::sort(browsed.begin(), browsed.end());
    std::vector<double> prices(items_);
    for (ItemIndex i = 0; i < items_; ++i) prices[i] = shop.in_stock(i) ? shop.price(i) : -1;
    auto key = std::make_pair(shopper.segment, browsed);
    auto it = cache_.find(key);
    if (it == cache_.end() || it->second.prices != prices) {
      it = cache_.insert_or_assign(key, Decision{prices, search(shopper, shop)}).first;
    }
    for (const OfferedBundle& b : it->second.bundles) offer.bundles.push_back(b);
  }

 private:
  struct Decision {
    std::vector<double> prices;  // list prices (-1: out of stock) when decided
    std::vector<OfferedBundle> bundles;
  };

  std::vector<OfferedBundle> search(const ShopperContext& shopper, const Inventory& shop) {
    Offer offer;
    auto value = [&](const Offer& o) { return demand_.expected(shopper.segment, *shopper.browsed, o, shop, spec_.revenue); };
    double best = value(offer);
    const double middle = spec_.discounts[spec_.discounts.size() / 2];
    int anchors = 0;
    for (ItemIndex anchor : *shopper.browsed) {
      if (anchors >= spec_.max_bundles) break;
      if (!shop.in_stock(anchor)) continue;
      ++anchors;
      std::vector<ItemIndex> items{anchor};
      double discount = middle;
      // Grow the bundle while an item raises the expected reward.
      while (static_cast<int>(items.size()) < spec_.max_items) {
        ItemIndex best_item = -1;
        for (ItemIndex j = 0; j < items_; ++j) {
          if (!shop.in_stock(j) || std::find(items.begin(), items.end(), j) != items.end()) continue;
          std::vector<ItemIndex> candidate = items;
          candidate.push_back(j);
          Offer trial = offer;
          if (!add_bundle(trial, candidate, bundle_price(shop, candidate, {discount, spec_.base}), anchor)) continue;
          double y = value(trial);
          if (y > best + 1e-9) best = y, best_item = j;
        }
        if (best_item < 0) break;
        items.push_back(best_item);
      }
      if (items.size() < 2) continue;
      // Then its discount.
      for (double d : spec_.discounts) {
        if (d == middle) continue;
        Offer trial = offer;
        add_bundle(trial, items, bundle_price(shop, items, {d, spec_.base}), anchor);
        double y = value(trial);
        if (y > best + 1e-9) best = y, discount = d;
      }
      add_bundle(offer, items, bundle_price(shop, items, {discount, spec_.base}), anchor);
    }
    return offer.bundles;
  }

  int items_;
  OracleSpec spec_;
  TrueDemand demand_;
  std::map<std::pair<int, std::vector<ItemIndex>>, Decision> cache_;
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  SpecReader reader(params.is_null() ? kEmpty : params, path,
                    {"max_items", "max_bundles", "discounts", "discount_on", "objective", "oracle_draws"});
  OracleSpec spec;
  spec.max_items = static_cast<int>(reader.integer_or("max_items", 3, 2, 8));
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  if (reader.has("discounts")) {
    spec.discounts = reader.numbers("discounts", {0, 1, false, true});
    if (spec.discounts.empty()) reader.fail("discounts", "needs at least one discount");
  }
  spec.base = reader.choice_or("discount_on", "bundle", {"bundle", "add_ons"}) == "add_ons" ? DiscountBase::kAddOns
                                                                                          : DiscountBase::kBundle;
  spec.revenue = reader.choice_or("objective", "margin", {"margin", "revenue"}) == "revenue";
  spec.draws = static_cast<int>(reader.integer_or("oracle_draws", 64, 1, 1 << 20));
  return std::make_unique<OraclePolicy>(context, path, std::move(spec));
}

Registrar<PolicyFactory> registrar("oracle", make);

}  // namespace
}  // namespace bundlesim
