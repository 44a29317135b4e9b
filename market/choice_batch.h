#pragma once
// Decisions are asked of a choice model in batches: many shoppers' menus laid out flat, so that an
// analytic model loops over them and a neural model scores them in one forward pass.
//
// One ChoiceProblem is one shopper's decision in one session. Its menu is every basket on offer
// (BasketOption); "buy nothing" is the implicit outside option and is not listed.

#include <cstdint>
#include <vector>

#include "market/catalog.h"

namespace bundlesim {

// Menus are enumerated over subsets of the considered items, so their number is capped.
constexpr int kMaxConsideredItems = 12;

struct BasketOption {
  uint32_t items = 0;  // bitmask over the problem's considered items
  int bundle = -1;     // index of the offered bundle it contains (at the bundle price), or -1
  double value = 0;    // the shopper's valuation: sum over items plus complementarity
  double price = 0;    // what the basket costs
};

struct ChoiceProblem {
  int segment = 0;
  double price_sensitivity = 1;  // alpha: utility is value - alpha * price
  double uniform = 0;            // this decision's own uniform draw in [0, 1)
  int item_begin = 0, item_count = 0;      // considered items in ChoiceBatch::items
  int basket_begin = 0, basket_count = 0;  // menu in ChoiceBatch::baskets
};

struct ChoiceBatch {
  std::vector<ChoiceProblem> problems;
  std::vector<ItemIndex> items;        // considered items, per problem
  std::vector<double> item_prices;     // the price each considered item is offered at alone
  std::vector<BasketOption> baskets;

  int size() const { return static_cast<int>(problems.size()); }
  void clear() {
    problems.clear();
    items.clear();
    item_prices.clear();
    baskets.clear();
  }
};

}  // namespace bundlesim
