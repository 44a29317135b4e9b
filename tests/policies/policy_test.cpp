// Policies: found by name; `control` offers list prices only; `fixed_bundles` offers the scenario's
// bundles, priced as written, and rejects bad parameters with their JSON path.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "market/spec_error.h"
#include "policies/policy.h"

using namespace bundlesim;
using nlohmann::json;

namespace {

// phone 300, case 20, guard 10, charger 30.
Catalog shop_catalog() {
  return Catalog({{"phone", "", "phones", "", 300, 200, -1, {}},
                  {"case", "", "cases", "", 20, 5, -1, {}},
                  {"guard", "", "cases", "", 10, 2, -1, {}},
                  {"charger", "", "chargers", "", 30, 9, -1, {}}});
}

const Catalog& catalog() {
  static const Catalog c = shop_catalog();
  return c;
}

std::unique_ptr<Policy> policy(const std::string& name, const json& params) {
  return make_policy(name, "/arms/1/policy", params, "/arms/1/params", {&catalog(), 1, 1});
}

std::string error_of(const std::string& name, const json& params) {
  try {
    policy(name, params);
  } catch (const SpecError& e) {
    return e.describe();
  }
  return "";
}

Offer offer_for(Policy& p, const Inventory& shop, std::vector<ItemIndex> browsed) {
  ShopperContext shopper;
  shopper.browsed = &browsed;
  Offer offer;
  p.make_offer(shopper, shop, offer);
  return offer;
}

}  // namespace

TEST_CASE("both policies are registered by name and unknown names are suggested") {
  // Guards the whole-archive link of the policies library (see market/registry.h).
  auto names = PolicyRegistry::instance().names();
  CHECK(std::find(names.begin(), names.end(), "control") != names.end());
  CHECK(std::find(names.begin(), names.end(), "fixed_bundles") != names.end());
  std::string e = error_of("fixed_bundle", json());
  CHECK(e.find("/arms/1/policy: unknown policy \"fixed_bundle\" (did you mean `fixed_bundles`?); known: ") == 0);
  CHECK(e.find("control") != std::string::npos);
}

TEST_CASE("control offers list prices and no bundles") {
  auto control = policy("control", json());
  Inventory shop(catalog());
  Offer offer = offer_for(*control, shop, {0, 1});
  CHECK(offer.bundles.empty());
  CHECK(offer.price_overrides.empty());
  CHECK(offer.propensity == 1.0);
  CHECK(error_of("control", {{"discount", 0.1}}) == "/arms/1/params/discount: unknown key");
}

TEST_CASE("fixed bundles are priced at their price or at a discount off current list prices") {
  auto kits = policy("fixed_bundles", {{"show", "always"},
                                       {"bundles",
                                        {{{"items", {"phone", "case", "guard"}}, {"discount", 0.1}},
                                         {{"items", {"case", "charger"}}, {"price", 45}, {"pure", true}}}}});
  Inventory shop(catalog());
  Offer offer = offer_for(*kits, shop, {});
  REQUIRE(offer.bundles.size() == 2);
  CHECK(offer.bundles[0].items == std::vector<ItemIndex>{0, 1, 2});
  CHECK(offer.bundles[0].price == doctest::Approx(0.9 * (300 + 20 + 10)));  // 297
  CHECK_FALSE(offer.bundles[0].pure);
  CHECK(offer.bundles[0].bundle_id == 0);
  CHECK(offer.bundles[1].price == 45);
  CHECK(offer.bundles[1].pure);
  CHECK(offer.bundles[1].bundle_id == 1);

  // A scheduled price change moves the discounted bundle's price, not the fixed one's.
  shop.set_price(0, 250);
  offer = offer_for(*kits, shop, {});
  CHECK(offer.bundles[0].price == doctest::Approx(0.9 * (250 + 20 + 10)));  // 252
  CHECK(offer.bundles[1].price == 45);
}

TEST_CASE("by default a bundle is shown only to shoppers who browsed one of its items") {
  auto kits = policy("fixed_bundles", {{"bundles",
                                        {{{"items", {"phone", "case"}}, {"discount", 0.05}},
                                         {{"items", {"guard", "charger"}}, {"discount", 0.05}}}}});
  Inventory shop(catalog());
  CHECK(offer_for(*kits, shop, {}).bundles.empty());
  Offer offer = offer_for(*kits, shop, {1});
  REQUIRE(offer.bundles.size() == 1);
  CHECK(offer.bundles[0].bundle_id == 0);
  offer = offer_for(*kits, shop, {3, 0});
  REQUIRE(offer.bundles.size() == 2);
}

TEST_CASE("fixed_bundles rejects bad parameters naming the JSON path") {
  auto bundle = [](json b) { return json{{"bundles", {b}}}; };
  CHECK(error_of("fixed_bundles", json()) == "/arms/1/params: missing: fixed_bundles needs `params` with `bundles`");
  CHECK(error_of("fixed_bundles", {{"bundles", json::array()}}) == "/arms/1/params/bundles: must list at least one bundle");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "cse"}}, {"price", 300}})) ==
        "/arms/1/params/bundles/0/items/1: no catalog item has id \"cse\"");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "phone"}}, {"price", 300}})) ==
        "/arms/1/params/bundles/0/items/1: item \"phone\" is listed twice");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone"}}, {"price", 300}})) ==
        "/arms/1/params/bundles/0/items: a bundle needs at least two items");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "case"}}, {"price", 300}, {"discount", 0.1}})) ==
        "/arms/1/params/bundles/0: give exactly one of `price` or `discount`");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "case"}}})) ==
        "/arms/1/params/bundles/0: give exactly one of `price` or `discount`");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "case"}}, {"price", -5}})) ==
        "/arms/1/params/bundles/0/price: must be > 0, got -5");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "case"}}, {"discount", 1}})) ==
        "/arms/1/params/bundles/0/discount: must be in [0, 1), got 1");
  CHECK(error_of("fixed_bundles", bundle({{"items", {"phone", "case"}}, {"price", 5}, {"pure", 1}})) ==
        "/arms/1/params/bundles/0/pure: must be true or false, got 1");
  CHECK(error_of("fixed_bundles", bundle({{"item", {"phone", "case"}}, {"price", 5}})) ==
        "/arms/1/params/bundles/0/item: unknown key (did you mean `items`?)");
  CHECK(error_of("fixed_bundles", {{"bundles", {{{"items", {"phone", "case"}}, {"price", 5}}}}, {"show", "allways"}}) ==
        "/arms/1/params/show: must be one of when_browsed, always, got \"allways\" (did you mean `always`?)");
}
