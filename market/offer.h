#pragma once
// What a policy shows one shopper: item prices (list prices unless overridden) and bundles.

#include <cmath>
#include <limits>
#include <vector>

#include "market/catalog.h"

namespace bundlesim {

struct OfferedBundle {
  std::vector<ItemIndex> items;  // distinct items, at least two
  double price = 0;              // the price of the whole bundle
  // Pure bundling: the bundle's items are not sold separately in this offer.
  bool pure = false;
  // Which of the policy's bundles this is (for reports); -1 if the policy does not number them.
  int bundle_id = -1;
};

struct Offer {
  std::vector<OfferedBundle> bundles;
  // Item prices that differ from the current list price (a discount on one item, say).
  std::vector<std::pair<ItemIndex, double>> price_overrides;
  // Probability with which the policy chose this offer (1 for a deterministic policy); logged for
  // offline evaluation. NaN when the policy randomised but can't state the probability (a Thompson
  // sampler, a policy network): such a log can't be reweighted, and saying so beats a false 1.
  double propensity = 1.0;

  void mark_propensity_unknown() { propensity = std::numeric_limits<double>::quiet_NaN(); }
  bool propensity_known() const { return !std::isnan(propensity); }

  void clear() {
    bundles.clear();
    price_overrides.clear();
    propensity = 1.0;
  }
};

}  // namespace bundlesim
