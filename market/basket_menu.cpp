#include "market/basket_menu.h"

#include <algorithm>
#include <cassert>

namespace bundlesim {

BasketMenu::BasketMenu(int catalog_size, std::vector<Complementarity> complementarities)
    : complementarities_(std::move(complementarities)),
      rules_of_item_(catalog_size),
      local_index_(catalog_size, -1) {
  for (int r = 0; r < static_cast<int>(complementarities_.size()); ++r) {
    for (ItemIndex i : complementarities_[r].items) rules_of_item_[i].push_back(r);
  }
}

void BasketMenu::begin_problem(ChoiceBatch& batch, int segment, double price_sensitivity, double uniform,
                               const std::vector<ItemIndex>& browsed, const Offer& offer,
                               const Inventory& inventory) {
  ChoiceProblem p;
  p.segment = segment;
  p.price_sensitivity = price_sensitivity;
  p.uniform = uniform;
  p.item_begin = static_cast<int>(batch.items.size());
  offer_ = &offer;
  bundle_masks_.clear();

  int count = 0;
  auto add = [&](ItemIndex i) {
    if (local_index_[i] >= 0) return;
    local_index_[i] = count++;
    batch.items.push_back(i);
  };
  for (ItemIndex i : browsed) {
    if (inventory.in_stock(i) && count < kMaxConsideredItems) add(i);
  }
  for (int b = 0; b < static_cast<int>(offer.bundles.size()); ++b) {
    const OfferedBundle& bundle = offer.bundles[b];
    int extra = 0;
    bool stocked = true;
    for (ItemIndex i : bundle.items) {
      stocked = stocked && inventory.in_stock(i);
      if (local_index_[i] < 0) ++extra;
    }
    if (!stocked || count + extra > kMaxConsideredItems) continue;
    uint32_t mask = 0;
    for (ItemIndex i : bundle.items) {
      add(i);
      mask |= 1u << local_index_[i];
    }
    bundle_masks_.emplace_back(b, mask);
  }

  // Items are sold separately unless a pure bundle on the menu holds them.
  separate_mask_ = count == 32 ? ~0u : (1u << count) - 1;
  for (auto [b, mask] : bundle_masks_) {
    if (offer.bundles[b].pure) separate_mask_ &= ~mask;
  }
  // Separate prices: the offer's override, else the current list price.
  for (int k = 0; k < count; ++k) {
    ItemIndex i = batch.items[p.item_begin + k];
    double price = inventory.price(i);
    for (auto [item, override_price] : offer.price_overrides) {
      if (item == i) price = override_price;
    }
    batch.item_prices.push_back(price);
  }
  p.item_count = count;
  batch.problems.push_back(p);
}

void BasketMenu::end_problem(ChoiceBatch& batch, const double* values) {
  ChoiceProblem& p = batch.problems.back();
  const int n = p.item_count;
  const ItemIndex* items = batch.items.data() + p.item_begin;
  const double* prices = batch.item_prices.data() + p.item_begin;
  p.basket_begin = static_cast<int>(batch.baskets.size());

  // Value and separate price of every subset, built from the subset without its lowest item.
  const uint32_t subsets = 1u << n;
  subset_value_.assign(subsets, 0.0);
  subset_price_.assign(subsets, 0.0);
  for (uint32_t s = 1; s < subsets; ++s) {
    int low = __builtin_ctz(s);
    subset_value_[s] = subset_value_[s & (s - 1)] + values[low];
    subset_price_[s] = subset_price_[s & (s - 1)] + prices[low];
  }
  // Complementarities whose items are all considered add their value to every superset.
  seen_rules_.clear();
  for (int k = 0; k < n; ++k) {
    for (int r : rules_of_item_[items[k]]) {
      if (std::find(seen_rules_.begin(), seen_rules_.end(), r) != seen_rules_.end()) continue;
      seen_rules_.push_back(r);
      uint32_t mask = 0;
      bool complete = true;
      for (ItemIndex i : complementarities_[r].items) {
        if (local_index_[i] < 0) complete = false;
        else mask |= 1u << local_index_[i];
      }
      if (!complete) continue;
      for (uint32_t s = 1; s < subsets; ++s) {
        if ((s & mask) == mask) subset_value_[s] += complementarities_[r].extra_value;
      }
    }
  }

  // Every non-empty set of separately sold items.
  for (uint32_t s = separate_mask_;  s != 0; s = (s - 1) & separate_mask_) {
    batch.baskets.push_back({s, -1, subset_value_[s], subset_price_[s]});
  }
  // Every bundle, alone or with separately sold items that are not in it.
  for (auto [b, mask] : bundle_masks_) {
    const uint32_t rest = separate_mask_ & ~mask;
    const double bundle_price = offer_->bundles[b].price;
    for (uint32_t s = rest;; s = (s - 1) & rest) {
      batch.baskets.push_back({mask | s, b, subset_value_[mask | s], bundle_price + subset_price_[s]});
      if (s == 0) break;
    }
  }
  p.basket_count = static_cast<int>(batch.baskets.size()) - p.basket_begin;
  for (int k = 0; k < n; ++k) local_index_[items[k]] = -1;
}

}  // namespace bundlesim
