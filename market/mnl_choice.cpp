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
      thread_local std::vector<double> weights;
      const ChoiceProblem& problem = batch.problems[p];
      exp_utilities(batch, p, weights);
      // Inverse-CDF draw with the problem's own uniform: weights[0] is "nothing".
      double total = 0;
      for (double w : weights) total += w;
      double target = problem.uniform * total, cumulative = 0;
      int pick = problem.basket_count - 1;  // guards against rounding in the last step
      for (int k = 0; k <= problem.basket_count; ++k) {
        cumulative += weights[k];
        if (target < cumulative) {
          pick = k - 1;
          break;
        }
      }
      chosen[p] = pick;
    });
  }

  void probabilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const override {
    exp_utilities(batch, p, out);
    double total = 0;
    for (double w : out) total += w;
    for (double& w : out) w /= total;
  }

 private:
  // out[0] = exp(0 - top) for nothing, out[1 + b] = exp(v_b - top), with top the largest utility
  // (subtracted so that no exp overflows).
  void exp_utilities(const ChoiceBatch& batch, int p, std::vector<double>& out) const {
    const ChoiceProblem& problem = batch.problems[p];
    const BasketOption* baskets = batch.baskets.data() + problem.basket_begin;
    out.resize(1 + problem.basket_count);
    out[0] = 0;
    double top = 0;
    for (int b = 0; b < problem.basket_count; ++b) top = std::max(top, out[1 + b] = utility(problem, baskets[b]));
    for (double& u : out) u = std::exp(u - top);
  }
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
