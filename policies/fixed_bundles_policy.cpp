// `fixed_bundles`: hand-made bundles listed in the scenario, each pure or mixed, priced either at a
// fixed price or at a discount off the sum of its items' current list prices.
//
// params: {"bundles": [{"items": ["phone", "case"], "price": 649} | {..., "discount": 0.1},
//          "pure": false}], "show": "when_browsed" | "always"}
// "when_browsed" (default) shows a bundle to shoppers who looked at one of its items.

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/policy.h"

namespace bundlesim {
namespace {

struct FixedBundle {
  std::vector<ItemIndex> items;
  double price = -1;     // fixed price, or -1
  double discount = 0;   // otherwise: fraction off the sum of list prices
  bool pure = false;
};

class FixedBundlesPolicy : public Policy {
 public:
  FixedBundlesPolicy(std::vector<FixedBundle> bundles, bool always)
      : bundles_(std::move(bundles)), always_(always) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    for (int b = 0; b < static_cast<int>(bundles_.size()); ++b) {
      const FixedBundle& bundle = bundles_[b];
      if (!always_ && !browsed_any(shopper, bundle)) continue;
      OfferedBundle offered;
      offered.items = bundle.items;
      offered.pure = bundle.pure;
      offered.bundle_id = b;
      if (bundle.price >= 0) {
        offered.price = bundle.price;
      } else {
        double list = 0;
        for (ItemIndex i : bundle.items) list += shop.price(i);
        offered.price = list * (1 - bundle.discount);
      }
      offer.bundles.push_back(std::move(offered));
    }
  }

 private:
  static bool browsed_any(const ShopperContext& shopper, const FixedBundle& bundle) {
    for (ItemIndex i : *shopper.browsed) {
      if (std::find(bundle.items.begin(), bundle.items.end(), i) != bundle.items.end()) return true;
    }
    return false;
  }
  std::vector<FixedBundle> bundles_;
  bool always_;
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  if (params.is_null()) throw SpecError(path, "missing: fixed_bundles needs `params` with `bundles`");
  SpecReader reader(params, path, {"bundles", "show"});
  bool always = reader.choice_or("show", "when_browsed", {"when_browsed", "always"}) == "always";
  const nlohmann::json& list = reader.array("bundles");
  std::string list_path = child_path(path, "bundles");
  if (list.empty()) throw SpecError(list_path, "must list at least one bundle");
  std::vector<FixedBundle> bundles;
  for (size_t b = 0; b < list.size(); ++b) {
    std::string bundle_path = child_path(list_path, b);
    SpecReader spec(list[b], bundle_path, {"items", "price", "discount", "pure"});
    FixedBundle bundle;
    std::vector<std::string> ids = spec.texts("items");
    if (ids.size() < 2) spec.fail("items", "a bundle needs at least two items");
    if (static_cast<int>(ids.size()) > 8) spec.fail("items", "a bundle holds at most 8 items");
    for (size_t k = 0; k < ids.size(); ++k) {
      ItemIndex i = context.catalog->find(ids[k]);
      std::string item_path = child_path(child_path(bundle_path, "items"), k);
      if (i < 0) throw SpecError(item_path, fmt::format("no catalog item has id \"{}\"", ids[k]));
      if (std::find(bundle.items.begin(), bundle.items.end(), i) != bundle.items.end()) {
        throw SpecError(item_path, fmt::format("item \"{}\" is listed twice", ids[k]));
      }
      bundle.items.push_back(i);
    }
    if (spec.has("price") == spec.has("discount")) {
      throw SpecError(bundle_path, "give exactly one of `price` or `discount`");
    }
    if (spec.has("price")) bundle.price = spec.number("price", Range::positive());
    else bundle.discount = spec.number("discount", {0, 1, false, true});
    bundle.pure = spec.boolean_or("pure", false);
    bundles.push_back(std::move(bundle));
  }
  return std::make_unique<FixedBundlesPolicy>(std::move(bundles), always);
}

Registrar<PolicyFactory> registrar("fixed_bundles", make);

}  // namespace
}  // namespace bundlesim
