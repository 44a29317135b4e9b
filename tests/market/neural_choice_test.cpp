// The `neural` choice model: a saved model reloads to the same decisions, decisions do not depend on
// the thread count, probabilities are the conditional logit's, and a model that does not fit the
// scenario (another catalog, a damaged file) is refused with a message naming the file.

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "market/neural_choice.h"
#include "market/spec_error.h"
#include "tests/market/neural_test_support.h"

using namespace bundlesim;
using bundlesim::testing::TempDir;

namespace {

// Real menus (those of a short run), each with its own uniform draw spread over [0, 1).
ChoiceBatch menus_of(const std::string& log_path) {
  ChoiceBatch batch = read_decision_log(log_path).menus;
  for (int p = 0; p < batch.size(); ++p) batch.problems[p].uniform = (p * 0.618033988749895) - std::floor(p * 0.618033988749895);
  return batch;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string load_error(const std::string& model, const Catalog& catalog) {
  try {
    NeuralChoice m(model, catalog, 1);
  } catch (const SpecError& e) {
    return e.describe();
  }
  return "";
}

Scenario fidelity_with_neural(const std::string& model, double days) {
  Scenario s = load_scenario(testing::scenario_path("fidelity.json"));
  s.horizon_days = days;
  s.choice_model = {{"type", "neural"}, {"path", model}};
  return s;
}

}  // namespace

TEST_CASE("the neural model is registered by name") {
  auto names = ChoiceModelRegistry::instance().names();
  CHECK(std::find(names.begin(), names.end(), "neural") != names.end());
}

TEST_CASE("a saved model reloads and makes the same decisions") {
  TempDir dir;
  std::string model = testing::small_model(dir);
  Scenario scenario = load_scenario(testing::scenario_path("fidelity.json"));
  ChoiceBatch batch = menus_of(dir.file("events.csv"));
  REQUIRE(batch.size() > 1000);

  NeuralChoice first(model, scenario.catalog, 1);
  std::vector<double> u1, u2;
  std::vector<int> c1(batch.size()), c2(batch.size());
  first.utilities(batch, u1);
  first.choose(batch, c1);

  // Reuse: the same two files under another name load to the very same network.
  std::filesystem::copy_file(model, dir.file("copy.pt"));
  std::filesystem::copy_file(model + ".json", dir.file("copy.pt.json"));
  NeuralChoice second(dir.file("copy.pt"), scenario.catalog, 1);
  second.utilities(batch, u2);
  second.choose(batch, c2);
  CHECK(u1 == u2);  // bitwise
  CHECK(c1 == c2);
  // The decisions are real ones: some buy, some don't, and different baskets get picked.
  int nothing = 0, distinct = 0;
  std::vector<int> seen(64, 0);
  for (int c : c1) {
    nothing += c < 0;
    if (c >= 0 && c < 64 && !seen[c]++) ++distinct;
  }
  CHECK(nothing > batch.size() / 20);
  CHECK(nothing < batch.size() * 19 / 20);
  CHECK(distinct > 5);

  // probabilities() is the latent-class logit of the same utilities (docs/neural-model.md):
  // P(b) = sum_k pi_gk exp(u_bk) / (1 + sum_c exp(u_ck)), computed here by hand.
  const int K = second.classes();
  REQUIRE(K == NeuralArchitecture{}.classes);
  REQUIRE(u1.size() == batch.baskets.size() * K);
  for (int p : {0, 17, 333}) {
    std::vector<double> probabilities;
    second.probabilities(batch, p, probabilities);
    const ChoiceProblem& problem = batch.problems[p];
    REQUIRE(probabilities.size() == static_cast<size_t>(1 + problem.basket_count));
    std::vector<double> expected(1 + problem.basket_count, 0.0);
    double shares = 0;
    for (int k = 0; k < K; ++k) {
      double z = 1;
      for (int b = 0; b < problem.basket_count; ++b) z += std::exp(u1[(problem.basket_begin + b) * K + k]);
      const double pi = second.class_share(problem.segment, k);
      shares += pi;
      expected[0] += pi / z;
      for (int b = 0; b < problem.basket_count; ++b) {
        expected[1 + b] += pi * std::exp(u1[(problem.basket_begin + b) * K + k]) / z;
      }
    }
    CHECK(shares == doctest::Approx(1.0).epsilon(1e-12));
    double total = 0;
    for (double x : probabilities) total += x;
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
    for (int b = 0; b <= problem.basket_count; ++b) CHECK(probabilities[b] == doctest::Approx(expected[b]).epsilon(1e-9));
  }

  // A whole run driven by the reloaded model is reproducible.
  RunOptions options;
  RunResult a = run_experiment(fidelity_with_neural(model, 0.3), options);
  RunResult b = run_experiment(fidelity_with_neural(dir.file("copy.pt"), 0.3), options);
  REQUIRE(a.decisions > 500);
  for (size_t arm = 0; arm < a.arms.size(); ++arm) {
    CHECK(a.arms[arm].visitors.sum(kRevenue) == b.arms[arm].visitors.sum(kRevenue));
    CHECK(a.arms[arm].visitors.sum(kOrders) == b.arms[arm].visitors.sum(kOrders));
  }
}

TEST_CASE("simulation-time scoring computes the function that was trained") {
  // Two implementations of docs/neural-model.md's utility: the training path (LibTorch from end to
  // end) and the simulation path (the context tower in LibTorch, the baskets in C++). They differ
  // only by float rounding.
  TempDir dir;
  std::string model = testing::small_model(dir);
  Scenario scenario = load_scenario(testing::scenario_path("fidelity.json"));
  ChoiceBatch batch = menus_of(dir.file("events.csv"));
  NeuralChoice m(model, scenario.catalog, 1);
  std::vector<double> fast, reference;
  m.utilities(batch, fast);
  m.reference_utilities(batch, reference);
  const int K = m.classes();
  REQUIRE(K >= 2);  // the mixture's per-class terms are exercised
  REQUIRE(fast.size() == batch.baskets.size() * K);
  REQUIRE(reference.size() == fast.size());
  double worst = 0, spread = 0, between_classes = 0;
  for (size_t b = 0; b < fast.size(); ++b) {
    worst = std::max(worst, std::abs(fast[b] - reference[b]) / (1 + std::abs(reference[b])));
    spread = std::max(spread, std::abs(reference[b] - reference[0]));
    if (b % K) between_classes = std::max(between_classes, std::abs(reference[b] - reference[b - b % K]));
  }
  CHECK(worst < 1e-4);
  CHECK(spread > 0.1);            // the utilities are not all alike, so the agreement means something
  CHECK(between_classes > 0.01);  // nor are the classes
}

TEST_CASE("neural decisions do not depend on the thread count") {
  TempDir dir;
  std::string model = testing::small_model(dir);
  Scenario scenario = load_scenario(testing::scenario_path("fidelity.json"));
  ChoiceBatch batch = menus_of(dir.file("events.csv"));
  std::vector<double> u1, u2;
  std::vector<int> c1(batch.size()), c2(batch.size());
  {
    NeuralChoice one(model, scenario.catalog, 1);  // sets LibTorch and OpenBLAS to 1 thread
    one.utilities(batch, u1);
    one.choose(batch, c1);
  }
  {
    NeuralChoice two(model, scenario.catalog, 2);  // and to 2
    two.utilities(batch, u2);
    two.choose(batch, c2);
  }
  CHECK(u1 == u2);  // bitwise
  CHECK(c1 == c2);

  RunOptions single, dual;
  single.threads = 1;
  dual.threads = 2;
  RunResult a = run_experiment(fidelity_with_neural(model, 0.3), single);
  RunResult b = run_experiment(fidelity_with_neural(model, 0.3), dual);
  for (size_t arm = 0; arm < a.arms.size(); ++arm) {
    CHECK(a.arms[arm].visitors.sum(kRevenue) == b.arms[arm].visitors.sum(kRevenue));
  }
}

TEST_CASE("a model trained on another catalog is refused, naming the difference") {
  TempDir dir;
  std::string model = testing::small_model(dir, 0.1);
  // Rename item "cable" (index 4) everywhere it is mentioned.
  std::string text = read_text(testing::scenario_path("fidelity.json"));
  for (size_t at = text.find("\"cable\""); at != std::string::npos; at = text.find("\"cable\"")) {
    text.replace(at, 7, "\"cord\"");
  }
  write_text(dir.file("renamed.json"), text);
  Scenario renamed = load_scenario(dir.file("renamed.json"));

  std::string e = load_error(model, renamed.catalog);
  CHECK(e.find(model + ": trained on another catalog") != std::string::npos);
  CHECK(e.find("item 4 is \"cable\" in the model and \"cord\" in the scenario") != std::string::npos);

  // From the command line: exit code 2 and the same message, for --neural and for a scenario file.
  auto r = testing::run_bundlesim("run " + dir.file("renamed.json") + " --neural " + model + " --out " + dir.file("r.sqlite"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("trained on another catalog") != std::string::npos);
  nlohmann::json spec = nlohmann::json::parse(text);
  spec["choice_model"] = {{"type", "neural"}, {"path", model}};
  write_text(dir.file("renamed-neural.json"), spec.dump(1));
  r = testing::run_bundlesim("run " + dir.file("renamed-neural.json") + " --out " + dir.file("r.sqlite"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("renamed-neural.json: /choice_model/path: " + model + ": trained on another catalog") !=
        std::string::npos);
}

TEST_CASE("a damaged or incomplete model is refused with a clear error") {
  TempDir dir;
  std::string model = testing::small_model(dir, 0.1);
  Scenario scenario = load_scenario(testing::scenario_path("fidelity.json"));
  const std::string weights = read_text(model), sidecar = read_text(model + ".json");
  REQUIRE(load_error(model, scenario.catalog).empty());

  SUBCASE("a flipped byte in the weights") {
    std::string bad = weights;
    bad[bad.size() / 2] ^= 0x20;
    write_text(model, bad);
    CHECK(load_error(model, scenario.catalog).find("the file is corrupt or from another training run") !=
          std::string::npos);
  }
  SUBCASE("no sidecar") {
    std::filesystem::remove(model + ".json");
    CHECK(load_error(model, scenario.catalog).find("model.pt.json: can't read the model's sidecar") !=
          std::string::npos);
  }
  SUBCASE("a sidecar that is not JSON") {
    write_text(model + ".json", sidecar.substr(0, sidecar.size() / 2));
    CHECK(load_error(model, scenario.catalog).find("model.pt.json: not valid JSON") != std::string::npos);
  }
  SUBCASE("another feature specification") {
    nlohmann::json s = nlohmann::json::parse(sidecar);
    s["features"]["version"] = 99;
    write_text(model + ".json", s.dump());
    CHECK(load_error(model, scenario.catalog).find("trained with feature specification version 99") !=
          std::string::npos);
  }
  SUBCASE("a model of the previous feature specification (one class, before latent classes)") {
    nlohmann::json s = nlohmann::json::parse(sidecar);
    s["features"]["version"] = 2;
    write_text(model + ".json", s.dump());
    std::string e = load_error(model, scenario.catalog);
    CHECK(e.find("model.pt.json: trained with feature specification version 2; this build computes version 3") !=
          std::string::npos);
    CHECK(e.find("train the model again with `bundlesim train`") != std::string::npos);
  }
  SUBCASE("weights LibTorch can't read, with a sidecar that vouches for them") {
    // Garbage that passes the size and hash check: only LibTorch can tell.
    std::string garbage(weights.size(), 'x');
    write_text(model, garbage);
    nlohmann::json s = nlohmann::json::parse(sidecar);
    uint64_t h = 1469598103934665603ULL;  // FNV-1a, as the sidecar records it
    for (unsigned char c : garbage) h = (h ^ c) * 1099511628211ULL;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    s["weights"]["fnv1a64"] = hex;
    write_text(model + ".json", s.dump());
    CHECK(load_error(model, scenario.catalog).find("LibTorch can't read the weights") != std::string::npos);
  }
}

TEST_CASE("the sidecar records features, catalog, metrics and the LibTorch version") {
  TempDir dir;
  std::string model = testing::small_model(dir, 0.2);
  Scenario scenario = load_scenario(testing::scenario_path("fidelity.json"));
  NeuralChoice m(model, scenario.catalog, 1);
  const nlohmann::json& s = m.sidecar();
  CHECK(s["format"]["name"] == "bundlesim neural choice model");
  CHECK(s["features"]["version"] == 3);
  CHECK(s["architecture"]["classes"] == NeuralArchitecture{}.classes);
  // What was learned, per segment and class: the class shares of each segment sum to 1.
  REQUIRE(s["training"]["segment_parameters"].size() == 3);
  for (const nlohmann::json& segment : s["training"]["segment_parameters"]) {
    double shares = 0;
    for (const nlohmann::json& c : segment["classes"]) shares += c["share"].get<double>();
    CHECK(shares == doctest::Approx(1.0).epsilon(1e-6));
    CHECK(segment["classes"].size() == NeuralArchitecture{}.classes);
  }
  CHECK(s["training"]["segment_parameters"][2]["segment"] == "enthusiasts");
  CHECK(s["features"]["items"] == 6);
  CHECK(s["features"]["segments"] == 3);
  // price_scale is the catalog's mean list price: (120 + 90 + 70 + 25 + 15 + 35) / 6.
  CHECK(s["features"]["price_scale"].get<double>() == doctest::Approx(355.0 / 6));
  CHECK(s["catalog"]["ids"][4] == "cable");
  CHECK(s["segments"][1] == "mainstream");
  CHECK(s["libtorch_version"].get<std::string>().size() >= 4);
  for (const char* key : {"validation_log_loss", "auc_purchase", "calibration_error_purchase", "samples_per_second"}) {
    CAPTURE(key);
    CHECK(s["training"][key].is_number());
  }
  // A trained model beats picking uniformly among the options.
  CHECK(s["training"]["validation_log_loss"].get<double>() < s["training"]["null_log_loss"].get<double>());
}

TEST_CASE("the command line: run --log-events, train, run --neural") {
  TempDir dir;
  // A short fidelity run: log it, train on it, simulate with the model.
  std::string text = read_text(testing::scenario_path("fidelity.json"));
  nlohmann::json spec = nlohmann::json::parse(text);
  spec["horizon_days"] = 0.5;
  write_text(dir.file("short.json"), spec.dump(1));
  auto r = testing::run_bundlesim("run " + dir.file("short.json") + " --quiet --out " + dir.file("r.sqlite") +
                                  " --log-events " + dir.file("events.csv"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("events: " + dir.file("events.csv") + " (") != std::string::npos);

  r = testing::run_bundlesim("train --logs " + dir.file("events.csv") + " --out " + dir.file("m.pt") +
                             " --epochs 2 --hidden 8 --classes 3");
  REQUIRE(r.exit_code == 0);
  for (const char* line : {"held-out log-loss", "AUC of purchase", "calibration error", "training speed",
                           "epoch   1  train log-loss", "model: ", "3 latent classes"}) {
    CAPTURE(line);
    CHECK(r.output.find(line) != std::string::npos);
  }
  CHECK(nlohmann::json::parse(read_text(dir.file("m.pt.json")))["architecture"]["classes"] == 3);
  CHECK(r.output.find("\r") == std::string::npos);  // no progress bar when output is not a terminal
  CHECK(std::filesystem::exists(dir.file("m.pt.json")));

  r = testing::run_bundlesim("run " + dir.file("short.json") + " --quiet --out " + dir.file("r.sqlite") +
                             " --neural " + dir.file("m.pt"));
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("kits-10") != std::string::npos);

  // Bad input: exit 2 with the file named.
  write_text(dir.file("bad.csv"), "decision,arm\n");
  r = testing::run_bundlesim("train --logs " + dir.file("bad.csv") + " --out " + dir.file("x.pt"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("bad.csv: not a bundlesim event log") != std::string::npos);
  r = testing::run_bundlesim("train --logs " + dir.file("events.csv") + " --out " + dir.file("x.pt") + " --classes 9");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--classes") != std::string::npos);
  r = testing::run_bundlesim("train --logs " + dir.file("events.csv"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--out MODEL.pt is required") != std::string::npos);
  r = testing::run_bundlesim("train --logs " + dir.file("events.csv") + " --out " + dir.file("x.pt") +
                             " --arm nope");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("has no arm \"nope\"; its arms: random-offers, control, kits-10, pure-kits-20") !=
        std::string::npos);
}

TEST_CASE("a model trained for other segments is refused when the scenario loads") {
  // Decisions carry a segment index; a model whose segments are not the population's, in order,
  // would treat one segment's shoppers as another's. validate and run must fail before simulating.
  TempDir dir;
  std::string model = testing::small_model(dir, 0.1);
  nlohmann::json spec = nlohmann::json::parse(read_text(testing::scenario_path("fidelity.json")));
  spec.erase("$schema");
  spec["choice_model"] = {{"type", "neural"}, {"path", model}};
  write_text(dir.file("same.json"), spec.dump(1));
  REQUIRE_NOTHROW(load_scenario(dir.file("same.json")));  // the same segments load

  spec["population"]["segments"][1]["name"] = "regulars";
  write_text(dir.file("renamed.json"), spec.dump(1));
  const std::string expected = "renamed.json: /choice_model/path: " + model +
                               ": trained for other segments (bargain hunters, mainstream, enthusiasts); segment 1 is "
                               "\"mainstream\" in the model and \"regulars\" in the scenario's population";
  std::string e;
  try {
    load_scenario(dir.file("renamed.json"));
  } catch (const ScenarioError& error) {
    e = error.what();
  }
  CHECK(e.find(expected) != std::string::npos);
  auto r = testing::run_bundlesim("validate " + dir.file("renamed.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(expected) != std::string::npos);
  r = testing::run_bundlesim("run " + dir.file("renamed.json") + " --quiet --out " + dir.file("r.sqlite"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(expected) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("r.sqlite")));  // failed before simulating

  // One segment fewer (the model has a third the scenario lacks): named too, and --neural refuses it.
  nlohmann::json fewer = nlohmann::json::parse(read_text(testing::scenario_path("fidelity.json")));
  fewer.erase("$schema");
  fewer["population"]["segments"].erase(2);
  fewer["population"]["segments"][0]["share"] = 0.65;
  write_text(dir.file("fewer.json"), fewer.dump(1));
  r = testing::run_bundlesim("run " + dir.file("fewer.json") + " --quiet --neural " + model + " --out " +
                             dir.file("r.sqlite"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("segment 2 is \"enthusiasts\" in the model and nothing in the scenario's population") !=
        std::string::npos);
}
