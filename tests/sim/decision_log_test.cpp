// The event log: what a run decided is what the log reads back, field by field, and a damaged log is
// an error that names the file, the line and the column.

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/decision_log.h"
#include "sim/experiment.h"
#include "tests/test_support.h"

using namespace bundlesim;
using bundlesim::testing::TempDir;

namespace {

// What the engine handed to on_decision, copied out of the batch.
struct Seen {
  int arm;
  uint64_t shopper;
  int visit, segment;
  double time_days;
  std::vector<ItemIndex> browsed, items;
  std::vector<double> prices;
  std::vector<BasketOption> baskets;
  Offer offer;
  int chosen;
  bool filled;
};

// The fidelity scenario for a short horizon: every arm kind (random, deterministic) appears.
Scenario small_scenario(double days) {
  Scenario s = load_scenario(testing::scenario_path("fidelity.json"));
  s.horizon_days = days;
  return s;
}

std::vector<Seen> run_logged(const Scenario& s, const std::string& path) {
  std::vector<Seen> seen;
  DecisionLogWriter writer(path, s, s.seed);
  RunOptions options;
  options.on_decision = [&](const DecisionRecord& r) {
    writer.write(r);
    const ChoiceProblem& p = r.batch->problems[r.problem];
    Seen x{r.arm, r.shopper, r.visit, r.segment, r.time_days, *r.browsed, {}, {}, {}, *r.offer, r.chosen, r.filled};
    x.items.assign(r.batch->items.begin() + p.item_begin, r.batch->items.begin() + p.item_begin + p.item_count);
    x.prices.assign(r.batch->item_prices.begin() + p.item_begin,
                    r.batch->item_prices.begin() + p.item_begin + p.item_count);
    x.baskets.assign(r.batch->baskets.begin() + p.basket_begin,
                     r.batch->baskets.begin() + p.basket_begin + p.basket_count);
    seen.push_back(std::move(x));
  };
  run_experiment(s, options);
  writer.close();
  return seen;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
}

}  // namespace

TEST_CASE("an event log reads back exactly what the run decided") {
  TempDir dir;
  Scenario s = small_scenario(0.25);
  std::vector<Seen> seen = run_logged(s, dir.file("events.csv"));
  REQUIRE(seen.size() > 500);
  DecisionLog log = read_decision_log(dir.file("events.csv"));

  CHECK(log.version == kDecisionLogVersion);
  CHECK(log.scenario_name == "fidelity");
  CHECK(log.seed == s.seed);
  CHECK(log.catalog.fingerprint() == s.catalog.fingerprint());
  CHECK(log.catalog.item(0).price == s.catalog.item(0).price);
  REQUIRE(log.segments.size() == 3);
  CHECK(log.segments[2] == "enthusiasts");
  REQUIRE(log.arms.size() == 4);
  CHECK(log.arms[0].policy == "random_offers");
  REQUIRE(log.decisions.size() == seen.size());

  int random_rows = 0, bundles = 0, overrides = 0;
  for (size_t k = 0; k < seen.size(); ++k) {
    const Seen& x = seen[k];
    const LoggedDecision& d = log.decisions[k];
    CAPTURE(k);
    CHECK(d.arm == x.arm);
    CHECK(d.shopper == x.shopper);
    CHECK(d.visit == x.visit);
    CHECK(d.segment == x.segment);
    CHECK(d.time_days == x.time_days);  // shortest round-trip text: exact
    CHECK(d.browsed == x.browsed);
    CHECK(d.offer.propensity == x.offer.propensity);
    REQUIRE(d.offer.bundles.size() == x.offer.bundles.size());
    for (size_t b = 0; b < x.offer.bundles.size(); ++b) {
      CHECK(d.offer.bundles[b].items == x.offer.bundles[b].items);
      CHECK(d.offer.bundles[b].price == x.offer.bundles[b].price);
      CHECK(d.offer.bundles[b].pure == x.offer.bundles[b].pure);
    }
    CHECK(d.offer.price_overrides == x.offer.price_overrides);
    CHECK(d.chosen == x.chosen);
    CHECK(d.filled == x.filled);
    const ChoiceProblem& p = log.menus.problems[d.problem];
    CHECK(p.segment == x.segment);
    REQUIRE(p.item_count == static_cast<int>(x.items.size()));
    REQUIRE(p.basket_count == static_cast<int>(x.baskets.size()));
    for (int i = 0; i < p.item_count; ++i) {
      CHECK(log.menus.items[p.item_begin + i] == x.items[i]);
      CHECK(log.menus.item_prices[p.item_begin + i] == x.prices[i]);
    }
    for (int b = 0; b < p.basket_count; ++b) {
      const BasketOption& got = log.menus.baskets[p.basket_begin + b];
      CHECK(got.items == x.baskets[b].items);
      CHECK(got.bundle == x.baskets[b].bundle);
      CHECK(got.price == x.baskets[b].price);
      CHECK(got.value == 0);  // valuations are never logged
    }
    // Revenue is the chosen basket's price when it was filled, else 0.
    CHECK(d.revenue == (x.filled ? x.baskets[x.chosen].price : 0.0));
    // Deterministic arms log propensity 1; the random arm less.
    if (log.arms[d.arm].policy == "random_offers") {
      ++random_rows;
      CHECK(d.offer.propensity < 1);
      bundles += !d.offer.bundles.empty();
      overrides += !d.offer.price_overrides.empty();
    } else {
      CHECK(d.offer.propensity == 1);
    }
  }
  // fidelity.json: bundle_probability 0.6 and item_discount_probability 0.2 on the random arm.
  CHECK(random_rows > 200);
  CHECK(bundles > random_rows / 3);
  CHECK(overrides > random_rows / 10);
}

TEST_CASE("the log's header and columns are the documented ones") {
  TempDir dir;
  run_logged(small_scenario(0.02), dir.file("events.csv"));
  std::vector<std::string> lines = lines_of(dir.file("events.csv"));
  REQUIRE(lines.size() > 6);
  // docs/event-log.md, "Layout".
  CHECK(lines[0] == R"(# format: {"name":"bundlesim event log","version":1})");
  CHECK(lines[1].rfind("# scenario: ", 0) == 0);
  CHECK(lines[2].rfind("# catalog: {\"fingerprint\":", 0) == 0);
  CHECK(lines[3].rfind("# segments: ", 0) == 0);
  CHECK(lines[4].rfind("# arms: ", 0) == 0);
  CHECK(lines[5] ==
        "decision,arm,shopper,visit,segment,time_days,browsed,bundles,overrides,propensity,items,prices,baskets,"
        "chosen,filled,revenue");
  CHECK(lines[6].rfind("0,", 0) == 0);
}

TEST_CASE("a damaged log is an error naming the file, line and column") {
  TempDir dir;
  const std::string path = dir.file("events.csv");
  run_logged(small_scenario(0.02), path);
  std::vector<std::string> good = lines_of(path);

  SUBCASE("a bad number") {
    std::vector<std::string> lines = good;
    // Row 0 (line 7): replace its propensity (column 10) by text.
    std::vector<std::string> fields;
    std::stringstream row(lines[6]);
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    fields[9] = "abc";
    std::string joined;
    for (size_t i = 0; i < fields.size(); ++i) joined += (i ? "," : "") + fields[i];
    lines[6] = joined;
    write_lines(path, lines);
    CHECK_THROWS_WITH_AS(read_decision_log(path), doctest::Contains("events.csv: line 7, column `propensity`"),
                         DecisionLogError);
  }
  SUBCASE("another version") {
    std::vector<std::string> lines = good;
    lines[0] = R"(# format: {"name":"bundlesim event log","version":9})";
    write_lines(path, lines);
    CHECK_THROWS_WITH_AS(read_decision_log(path), doctest::Contains("event log version 9 is not supported"),
                         DecisionLogError);
  }
  SUBCASE("a chosen basket that is not on the menu") {
    std::vector<std::string> lines = good;
    size_t end = lines[6].rfind(',');
    size_t filled = lines[6].rfind(',', end - 1);
    size_t chosen = lines[6].rfind(',', filled - 1);
    lines[6] = lines[6].substr(0, chosen + 1) + "999" + lines[6].substr(filled);
    write_lines(path, lines);
    CHECK_THROWS_WITH_AS(read_decision_log(path), doctest::Contains("line 7, column `chosen`: 999 is out of range"),
                         DecisionLogError);
  }
  SUBCASE("a catalog edited after the fact") {
    std::vector<std::string> lines = good;
    size_t at = lines[2].find("headphones");
    lines[2].replace(at, 10, "headphonez");
    write_lines(path, lines);
    CHECK_THROWS_WITH_AS(read_decision_log(path), doctest::Contains("fingerprint"), DecisionLogError);
  }
  SUBCASE("a missing file") {
    CHECK_THROWS_WITH_AS(read_decision_log(dir.file("nope.csv")), doctest::Contains("nope.csv: can't read"),
                         DecisionLogError);
  }
}

TEST_CASE("a policy that randomises without knowing its probabilities logs an empty propensity") {
  // fidelity.json with a Thompson-sampling discount arm beside its deterministic control.
  Scenario s = small_scenario(0.1);
  ArmSpec bandit = s.arms[1];
  bandit.name = "bandit";
  bandit.policy = "bandit_discount";
  bandit.params = nlohmann::json::parse(R"({"bundles": [["headphones", "case"], ["earbuds", "charger"]], "discounts": [0, 0.1, 0.2]})");
  s.arms = {s.arms[1], bandit};
  s.arms[0].traffic = s.arms[1].traffic = 0.5;
  s.experiment.control_arm = 0;
  TempDir dir;
  std::vector<Seen> seen = run_logged(s, dir.file("events.csv"));
  DecisionLog log = read_decision_log(dir.file("events.csv"));
  REQUIRE(log.decisions.size() == seen.size());
  int unknown = 0, known = 0;
  for (size_t k = 0; k < seen.size(); ++k) {
    const Offer& offer = log.decisions[k].offer;
    CHECK(offer.propensity_known() == seen[k].offer.propensity_known());
    if (seen[k].arm == 0 || seen[k].offer.bundles.empty()) {
      CHECK(offer.propensity == 1);  // control, or no bundle to price: nothing was drawn
      ++known;
    } else {
      CHECK_FALSE(offer.propensity_known());
      ++unknown;
    }
  }
  CHECK(unknown > 50);
  CHECK(known > 50);
  // Offline evaluation refuses to reweight that arm rather than take its propensity for 1.
  {
    std::ofstream policy(dir.file("control.json"));
    policy << R"({"type": "policy", "policy": "control"})";
  }
  testing::CommandResult r = testing::run_bundlesim("ope --logs " + dir.file("events.csv") + " --arm bandit --policy " +
                                                    dir.file("control.json"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("arm bandit (bandit_discount) randomised its offers without stating their probabilities") !=
        std::string::npos);
}
