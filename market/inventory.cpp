#include "market/inventory.h"

namespace bundlesim {

Inventory::Inventory(const Catalog& catalog) {
  for (const Item& item : catalog.items()) {
    stock_.push_back(item.stock);
    price_.push_back(item.price);
  }
}

bool Inventory::take_all(const ItemIndex* items, int count) {
  for (int k = 0; k < count; ++k) {
    if (!in_stock(items[k])) return false;
  }
  for (int k = 0; k < count; ++k) {
    if (!unlimited(items[k])) --stock_[items[k]];
  }
  return true;
}

void Inventory::restock(ItemIndex i, int64_t units) {
  if (!unlimited(i)) stock_[i] += units;
}

}  // namespace bundlesim
