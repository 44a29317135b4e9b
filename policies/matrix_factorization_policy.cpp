// `matrix_factorization`: implicit-feedback collaborative filtering by BPR matrix factorisation
// trained with LibTorch (bpr_model.h). Every order of two or more items the arm sees ("learn_from":
// "all"; "organic" leaves out orders of its own bundles) becomes training pairs; every
// `train_every` such orders the model takes `train_steps` minibatch steps.
// Negatives are drawn by popularity unless "negatives": "uniform" (see bpr_model.h).
// Once `min_orders` have been seen (the warm-up, during which nothing is offered), each browsed item
// gets a mixed bundle with the `complements` in-stock items that score highest with it, at the
// configured discount. "rank_by": "anchor" (default) ranks by the anchor's term U[a] . V[i] alone;
// "shopper" by the whole x(g, a, i) of this shopper's segment. The segment and popularity terms
// predict what the shopper buys anyway, which a bundle need not add: on scenarios/complements.json
// (7 days, one arm) ranking by them earned $75-78 margin per visitor against $101 by the anchor term.
// With "distinct_add_ons" (no add-on twice in one offer) it is the other way round: $97 by the whole
// score against $87-92 by the anchor term (28 days, days 22-28; docs/policies.md).
//
// params: {"factors": 16, "complements": 2, "discount": 0.1, "discount_on": "bundle" | "add_ons",
//          "max_bundles": 2, "min_orders": 2000, "train_every": 200, "train_steps": 50,
//          "learning_rate": 0.05, "l2": 0.0001, "batch": 256, "negatives": "popularity" | "uniform",
//          "learn_from": "all" | "organic", "rank_by": "anchor" | "shopper", "distinct_add_ons": false}
//
// "distinct_add_ons": true skips add-ons an earlier bundle of the same offer already holds, so a
// second bundle puts new items on the shopper's menu instead of repeating the first one's.

#include <algorithm>

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/bpr_model.h"
#include "policies/bundle_offer.h"
#include "policies/policy.h"

namespace bundlesim {
namespace {

struct FactorizationSpec {
  BprModel::Options model;
  int complements = 2;
  BundleDiscount discount;
  int max_bundles = 2;
  int64_t min_orders = 2000;
  int64_t train_every = 200;
  int train_steps = 50;
  bool organic_only = false;
  bool rank_by_shopper = false;
  bool distinct_add_ons = false;
};

class MatrixFactorizationPolicy : public Policy {
 public:
  MatrixFactorizationPolicy(const Catalog& catalog, FactorizationSpec spec, uint64_t seed, int arm)
      : items_(catalog.size()), spec_(spec), model_(catalog.size(), spec.model, seed, arm) {}

  void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) override {
    if (orders_ < spec_.min_orders) return;
    for (ItemIndex anchor : *shopper.browsed) {
      if (static_cast<int>(offer.bundles.size()) >= spec_.max_bundles) break;
      if (!shop.in_stock(anchor)) continue;
      scores_.clear();
      for (ItemIndex j = 0; j < items_; ++j) {
        if (j == anchor || !shop.in_stock(j)) continue;
        if (spec_.distinct_add_ons && in_any_bundle(offer, j)) continue;
        double score = spec_.rank_by_shopper ? model_.score(shopper.segment, anchor, j) : model_.anchor_score(anchor, j);
        scores_.emplace_back(score, j);
      }
      std::sort(scores_.begin(), scores_.end(),
                [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
      std::vector<ItemIndex> items{anchor};
      for (int k = 0; k < spec_.complements && k < static_cast<int>(scores_.size()); ++k) items.push_back(scores_[k].second);
      if (items.size() < 2) continue;
      double price = bundle_price(shop, items, spec_.discount);
      add_bundle(offer, std::move(items), price, anchor);
    }
  }

  void observe(const ShopperContext& shopper, const Offer&, const Outcome& outcome) override {
    if (!outcome.bought || outcome.items.size() < 2) return;
    // Orders of its own bundles teach the policy its offers back (a feedback loop); "organic"
    // learns only from orders without a bundle.
    if (spec_.organic_only && outcome.bundle >= 0) return;
    model_.add_order(shopper.segment, outcome.items);
    ++orders_;
    if (orders_ % spec_.train_every == 0) model_.train(spec_.train_steps);
  }

 private:
  int items_;
  FactorizationSpec spec_;
  BprModel model_;
  int64_t orders_ = 0;  // orders of two or more items seen
  std::vector<std::pair<double, ItemIndex>> scores_;
};

std::unique_ptr<Policy> make(const nlohmann::json& params, const std::string& path, const PolicyContext& context) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  SpecReader reader(params.is_null() ? kEmpty : params, path,
                    {"factors", "complements", "discount", "discount_on", "max_bundles", "min_orders", "train_every",
                     "train_steps", "learning_rate", "l2", "batch", "negatives", "learn_from", "rank_by",
                     "distinct_add_ons"});
  if (context.catalog->size() < 2) throw SpecError(path, "matrix_factorization needs a catalog of at least two items");
  FactorizationSpec spec;
  spec.model.factors = static_cast<int>(reader.integer_or("factors", 16, 1, 256));
  spec.complements = static_cast<int>(reader.integer_or("complements", 2, 1, 7));
  spec.discount = read_bundle_discount(reader, 0.1);
  spec.max_bundles = static_cast<int>(reader.integer_or("max_bundles", 2, 1, 8));
  spec.min_orders = reader.integer_or("min_orders", 2000, 0, int64_t{1} << 40);
  spec.train_every = reader.integer_or("train_every", 200, 1, int64_t{1} << 40);
  spec.train_steps = static_cast<int>(reader.integer_or("train_steps", 50, 1, 100000));
  spec.model.learning_rate = reader.number_or("learning_rate", 0.05, Range::positive());
  spec.model.l2 = reader.number_or("l2", 1e-4, Range::non_negative());
  spec.model.batch = static_cast<int>(reader.integer_or("batch", 256, 1, 1 << 20));
  spec.organic_only = reader.choice_or("learn_from", "all", {"organic", "all"}) == "organic";
  spec.rank_by_shopper = reader.choice_or("rank_by", "anchor", {"anchor", "shopper"}) == "shopper";
  spec.distinct_add_ons = reader.boolean_or("distinct_add_ons", false);
  spec.model.popularity_negatives = reader.choice_or("negatives", "popularity", {"popularity", "uniform"}) == "popularity";
  return std::make_unique<MatrixFactorizationPolicy>(*context.catalog, spec, context.seed, context.arm);
}

Registrar<PolicyFactory> registrar("matrix_factorization", make);

}  // namespace
}  // namespace bundlesim
