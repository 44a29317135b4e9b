#pragma once
// The catalog: what the shop sells. Items are addressed everywhere by their index in the catalog
// (an ItemIndex), never by their string id, which is only for input and output.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace bundlesim {

using ItemIndex = int;

struct Item {
  std::string id;        // unique, as written in the scenario
  std::string name;
  std::string category;
  std::string brand;
  double price = 0;      // list price, in the scenario's currency
  double unit_cost = 0;  // what one unit costs the shop
  int64_t stock = -1;    // initial units on hand; -1 = unlimited
  std::vector<double> features;  // optional content features (same length for every item)
};

class Catalog {
 public:
  Catalog() = default;
  explicit Catalog(std::vector<Item> items);

  int size() const { return static_cast<int>(items_.size()); }
  const Item& item(ItemIndex i) const { return items_[i]; }
  const std::vector<Item>& items() const { return items_; }
  // Returns -1 when no item has this id.
  ItemIndex find(const std::string& id) const;
  // Distinct categories in order of first appearance; category_of(i) indexes into it.
  const std::vector<std::string>& categories() const { return categories_; }
  int category_of(ItemIndex i) const { return category_index_[i]; }
  // A stable fingerprint of ids, categories and brands (not prices): models trained on one catalog
  // check it before they are used with another.
  uint64_t fingerprint() const;

 private:
  std::vector<Item> items_;
  std::unordered_map<std::string, ItemIndex> index_;
  std::vector<std::string> categories_;
  std::vector<int> category_index_;
};

}  // namespace bundlesim
