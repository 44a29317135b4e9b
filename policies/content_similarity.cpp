#include "policies/content_similarity.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <numeric>

namespace bundlesim {

double cosine_similarity(const std::vector<double>& a, const std::vector<double>& b) {
  assert(a.size() == b.size());
  double dot = 0, aa = 0, bb = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    dot += a[k] * b[k];
    aa += a[k] * a[k];
    bb += b[k] * b[k];
  }
  if (aa == 0 || bb == 0) return 0;
  return dot / std::sqrt(aa * bb);
}

std::vector<int> price_bands_within_category(const Catalog& catalog, int bands) {
  std::vector<int> band(catalog.size(), 0);
  std::vector<std::vector<ItemIndex>> by_category(catalog.categories().size());
  for (ItemIndex i = 0; i < catalog.size(); ++i) by_category[catalog.category_of(i)].push_back(i);
  for (auto& items : by_category) {
    std::stable_sort(items.begin(), items.end(),
                     [&](ItemIndex a, ItemIndex b) { return catalog.item(a).price < catalog.item(b).price; });
    const int n = static_cast<int>(items.size());
    for (int r = 0; r < n; ++r) {
      band[items[r]] = n == 1 ? (bands - 1) / 2
                              : static_cast<int>(std::lround(static_cast<double>(r) / (n - 1) * (bands - 1)));
    }
  }
  return band;
}

ContentSimilarity::ContentSimilarity(const Catalog& catalog, const ContentWeights& weights) : n_(catalog.size()) {
  std::map<std::string, int> brands;
  for (const Item& item : catalog.items()) {
    if (!item.brand.empty()) brands.emplace(item.brand, static_cast<int>(brands.size()));
  }
  const int categories = static_cast<int>(catalog.categories().size());
  const int features = catalog.size() > 0 ? static_cast<int>(catalog.item(0).features.size()) : 0;
  const std::vector<int> band = price_bands_within_category(catalog, weights.price_bands);
  const int brand_begin = categories, band_begin = brand_begin + static_cast<int>(brands.size());
  const int feature_begin = band_begin + weights.price_bands;
  for (ItemIndex i = 0; i < n_; ++i) {
    const Item& item = catalog.item(i);
    std::vector<double> v(feature_begin + features, 0.0);
    v[catalog.category_of(i)] = weights.category;
    if (!item.brand.empty()) v[brand_begin + brands.at(item.brand)] = weights.brand;
    v[band_begin + band[i]] = weights.price_band;
    double norm = std::sqrt(std::inner_product(item.features.begin(), item.features.end(), item.features.begin(), 0.0));
    for (int k = 0; k < features && norm > 0; ++k) v[feature_begin + k] = weights.features * item.features[k] / norm;
    vectors_.push_back(std::move(v));
  }
  similarity_.resize(static_cast<size_t>(n_) * n_);
  for (ItemIndex i = 0; i < n_; ++i) {
    for (ItemIndex j = 0; j < n_; ++j) similarity_[i * n_ + j] = cosine_similarity(vectors_[i], vectors_[j]);
  }
}

}  // namespace bundlesim
