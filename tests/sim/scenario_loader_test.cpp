// The scenario loader: values and defaults as documented, and every bad input reported with the
// file, the JSON path and the bad value ("tiny.json: /arms/1/traffic: must be in (0, 1], got 1.5").

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "sim/scenario.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

Scenario parse(const json& j) { return parse_scenario(j.dump(2), "tiny.json"); }

// The loader's message for `j`, or "" when it loads.
std::string error_of(const json& j) {
  try {
    parse(j);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

std::string error_of_text(const std::string& text) {
  try {
    parse_scenario(text, "tiny.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a scenario loads with its values and the documented defaults") {
  Scenario s = parse(tiny_scenario());
  CHECK(s.name == "tiny");
  CHECK(s.file == "tiny.json");
  CHECK(s.seed == 3);
  CHECK(s.horizon_days == 1);
  CHECK(s.currency == "USD");
  CHECK(s.arrivals.shoppers_per_day == 1000);
  CHECK(s.arrivals.hourly_profile == std::vector<double>(24, 1.0));
  CHECK(s.browse.whole_catalog);
  CHECK(s.browse.items == 2);
  REQUIRE(s.catalog.size() == 2);
  CHECK(s.catalog.item(1).price == 20);
  CHECK(s.catalog.item(1).unit_cost == 5);
  CHECK(s.catalog.item(1).stock == -1);  // unlimited unless given
  CHECK(s.catalog.item(1).name == "b");  // the id unless given
  REQUIRE(s.population.size() == 1);
  const Segment& seg = s.population.segment(0);
  CHECK(seg.price_sensitivity == 1);
  CHECK(seg.return_probability == 0);
  CHECK(seg.category_affinity == std::vector<double>{1.0});
  CHECK(seg.valuation.kind == ValuationDistribution::Kind::kUniform);
  CHECK(seg.valuation.b == 30);
  CHECK(s.choice_model["type"] == "surplus");
  REQUIRE(s.arms.size() == 2);
  CHECK(s.arms[0].params.is_null());
  CHECK(s.arms[1].policy == "fixed_bundles");
  CHECK(s.arms[1].traffic == 0.5);
  CHECK(s.experiment.design == ExperimentSpec::Design::kAb);
  CHECK(s.experiment.control_arm == 0);
  CHECK(s.experiment.alpha == 0.05);
  CHECK(s.json_text == tiny_scenario().dump(2));  // stored verbatim for the report

  // Defaults: seed 1, traffic split evenly, browse 3 items by sampling (capped by the catalog), the
  // first arm as control.
  json j = without(without(without(tiny_scenario(), "/seed"), "/browse"), "/arms/0/traffic");
  j = without(without(j, "/arms/1/traffic"), "/experiment");
  s = parse(j);
  CHECK(s.seed == 1);
  CHECK(s.experiment.control_arm == 0);
  CHECK(s.arms[0].traffic == 0.5);
  CHECK_FALSE(s.browse.whole_catalog);
  CHECK(s.browse.items == 2);
}

TEST_CASE("the hourly profile is relative and scaled to a mean of one") {
  std::vector<double> profile(24, 0.0);
  profile[9] = 3;
  profile[21] = 1;
  Scenario s = parse(with(tiny_scenario(), "/arrivals/hourly_profile", profile));
  CHECK(s.arrivals.hourly_profile[9] == doctest::Approx(18));  // 3 * 24 / 4
  CHECK(s.arrivals.hourly_profile[21] == doctest::Approx(6));
  CHECK(s.arrivals.hourly_profile[0] == 0);
}

TEST_CASE("valuations can be overridden by category and by item") {
  json j = tiny_scenario();
  j["catalog"]["items"].push_back({{"id", "c"}, {"category", "extras"}, {"price", 5}});
  j["population"]["segments"][0]["valuation_by_category"] = {{"extras", {{"distribution", "fixed"}, {"value", 7}}}};
  j["population"]["segments"][0]["valuation_by_item"] = {
      {"b", {{"distribution", "normal"}, {"mean", 25}, {"sd", 2}}}};
  j["population"]["segments"][0]["category_affinity"] = {{"extras", 0.5}};
  Scenario s = parse(j);
  const Segment& seg = s.population.segment(0);
  CHECK(seg.valuation_of(0).kind == ValuationDistribution::Kind::kUniform);
  CHECK(seg.valuation_of(1).kind == ValuationDistribution::Kind::kNormal);
  CHECK(seg.valuation_of(1).a == 25);
  CHECK(seg.valuation_of(2).kind == ValuationDistribution::Kind::kFixed);
  CHECK(seg.valuation_of(2).a == 7);
  CHECK(seg.category_affinity == std::vector<double>{1.0, 0.5});  // goods by default, extras as given
}

TEST_CASE("a misspelt key is an error that names it and suggests the right one") {
  CHECK(error_of(with(tiny_scenario(), "/horizon_dayz", 2)) ==
        "tiny.json: /horizon_dayz: unknown key (did you mean `horizon_days`?)");
  CHECK(error_of(with(tiny_scenario(), "/arms/1/trafic", 0.5)) ==
        "tiny.json: /arms/1/trafic: unknown key (did you mean `traffic`?)");
  CHECK(error_of(with(tiny_scenario(), "/catalog/items/0/prise", 3)) ==
        "tiny.json: /catalog/items/0/prise: unknown key (did you mean `price`?)");
  CHECK(error_of(with(tiny_scenario(), "/population/segments/0/valuation/sd", 3)) ==
        "tiny.json: /population/segments/0/valuation/sd: not a parameter of a uniform distribution");
  CHECK(error_of(without(tiny_scenario(), "/choice_model")) == "tiny.json: /: missing required key `choice_model`");
}

TEST_CASE("wrong types and values out of range name the JSON path and the value") {
  // The example of the issue, verbatim.
  CHECK(error_of(with(tiny_scenario(), "/arms/1/traffic", 1.5)) == "tiny.json: /arms/1/traffic: must be in (0, 1], got 1.5");
  CHECK(error_of(with(tiny_scenario(), "/catalog/items/0/price", "cheap")) ==
        "tiny.json: /catalog/items/0/price: must be a number, got \"cheap\"");
  CHECK(error_of(with(tiny_scenario(), "/catalog/items/1/price", -5)) ==
        "tiny.json: /catalog/items/1/price: must be > 0, got -5");
  CHECK(error_of(with(tiny_scenario(), "/catalog/items/1/stock", -2)) ==
        "tiny.json: /catalog/items/1/stock: must be in [-1, 1125899906842624], got -2");
  CHECK(error_of(with(tiny_scenario(), "/horizon_days", 0)) == "tiny.json: /horizon_days: must be in (0, 3650], got 0");
  CHECK(error_of(with(tiny_scenario(), "/seed", 1.5)) == "tiny.json: /seed: must be a whole number, got 1.5");
  CHECK(error_of(with(tiny_scenario(), "/arms", json::object())) == "tiny.json: /arms: must be an array, got {}");
  CHECK(error_of(with(tiny_scenario(), "/arrivals/hourly_profile", std::vector<double>(23, 1.0))) ==
        "tiny.json: /arrivals/hourly_profile: must have 24 values (one per hour), got 23");
  CHECK(error_of(with(tiny_scenario(), "/arrivals/hourly_profile", std::vector<double>(24, 0.0))) ==
        "tiny.json: /arrivals/hourly_profile: must have at least one positive value");
  CHECK(error_of(with(tiny_scenario(), "/population/segments/0/valuation/high", -1)) ==
        "tiny.json: /population/segments/0/valuation/high: must be >= 0, got -1");
  CHECK(error_of(with(tiny_scenario(), "/population/segments/0/valuation/low", 40)) ==
        "tiny.json: /population/segments/0/valuation/high: must be >= low (40), got 30");
  CHECK(error_of(with(tiny_scenario(), "/population/segments/0/return_probability", 1)) ==
        "tiny.json: /population/segments/0/return_probability: must be in [0, 1), got 1");
  CHECK(error_of(with(tiny_scenario(), "/choice_model/type", "logit")).find("tiny.json: /choice_model/type: unknown choice model \"logit\"") == 0);
}

TEST_CASE("shares that do not sum to one are rejected") {
  CHECK(error_of(with(tiny_scenario(), "/arms/1/traffic", 0.4)) == "tiny.json: /arms: arm traffic shares must sum to 1, got 0.9");
  json j = with(tiny_scenario(), "/population/segments/1",
                {{"name", "more"}, {"share", 0.5}, {"valuation", {{"distribution", "fixed"}, {"value", 1}}}});
  CHECK(error_of(j) == "tiny.json: /population/segments: segment shares must sum to 1, got 1.5");
  // Rounding in written shares (three thirds) is forgiven.
  j = tiny_scenario();
  j["arms"][0]["traffic"] = 0.333333333;
  j["arms"][1]["traffic"] = 0.333333333;
  j["arms"].push_back({{"name", "third"}, {"policy", "control"}, {"traffic", 0.333333334}});
  CHECK(error_of(j) == "");
}

TEST_CASE("references between parts of a scenario are checked") {
  json j = with(tiny_scenario(), "/complementarity", {{{"items", {"a", "bb"}}, {"extra_value", 2}}});
  CHECK(error_of(j) == "tiny.json: /complementarity/0/items/1: no catalog item has id \"bb\" (did you mean `b`?)");
  j = with(tiny_scenario(), "/complementarity", {{{"items", {"a", "a"}}, {"extra_value", 2}}});
  CHECK(error_of(j) == "tiny.json: /complementarity/0/items/1: item listed twice");
  j = with(tiny_scenario(), "/events", {{{"type", "restock"}, {"at_day", 0.5}, {"item", "zebra"}, {"units", 5}}});
  CHECK(error_of(j) == "tiny.json: /events/0/item: no catalog item has id \"zebra\"");
  j = with(tiny_scenario(), "/events", {{{"type", "restock"}, {"at_day", 2}, {"item", "a"}, {"units", 5}}});
  CHECK(error_of(j) == "tiny.json: /events/0/at_day: must be in [0, 1], got 2");
  j = with(tiny_scenario(), "/events", {{{"type", "restock"}, {"at_day", 0.5}, {"item", "a"}, {"units", 5}, {"price", 5}}});
  CHECK(error_of(j) == "tiny.json: /events/0/price: only for a price_change");
  j = with(tiny_scenario(), "/experiment", {{"control", "contrl"}});
  CHECK(error_of(j) == "tiny.json: /experiment/control: no arm is named \"contrl\" (did you mean `control`?)");
  CHECK(error_of(with(tiny_scenario(), "/arms/1/name", "control")) == "tiny.json: /arms/1/name: duplicate arm name \"control\"");
  CHECK(error_of(with(tiny_scenario(), "/catalog/items/1/id", "a")) == "tiny.json: /catalog/items/1/id: duplicate item id \"a\"");
  CHECK(error_of(with(tiny_scenario(), "/arms/1/params/bundles/0/items/1", "c")) ==
        "tiny.json: /arms/1/params/bundles/0/items/1: no catalog item has id \"c\"");
  CHECK(error_of(with(tiny_scenario(), "/population/segments/0/category_affinity", {{"good", 1}})) ==
        "tiny.json: /population/segments/0/category_affinity/good: unknown key (did you mean `goods`?)");
  CHECK(error_of(with(tiny_scenario(), "/population/segments/0/valuation_by_item", {{"qqq", {{"distribution", "fixed"}, {"value", 1}}}})) ==
        "tiny.json: /population/segments/0/valuation_by_item/qqq: no catalog item has id \"qqq\"");
  j = with(tiny_scenario(), "/catalog/items/0/features", {1.0, 2.0});
  CHECK(error_of(j) == "tiny.json: /catalog/items/1/features: must have 2 values like the first item's, got 0");
}

TEST_CASE("browsing the whole catalog needs a catalog that fits on one menu") {
  json j = tiny_scenario();
  for (int i = 0; i < 11; ++i) j["catalog"]["items"].push_back({{"id", "x" + std::to_string(i)}, {"category", "goods"}, {"price", 1}});
  CHECK(error_of(j) == "tiny.json: /browse/mode: \"all\" needs a catalog of at most 12 items, this one has 13; use \"sample\"");
  CHECK(error_of(with(tiny_scenario(), "/browse", {{"mode", "sample"}, {"items", 3}})) ==
        "tiny.json: /browse/items: must be in [1, 2], got 3");
}

TEST_CASE("broken JSON and missing files are reported with where and why") {
  // The second comma is on line 3, column 13 (the parser's own words follow, and vary by version).
  CHECK(error_of_text("{\n  \"name\": \"x\",\n  \"seed\": 1,,\n}").find("tiny.json: line 3, column 13: not valid JSON: ") == 0);
  CHECK(error_of_text("").find("tiny.json: line 1, column 1: not valid JSON") == 0);
  TempDir dir;
  std::string missing = dir.file("nope.json");
  try {
    load_scenario(missing);
    FAIL("a missing file loaded");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) == missing + ": can't read the file: No such file or directory");
  }
  // load_scenario reads what parse_scenario parses, and keeps the directory for relative paths.
  std::ofstream(dir.file("tiny.json")) << tiny_scenario().dump();
  Scenario s = load_scenario(dir.file("tiny.json"));
  CHECK(s.name == "tiny");
  CHECK(s.directory == dir.path());
}

TEST_CASE("a generated catalog follows its spec and the seed") {
  json j = without(tiny_scenario(), "/catalog/items");
  j = without(j, "/arms/1");
  j["arms"][0]["traffic"] = 1;
  j["browse"] = {{"mode", "sample"}, {"items", 3}};
  j["catalog"]["generator"] = {
      {"brands", {"x", "y"}},
      {"feature_dims", 4},
      {"categories",
       {{{"name", "phones"}, {"count", 5}, {"price", {{"distribution", "uniform"}, {"low", 100}, {"high", 200}}}, {"cost_ratio", 0.5}},
        {{"name", "cases"}, {"count", 20}, {"price", {{"distribution", "uniform"}, {"low", 5}, {"high", 30}}}, {"stock", 40}}}}};
  Scenario s = parse(j);
  REQUIRE(s.catalog.size() == 25);
  CHECK(s.catalog.item(0).id == "phones-0");
  CHECK(s.catalog.item(24).id == "cases-19");
  CHECK(s.catalog.categories() == std::vector<std::string>{"phones", "cases"});
  for (const Item& item : s.catalog.items()) {
    CAPTURE(item.id);
    bool phone = item.category == "phones";
    CHECK(item.price >= (phone ? 100 : 5));
    CHECK(item.price <= (phone ? 200 : 30));
    CHECK(std::abs(item.price * 100 - std::round(item.price * 100)) < 1e-6);  // whole cents
    CHECK(item.unit_cost == doctest::Approx(std::round(item.price * (phone ? 0.5 : 0.6) * 100) / 100));
    CHECK(item.stock == (phone ? -1 : 40));
    CHECK(item.features.size() == 4);
    CHECK((item.brand == "x" || item.brand == "y"));
  }
  // Same seed, same catalog; another seed, other prices.
  CHECK(parse(j).catalog.item(7).price == s.catalog.item(7).price);
  Scenario other = parse(with(j, "/seed", 4));
  bool all_same = true;
  for (int i = 0; i < 25; ++i) all_same = all_same && other.catalog.item(i).price == s.catalog.item(i).price;
  CHECK_FALSE(all_same);
}
