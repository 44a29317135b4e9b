#pragma once
// Pieces shared by the policies that build bundles: reading lists of bundles and discounts from a
// scenario, pricing a bundle at a discount, and checks on what the shopper browsed.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "market/catalog.h"
#include "market/inventory.h"
#include "market/offer.h"
#include "market/spec_reader.h"
#include "policies/policy.h"

namespace bundlesim {

// How a bundle discount is taken: off the whole bundle's list price, or off its add-on items only
// (the anchor, the item the shopper browsed, stays at list price: "case 20% off with your phone").
enum class DiscountBase { kBundle, kAddOns };

struct BundleDiscount {
  double fraction = 0.1;
  DiscountBase base = DiscountBase::kBundle;
};

// Reads "discount" (in [0, 1)) and "discount_on" ("bundle" | "add_ons") with the given default.
BundleDiscount read_bundle_discount(SpecReader& reader, double default_fraction);

// Sum of the items' current prices in the shop.
double list_price(const Inventory& shop, const std::vector<ItemIndex>& items);
// The bundle's price with `items[0]` as the anchor.
double bundle_price(const Inventory& shop, const std::vector<ItemIndex>& items, const BundleDiscount& discount);

// Reads a JSON array of bundles, each an array of at least two distinct catalog item ids (or an
// object {"items": [...]}). Errors name the path of the bad entry.
std::vector<std::vector<ItemIndex>> read_bundle_list(const nlohmann::json& list, const std::string& path,
                                                     const Catalog& catalog);

// Whether the shopper browsed any of `items` / item `i`.
bool browsed_any(const ShopperContext& shopper, const std::vector<ItemIndex>& items);
bool browsed(const ShopperContext& shopper, ItemIndex i);
bool all_in_stock(const Inventory& shop, const std::vector<ItemIndex>& items);

// Whether an offered bundle already holds item `i`.
bool in_any_bundle(const Offer& offer, ItemIndex i);

// Appends a mixed bundle unless one with the same items is already in the offer; returns whether it
// was added.
bool add_bundle(Offer& offer, std::vector<ItemIndex> items, double price, int bundle_id);

}  // namespace bundlesim
