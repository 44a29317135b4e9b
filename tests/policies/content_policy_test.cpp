// Content similarity against hand computation, and the `content` policy's bundles on a tiny catalog.

#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "market/spec_error.h"
#include "policies/content_similarity.h"
#include "policies/policy.h"

using namespace bundlesim;

namespace {

Catalog tiny_catalog() {
  auto item = [](std::string id, std::string category, std::string brand, double price, std::vector<double> f) {
    Item i;
    i.id = id;
    i.category = category;
    i.brand = brand;
    i.price = price;
    i.features = f;
    return i;
  };
  return Catalog({item("phone-a", "phones", "A", 100, {1, 0}), item("phone-b", "phones", "B", 300, {0, 1}),
                  item("case-a", "cases", "A", 10, {1, 0}), item("case-b", "cases", "B", 30, {0.6, 0.8}),
                  item("lamp", "home", "", 40, {0, 2})});
}

}  // namespace

TEST_CASE("cosine similarity by hand") {
  // a = (1, 2, 2), b = (2, 0, 1): a.b = 4, |a| = 3, |b| = sqrt(5).
  CHECK(cosine_similarity({1, 2, 2}, {2, 0, 1}) == doctest::Approx(4 / (3 * std::sqrt(5.0))));
  CHECK(cosine_similarity({1, 0}, {0, 1}) == 0);
  CHECK(cosine_similarity({1, 1}, {2, 2}) == doctest::Approx(1));
  CHECK(cosine_similarity({0, 0}, {1, 2}) == 0);  // a zero vector is similar to nothing
}

TEST_CASE("price bands rank items within their own category") {
  Catalog catalog = tiny_catalog();
  std::vector<int> band = price_bands_within_category(catalog, 3);
  // phones 100 < 300: bands 0 and 2; cases 10 < 30: bands 0 and 2; the lone lamp: middle band 1.
  CHECK(band == std::vector<int>{0, 2, 0, 2, 1});
}

TEST_CASE("content vectors and similarities by hand") {
  Catalog catalog = tiny_catalog();
  ContentSimilarity s(catalog, ContentWeights{});
  // Blocks: category (phones, cases, home) | brand (A, B) | band (0, 1, 2) | features (2).
  // phone-a = (1,0,0 | .5,0 | 1,0,0 | 1,0), |.|^2 = 1 + .25 + 1 + 1 = 3.25.
  CHECK(s.vector(0) == std::vector<double>{1, 0, 0, 0.5, 0, 1, 0, 0, 1, 0});
  // case-a = (0,1,0 | .5,0 | 1,0,0 | 1,0): dot with phone-a = .25 + 1 + 1 = 2.25.
  CHECK(s.similarity(0, 2) == doctest::Approx(2.25 / 3.25));
  // case-b = (0,1,0 | 0,.5 | 0,0,1 | .6,.8): dot with phone-a = .6.
  CHECK(s.similarity(0, 3) == doctest::Approx(0.6 / 3.25));
  // case-b with phone-b = (1,0,0 | 0,.5 | 0,0,1 | 0,1): .25 + 1 + .8 = 2.05 over 3.25.
  CHECK(s.similarity(1, 3) == doctest::Approx(2.05 / 3.25));
  // The lamp has no brand block and its feature vector (0, 2) is normalised to (0, 1).
  CHECK(s.vector(4) == std::vector<double>{0, 0, 1, 0, 0, 0, 1, 0, 0, 1});
  CHECK(s.similarity(0, 0) == doctest::Approx(1));
}

TEST_CASE("the content policy bundles each browsed phone with its most similar case") {
  Catalog catalog = tiny_catalog();
  nlohmann::json params = {{"complements", {{"phones", {"cases"}}}}, {"discount", 0.2}, {"add_ons", 1}};
  auto policy = make_policy("content", "/arms/0/policy", params, "/arms/0/params", {&catalog, 1, 0});
  Inventory shop(catalog);
  std::vector<ItemIndex> browsed{1, 0, 4};  // phone-b, phone-a, lamp
  ShopperContext shopper{1, 0, 0, 0.0, &browsed};
  Offer offer;
  policy->make_offer(shopper, shop, offer);
  // phone-b goes with case-b (2.05/3.25 against 0 for case-a), phone-a with case-a (2.25/3.25
  // against 0.6/3.25); the lamp has no rule. Price: 20% off the list sum.
  REQUIRE(offer.bundles.size() == 2);
  CHECK(offer.bundles[0].items == std::vector<ItemIndex>{1, 3});
  CHECK(offer.bundles[0].price == doctest::Approx(0.8 * 330));
  CHECK(offer.bundles[1].items == std::vector<ItemIndex>{0, 2});
  CHECK(offer.bundles[1].price == doctest::Approx(0.8 * 110));
  CHECK_FALSE(offer.bundles[0].pure);

  // Rules hold both ways: a browsed case gets its most similar phone (case-a: phone-a at 2.25/3.25
  // against 0 for phone-b), unless "symmetric" is false.
  std::vector<ItemIndex> case_only{2};
  ShopperContext case_shopper{2, 0, 0, 0.0, &case_only};
  offer.clear();
  policy->make_offer(case_shopper, shop, offer);
  REQUIRE(offer.bundles.size() == 1);
  CHECK(offer.bundles[0].items == std::vector<ItemIndex>{2, 0});
  CHECK(offer.bundles[0].price == doctest::Approx(0.8 * 110));
  nlohmann::json one_way = params;
  one_way["symmetric"] = false;
  offer.clear();
  make_policy("content", "", one_way, "", {&catalog, 1, 0})->make_offer(case_shopper, shop, offer);
  CHECK(offer.bundles.empty());

  // "add_ons" discounts only the add-on: 300 + 0.8 * 30.
  params["discount_on"] = "add_ons";
  policy = make_policy("content", "", params, "", {&catalog, 1, 0});
  offer.clear();
  policy->make_offer(shopper, shop, offer);
  CHECK(offer.bundles[0].price == doctest::Approx(300 + 0.8 * 30));
}

TEST_CASE("content rules naming an unknown category fail at their JSON path") {
  Catalog catalog = tiny_catalog();
  nlohmann::json params = {{"complements", {{"phones", {"case"}}}}};
  try {
    make_policy("content", "", params, "/arms/1/params", {&catalog, 1, 0});
    FAIL("expected a SpecError");
  } catch (const SpecError& e) {
    CHECK(e.describe().find("/arms/1/params/complements/phones/0") != std::string::npos);
    CHECK(e.describe().find("cases") != std::string::npos);  // the suggestion
  }
}
