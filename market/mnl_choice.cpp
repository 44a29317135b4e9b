// `mnl`: multinomial logit over the menu with an outside option (McFadden 1974; Train, "Discrete
// Choice Methods with Simulation", ch. 3). Utility of basket b is (value_b - alpha * price_b) / scale
// plus a Gumbel error; buying nothing has utility 0 plus its own error, so
//   P(b) = exp(v_b) / (1 + sum_k exp(v_k)),  P(nothing) = 1 / (1 + sum_k exp(v_k)).
// As scale -> 0 this becomes the `surplus` model.

#include <cmath>

#include <nlohmann/json.hpp>

#include "market/choice_model.h"
#include "market/spec_reader.h"

namespace bundlesim {
namespace {

class MnlChoice : public ChoiceModel {
 public:
  MnlChoice(double scale, int threads) : scale_(scale), threads_(threads) {}

  void choose(const ChoiceBatch& batch, std::vector<int>& chosen) const override {
    for_each_problem(batch.size(), threads_, [&](int p) {
      const ChoiceProblem& problem = batch.problems[p];
      const BasketOption* baskets = batch.baskets.data() + problem.basket_begin;
      // Inverse-CDF draw with the problem's uniform; two passes keep it allocation-free.
      double top = 0;  // the outside option's utility
      for (int b = 0; b < problem.basket_count; ++b) top = std::max(top, utility(problem, baskets[b]));
      double total = std::exp(-top);
      for (int b = 0; b < problem.basket_count; ++b) total += std::exp(utility(problem, baskets[b]) - top);
      double target = problem.uniform * total;
      double cumulative = std::exp(-top);
      int pick = -1;
      if (target >= cumulative) {
        pick = problem.basket_count - 1;  // guards against rounding in the last step
        for (int b = 0; b < problem.basket_count; ++b) {
          cumulative += std::exp(utility(problem, baskets[b]) - top);
          if (target < cumulative) {
            pick = b;
            break;
          }
        }
      }
      chosen[p] = pick;
    });
  }

  void probabilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const override {
    const ChoiceProblem& problem = batch.problems[p];
    const BasketOption* baskets = batch.baskets.data() + problem.basket_begin;
    out.assign(1 + problem.basket_count, 0.0);
    double top = 0;
    for (int b = 0; b < problem.basket_count; ++b) top = std::max(top, utility(problem, baskets[b]));
    double total = out[0] = std::exp(-top);
    for (int b = 0; b < problem.basket_count; ++b) total += out[1 + b] = std::exp(utility(problem, baskets[b]) - top);
    for (double& x : out) x /= total;
  }

 private:
  double utility(const ChoiceProblem& problem, const BasketOption& basket) const {
    return (basket.value - problem.price_sensitivity * basket.price) / scale_;
  }
  double scale_;
  int threads_;
};

Registrar<ChoiceModelFactory> registrar(
    "mnl", [](const nlohmann::json& spec, const std::string& path, const ChoiceModelContext& context) {
      SpecReader reader(spec, path, {"type", "scale"});
      double scale = reader.number_or("scale", 1.0, Range::positive());
      return std::make_unique<MnlChoice>(scale, context.threads);
    });

}  // namespace
}  // namespace bundlesim
