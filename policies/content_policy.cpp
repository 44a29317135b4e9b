// `content`: content-based bundles. For each browsed item, its add-ons are, in each category the
// scenario names as complementary to the item's category, the in-stock item most similar to it by
// cosine similarity of content vectors (content_similarity.h: category, brand, price band within the
// category, feature vector). Rules hold both ways unless "symmetric": false (phones -> cases also
// makes cases -> phones, after the rules given for cases). Without rules every other category
// counts as complementary and the `add_ons` most similar items of other categories are taken.
// Nothing is learned.
//
// params: {"complements": {"phones": ["cases", "chargers"], ...}, "symmetric": true, "add_ons": 2,
//          "discount": 0.1, "discount_on": "bundle" | "add_ons", "max_bundles": 2, "min_similarity": 0,
//          "weights": {"category": 1, "brand": 0.5, "price_band": 1, "features": 1}, "price_bands": 3}

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bundle_offer.h"
#include "policies/content_similarity.h"
#include "policies/policy.h"

namespace bundlesim {
namespace {

struct ContentSpec {
  // Per category index: complementary category indices in the order given; empty = no rule.
  std::vector<std::vector<int>> complements;
  bool has_rules = false;
  int add_ons = 2;
  BundleDiscount discount;
  int max_bundles = 2;
  double min_similarity = 0;
  ContentWeights weights;
};

class ContentPolicy : public Policy {
 public:
  ContentPolicy(const Catalog& catalog, ContentSpec spec)
      : catalog_(catalog), spec_(std::move(spec)), similarity_(catalog, spec_.weights) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    for (ItemIndex anchor : *shopper.browsed) {
      if (static_cast<int>(offer.bundles.size()) >= spec_.max_bundles) break;
      if (!shop.in_stock(anchor)) continue;
      std::vector<ItemIndex> items = add_ons(anchor, shop);
      if (items.size() < 2) continue;
      double price = bundle_price(shop, items, spec_.discount);
      add_bundle(offer, std::move(items), price, anchor);
    }
  }

 private:
  // The anchor followed by its add-ons.
  std::vector<ItemIndex> add_ons(ItemIndex anchor, const Inventory& shop) const {
    std::vector<ItemIndex> items{anchor};
    const int own = catalog_.category_of(anchor);
    auto best_in = [&](auto accept) {
      ItemIndex best = -1;
      double best_similarity = spec_.min_similarity;
      for (ItemIndex j = 0; j < catalog_.size(); ++j) {
        if (!accept(j) || !shop.in_stock(j) || std::find(items.begin(), items.end(), j) != items.end()) continue;
        double s = similarity_.similarity(anchor, j);
        if (s > best_similarity || (best < 0 && s >= best_similarity)) best = j, best_similarity = s;
      }
      return best;
    };
    if (spec_.has_rules) {
      for (int c : spec_.complements[own]) {
        if (static_cast<int>(items.size()) > spec_.add_ons) break;
        ItemIndex j = best_in([&](ItemIndex k) { return catalog_.category_of(k) == c; });
        if (j >= 0) items.push_back(j);
      }
    } else {
      while (static_cast<int>(items.size()) <= spec_.add_ons) {
        ItemIndex j = best_in([&](ItemIndex k) {
          if (catalog_.category_of(k) == own) return false;
          for (size_t m = 1; m < items.size(); ++m) {
            if (catalog_.category_of(items[m]) == catalog_.category_of(k)) return false;  // one per category
          }
          return true;
        });
        if (j < 0) break;
        items.push_back(j);
      }
    }
    return items;
  }

  const Catalog& catalog_;
  ContentSpec spec_;
  ContentSimilarity similarity_;
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  SpecReader reader(params.is_null() ? kEmpty : params, path,
                    {"complements", "symmetric", "add_ons", "discount", "discount_on", "max_bundles", "min_similarity", "weights",
                     "price_bands"});
  const Catalog& catalog = *context.catalog;
  const std::vector<std::string>& categories = catalog.categories();
  ContentSpec spec;
  spec.complements.resize(categories.size());
  if (const nlohmann::json* rules = reader.raw_optional("complements")) {
    std::string rules_path = child_path(path, "complements");
    SpecReader rule_reader(*rules, rules_path, categories);
    for (size_t c = 0; c < categories.size(); ++c) {
      if (!rule_reader.has(categories[c])) continue;
      std::string rule_path = child_path(rules_path, categories[c]);
      std::vector<std::string> names = rule_reader.texts(categories[c]);
      for (size_t k = 0; k < names.size(); ++k) {
        auto it = std::find(categories.begin(), categories.end(), names[k]);
        if (it == categories.end()) {
          throw SpecError(child_path(rule_path, k), fmt::format("no catalog category is named \"{}\"{}", names[k],
                                                                suggestion(names[k], categories)));
        }
        if (*it == categories[c]) throw SpecError(child_path(rule_path, k), "a category can't complement itself");
        spec.complements[c].push_back(static_cast<int>(it - categories.begin()));
      }
    }
    spec.has_rules = true;
    // Complementarity goes both ways: a case complements a phone, so a phone complements a case.
    if (reader.boolean_or("symmetric", true)) {
      std::vector<std::vector<int>> given = spec.complements;
      for (size_t c = 0; c < given.size(); ++c) {
        for (int other : given[c]) {
          auto& back = spec.complements[other];
          if (std::find(back.begin(), back.end(), static_cast<int>(c)) == back.end()) back.push_back(static_cast<int>(c));
        }
      }
    }
  } else if (reader.has("symmetric")) {
    reader.fail("symmetric", "only with `complements` rules");
  }
  spec.add_ons = static_cast<int>(reader.integer_or("add_ons", 2, 1, 7));
  spec.discount = read_bundle_discount(reader, 0.1);
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  spec.min_similarity = reader.number_or("min_similarity", 0, Range::closed(-1, 1));
  if (const nlohmann::json* weights = reader.raw_optional("weights")) {
    SpecReader w(*weights, child_path(path, "weights"), {"category", "brand", "price_band", "features"});
    spec.weights.category = w.number_or("category", 1, Range::non_negative());
    spec.weights.brand = w.number_or("brand", 0.5, Range::non_negative());
    spec.weights.price_band = w.number_or("price_band", 1, Range::non_negative());
    spec.weights.features = w.number_or("features", 1, Range::non_negative());
  }
  spec.weights.price_bands = static_cast<int>(reader.integer_or("price_bands", 3, 1, 10));
  return std::make_unique<ContentPolicy>(catalog, std::move(spec));
}

Registrar<PolicyFactory> registrar("content", make);

}  // namespace
}  // namespace bundlesim
