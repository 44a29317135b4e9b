// The bundle and pricing policies are registered by name, reject bad parameters at their JSON path,
// and the simplest of them behave as documented on a small catalog.

#include <doctest/doctest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "market/inventory.h"
#include "market/spec_error.h"
#include "policies/policy.h"

using namespace bundlesim;
using nlohmann::json;

namespace {

const Catalog& catalog() {
  static const Catalog c = [] {
    auto item = [](std::string id, std::string category, double price, double cost) {
      Item i;
      i.id = id;
      i.category = category;
      i.price = price;
      i.unit_cost = cost;
      return i;
    };
    return Catalog({item("phone", "phones", 500, 400), item("case", "cases", 30, 6), item("charger", "chargers", 40, 9),
                    item("lamp", "home", 50, 20)});
  }();
  return c;
}

std::string error_of(const std::string& name, const std::string& params) {
  try {
    make_policy(name, "/arms/1/policy", json::parse(params), "/arms/1/params", {&catalog(), 1, 1});
  } catch (const SpecError& e) {
    return e.describe();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the bundle and pricing policies are registered by name") {
  auto names = PolicyRegistry::instance().names();
  for (const char* name : {"copurchase", "content", "matrix_factorization", "bandit_discount", "rl_bundler",
                           "bundle_price_optimizer", "oracle"}) {
    CHECK_MESSAGE(std::find(names.begin(), names.end(), name) != names.end(), name);
  }
}

TEST_CASE("bad policy parameters name their JSON path") {
  CHECK(error_of("copurchase", R"({"measure": "lfit"})").find("/arms/1/params/measure: ") == 0);
  CHECK(error_of("copurchase", R"({"mode": "catalogue", "complements": 2})").find("/arms/1/params/complements: ") == 0);
  CHECK(error_of("copurchase", R"({"discount": 1.2})").find("/arms/1/params/discount: ") == 0);
  CHECK(error_of("copurchase", R"({"complement": 2})").find("did you mean `complements`?") != std::string::npos);
  CHECK(error_of("bandit_discount", "null").find("/arms/1/params: missing") == 0);
  CHECK(error_of("bandit_discount", R"({"bundles": [["phone", "case"]], "discounts": [0.1]})")
            .find("/arms/1/params/discounts: ") == 0);
  CHECK(error_of("bandit_discount", R"({"bundles": [["phone", "cse"]]})").find("/arms/1/params/bundles/0/1: ") == 0);
  CHECK(error_of("matrix_factorization", R"({"factors": 0})").find("/arms/1/params/factors: ") == 0);
  CHECK(error_of("rl_bundler", R"({"discount": 0.1, "discounts": [0, 0.1]})").find("/arms/1/params/discounts: ") == 0);
  CHECK(error_of("rl_bundler", R"({"max_items": 1})").find("/arms/1/params/max_items: ") == 0);
  CHECK(error_of("oracle", R"({"discounts": []})").find("/arms/1/params/discounts: ") == 0);
}

TEST_CASE("bandit_discount shows its bundle to shoppers who browsed an item of it, at a discount of its grid") {
  auto policy = make_policy("bandit_discount", "", json::parse(R"({"bundles": [["phone", "case"]],
                                                                     "discounts": [0, 0.1, 0.2]})"),
                            "", {&catalog(), 1, 0});
  Inventory shop(catalog());
  std::vector<ItemIndex> browsed_case{1}, browsed_lamp{3};
  int seen[3] = {0, 0, 0};
  for (int t = 0; t < 30; ++t) {
    Offer offer;
    ShopperContext shopper{static_cast<uint64_t>(t), 0, 0, 0.0, &browsed_case};
    policy->make_offer(shopper, shop, offer);
    REQUIRE(offer.bundles.size() == 1);
    CHECK(offer.bundles[0].items == std::vector<ItemIndex>{0, 1});
    double discount = 1 - offer.bundles[0].price / 530;
    int k = static_cast<int>(std::lround(discount * 10));
    REQUIRE((k == 0 || k == 1 || k == 2));
    CHECK(discount == doctest::Approx(k / 10.0));
    ++seen[k];
    // The bigger discount earns a lot more here: the sampler must end up preferring it.
    Outcome outcome;
    outcome.bought = true;
    outcome.margin = 10.0 * k;
    policy->observe(shopper, offer, outcome);
  }
  // 3 initial tries of each discount (9 decisions), then Thompson draws: mostly 20%.
  CHECK(seen[0] >= 3);
  CHECK(seen[2] > seen[0] + seen[1]);
  Offer none;
  ShopperContext lamp_shopper{99, 0, 0, 0.0, &browsed_lamp};
  policy->make_offer(lamp_shopper, shop, none);
  CHECK(none.bundles.empty());
  policy->observe(lamp_shopper, none, Outcome{});
}

TEST_CASE("copurchase with distinct_add_ons gives the second bundle an add-on the first does not hold") {
  // Orders: 10 x {phone, case}, 12 x {charger, case}, 5 x {charger, lamp}. Cosines
  // n(i,j) / sqrt(n(i) n(j)): phone-case 10/sqrt(10*22) = 0.67, charger-case 12/sqrt(17*22) = 0.62,
  // charger-lamp 5/sqrt(17*5) = 0.54. Both browsed items' strongest complement is the case.
  auto bundles_for = [](bool distinct) {
    json params = {{"measure", "cosine"}, {"min_lift", 0}, {"complements", 1}, {"discount", 0},
                   {"distinct_add_ons", distinct}};
    auto policy = make_policy("copurchase", "/arms/1/policy", params, "/arms/1/params", {&catalog(), 1, 1});
    std::vector<ItemIndex> none;
    ShopperContext anyone{1, 0, 0, 0.0, &none};
    auto order = [&](std::vector<ItemIndex> items, int times) {
      Outcome outcome;
      outcome.bought = true;
      outcome.items = items;
      for (int k = 0; k < times; ++k) policy->observe(anyone, Offer{}, outcome);
    };
    order({0, 1}, 10);
    order({2, 1}, 12);
    order({2, 3}, 5);
    Inventory shop(catalog());
    std::vector<ItemIndex> browsed{0, 2};  // phone, charger
    ShopperContext shopper{2, 0, 0, 0.0, &browsed};
    Offer offer;
    policy->make_offer(shopper, shop, offer);
    std::vector<std::vector<ItemIndex>> items;
    for (const OfferedBundle& b : offer.bundles) items.push_back(b.items);
    return items;
  };
  CHECK(bundles_for(false) == std::vector<std::vector<ItemIndex>>{{0, 1}, {2, 1}});
  CHECK(bundles_for(true) == std::vector<std::vector<ItemIndex>>{{0, 1}, {2, 3}});
}
