#include "market/catalog.h"

#include <algorithm>

namespace bundlesim {

Catalog::Catalog(std::vector<Item> items) : items_(std::move(items)) {
  for (ItemIndex i = 0; i < size(); ++i) {
    index_.emplace(items_[i].id, i);
    const std::string& c = items_[i].category;
    auto it = std::find(categories_.begin(), categories_.end(), c);
    category_index_.push_back(static_cast<int>(it - categories_.begin()));
    if (it == categories_.end()) categories_.push_back(c);
  }
}

ItemIndex Catalog::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

uint64_t Catalog::fingerprint() const {
  // FNV-1a over the identifying text; stable across platforms and runs.
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
  };
  for (const Item& item : items_) {
    mix(item.id);
    mix(item.category);
    mix(item.brand);
  }
  return h;
}

}  // namespace bundlesim
