// `surplus`: each shopper takes the basket of highest surplus, value - alpha * price, provided it is
// positive; otherwise nothing. Ties go to the basket listed first (measure zero for continuous
// valuations). This is the textbook model behind the bundling results of Adams & Yellen (1976).

#include <nlohmann/json.hpp>

#include "market/choice_model.h"
#include "market/spec_reader.h"

namespace bundlesim {
namespace {

class SurplusChoice : public ChoiceModel {
 public:
  explicit SurplusChoice(int threads) : threads_(threads) {}

  void choose(const ChoiceBatch& batch, std::vector<int>& chosen) const override {
    for_each_problem(batch.size(), threads_, [&](int p) { chosen[p] = best(batch, p); });
  }

  void probabilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const override {
    out.assign(1 + batch.problems[p].basket_count, 0.0);
    out[1 + best(batch, p)] = 1.0;  // best() == -1 puts it on "nothing"
  }

 private:
  static int best(const ChoiceBatch& batch, int p) {
    const ChoiceProblem& problem = batch.problems[p];
    const BasketOption* baskets = batch.baskets.data() + problem.basket_begin;
    int best = -1;
    double best_surplus = 0;
    for (int b = 0; b < problem.basket_count; ++b) {
      double surplus = baskets[b].value - problem.price_sensitivity * baskets[b].price;
      if (surplus > best_surplus) best_surplus = surplus, best = b;
    }
    return best;
  }
  int threads_;
};

Registrar<ChoiceModelFactory> registrar(
    "surplus", [](const nlohmann::json& spec, const std::string& path, const ChoiceModelContext& context) {
      SpecReader(spec, path, {"type"});
      return std::make_unique<SurplusChoice>(context.threads);
    });

}  // namespace
}  // namespace bundlesim
