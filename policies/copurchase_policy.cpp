// `copurchase`: item-to-item collaborative filtering from co-purchase counts (Linden, Smith & York
// 2003). Every order the arm sees is counted into a CopurchaseGraph (copurchase_graph.h); the graph
// starts empty, so the first orders, with no bundles yet, are the warm-up that trains it.
//
// mode "per_item" (default): for each browsed item, a mixed bundle of it and its `complements`
//   strongest in-stock complements by the chosen measure, at the configured discount.
// mode "catalogue": a global catalogue of disjoint pairs, chosen by maximum-weight matching on the
//   graph (recomputed every `refresh_orders` orders); a shopper sees the pairs of the items browsed.
//
// params: {"mode": "per_item" | "catalogue", "measure": "lift" | "cosine", "complements": 1,
//          "discount": 0.1, "discount_on": "bundle" | "add_ons", "min_support": 5, "min_lift": 1,
//          "max_bundles": 2, "warmup_days": 0, "refresh_orders": 200, "distinct_add_ons": false}
//
// "distinct_add_ons": true skips add-ons an earlier bundle of the same offer already holds, so a
// second bundle puts new items on the shopper's menu instead of repeating the first one's.

#include <algorithm>

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bundle_offer.h"
#include "policies/copurchase_graph.h"
#include "policies/policy.h"

namespace bundlesim {
namespace {

struct CopurchaseSpec {
  bool catalogue = false;
  CopurchaseGraph::Options graph;
  int complements = 1;
  BundleDiscount discount;
  int max_bundles = 2;
  double warmup_days = 0;
  int64_t refresh_orders = 200;
  bool distinct_add_ons = false;
};

class CopurchasePolicy : public Policy {
 public:
  CopurchasePolicy(const Catalog& catalog, CopurchaseSpec spec)
      : spec_(spec), graph_(catalog.size(), spec.graph), partner_(catalog.size(), -1) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    if (shopper.time_days < spec_.warmup_days) return;
    for (ItemIndex anchor : *shopper.browsed) {
      if (static_cast<int>(offer.bundles.size()) >= spec_.max_bundles) break;
      if (!shop.in_stock(anchor)) continue;
      std::vector<ItemIndex> items{anchor};
      if (spec_.catalogue) {
        ItemIndex partner = partner_[anchor];
        if (partner < 0 || !shop.in_stock(partner)) continue;
        items.push_back(partner);
      } else {
        // Ask for more than needed so out-of-stock complements can be skipped.
        for (auto [j, w] : graph_.complements(anchor, spec_.complements + 8)) {
          if (static_cast<int>(items.size()) > spec_.complements) break;
          if (!shop.in_stock(j)) continue;
          if (spec_.distinct_add_ons && in_any_bundle(offer, j)) continue;
          items.push_back(j);
        }
        if (items.size() < 2) continue;
      }
      double price = bundle_price(shop, items, spec_.discount);
      add_bundle(offer, std::move(items), price, anchor);
    }
  }

  void observe(const ShopperContext&, const Offer&, const Outcome& outcome) override {
    if (!outcome.bought || outcome.items.empty()) return;
    graph_.add_order(outcome.items);
    if (spec_.catalogue && graph_.orders() % spec_.refresh_orders == 0) refresh_catalogue();
  }

 private:
  void refresh_catalogue() {
    std::fill(partner_.begin(), partner_.end(), -1);
    for (auto [i, j] : graph_.matching()) {
      partner_[i] = j;
      partner_[j] = i;
    }
  }

  CopurchaseSpec spec_;
  CopurchaseGraph graph_;
  std::vector<ItemIndex> partner_;  // catalogue mode: the item each item is paired with, or -1
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  SpecReader reader(params.is_null() ? kEmpty : params, path,
                    {"mode", "measure", "complements", "discount", "discount_on", "min_support", "min_lift",
                     "max_bundles", "warmup_days", "refresh_orders", "distinct_add_ons"});
  CopurchaseSpec spec;
  spec.catalogue = reader.choice_or("mode", "per_item", {"per_item", "catalogue"}) == "catalogue";
  spec.graph.measure = reader.choice_or("measure", "lift", {"lift", "cosine"}) == "lift"
                           ? CopurchaseGraph::Measure::kLift
                           : CopurchaseGraph::Measure::kCosine;
  spec.complements = static_cast<int>(reader.integer_or("complements", 1, 1, 7));
  if (spec.catalogue && reader.has("complements")) reader.fail("complements", "only with mode \"per_item\" (the catalogue holds pairs)");
  spec.discount = read_bundle_discount(reader, 0.1);
  spec.graph.min_support = reader.integer_or("min_support", 5, 1, int64_t{1} << 40);
  spec.graph.min_lift = reader.number_or("min_lift", 1.0, Range::non_negative());
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  spec.warmup_days = reader.number_or("warmup_days", 0, Range::non_negative());
  spec.refresh_orders = reader.integer_or("refresh_orders", 200, 1, int64_t{1} << 40);
  spec.distinct_add_ons = reader.boolean_or("distinct_add_ons", false);
  return std::make_unique<CopurchasePolicy>(*context.catalog, spec);
}

Registrar<PolicyFactory> registrar("copurchase", make);

}  // namespace
}  // namespace bundlesim
