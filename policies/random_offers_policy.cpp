// `random_offers`: a logging policy. Every offer is drawn at random from a documented space of
// bundles and discounts, and the offer carries the exact probability with which it was drawn (its
// propensity), so that logs explore and offline evaluation can reweight them.
//
// The space, given the items the shopper browsed (B of them, distinct) in a catalog of n items:
//   1. Bundle. With probability 1 - bundle_probability (or when nothing was browsed) no bundle.
//      Otherwise: an anchor item uniform among the browsed items; a size k uniform over
//      `bundle_sizes`; k - 1 further items drawn uniformly without replacement from the other
//      n - 1 catalog items; a discount d uniform over `discounts`, the bundle's price being
//      (1 - d) times the sum of its items' current list prices; pure with probability
//      `pure_probability`, else mixed.
//   2. Item discount, independently. With probability 1 - item_discount_probability (or when nothing
//      was browsed) none. Otherwise one browsed item, uniform, at (1 - e) times its list price, e
//      uniform over `item_discounts`.
// Propensity of the resulting offer (a bundle is a set: every browsed item in it could have been
// the anchor, so those ways add up):
//   P(no bundle) = 1 - bundle_probability
//   P(bundle S, discount d, pure?) = bundle_probability * (|S & browsed| / B) / C(n - 1, k - 1)
//                                    * 1/|bundle_sizes| * 1/|discounts| * (pure_probability or 1 - it)
//   times P(no item discount) = 1 - item_discount_probability,
//   or P(item i at e) = item_discount_probability / B / |item_discounts|.
// Values within each list must be distinct so that an offer determines its draw.
//
// params (all optional): {"bundle_probability": 0.6, "bundle_sizes": [2, 3],
//   "discounts": [0, 0.05, 0.1, 0.15, 0.2], "pure_probability": 0.2,
//   "item_discount_probability": 0.2, "item_discounts": [0.05, 0.1, 0.2]}
//
// Draws come from PolicyStream(seed, arm, kExplore, decision) (policies/policy_random.h), with
// `decision` the policy's own count of offers made: the same on every thread count.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/policy.h"
#include "policies/policy_random.h"

namespace bundlesim {
namespace {

// Uniform on {0, ..., n - 1}.
int below(PolicyStream& stream, int n) { return std::min(n - 1, static_cast<int>(stream.uniform() * n)); }

// C(n, k) as a double (exact for the small n of a catalog's bundles, and never overflows).
double binomial(int n, int k) {
  double c = 1;
  for (int j = 1; j <= k; ++j) c = c * (n - k + j) / j;
  return c;
}

struct OfferSpace {
  double bundle_probability = 0.6;
  std::vector<int> bundle_sizes = {2, 3};
  std::vector<double> discounts = {0, 0.05, 0.1, 0.15, 0.2};
  double pure_probability = 0.2;
  double item_discount_probability = 0.2;
  std::vector<double> item_discounts = {0.05, 0.1, 0.2};
};

class RandomOffersPolicy : public Policy {
 public:
  RandomOffersPolicy(OfferSpace space, int catalog_size, uint64_t seed, int arm)
      : space_(std::move(space)), n_(catalog_size), seed_(seed), arm_(arm) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    PolicyStream stream(seed_, arm_, PolicyPurpose::kExplore, decisions_++);
    const std::vector<ItemIndex>& browsed = *shopper.browsed;
    const int b = static_cast<int>(browsed.size());
    double propensity = 1;

    // 1. Bundle. Every draw is made whatever the branch, so later draws keep their meaning.
    double u_bundle = stream.uniform();
    ItemIndex anchor = b > 0 ? browsed[below(stream, b)] : -1;
    int size = space_.bundle_sizes[below(stream, static_cast<int>(space_.bundle_sizes.size()))];
    int discount = below(stream, static_cast<int>(space_.discounts.size()));
    bool pure = stream.uniform() < space_.pure_probability;
    if (b > 0 && u_bundle < space_.bundle_probability) {
      OfferedBundle bundle;
      bundle.items.push_back(anchor);
      // k - 1 distinct others, uniform: a partial Fisher-Yates shuffle of the other items.
      others_.clear();
      for (ItemIndex i = 0; i < n_; ++i) {
        if (i != anchor) others_.push_back(i);
      }
      for (int j = 0; j < size - 1; ++j) {
        int pick = j + below(stream, static_cast<int>(others_.size()) - j);
        std::swap(others_[j], others_[pick]);
        bundle.items.push_back(others_[j]);
      }
      std::sort(bundle.items.begin(), bundle.items.end());
      double list = 0;
      for (ItemIndex i : bundle.items) list += shop.price(i);
      bundle.price = list * (1 - space_.discounts[discount]);
      bundle.pure = pure;
      int anchors = 0;  // browsed items in the bundle: each could have been the anchor
      for (ItemIndex i : bundle.items) anchors += std::count(browsed.begin(), browsed.end(), i) > 0;
      propensity *= space_.bundle_probability * anchors / b / binomial(n_ - 1, size - 1) /
                    static_cast<double>(space_.bundle_sizes.size()) / static_cast<double>(space_.discounts.size()) *
                    (pure ? space_.pure_probability : 1 - space_.pure_probability);
      offer.bundles.push_back(std::move(bundle));
    } else if (b > 0) {
      propensity *= 1 - space_.bundle_probability;
    }

    // 2. Item discount.
    double u_item = stream.uniform();
    ItemIndex item = b > 0 ? browsed[below(stream, b)] : -1;
    int item_discount = below(stream, static_cast<int>(space_.item_discounts.size()));
    if (b > 0 && u_item < space_.item_discount_probability) {
      offer.price_overrides.emplace_back(item, shop.price(item) * (1 - space_.item_discounts[item_discount]));
      propensity *= space_.item_discount_probability / b / static_cast<double>(space_.item_discounts.size());
    } else if (b > 0) {
      propensity *= 1 - space_.item_discount_probability;
    }
    offer.propensity = propensity;
  }

 private:
  OfferSpace space_;
  int n_;
  uint64_t seed_;
  int arm_;
  uint64_t decisions_ = 0;
  std::vector<ItemIndex> others_;
};

template <class T>
void require_distinct(SpecReader& reader, const std::string& key, const std::vector<T>& values) {
  if (values.empty()) reader.fail(key, "must list at least one value");
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (values[i] == values[j]) reader.fail(key, fmt::format("values must be distinct; {} is listed twice", values[i]));
    }
  }
}

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  OfferSpace space;
  const int n = context.catalog->size();
  if (!params.is_null()) {
    SpecReader r(params, path, {"bundle_probability", "bundle_sizes", "discounts", "pure_probability",
                                "item_discount_probability", "item_discounts"});
    space.bundle_probability = r.number_or("bundle_probability", space.bundle_probability, Range::unit());
    if (r.has("bundle_sizes")) {
      space.bundle_sizes.clear();
      for (double k : r.numbers("bundle_sizes", Range::closed(2, 8))) {
        if (k != std::floor(k)) r.fail("bundle_sizes", fmt::format("sizes are whole numbers, got {}", k));
        space.bundle_sizes.push_back(static_cast<int>(k));
      }
      require_distinct(r, "bundle_sizes", space.bundle_sizes);
    }
    if (r.has("discounts")) {
      space.discounts = r.numbers("discounts", {0, 1, false, true});
      require_distinct(r, "discounts", space.discounts);
    }
    space.pure_probability = r.number_or("pure_probability", space.pure_probability, Range::unit());
    space.item_discount_probability =
        r.number_or("item_discount_probability", space.item_discount_probability, Range::unit());
    if (r.has("item_discounts")) {
      space.item_discounts = r.numbers("item_discounts", {0, 1, true, true});
      require_distinct(r, "item_discounts", space.item_discounts);
    }
  }
  int largest = *std::max_element(space.bundle_sizes.begin(), space.bundle_sizes.end());
  if (largest > n) {
    throw SpecError(child_path(path, "bundle_sizes"),
                    fmt::format("a bundle of {} items needs a catalog of at least {} items, it has {}", largest,
                                largest, n));
  }
  return std::make_unique<RandomOffersPolicy>(std::move(space), n, context.seed, context.arm);
}

Registrar<PolicyFactory> registrar("random_offers", make);

}  // namespace
}  // namespace bundlesim
