// Scoring mode (Policy::offer_probability), which offline evaluation uses to ask a policy how
// likely it was to make a logged offer.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "policies/policy.h"

using namespace bundlesim;

TEST_CASE("same_offer compares bundles and prices in any order") {
  Offer a, b;
  a.bundles.push_back({{1, 0}, 96.0, false, 3});
  b.bundles.push_back({{0, 1}, 96.0 * (1 + 1e-12), false, -1});
  CHECK(same_offer(a, b));  // item order, bundle id and last-bit price differences do not matter
  b.bundles[0].pure = true;
  CHECK_FALSE(same_offer(a, b));
  b.bundles[0].pure = false;
  b.price_overrides.emplace_back(2, 27.0);
  CHECK_FALSE(same_offer(a, b));
  a.price_overrides.emplace_back(2, 27.0);
  CHECK(same_offer(a, b));
}

TEST_CASE("a deterministic policy gives probability 1 to its own offer and 0 to any other") {
  Catalog catalog({{"a", "", "x", "", 10, 0, -1, {}}, {"b", "", "y", "", 20, 0, -1, {}}, {"c", "", "z", "", 30, 0, -1, {}}});
  PolicyContext context;
  context.catalog = &catalog;
  nlohmann::json params = {{"bundles", {{{"items", {"a", "b"}}, {"discount", 0.1}}}}};
  std::unique_ptr<Policy> policy = make_policy("fixed_bundles", "/policy", params, "/params", context);
  Inventory shop(catalog);
  std::vector<ItemIndex> browsed = {0};
  ShopperContext shopper;
  shopper.browsed = &browsed;
  Offer logged;
  logged.bundles.push_back({{0, 1}, 27.0, false, -1});  // (10 + 20) * 0.9
  CHECK(policy->offer_probability(shopper, shop, logged) == 1.0);
  logged.bundles[0].price = 28.0;
  CHECK(policy->offer_probability(shopper, shop, logged) == 0.0);
  // A shopper who browsed none of the bundle's items is shown nothing ("when_browsed").
  std::vector<ItemIndex> other = {2};
  shopper.browsed = &other;
  CHECK(policy->offer_probability(shopper, shop, Offer{}) == 1.0);
}
