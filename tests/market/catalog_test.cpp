// Catalog, inventory and population: lookups, stock that can't go below zero, segment shares and
// valuation draws.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "market/catalog.h"
#include "market/inventory.h"
#include "market/population.h"
#include "sim/random_stream.h"

using namespace bundlesim;

namespace {

Catalog three_items() {
  Item phone{"phone", "Phone", "phones", "Acme", 300, 200, 2, {}};
  Item case_{"case", "Case", "cases", "Shell", 20, 5, -1, {}};
  Item pro{"pro", "Pro phone", "phones", "Acme", 700, 500, 0, {}};
  return Catalog({phone, case_, pro});
}

}  // namespace

TEST_CASE("the catalog finds items by id and numbers categories by first appearance") {
  Catalog c = three_items();
  CHECK(c.size() == 3);
  CHECK(c.find("case") == 1);
  CHECK(c.find("nope") == -1);
  CHECK(c.categories() == std::vector<std::string>{"phones", "cases"});
  CHECK(c.category_of(0) == 0);
  CHECK(c.category_of(1) == 1);
  CHECK(c.category_of(2) == 0);
}

TEST_CASE("the catalog fingerprint follows ids and categories but not prices") {
  Catalog a = three_items();
  std::vector<Item> items = a.items();
  items[0].price = 1;
  items[1].stock = 99;
  CHECK(Catalog(items).fingerprint() == a.fingerprint());
  items[2].id = "pro2";
  CHECK(Catalog(items).fingerprint() != a.fingerprint());
  items = a.items();
  items[1].category = "phones";
  CHECK(Catalog(items).fingerprint() != a.fingerprint());
}

TEST_CASE("inventory sells a basket only when every item is in stock") {
  Catalog c = three_items();
  Inventory shop(c);
  CHECK(shop.stock(0) == 2);
  CHECK(shop.unlimited(1));
  CHECK_FALSE(shop.in_stock(2));
  CHECK(shop.price(2) == 700);

  const ItemIndex with_pro[] = {1, 2};
  CHECK_FALSE(shop.take_all(with_pro, 2));  // pro is out: nothing is taken, not even the case
  CHECK(shop.unlimited(1));

  const ItemIndex kit[] = {0, 1};
  CHECK(shop.take_all(kit, 2));
  CHECK(shop.take_all(kit, 2));
  CHECK(shop.stock(0) == 0);
  CHECK_FALSE(shop.take_all(kit, 2));  // the third phone is not there
  CHECK(shop.stock(0) == 0);           // and stock never goes negative

  shop.restock(0, 5);
  shop.restock(1, 5);  // unlimited stays unlimited
  CHECK(shop.stock(0) == 5);
  CHECK(shop.unlimited(1));
  shop.set_price(1, 15);
  CHECK(shop.price(1) == 15);
  CHECK(c.item(1).price == 20);  // the catalog keeps the list price the run started with
}

TEST_CASE("segments are drawn by share") {
  Segment a, b, c;
  a.share = 0.2;
  b.share = 0.5;
  c.share = 0.3;
  Population p({a, b, c});
  CHECK(p.segment_for(0.0) == 0);
  CHECK(p.segment_for(0.1999) == 0);
  CHECK(p.segment_for(0.2) == 1);
  CHECK(p.segment_for(0.6999) == 1);
  CHECK(p.segment_for(0.7) == 2);
  CHECK(p.segment_for(0.999999) == 2);
}

TEST_CASE("valuation draws have the moments of their distribution") {
  // 200,000 draws each: the standard error of a mean is sd/447, so 1% tolerances are > 4 sd.
  const int n = 200000;
  auto mean_of = [&](const ValuationDistribution& d, double list_price, double* zero_share) {
    RandomStream stream(9, 1, StreamPurpose::kValuation, 0);
    double sum = 0, lowest = 0;
    int zeros = 0;
    for (int k = 0; k < n; ++k) {
      double x = d.sample(stream, list_price);
      lowest = std::min(lowest, x);
      sum += x;
      zeros += x == 0;
    }
    CHECK_MESSAGE(lowest == 0, "willingness to pay is never negative");
    if (zero_share) *zero_share = static_cast<double>(zeros) / n;
    return sum / n;
  };
  using Kind = ValuationDistribution::Kind;
  CHECK(mean_of({Kind::kFixed, 7, 0, false}, 100, nullptr) == 7);
  CHECK(mean_of({Kind::kFixed, 1.5, 0, true}, 100, nullptr) == 150);  // relative: 1.5 x list price
  CHECK(mean_of({Kind::kUniform, 2, 4, false}, 1, nullptr) == doctest::Approx(3).epsilon(0.01));
  // Lognormal mean exp(mu + sigma^2 / 2) = exp(0.1 + 0.045) = 1.1560.
  CHECK(mean_of({Kind::kLognormal, 0.1, 0.3, false}, 1, nullptr) == doctest::Approx(std::exp(0.145)).epsilon(0.01));
  // Normal(-1, 1) truncated at 0: P(0) = Phi(1) = 0.8413; E[max(X, 0)] = phi(1) - Phi(-1) = 0.0833.
  double zeros = 0;
  double truncated = mean_of({Kind::kNormal, -1, 1, false}, 1, &zeros);
  CHECK(zeros == doctest::Approx(0.8413).epsilon(0.01));
  CHECK(truncated == doctest::Approx(0.08332).epsilon(0.03));
}
