#pragma once
// Units on hand and current list prices, which change during a run (sales, restocks, scheduled
// price changes). An item out of stock can't be sold; every time a shopper misses one it is counted.

#include <cstdint>
#include <vector>

#include "market/catalog.h"

namespace bundlesim {

class Inventory {
 public:
  explicit Inventory(const Catalog& catalog);

  bool unlimited(ItemIndex i) const { return stock_[i] < 0; }
  bool in_stock(ItemIndex i) const { return stock_[i] != 0; }
  int64_t stock(ItemIndex i) const { return stock_[i]; }
  double price(ItemIndex i) const { return price_[i]; }

  // Takes one unit of each item if all are in stock and returns true; otherwise takes nothing and
  // returns false.
  bool take_all(const ItemIndex* items, int count);
  void restock(ItemIndex i, int64_t units);
  void set_price(ItemIndex i, double price) { price_[i] = price; }

 private:
  std::vector<int64_t> stock_;  // -1 = unlimited
  std::vector<double> price_;
};

}  // namespace bundlesim
