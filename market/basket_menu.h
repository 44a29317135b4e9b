#pragma once
// Builds one shopper's menu of baskets from what was browsed and what the policy offers:
// nothing (implicit), any non-empty set of the items sold separately at their item prices, and any
// offered bundle at its bundle price, alone or with further separately sold items. A basket's value
// is the sum of the shopper's item valuations plus every complementarity it completes.
//
// Two steps, so the caller draws valuations only for the items actually considered:
//   menu.begin_problem(batch, ...);   // decides the considered items (batch.items of the problem)
//   values[k] = ...                   // caller: valuation of each considered item
//   menu.end_problem(batch, values);  // enumerates the baskets

#include <vector>

#include "market/choice_batch.h"
#include "market/complementarity.h"
#include "market/inventory.h"
#include "market/offer.h"

namespace bundlesim {

class BasketMenu {
 public:
  BasketMenu(int catalog_size, std::vector<Complementarity> complementarities);

  // Starts a problem in `batch`. Considered items: the browsed items that are in stock, then the
  // items of each offered bundle whose items are all in stock, as long as the total stays within
  // kMaxConsideredItems (bundles beyond that are left off the menu).
  // REQUIRES: browsed items distinct.
  void begin_problem(ChoiceBatch& batch, int segment, double price_sensitivity, double uniform,
                     const std::vector<ItemIndex>& browsed, const Offer& offer, const Inventory& inventory);
  // REQUIRES: `values` has one valuation per considered item of the problem begun last.
  void end_problem(ChoiceBatch& batch, const double* values);

 private:
  std::vector<Complementarity> complementarities_;
  std::vector<std::vector<int>> rules_of_item_;  // item -> complementarity rules that mention it
  // State of the problem between begin and end.
  const Offer* offer_ = nullptr;
  uint32_t separate_mask_ = 0;
  std::vector<std::pair<int, uint32_t>> bundle_masks_;  // (offer bundle index, items mask)
  std::vector<double> subset_value_, subset_price_;     // scratch, 2^considered
  std::vector<int> local_index_;                        // item -> considered position, or -1
  std::vector<int> seen_rules_;                         // complementarities already applied
};

}  // namespace bundlesim
