// `random_offers`: every offer it makes carries the probability with which it is drawn. Checked by
// enumeration (the propensities of all distinct offers sum to 1) and by frequency (each offer turns
// up as often as its propensity says), on a catalog small enough to see every offer.

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_error.h"
#include "policies/policy.h"

using namespace bundlesim;
using nlohmann::json;

namespace {

// Four items at 100, 40, 20, 10.
const Catalog& catalog() {
  static const Catalog c({{"a", "", "x", "", 100, 0, -1, {}},
                          {"b", "", "x", "", 40, 0, -1, {}},
                          {"c", "", "y", "", 20, 0, -1, {}},
                          {"d", "", "y", "", 10, 0, -1, {}}});
  return c;
}

// An offer as text, so that equal offers are counted together.
std::string key_of(const Offer& offer) {
  std::string key;
  for (const OfferedBundle& b : offer.bundles) {
    key += "B";
    for (ItemIndex i : b.items) key += fmt::format("{} ", i);
    key += fmt::format("@{:.6f}{}", b.price, b.pure ? "p" : "m");
  }
  for (auto [item, price] : offer.price_overrides) key += fmt::format("O{}@{:.6f}", item, price);
  return key;
}

}  // namespace

TEST_CASE("random_offers: propensities are the offers' probabilities") {
  json params = {{"bundle_probability", 0.6}, {"bundle_sizes", {2, 3}}, {"discounts", {0, 0.1, 0.2}},
                 {"pure_probability", 0.25}, {"item_discount_probability", 0.3}, {"item_discounts", {0.05, 0.2}}};
  auto policy = make_policy("random_offers", "/arms/0/policy", params, "/arms/0/params", {&catalog(), 7, 0});
  Inventory shop(catalog());
  std::vector<ItemIndex> browsed = {0, 2};
  ShopperContext shopper;
  shopper.browsed = &browsed;

  // Support: bundles holding item 0 or 2: sizes 2 and 3 give 5 + 4 = 9 sets (of C(4,2) + C(4,3) = 10,
  // only {1, 3} misses both), times 3 discounts times pure or not, plus no bundle: 55. Item
  // discounts: none, or 2 items times 2 discounts: 5. So 275 distinct offers.
  const int n = 400000;
  std::map<std::string, std::pair<int, double>> seen;  // key -> (count, propensity)
  for (int k = 0; k < n; ++k) {
    Offer offer;
    policy->make_offer(shopper, shop, offer);
    auto [it, fresh] = seen.emplace(key_of(offer), std::make_pair(0, offer.propensity));
    it->second.first++;
    if (!fresh) REQUIRE(it->second.second == doctest::Approx(offer.propensity).epsilon(1e-12));
  }
  CHECK(seen.size() == 275);
  double total = 0;
  for (const auto& [key, value] : seen) total += value.second;
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  // Each offer's frequency within 4.5 binomial standard errors of its propensity (with 275 offers a
  // false alarm has probability about 275 * 7e-6 = 0.002).
  int outside = 0;
  for (const auto& [key, value] : seen) {
    double p = value.second;
    double se = std::sqrt(p * (1 - p) / n);
    if (std::abs(value.first / static_cast<double>(n) - p) > 4.5 * se) {
      ++outside;
      MESSAGE(key << ": frequency " << value.first / static_cast<double>(n) << ", propensity " << p);
    }
  }
  CHECK(outside == 0);
}

TEST_CASE("random_offers: a bundle costs its discount off the list prices, and nothing browsed means nothing offered") {
  json params = {{"bundle_probability", 1.0}, {"bundle_sizes", {2}}, {"discounts", {0.25}},
                 {"pure_probability", 0.0}, {"item_discount_probability", 0.0}};
  auto policy = make_policy("random_offers", "", params, "", {&catalog(), 1, 0});
  Inventory shop(catalog());
  std::vector<ItemIndex> browsed = {3};
  ShopperContext shopper;
  shopper.browsed = &browsed;
  for (int k = 0; k < 50; ++k) {
    Offer offer;
    policy->make_offer(shopper, shop, offer);
    REQUIRE(offer.bundles.size() == 1);
    const OfferedBundle& b = offer.bundles[0];
    REQUIRE(b.items.size() == 2);
    CHECK(b.items[1] == 3);  // sorted, and the anchor is the one browsed item (the largest index)
    CHECK(b.price == doctest::Approx(0.75 * (catalog().item(b.items[0]).price + 10)));
    CHECK_FALSE(b.pure);
    // Anchor fixed, partner uniform over the 3 others: 1/3.
    CHECK(offer.propensity == doctest::Approx(1.0 / 3));
  }
  std::vector<ItemIndex> none;
  shopper.browsed = &none;
  Offer offer;
  policy->make_offer(shopper, shop, offer);
  CHECK(offer.bundles.empty());
  CHECK(offer.price_overrides.empty());
  CHECK(offer.propensity == 1);
}

TEST_CASE("random_offers: bad parameters name their path") {
  auto error_of = [](const json& params) {
    try {
      make_policy("random_offers", "", params, "/arms/2/params", {&catalog(), 1, 0});
    } catch (const SpecError& e) {
      return e.describe();
    }
    return std::string();
  };
  CHECK(error_of({{"discounts", {0.1, 0.1}}}) == "/arms/2/params/discounts: values must be distinct; 0.1 is listed twice");
  CHECK(error_of({{"bundle_sizes", {5}}}) ==
        "/arms/2/params/bundle_sizes: a bundle of 5 items needs a catalog of at least 5 items, it has 4");
  CHECK(error_of({{"item_discounts", {0}}}).rfind("/arms/2/params/item_discounts", 0) == 0);
  CHECK(error_of({{"bundle_probabilty", 0.5}}).find("bundle_probability") != std::string::npos);
}
