#include "policies/bundle_offer.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bundlesim {

BundleDiscount read_bundle_discount(SpecReader& reader, double default_fraction) {
  BundleDiscount d;
  d.fraction = reader.number_or("discount", default_fraction, {0, 1, false, true});
  d.base = reader.choice_or("discount_on", "bundle", {"bundle", "add_ons"}) == "add_ons" ? DiscountBase::kAddOns
                                                                                         : DiscountBase::kBundle;
  return d;
}

double list_price(const Inventory& shop, const std::vector<ItemIndex>& items) {
  double total = 0;
  for (ItemIndex i : items) total += shop.price(i);
  return total;
}

double bundle_price(const Inventory& shop, const std::vector<ItemIndex>& items, const BundleDiscount& discount) {
  double total = list_price(shop, items);
  if (discount.base == DiscountBase::kBundle) return total * (1 - discount.fraction);
  double anchor = shop.price(items.front());
  return anchor + (total - anchor) * (1 - discount.fraction);
}

std::vector<std::vector<ItemIndex>> read_bundle_list(const nlohmann::json& list, const std::string& path,
                                                     const Catalog& catalog) {
  if (!list.is_array()) throw SpecError(path, fmt::format("must be an array of bundles, got {}", show_json(list)));
  if (list.empty()) throw SpecError(path, "must list at least one bundle");
  std::vector<std::vector<ItemIndex>> bundles;
  for (size_t b = 0; b < list.size(); ++b) {
    std::string bundle_path = child_path(path, b);
    const nlohmann::json* ids = &list[b];
    if (ids->is_object()) {
      SpecReader spec(*ids, bundle_path, {"items"});
      ids = &spec.array("items");
      bundle_path = child_path(bundle_path, "items");
    }
    if (!ids->is_array()) {
      throw SpecError(bundle_path, fmt::format("must be an array of item ids, got {}", show_json(*ids)));
    }
    if (ids->size() < 2) throw SpecError(bundle_path, "a bundle needs at least two items");
    if (ids->size() > 8) throw SpecError(bundle_path, "a bundle holds at most 8 items");
    std::vector<ItemIndex> items;
    for (size_t k = 0; k < ids->size(); ++k) {
      std::string item_path = child_path(bundle_path, k);
      std::string id = read_text((*ids)[k], item_path);
      ItemIndex i = catalog.find(id);
      if (i < 0) throw SpecError(item_path, fmt::format("no catalog item has id \"{}\"", id));
      if (std::find(items.begin(), items.end(), i) != items.end()) {
        throw SpecError(item_path, fmt::format("item \"{}\" is listed twice", id));
      }
      items.push_back(i);
    }
    bundles.push_back(std::move(items));
  }
  return bundles;
}

bool browsed(const ShopperContext& shopper, ItemIndex i) {
  return shopper.browsed && std::find(shopper.browsed->begin(), shopper.browsed->end(), i) != shopper.browsed->end();
}

bool browsed_any(const ShopperContext& shopper, const std::vector<ItemIndex>& items) {
  for (ItemIndex i : items) {
    if (browsed(shopper, i)) return true;
  }
  return false;
}

bool all_in_stock(const Inventory& shop, const std::vector<ItemIndex>& items) {
  for (ItemIndex i : items) {
    if (!shop.in_stock(i)) return false;
  }
  return true;
}

bool in_any_bundle(const Offer& offer, ItemIndex i) {
  for (const OfferedBundle& b : offer.bundles) {
    if (std::find(b.items.begin(), b.items.end(), i) != b.items.end()) return true;
  }
  return false;
}

bool add_bundle(Offer& offer, std::vector<ItemIndex> items, double price, int bundle_id) {
  std::vector<ItemIndex> key = items;
  std::sort(key.begin(), key.end());
  for (const OfferedBundle& b : offer.bundles) {
    std::vector<ItemIndex> other = b.items;
    std::sort(other.begin(), other.end());
    if (other == key) return false;
  }
  OfferedBundle bundle;
  bundle.items = std::move(items);
  bundle.price = price;
  bundle.bundle_id = bundle_id;
  offer.bundles.push_back(std::move(bundle));
  return true;
}

}  // namespace bundlesim
