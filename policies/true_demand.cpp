#include "policies/true_demand.h"

#include "market/spec_error.h"
#include "policies/policy_random.h"

namespace bundlesim {

namespace {
const MarketTruth& require_truth(const PolicyContext& context, const std::string& path) {
  if (!context.truth || !context.truth->population || !context.truth->choice_model) {
    throw SpecError(path, "`oracle: true` needs the scenario's true model, which is not available here");
  }
  return *context.truth;
}
}  // namespace

TrueDemand::TrueDemand(const PolicyContext& context, const std::string& path, int draws)
    : catalog_(*context.catalog),
      population_(*require_truth(context, path).population),
      model_(make_choice_model(*context.truth->choice_model, "/choice_model",
                               {context.catalog, context.truth->scenario_dir, 1})),
      menu_(context.catalog->size(), context.truth->complementarities ? *context.truth->complementarities
                                                                      : std::vector<Complementarity>{}),
      seed_(context.seed),
      arm_(context.arm),
      draws_(draws),
      values_(population_.size()) {}

TrueDemand::~TrueDemand() = default;

const std::vector<double>& TrueDemand::values(int segment) {
  std::vector<double>& v = values_[segment];
  if (!v.empty()) return v;
  const Segment& s = population_.segment(segment);
  const int n = catalog_.size();
  v.resize(static_cast<size_t>(draws_) * n);
  for (int m = 0; m < draws_; ++m) {
    for (ItemIndex i = 0; i < n; ++i) {
      // One stream per (draw, item): an item's value in a draw does not depend on which other
      // items a menu considers.
      uint64_t key = static_cast<uint64_t>(segment) << 40 | (static_cast<uint64_t>(m) * n + i);
      PolicyStream stream(seed_, arm_, PolicyPurpose::kOracle, key);
      v[static_cast<size_t>(m) * n + i] = s.valuation_of(i).sample(stream, catalog_.item(i).price);
    }
  }
  return v;
}

double TrueDemand::expected(int segment, const std::vector<ItemIndex>& browsed, const Offer& offer,
                            const Inventory& shop, bool revenue) {
  const std::vector<double>& v = values(segment);
  const int n = catalog_.size();
  const double alpha = population_.segment(segment).price_sensitivity;
  // The menu is the same for every draw; only item values change. Build it once with draw 0's
  // values, then per draw shift each basket's value by the change in its items' values (the
  // complementarity part of a basket's value does not depend on the draw).
  batch_.clear();
  menu_.begin_problem(batch_, segment, alpha, 0.5, browsed, offer, shop);
  const ChoiceProblem& p = batch_.problems.back();
  const int items = p.item_count;
  problem_values_.resize(items);
  for (int k = 0; k < items; ++k) problem_values_[k] = v[batch_.items[p.item_begin + k]];
  menu_.end_problem(batch_, problem_values_.data());
  BasketOption* baskets = batch_.baskets.data() + p.basket_begin;
  const int count = p.basket_count;

  reward_.resize(count);
  bonus_.resize(count);
  subset_sum_.assign(size_t{1} << items, 0.0);
  for (uint32_t s = 1; s < (1u << items); ++s) {
    subset_sum_[s] = subset_sum_[s & (s - 1)] + problem_values_[__builtin_ctz(s)];
  }
  for (int b = 0; b < count; ++b) {
    double value = baskets[b].price;
    if (!revenue) {
      for (int k = 0; k < items; ++k) {
        if (baskets[b].items >> k & 1u) value -= catalog_.item(batch_.items[p.item_begin + k]).unit_cost;
      }
    }
    reward_[b] = value;
    bonus_[b] = baskets[b].value - subset_sum_[baskets[b].items];
  }

  double total = 0;
  for (int m = 0; m < draws_; ++m) {
    if (m > 0) {
      for (uint32_t s = 1; s < (1u << items); ++s) {
        subset_sum_[s] = subset_sum_[s & (s - 1)] + v[static_cast<size_t>(m) * n + batch_.items[p.item_begin + __builtin_ctz(s)]];
      }
      for (int b = 0; b < count; ++b) baskets[b].value = bonus_[b] + subset_sum_[baskets[b].items];
    }
    model_->probabilities(batch_, 0, probabilities_);
    for (int b = 0; b < count; ++b) total += probabilities_[1 + b] * reward_[b];
  }
  return total / draws_;
}

}  // namespace bundlesim
