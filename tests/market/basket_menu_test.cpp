// Basket menus against hand-enumerated menus: which baskets are on offer, what each is worth to the
// shopper and what it costs.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "market/basket_menu.h"

using namespace bundlesim;

namespace {

// A basket as a test reads it: its catalog items and the offered bundle it holds (-1 for none).
using BasketKey = std::pair<std::set<ItemIndex>, int>;
struct ValueAndPrice {
  double value, price;
};

std::map<BasketKey, ValueAndPrice> menu_of(const ChoiceBatch& batch, int p) {
  const ChoiceProblem& problem = batch.problems[p];
  std::map<BasketKey, ValueAndPrice> out;
  for (int b = 0; b < problem.basket_count; ++b) {
    const BasketOption& basket = batch.baskets[problem.basket_begin + b];
    std::set<ItemIndex> items;
    for (int k = 0; k < problem.item_count; ++k) {
      if (basket.items >> k & 1u) items.insert(batch.items[problem.item_begin + k]);
    }
    bool fresh = out.emplace(BasketKey{items, basket.bundle}, ValueAndPrice{basket.value, basket.price}).second;
    CHECK_MESSAGE(fresh, "a basket is listed twice");
  }
  return out;
}

// Items a, b, c (indices 0, 1, 2) at 4, 3.5 and 2; shopper values 5, 3 and 1.
struct Shop {
  Catalog catalog{{{"a", "a", "x", "", 4, 0, -1, {}}, {"b", "b", "x", "", 3.5, 0, -1, {}},
                   {"c", "c", "y", "", 2, 0, -1, {}}}};
  Inventory inventory{catalog};
  std::vector<double> value_of_item = {5, 3, 1};

  // Builds one problem and returns its menu.
  std::map<BasketKey, ValueAndPrice> menu(BasketMenu& menu, ChoiceBatch& batch, const std::vector<ItemIndex>& browsed,
                                          const Offer& offer) {
    menu.begin_problem(batch, 0, 1.0, 0.5, browsed, offer, inventory);
    const ChoiceProblem& p = batch.problems.back();
    std::vector<double> values;
    for (int k = 0; k < p.item_count; ++k) values.push_back(value_of_item[batch.items[p.item_begin + k]]);
    menu.end_problem(batch, values.data());
    return menu_of(batch, batch.size() - 1);
  }
};

OfferedBundle bundle_of(std::vector<ItemIndex> items, double price, bool pure) {
  OfferedBundle b;
  b.items = std::move(items);
  b.price = price;
  b.pure = pure;
  return b;
}

}  // namespace

TEST_CASE("without bundles the menu is every non-empty set of browsed items at item prices") {
  Shop shop;
  BasketMenu menu(3, {});
  ChoiceBatch batch;
  auto m = shop.menu(menu, batch, {0, 1}, Offer{});
  REQUIRE(m.size() == 3);  // 2^2 - 1
  CHECK(m.at({{0}, -1}).value == 5);
  CHECK(m.at({{0}, -1}).price == 4);
  CHECK(m.at({{1}, -1}).price == 3.5);
  CHECK(m.at({{0, 1}, -1}).value == 8);
  CHECK(m.at({{0, 1}, -1}).price == 7.5);
  CHECK(batch.problems[0].item_count == 2);
  CHECK(batch.problems[0].price_sensitivity == 1.0);
  CHECK(batch.problems[0].uniform == 0.5);
}

TEST_CASE("a mixed bundle is offered alone and with further items and completes complementarities") {
  Shop shop;
  // a + b together are worth 1 more to the shopper (a case with its phone).
  BasketMenu menu(3, {{{0, 1}, 1.0}});
  ChoiceBatch batch;
  Offer offer;
  offer.bundles.push_back(bundle_of({0, 1}, 6, false));
  // The shopper browsed a and c; the bundle brings b onto the menu.
  auto m = shop.menu(menu, batch, {0, 2}, offer);
  // Separately: 2^3 - 1 = 7 sets; the bundle alone or with c: 2.
  REQUIRE(m.size() == 9);
  CHECK(m.at({{0, 1}, -1}).value == 5 + 3 + 1);
  CHECK(m.at({{0, 1}, -1}).price == 7.5);
  CHECK(m.at({{0, 1, 2}, -1}).value == 5 + 3 + 1 + 1);
  CHECK(m.at({{0, 1}, 0}).value == 9);
  CHECK(m.at({{0, 1}, 0}).price == 6);
  CHECK(m.at({{0, 1, 2}, 0}).value == 10);
  CHECK(m.at({{0, 1, 2}, 0}).price == 8);
  CHECK(m.at({{0, 2}, -1}).value == 6);  // no complementarity without b
}

TEST_CASE("a pure bundle takes its items off the separate menu") {
  Shop shop;
  BasketMenu menu(3, {});
  ChoiceBatch batch;
  Offer offer;
  offer.bundles.push_back(bundle_of({0, 1}, 6, true));
  auto m = shop.menu(menu, batch, {0, 1, 2}, offer);
  REQUIRE(m.size() == 3);  // c alone, the bundle, the bundle with c
  CHECK(m.count({{2}, -1}) == 1);
  CHECK(m.count({{0, 1}, 0}) == 1);
  CHECK(m.at({{0, 1, 2}, 0}).price == 8);
  CHECK(m.count({{0}, -1}) == 0);
}

TEST_CASE("items out of stock are off the menu and so are bundles that hold them") {
  Shop shop;
  std::vector<Item> items = shop.catalog.items();
  items[1].stock = 0;  // b is sold out
  Catalog catalog(items);
  shop.inventory = Inventory(catalog);

  BasketMenu menu(3, {});
  ChoiceBatch batch;
  Offer offer;
  offer.bundles.push_back(bundle_of({0, 1}, 6, false));
  auto m = shop.menu(menu, batch, {0, 1}, offer);
  REQUIRE(m.size() == 1);
  CHECK(m.count({{0}, -1}) == 1);
}

TEST_CASE("separate prices are the offer's override or else the current list price") {
  Shop shop;
  shop.inventory.set_price(1, 3.0);  // a scheduled price change
  BasketMenu menu(3, {});
  ChoiceBatch batch;
  Offer offer;
  offer.price_overrides.push_back({0, 3.25});
  auto m = shop.menu(menu, batch, {0, 1}, offer);
  CHECK(m.at({{0}, -1}).price == 3.25);
  CHECK(m.at({{1}, -1}).price == 3.0);
  CHECK(m.at({{0, 1}, -1}).price == 6.25);
}

TEST_CASE("problems in one batch are laid out one after the other") {
  Shop shop;
  BasketMenu menu(3, {{{0, 2}, 2.0}});
  ChoiceBatch batch;
  shop.menu(menu, batch, {2, 0}, Offer{});
  auto second = shop.menu(menu, batch, {1}, Offer{});
  REQUIRE(batch.size() == 2);
  CHECK(batch.problems[0].item_begin == 0);
  CHECK(batch.problems[0].basket_begin == 0);
  CHECK(batch.problems[0].basket_count == 3);
  CHECK(batch.problems[1].item_begin == 2);
  CHECK(batch.problems[1].basket_begin == 3);
  CHECK(batch.items == std::vector<ItemIndex>{2, 0, 1});  // browsing order is kept
  CHECK(batch.item_prices == std::vector<double>{2, 4, 3.5});
  CHECK(menu_of(batch, 0).at({{0, 2}, -1}).value == 5 + 1 + 2);
  // The second shopper's menu is not touched by the first one's items or rules.
  REQUIRE(second.size() == 1);
  CHECK(second.at({{1}, -1}).value == 3);
  batch.clear();
  CHECK(batch.size() == 0);
  CHECK(batch.baskets.empty());
}

TEST_CASE("the menu is capped at kMaxConsideredItems items") {
  std::vector<Item> items;
  for (int i = 0; i < kMaxConsideredItems + 2; ++i) items.push_back({"i" + std::to_string(i), "", "x", "", 1, 0, -1, {}});
  Catalog catalog(items);
  Inventory inventory(catalog);
  BasketMenu menu(catalog.size(), {});
  ChoiceBatch batch;
  std::vector<ItemIndex> browsed;
  for (int i = 0; i < kMaxConsideredItems + 1; ++i) browsed.push_back(i);
  Offer offer;
  // A bundle with an item not yet considered would go past the cap: it is left off the menu.
  offer.bundles.push_back(bundle_of({0, kMaxConsideredItems + 1}, 1.5, false));
  menu.begin_problem(batch, 0, 1, 0, browsed, offer, inventory);
  CHECK(batch.problems[0].item_count == kMaxConsideredItems);
  std::vector<double> values(kMaxConsideredItems, 1.0);
  menu.end_problem(batch, values.data());
  CHECK(batch.problems[0].basket_count == (1 << kMaxConsideredItems) - 1);
  CHECK(std::count_if(batch.baskets.begin(), batch.baskets.end(), [](const BasketOption& b) { return b.bundle >= 0; }) == 0);
}
