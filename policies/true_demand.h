#pragma once
// The expected margin (or revenue) of an offer under the market's true model: for yardstick
// policies (`oracle: true`) only, which is why it is built from MarketTruth (policy.h).
//
// The expectation is over the shopper's valuations, by Monte Carlo with `draws` valuation vectors
// per segment drawn once and reused for every offer asked about (common random numbers, so the
// comparison between two offers is much sharper than either estimate), and over the choice, exactly:
// each draw's menu is built by the market's own BasketMenu and scored by the scenario's own choice
// model (ChoiceModel::probabilities).

#include <memory>
#include <vector>

#include "market/basket_menu.h"
#include "market/choice_batch.h"
#include "market/choice_model.h"
#include "policies/policy.h"

namespace bundlesim {

class TrueDemand {
 public:
  // Throws SpecError at `path` when `context.truth` is missing (an oracle outside a scenario).
  TrueDemand(const PolicyContext& context, const std::string& path, int draws);
  ~TrueDemand();

  // E[margin] (or E[revenue] when `revenue` is true) of a shopper of `segment` who browsed
  // `browsed` and is shown `offer` in `shop`.
  double expected(int segment, const std::vector<ItemIndex>& browsed, const Offer& offer, const Inventory& shop,
                  bool revenue);

 private:
  const std::vector<double>& values(int segment);  // draws x items, drawn on first use
  const Catalog& catalog_;
  Population population_;
  std::unique_ptr<ChoiceModel> model_;
  BasketMenu menu_;
  uint64_t seed_;
  int arm_, draws_;
  std::vector<std::vector<double>> values_;  // per segment, empty until used
  ChoiceBatch batch_;
  std::vector<double> probabilities_, problem_values_, reward_, bonus_, subset_sum_;
};

}  // namespace bundlesim
