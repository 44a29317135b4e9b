// `rl_bundler`: every offer carries the probability with which its policy network drew it, so that
// offline evaluation can reweight its logs. A bundle is a set its add-ons could have been added to in
// any order, and an anchor's bundle that repeats an earlier one is refused, so the probability of an
// offer is a sum over paths. Checked as for random_offers: on a catalog small enough to see every
// offer, the propensities of all distinct offers sum to 1 and each offer turns up as often as its
// propensity says, after the network has learnt something (so that the probabilities differ).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "policies/policy.h"

using namespace bundlesim;
using nlohmann::json;

namespace {

// Three items at 100, 40, 20.
const Catalog& catalog() {
  static const Catalog c({{"a", "", "x", "", 100, 50, -1, {}},
                          {"b", "", "x", "", 40, 10, -1, {}},
                          {"c", "", "y", "", 20, 5, -1, {}}});
  return c;
}

// An offer as text, as the shopper sees it: each bundle's items as a set, the bundles as a set.
std::string key_of(const Offer& offer) {
  std::vector<std::string> bundles;
  for (const OfferedBundle& b : offer.bundles) {
    std::vector<ItemIndex> items = b.items;
    std::sort(items.begin(), items.end());
    std::string key = "B";
    for (ItemIndex i : items) key += fmt::format("{} ", i);
    bundles.push_back(key + fmt::format("@{:.6f}", b.price));
  }
  std::sort(bundles.begin(), bundles.end());
  std::string key;
  for (const std::string& b : bundles) key += b;
  return key;
}

}  // namespace

TEST_CASE("rl_bundler: propensities are the offers' probabilities") {
  json params = {{"discounts", {0, 0.1}}, {"max_items", 3}, {"max_bundles", 2}, {"hidden", 8},
                 {"segments", 1},         {"batch", 16},    {"learning_rate", 0.005}};
  auto policy = make_policy("rl_bundler", "/arms/0/policy", params, "/arms/0/params", {&catalog(), 11, 0});
  Inventory shop(catalog());
  std::vector<ItemIndex> browsed = {0, 1};
  ShopperContext shopper;
  shopper.browsed = &browsed;

  // Learn from a made-up margin that likes bundles with item c, so that the network's
  // probabilities are far from uniform; then stop learning (no more observe), so that every offer
  // below is drawn from the same policy.
  for (int k = 0; k < 300; ++k) {
    Offer offer;
    policy->make_offer(shopper, shop, offer);
    Outcome outcome;
    for (const OfferedBundle& b : offer.bundles) {
      if (std::find(b.items.begin(), b.items.end(), 2) != b.items.end()) outcome.margin += 10;
    }
    policy->observe(shopper, offer, outcome);
  }

  // Support, as the shopper sees it: nothing; one bundle, {a,b}, {a,c}, {a,b,c} or {b,c}, at one
  // of two prices (8); or two, one holding a and one holding b, of different sets: {a,b} with {a,c},
  // {b,c} or {a,b,c}, {a,c} with {b,c} or {a,b,c}, {a,b,c} with {b,c}, at 2 x 2 prices (24): 33.
  // Several paths lead to some of them: {a,b} alone comes from a's episode (b's then stopping or
  // composing {a,b} again) or from b's (a's stopping at a alone).
  const int n = 60000;
  std::map<std::string, std::pair<int, Offer>> seen;  // key -> (count, the offer)
  for (int k = 0; k < n; ++k) {
    Offer offer;
    policy->make_offer(shopper, shop, offer);
    REQUIRE(offer.propensity_known());
    auto [it, fresh] = seen.emplace(key_of(offer), std::make_pair(0, offer));
    it->second.first++;
    if (!fresh) REQUIRE(it->second.second.propensity == doctest::Approx(offer.propensity).epsilon(1e-12));
  }
  CHECK(seen.size() == 33);
  double total = 0, smallest = 1, largest = 0;
  for (const auto& [key, value] : seen) {
    total += value.second.propensity;
    smallest = std::min(smallest, value.second.propensity);
    largest = std::max(largest, value.second.propensity);
  }
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(largest / smallest > 10);  // the network has learnt: the offers are far from equally likely
  // Each offer's frequency within 4.5 binomial standard errors of its propensity (with 41 offers a
  // false alarm has probability about 41 * 7e-6 = 3e-4).
  int outside = 0;
  for (const auto& [key, value] : seen) {
    double p = value.second.propensity;
    double se = std::sqrt(p * (1 - p) / n);
    if (std::abs(value.first / static_cast<double>(n) - p) > 4.5 * se) {
      ++outside;
      MESSAGE(key << ": frequency " << value.first / static_cast<double>(n) << ", propensity " << p);
    }
  }
  CHECK(outside == 0);

  // Scoring mode gives the same probability for a logged offer, whatever the order of its bundles
  // and of their items; 0 for an offer this policy never makes.
  for (const auto& [key, value] : seen) {
    Offer logged = value.second;
    CHECK(policy->offer_probability(shopper, shop, logged) == doctest::Approx(logged.propensity).epsilon(1e-12));
    std::reverse(logged.bundles.begin(), logged.bundles.end());
    for (OfferedBundle& b : logged.bundles) std::reverse(b.items.begin(), b.items.end());
    CHECK(policy->offer_probability(shopper, shop, logged) == doctest::Approx(logged.propensity).epsilon(1e-12));
    if (!logged.bundles.empty()) {
      logged.bundles[0].pure = true;
      CHECK(policy->offer_probability(shopper, shop, logged) == 0);
    }
  }
}
