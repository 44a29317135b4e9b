#pragma once
// Content-based item similarity: each item becomes a vector of weighted blocks
//
//   [ w_category * onehot(category) | w_brand * onehot(brand) | w_band * onehot(price band)
//     | w_features * features / |features| ]
//
// and two items are as similar as the cosine of their vectors (Lops, de Gemmis & Semeraro,
// "Content-based recommender systems", Recommender Systems Handbook 2011, sec. 3). The price band is
// the item's tier *within its own category* (band 0 the cheapest), so a premium phone and a premium
// case share a band although their prices differ tenfold. Items with no brand share no brand block.

#include <string>
#include <vector>

#include "market/catalog.h"

namespace bundlesim {

struct ContentWeights {
  double category = 1;
  double brand = 0.5;
  double price_band = 1;
  double features = 1;
  int price_bands = 3;
};

// cos(a, b) = a.b / (|a| |b|); 0 when either vector is zero. REQUIRES: equal lengths.
double cosine_similarity(const std::vector<double>& a, const std::vector<double>& b);

// The item's price band within its category: items ranked by price (ties by index), rank r of n
// maps to round(r / (n - 1) * (bands - 1)); a category of one item sits in the middle band.
std::vector<int> price_bands_within_category(const Catalog& catalog, int bands);

class ContentSimilarity {
 public:
  ContentSimilarity(const Catalog& catalog, const ContentWeights& weights);
  const std::vector<double>& vector(ItemIndex i) const { return vectors_[i]; }
  double similarity(ItemIndex i, ItemIndex j) const { return similarity_[i * n_ + j]; }

 private:
  int n_;
  std::vector<std::vector<double>> vectors_;
  std::vector<double> similarity_;  // n x n, precomputed: catalogs are small
};

}  // namespace bundlesim
