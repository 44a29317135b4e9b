// Comparisons on real runs and the commands around them: the rows a run gets, Holm across arms, the
// SRM warning, pre-period spend as a covariate, the report's `comparisons` table, the checks in a
// scenario (validation with file and JSON path), and `bundlesim check | plan | compare` end to end.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reports/comparison_store.h"
#include "reports/comparisons.h"
#include "reports/report_file.h"
#include "reports/sqlite_db.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

Scenario parse(const json& j) { return parse_scenario(j.dump(2), "tiny.json"); }

RunResult run(const Scenario& s, uint64_t seed = 5) {
  RunOptions options;
  options.seed = seed;
  return run_experiment(s, options);
}

json with_pre_period(json j, double mean) {
  j["population"]["segments"][0]["pre_period_spend_mean"] = mean;
  return j;
}

std::string write_file(const TempDir& dir, const std::string& name, const json& j) {
  std::string path = dir.file(name);
  std::ofstream(path) << j.dump(2);
  return path;
}

json json_output(const CommandResult& r) {
  size_t start = r.output.find("{\n");
  if (start == std::string::npos) FAIL("no JSON in the output:\n" << r.output);
  return json::parse(r.output.substr(start));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The set's warnings as written to a report and read back.
std::vector<StoredWarning> stored_warnings(const ComparisonSet& set) {
  TempDir dir;
  {
    Database db(dir.file("w.sqlite"), Database::Mode::kReadWriteCreate);
    write_comparisons(db, 1, set);
  }
  return read_warnings(dir.file("w.sqlite"), 1);
}

}  // namespace

TEST_CASE("an ab run compares every metric of the treatment with the control, raw and CUPED") {
  Scenario s = parse(with(with_pre_period(tiny_scenario(), 20), "/experiment", {{"design", "ab"}}));
  RunResult r = run(s);
  ComparisonSet set = compare_run(s, r);
  CHECK_FALSE(set.paired);
  for (const std::string& metric : comparable_metrics()) {
    CAPTURE(metric);
    const Comparison* c = set.find(metric, "kit");
    REQUIRE(c);
    CHECK(c->control == "control");
    CHECK(c->method == (metric == "conversion_rate" || metric.find("per_visitor") != std::string::npos ? "welch" : "delta"));
  }
  const Comparison* raw = set.find("revenue_per_visitor", "kit");
  const Comparison* cuped = set.find("revenue_per_visitor", "kit", true);
  REQUIRE(cuped);
  // The raw row's values are the arms' means; CUPED moves them by theta (Xbar_a - pooled Xbar) only.
  CHECK(raw->control_value == doctest::Approx(r.arms[0].visitors.mean(kRevenue)));
  CHECK(raw->arm_value == doctest::Approx(r.arms[1].visitors.mean(kRevenue)));
  CHECK(cuped->variance_reduction > 1);  // pre-period spend shares the shoppers' valuations
  CHECK(cuped->test.difference_se < raw->test.difference_se);
  CHECK(set.find("margin_per_visitor", "kit", true));
  CHECK_FALSE(set.find("conversion_rate", "kit", true));  // CUPED rows for revenue metrics only
  // The control offers no bundle: its take rate is undefined, and so is the comparison (never 0).
  CHECK(std::isnan(set.find("bundle_take_rate", "kit")->test.lift));
  CHECK(set.srm.p_value > kSrmThreshold);
  CHECK(set.warnings.empty());
}

TEST_CASE("without pre-period spend there is no CUPED row") {
  Scenario s = parse(with(tiny_scenario(), "/experiment", {{"design", "ab"}}));
  CHECK_FALSE(compare_run(s, run(s)).find("revenue_per_visitor", "kit", true));
}

TEST_CASE("pre-period spend: the segment's mean, the same in every arm, correlated with revenue") {
  // docs/statistics.md: pre_spend = mean * activity * valuation index, both factors of mean 1.
  json j = with_pre_period(with(tiny_scenario(), "/arrivals/shoppers_per_day", 20000), 50);
  j["experiment"] = {{"design", "paired"}};
  Scenario s = parse(j);
  RunResult r = run(s);
  const VisitorMoments& c = r.arms[0].visitors;
  double se = std::sqrt(c.variance(kPreSpend) / static_cast<double>(c.count()));
  CHECK(std::abs(c.mean(kPreSpend) - 50) < 4 * se);
  CHECK(r.arms[1].visitors.mean(kPreSpend) == c.mean(kPreSpend));  // same shoppers, same pre-period
  CHECK(r.paired_differences[1].variance(kPreSpend) == 0);
  double rho = c.covariance(kRevenue, kPreSpend) / std::sqrt(c.variance(kRevenue) * c.variance(kPreSpend));
  CHECK(rho > 0.2);
  MESSAGE("tiny scenario: corr(revenue, pre-period spend) = " << rho);
  // A segment with no pre-period mean has no pre-period spend.
  CHECK(run(parse(tiny_scenario())).arms[0].visitors.mean(kPreSpend) == 0);
}

TEST_CASE("several treatment arms: Holm-adjusted p-values and flags per comparison") {
  json j = with(tiny_scenario(), "/experiment", {{"design", "ab"}});
  j["arms"][0]["traffic"] = 0.25;
  j["arms"][1]["traffic"] = 0.25;
  j["arms"].push_back({{"name", "kit-20"}, {"policy", "fixed_bundles"}, {"traffic", 0.25},
                       {"params", {{"bundles", {{{"items", {"a", "b"}}, {"discount", 0.2}}}}}}});
  j["arms"].push_back({{"name", "same"}, {"policy", "control"}, {"traffic", 0.25}});
  Scenario s = parse(j);
  ComparisonSet set = compare_run(s, run(s));
  for (const char* metric : {"revenue_per_visitor", "conversion_rate"}) {
    std::vector<double> raw;
    std::vector<const Comparison*> rows;
    for (const char* arm : {"kit", "kit-20", "same"}) {
      rows.push_back(set.find(metric, arm));
      raw.push_back(rows.back()->test.p_value);
    }
    std::vector<double> expected = holm_adjust(raw);
    for (size_t k = 0; k < rows.size(); ++k) {
      CHECK(rows[k]->p_value_adjusted == expected[k]);
      CHECK(rows[k]->p_value_adjusted >= rows[k]->test.p_value);
      CHECK(rows[k]->significant == (expected[k] < 0.05));
    }
  }
}

TEST_CASE("arms sharing a stock that runs out get a warning, in the set and in the report") {
  // 1,000 shoppers, most of whom want b: 50 units of b run out early under "ab".
  Scenario shared = parse(with(tiny_scenario(), "/catalog/items/1/stock", 50));
  RunResult r = run(shared);
  REQUIRE(r.arms[0].stockouts + r.arms[1].stockouts > 0);
  ComparisonSet set = compare_run(shared, r);
  CHECK(set.shared_stock);
  REQUIRE(set.warnings.size() == 1);
  CHECK(set.warnings[0].find("the arms share one stock (design \"ab\") and it ran out") == 0);
  std::vector<StoredWarning> stored = stored_warnings(set);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].kind == "shared_stock");
  // Unlimited stock, or one stock per arm (paired): nothing to warn about.
  CHECK(compare_run(parse(tiny_scenario()), run(parse(tiny_scenario()))).warnings.empty());
  Scenario paired = parse(with(with(tiny_scenario(), "/catalog/items/1/stock", 50), "/experiment/design", "paired"));
  ComparisonSet own = compare_run(paired, run(paired));
  CHECK_FALSE(own.shared_stock);
  CHECK(own.warnings.empty());
}

TEST_CASE("sample ratio mismatch: a warning in the set and in the report") {
  std::vector<ArmSample> arms(2);
  arms[0].name = "control", arms[1].name = "treatment";
  arms[0].traffic = arms[1].traffic = 0.5;
  for (int i = 0; i < 1100; ++i) arms[0].visitors.add(VisitorVector{});
  for (int i = 0; i < 900; ++i) arms[1].visitors.add(VisitorVector{});
  // chi-square = 2 * 100^2 / 1000 = 20, p = 7.7e-6 (scipy.stats.chisquare([1100, 900])).
  ComparisonSet set = compare_arms(arms, 0, false, 0.05);
  CHECK(set.srm.chi_square == doctest::Approx(20));
  REQUIRE(set.warnings.size() == 1);
  CHECK(set.warnings[0].find("sample ratio mismatch") != std::string::npos);
  // The report keeps it in its `warnings` table.
  std::vector<StoredWarning> stored = stored_warnings(set);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].kind == "sample_ratio_mismatch");
  CHECK(stored[0].message == set.warnings[0]);
  // A paired run has every shopper in every arm: no SRM test.
  CHECK(compare_arms(arms, 0, true, 0.05).warnings.empty());
}

TEST_CASE("paired runs: differences of the same shoppers, and the variance pairing saved") {
  Scenario s = parse(with(tiny_scenario(), "/experiment", {{"design", "paired"}}));
  RunResult r = run(s);
  ComparisonSet set = compare_run(s, r);
  const Comparison* c = set.find("revenue_per_visitor", "kit");
  CHECK(c->method == "paired_t");
  CHECK(c->test.difference == doctest::Approx(r.paired_differences[1].mean(kRevenue)));
  double se = std::sqrt(r.paired_differences[1].variance(kRevenue) / static_cast<double>(r.shoppers));
  CHECK(c->test.difference_se == doctest::Approx(se));
  CHECK(c->variance_reduction > 1);
  CHECK(set.find("average_order_value", "kit")->method == "paired_delta");
  CHECK_FALSE(set.find("revenue_per_visitor", "kit", true));  // CUPED is a no-op under paired
}

TEST_CASE("the report's comparisons table holds what was computed, and recomputes from its moments") {
  TempDir dir;
  Scenario s = parse(with_pre_period(with(tiny_scenario(), "/experiment", {{"design", "ab"}}), 10));
  RunResult r = run(s);
  std::vector<ArmMetrics> metrics;
  for (size_t a = 0; a < s.arms.size(); ++a) metrics.push_back(compute_arm_metrics(s.arms[a], r.arms[a]));
  std::string path = dir.file("r.sqlite");
  int64_t id = write_report(path, s, r, metrics, {"t0", "t1", 1, "test"});
  ComparisonSet computed = compare_run(s, r);
  std::vector<Comparison> stored = read_comparisons(path, id);
  REQUIRE(stored.size() == computed.comparisons.size());
  for (size_t k = 0; k < stored.size(); ++k) {
    const Comparison& a = stored[k];
    const Comparison& b = computed.comparisons[k];
    CAPTURE(b.metric);
    CHECK(a.metric == b.metric);
    CHECK(a.arm == b.arm);
    CHECK(a.control == b.control);
    CHECK(a.cuped == b.cuped);
    if (std::isfinite(b.test.p_value)) CHECK(a.test.p_value == b.test.p_value);
    if (std::isfinite(b.test.lift)) CHECK(a.test.lift_low == b.test.lift_low);
  }
  CHECK(read_warnings(path, id).empty());
  // From the stored moments alone, the same comparisons again.
  StoredRun run_back = read_run(path, id);
  std::vector<ArmSample> arms;
  for (const StoredArm& arm : run_back.arms) arms.push_back({arm.name, arm.traffic, arm.visitors, arm.paired_difference});
  ComparisonSet again = compare_arms(arms, 0, false, 0.05);
  CHECK(again.find("revenue_per_visitor", "kit", true)->test.p_value ==
        doctest::Approx(computed.find("revenue_per_visitor", "kit", true)->test.p_value).epsilon(1e-12));
}

TEST_CASE("checks in a scenario are validated at load, naming the file and the JSON path") {
  json base = tiny_scenario();
  struct Case {
    const char* what;
    json checks;
    const char* message;
  } cases[] = {
      {"not an array", json{{"metric", "x"}}, "/checks: must be an array of checks"},
      {"unknown metric", json{{{"metric", "revenue_per_visiter"}, {"arm", "kit"}, {"max_drop", 0.02}}},
       "/checks/0/metric: \"revenue_per_visiter\" can't be checked; use one of conversion_rate"},
      {"unknown arm", json{{{"metric", "revenue_per_visitor"}, {"arm", "kitt"}, {"max_drop", 0.02}}},
       "/checks/0/arm: no arm is named \"kitt\" (did you mean `kit`?)"},
      {"control vs itself", json{{{"metric", "revenue_per_visitor"}, {"arm", "control"}, {"max_drop", 0.02}}},
       "/checks/0/arm: \"control\" is the control arm"},
      {"max_drop", json{{{"metric", "revenue_per_visitor"}, {"arm", "kit"}, {"max_drop", 2}}},
       "/checks/0/max_drop: must be in [0, 1], got 2"},
      {"versus", json{{{"metric", "revenue_per_visitor"}, {"arm", "kit"}, {"max_drop", 0.1}, {"versus", "last week"}}},
       "/checks/0/versus"},
      {"misspelt key", json{{{"metric", "revenue_per_visitor"}, {"arm", "kit"}, {"max_drop", 0.1}, {"signifcant", true}}},
       "/checks/0/signifcant: unknown key (did you mean `significant`?)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    std::string message;
    try {
      parse_scenario(with(base, "/checks", c.checks).dump(2), "bad.json");
    } catch (const ScenarioError& e) {
      message = e.what();
    }
    CHECK_MESSAGE(message.rfind(std::string("bad.json: ") + c.message, 0) == 0, message);
  }
  // `bundlesim validate` reports it and exits 2.
  TempDir dir;
  std::string path = write_file(dir, "bad.json", with(base, "/checks", cases[2].checks));
  CommandResult r = run_bundlesim("validate " + path);
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.output.find(path + ": " + cases[2].message) != std::string::npos, r.output);
  // A good one loads, with its defaults.
  Scenario s = parse(with(base, "/checks", {{{"metric", "conversion_rate"}, {"arm", "kit"}, {"max_drop", 0.05}}}));
  REQUIRE(s.checks.size() == 1);
  CHECK(s.checks[0].significant);
  CHECK(s.checks[0].versus == CheckSpec::Versus::kControl);
  CHECK(s.checks[0].arm == 1);
  CHECK(s.checks[0].name == "conversion_rate of kit vs control");
}

TEST_CASE("bundlesim check: exit 1 on a real revenue loss, with JUnit XML") {
  TempDir dir;
  std::string junit = dir.file("result.xml");
  CommandResult r = run_bundlesim("check " + scenario_path("ci-regression.json") + " --quiet --junit " + junit);
  CHECK_MESSAGE(r.exit_code == 1, r.output);
  CHECK(r.output.find("FAIL revenue per visitor must not drop more than 2%") != std::string::npos);
  CHECK(r.output.find("PASS conversion must not drop more than 2%") != std::string::npos);
  CHECK(r.output.find("3 checks: 1 passed, 2 failed") != std::string::npos);
  std::string xml = read_text(junit);
  CHECK(xml.find("<testsuite name=\"ci-regression\" tests=\"3\" failures=\"2\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"FAIL revenue per visitor") != std::string::npos);
  CHECK(xml.find("-&gt;") != std::string::npos);  // escaped
}

TEST_CASE("bundlesim check: exit 0 when the difference is noise (A/A, several seeds) and on the quickstart") {
  for (int seed : {1, 2}) {
    CommandResult r = run_bundlesim("check " + scenario_path("aa.json") + " --quiet --seed " + std::to_string(seed));
    CHECK_MESSAGE(r.exit_code == 0, r.output);
  }
  CommandResult q = run_bundlesim("check " + scenario_path("quickstart.json") + " --quiet");
  CHECK_MESSAGE(q.exit_code == 0, q.output);
}

TEST_CASE("bundlesim check against a baseline report, and its bad input") {
  TempDir dir;
  json j = tiny_scenario();
  j["arrivals"]["shoppers_per_day"] = 3000;
  j["checks"] = {{{"metric", "revenue_per_visitor"}, {"arm", "kit"}, {"max_drop", 0.02}, {"versus", "baseline"}}};
  std::string scenario = write_file(dir, "gate.json", j);
  std::string report = dir.file("base.sqlite");
  // No baseline given: exit 2, naming the check.
  CommandResult missing = run_bundlesim("check " + scenario + " --quiet");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("/checks/0/versus: \"baseline\" needs --baseline") != std::string::npos);
  // A baseline that is not a report: exit 2.
  std::ofstream(dir.file("junk.sqlite")) << "not sqlite";
  CHECK(run_bundlesim("check " + scenario + " --quiet --baseline " + dir.file("junk.sqlite")).exit_code == 2);
  // The baseline is this very scenario: no drop at all, passes.
  REQUIRE(run_bundlesim("run " + scenario + " --quiet --out " + report).exit_code == 0);
  CommandResult same = run_bundlesim("check " + scenario + " --quiet --baseline " + report);
  CHECK_MESSAGE(same.exit_code == 0, same.output);
  CHECK(same.output.find("lift +0.00%") != std::string::npos);
  // A baseline whose kit arm earned much more (a price the new bundle undercuts): the new run fails.
  json richer = j;
  richer["arms"][1]["params"] = {{"bundles", {{{"items", {"a", "b"}}, {"discount", 0.0}}}}};
  richer["arms"][1]["params"]["bundles"][0].erase("discount");
  richer["arms"][1]["params"]["bundles"][0]["price"] = 28;
  std::string rich_report = dir.file("rich.sqlite");
  REQUIRE(run_bundlesim("run " + write_file(dir, "rich.json", richer) + " --quiet --out " + rich_report).exit_code == 0);
  json deep = j;
  deep["arms"][1]["params"]["bundles"][0]["discount"] = 0.5;
  CommandResult worse = run_bundlesim("check " + write_file(dir, "deep.json", deep) + " --quiet --baseline " + rich_report);
  CHECK_MESSAGE(worse.exit_code == 1, worse.output);
  // A scenario without checks: exit 2.
  CommandResult none = run_bundlesim("check " + write_file(dir, "none.json", tiny_scenario()) + " --quiet");
  CHECK(none.exit_code == 2);
  CHECK(none.output.find("/checks: the scenario has no checks") != std::string::npos);
}

TEST_CASE("bundlesim run --json carries every comparison with metric, arms, lift, CI and p_value") {
  TempDir dir;
  // No `experiment` section: the default design.
  CommandResult r = run_bundlesim("run " + write_file(dir, "t.json", without(tiny_scenario(), "/experiment")) +
                                  " --quiet --json --out " +
                                  dir.file("r.sqlite"));
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json out = json_output(r);
  CHECK(out["design"] == "paired");  // the default design
  REQUIRE(out["comparisons"].size() >= comparable_metrics().size());
  for (const json& c : out["comparisons"]) {
    for (const char* key : {"metric", "arm", "control", "lift", "lift_ci", "p_value", "p_value_adjusted", "verdict"}) {
      CAPTURE(key);
      CHECK(c.contains(key));
    }
    CHECK(c["arm"] == "kit");
    CHECK(c["control"] == "control");
  }
  CommandResult table = run_bundlesim("run " + dir.file("t.json") + " --quiet --out " + dir.file("r.sqlite"));
  CHECK(table.output.find("vs control \"control\" (design paired") != std::string::npos);
}

TEST_CASE("bundlesim plan: visitors needed, fewer for paired than ab") {
  TempDir dir;
  json j = tiny_scenario();
  j["arrivals"]["shoppers_per_day"] = 5000;
  std::string path = write_file(dir, "p.json", j);
  CommandResult r = run_bundlesim("plan " + path + " --mde 2% --quiet");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  auto number_after = [&](const std::string& label) {
    size_t at = r.output.find(label);
    REQUIRE_MESSAGE(at != std::string::npos, r.output);
    std::string digits;
    for (size_t k = at + label.size(); k < r.output.size() && r.output[k] != 'v' && r.output[k] != 's'; ++k) {
      if (std::isdigit(static_cast<unsigned char>(r.output[k]))) digits += r.output[k];
    }
    return std::stod(digits);
  };
  double ab = number_after("  ab   "), paired = number_after("  paired   ");
  CHECK(paired < ab);
  CHECK(run_bundlesim("plan " + path + " --mde 200%").exit_code == 2);
  CHECK(run_bundlesim("plan " + path).exit_code == 2);
  CHECK(run_bundlesim("plan " + path + " --mde 2% --metric revenue").exit_code == 2);
}

TEST_CASE("bundlesim compare: per-arm differences between two reports") {
  TempDir dir;
  std::string scenario = write_file(dir, "t.json", tiny_scenario());
  REQUIRE(run_bundlesim("run " + scenario + " --quiet --seed 1 --out " + dir.file("old.sqlite")).exit_code == 0);
  REQUIRE(run_bundlesim("run " + scenario + " --quiet --seed 1 --out " + dir.file("new.sqlite")).exit_code == 0);
  CommandResult same = run_bundlesim("compare " + dir.file("old.sqlite") + " " + dir.file("new.sqlite") + " --json");
  REQUIRE_MESSAGE(same.exit_code == 0, same.output);
  json out = json_output(same);
  REQUIRE(out["arms"].size() == 2);
  for (const json& arm : out["arms"]) {
    for (const json& c : arm["comparisons"]) {
      if (c["difference"].is_null()) continue;
      CHECK(c["difference"] == 0.0);  // same seed, same scenario: the same run
    }
  }
  CHECK(run_bundlesim("compare " + dir.file("old.sqlite") + " " + dir.file("missing.sqlite")).exit_code == 2);
}
