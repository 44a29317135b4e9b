// Choice models: `surplus` picks the best positive surplus; `mnl` follows the closed-form logit
// probabilities and draws by inverse CDF from each problem's own uniform. Both are found by name.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "market/choice_model.h"
#include "market/spec_error.h"
#include "sim/random_stream.h"

using namespace bundlesim;
using nlohmann::json;

namespace {

std::unique_ptr<ChoiceModel> model(const json& spec, int threads = 1) {
  return make_choice_model(spec, "/choice_model", {nullptr, "", threads});
}

// Adds a problem whose menu holds baskets of the given (value, price), with price sensitivity alpha.
void add_problem(ChoiceBatch& batch, double alpha, double uniform, const std::vector<std::pair<double, double>>& menu) {
  ChoiceProblem p;
  p.price_sensitivity = alpha;
  p.uniform = uniform;
  p.basket_begin = static_cast<int>(batch.baskets.size());
  p.basket_count = static_cast<int>(menu.size());
  for (auto [value, price] : menu) batch.baskets.push_back({1u, -1, value, price});
  batch.problems.push_back(p);
}

std::string error_of(const json& spec) {
  try {
    model(spec);
  } catch (const SpecError& e) {
    return e.describe();
  }
  return "";
}

}  // namespace

TEST_CASE("both analytic choice models are registered by name") {
  // Guards the whole-archive link: registrars in a static library are dropped when nothing
  // references their object file, and a scenario then fails with "unknown choice model".
  auto names = ChoiceModelRegistry::instance().names();
  CHECK(std::find(names.begin(), names.end(), "surplus") != names.end());
  CHECK(std::find(names.begin(), names.end(), "mnl") != names.end());
  CHECK(error_of({{"type", "surplos"}}).find("/choice_model/type: unknown choice model \"surplos\" (did you mean `surplus`?); known: ") == 0);
  CHECK(error_of({{"type", "mnl"}, {"scale", 0}}) == "/choice_model/scale: must be > 0, got 0");
  CHECK(error_of({{"type", "surplus"}, {"scale", 1}}) == "/choice_model/scale: unknown key");
  CHECK(error_of({{"kind", "mnl"}}) == "/choice_model: missing required key `type`");
  CHECK(error_of(json("mnl")) == "/choice_model: must be an object, got \"mnl\"");
}

TEST_CASE("surplus takes the basket of highest positive surplus or nothing") {
  auto surplus = model({{"type", "surplus"}});
  ChoiceBatch batch;
  // Surpluses value - alpha * price with alpha 1: 1, 3, 2 -> basket 1.
  add_problem(batch, 1.0, 0.0, {{5, 4}, {10, 7}, {4, 2}});
  // All surpluses negative -> nothing.
  add_problem(batch, 1.0, 0.0, {{1, 2}, {3, 5}});
  // Price sensitivity 2: surpluses 10 - 8 = 2 and 6 - 2 = 4 -> basket 1 (with alpha 1 it would be 0).
  add_problem(batch, 2.0, 0.0, {{10, 4}, {6, 1}});
  // Zero surplus is not bought (the issue: highest non-negative surplus, ties to nothing).
  add_problem(batch, 1.0, 0.0, {{3, 3}});
  // No menu at all.
  add_problem(batch, 1.0, 0.0, {});
  std::vector<int> chosen(batch.size(), 99);
  surplus->choose(batch, chosen);
  CHECK(chosen == std::vector<int>{1, -1, 1, -1, -1});
  std::vector<double> probabilities;
  surplus->probabilities(batch, 0, probabilities);
  CHECK(probabilities == std::vector<double>{0, 0, 1, 0});
  surplus->probabilities(batch, 1, probabilities);
  CHECK(probabilities == std::vector<double>{1, 0, 0});
}

TEST_CASE("mnl probabilities are the closed-form logit with an outside option") {
  // Utilities (value - alpha * price) / scale = ln 2 and ln 3 with the outside option at 0:
  // P(nothing) = 1/(1 + 2 + 3) = 1/6, P(first) = 2/6, P(second) = 3/6 (Train 2009, eq. 3.6).
  auto mnl = model({{"type", "mnl"}, {"scale", 2.0}});
  ChoiceBatch batch;
  add_problem(batch, 0.5, 0.0, {{2 * std::log(2.0) + 1, 2}, {2 * std::log(3.0) + 3, 6}});
  std::vector<double> p;
  mnl->probabilities(batch, 0, p);
  REQUIRE(p.size() == 3);
  CHECK(p[0] == doctest::Approx(1.0 / 6));
  CHECK(p[1] == doctest::Approx(2.0 / 6));
  CHECK(p[2] == doctest::Approx(3.0 / 6));

  // Large utilities do not overflow: 1000 and 1001 give 1/(1 + e) and e/(1 + e) (nothing ~ e^-1000).
  ChoiceBatch big;
  add_problem(big, 1.0, 0.0, {{1000, 0}, {1001, 0}});
  mnl = model({{"type", "mnl"}});
  mnl->probabilities(big, 0, p);
  CHECK(p[0] == doctest::Approx(0.0));
  CHECK(p[1] == doctest::Approx(1 / (1 + std::exp(1.0))));
  CHECK(p[2] == doctest::Approx(std::exp(1.0) / (1 + std::exp(1.0))));
}

TEST_CASE("mnl draws by inverse CDF from the problem's own uniform") {
  // Same menu as above, probabilities 1/6, 2/6, 3/6: u < 1/6 -> nothing, u < 1/2 -> first, else second.
  auto mnl = model({{"type", "mnl"}});
  ChoiceBatch batch;
  const double us[] = {0.0, 0.16, 0.17, 0.49, 0.51, 0.999999};
  for (double u : us) add_problem(batch, 1.0, u, {{std::log(2.0), 0}, {std::log(3.0), 0}});
  std::vector<int> chosen(batch.size());
  mnl->choose(batch, chosen);
  CHECK(chosen == std::vector<int>{-1, -1, 0, 0, 1, 1});
}

TEST_CASE("mnl approaches surplus as its scale goes to zero") {
  auto sharp = model({{"type", "mnl"}, {"scale", 1e-4}});
  auto surplus = model({{"type", "surplus"}});
  ChoiceBatch batch;
  RandomStream stream(4, 0, StreamPurpose::kChoice, 0);
  for (int k = 0; k < 500; ++k) {
    std::vector<std::pair<double, double>> menu;
    for (int b = 0; b < 4; ++b) menu.push_back({stream.uniform() * 10, stream.uniform() * 10});
    add_problem(batch, 1.0, stream.uniform(), menu);
  }
  std::vector<int> a(batch.size()), b(batch.size());
  sharp->choose(batch, a);
  surplus->choose(batch, b);
  CHECK(a == b);
}

TEST_CASE("a choice does not depend on the number of threads or on the rest of the batch") {
  // 5,000 problems (above the 256 where threads are used) with random menus.
  ChoiceBatch batch;
  RandomStream stream(8, 0, StreamPurpose::kChoice, 0);
  for (int k = 0; k < 5000; ++k) {
    std::vector<std::pair<double, double>> menu;
    int size = 1 + static_cast<int>(stream() % 7);
    for (int b = 0; b < size; ++b) menu.push_back({stream.uniform() * 10, stream.uniform() * 10});
    add_problem(batch, 0.5 + stream.uniform(), stream.uniform(), menu);
  }
  for (const char* type : {"mnl", "surplus"}) {
    CAPTURE(type);
    std::vector<int> one(batch.size()), four(batch.size());
    model({{"type", type}}, 1)->choose(batch, one);
    model({{"type", type}}, 4)->choose(batch, four);
    CHECK(one == four);
    // Problem 4321 alone in its own batch chooses as it did among the 5,000.
    ChoiceBatch alone;
    const ChoiceProblem& p = batch.problems[4321];
    std::vector<std::pair<double, double>> menu;
    for (int b = 0; b < p.basket_count; ++b) menu.push_back({batch.baskets[p.basket_begin + b].value, batch.baskets[p.basket_begin + b].price});
    add_problem(alone, p.price_sensitivity, p.uniform, menu);
    std::vector<int> single(1);
    model({{"type", type}})->choose(alone, single);
    CHECK(single[0] == one[4321]);
  }
}
