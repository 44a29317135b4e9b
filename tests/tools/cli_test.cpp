// The real `bundlesim` command line on real files: the analytic scenarios reproduce their closed
// forms, runs are deterministic whatever --threads, bad input exits 2 naming the file and JSON path,
// and reports gain one run per `run`.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "reports/report_file.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

// The JSON object printed by --json: from the line that is just "{" to the end.
json json_output(const CommandResult& r) {
  size_t start = r.output.compare(0, 2, "{\n") == 0 ? 0 : r.output.find("\n{\n");
  if (start == std::string::npos) FAIL("no JSON in the output:\n" << r.output);
  try {
    return json::parse(r.output.substr(start));
  } catch (const json::exception&) {
    FAIL("no JSON in the output:\n" << r.output);
  }
  return json();
}

// Runs a shipped scenario with --json into a temporary report and returns its one arm's summary.
json run_arm(const std::string& scenario, const TempDir& dir, const std::string& extra = "") {
  CommandResult r = run_bundlesim("run " + scenario_path(scenario) + " --quiet --json --out " + dir.file("r.sqlite") + extra);
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json out = json_output(r);
  REQUIRE(out["arms"].size() == 1);
  return out["arms"][0];
}

// True when `truth` lies within 2.6 half-widths of the 95% interval (about 5 standard errors).
bool within_sampling_error(const json& arm, const std::string& metric, double truth) {
  double value = arm[metric], low = arm["ci95"][metric][0], high = arm["ci95"][metric][1];
  return std::abs(value - truth) < 2.6 * (high - low) / 2;
}

std::string write_scenario(const TempDir& dir, const std::string& name, const json& j) {
  std::string path = dir.file(name);
  std::ofstream(path) << j.dump(2);
  return path;
}

}  // namespace

// Two goods with valuations independent U[0, 1], zero cost, surplus choice, every shopper seeing the
// whole menu once; 200,000 shoppers a day for one day. Revenues within 1% as the issue asks, the rest
// within sampling error.
TEST_CASE("two goods sold separately at 0.5 earn 0.5 per shopper") {
  // Each good sells with probability 1/2 at 0.5 (Adams & Yellen 1976): revenue 2 * 0.25 = 0.5;
  // someone buys with probability 1 - 1/4 = 3/4, one item or two: items per order (1/2 + 1/2) / (3/4).
  TempDir dir;
  json arm = run_arm("two-goods-separate.json", dir);
  CHECK(arm["visitors"].get<double>() > 198000);
  CHECK(arm["revenue_per_visitor"].get<double>() == doctest::Approx(0.5).epsilon(0.01));
  CHECK(within_sampling_error(arm, "revenue_per_visitor", 0.5));
  CHECK(within_sampling_error(arm, "conversion_rate", 0.75));
  CHECK(within_sampling_error(arm, "items_per_order", 4.0 / 3));
  CHECK(arm["bundle_take_rate"].is_null());  // no bundle was ever offered: n/a, not 0
}

TEST_CASE("a pure bundle at sqrt(2/3) earns (2/3) sqrt(2/3) per shopper") {
  // P(va + vb >= p) = 1 - p^2 / 2 = 2/3 at p = sqrt(2/3); revenue p * 2/3 = 0.544331.
  TempDir dir;
  json arm = run_arm("two-goods-pure-bundle.json", dir);
  const double p = std::sqrt(2.0 / 3);
  CHECK(arm["revenue_per_visitor"].get<double>() == doctest::Approx(p * 2 / 3).epsilon(0.01));
  CHECK(within_sampling_error(arm, "revenue_per_visitor", p * 2 / 3));
  CHECK(within_sampling_error(arm, "conversion_rate", 2.0 / 3));
  CHECK(arm["items_per_order"].get<double>() == 2);  // nothing is sold alone
  CHECK(within_sampling_error(arm, "bundle_take_rate", 2.0 / 3));
}

TEST_CASE("mixed bundling at 2/3 and (4 - sqrt 2)/3 earns 0.5492 per shopper") {
  // Items at 2/3, bundle at P = (4 - sqrt 2)/3 (McAfee, McMillan & Whinston 1989). With d = P - 2/3:
  // a alone when va >= 2/3 and vb < d (area d/3), b alone likewise, the bundle when va, vb >= d and
  // va + vb >= P (area (1 - d)^2 - 1/9). Revenue 2 (2/3)(d/3) + P ((1 - d)^2 - 1/9) = 0.549200,
  // conversion exactly 2/3, bundle take rate 0.536492, items per order 1.804738.
  TempDir dir;
  json arm = run_arm("two-goods-mixed-bundle.json", dir);
  const double P = (4 - std::sqrt(2.0)) / 3, d = P - 2.0 / 3;
  const double single = d / 3, bundle = (1 - d) * (1 - d) - 1.0 / 9;
  const double revenue = 2 * (2.0 / 3) * single + P * bundle;
  CHECK(revenue == doctest::Approx(0.549200).epsilon(1e-5));
  CHECK(arm["revenue_per_visitor"].get<double>() == doctest::Approx(revenue).epsilon(0.01));
  CHECK(within_sampling_error(arm, "revenue_per_visitor", revenue));
  CHECK(within_sampling_error(arm, "conversion_rate", 2 * single + bundle));
  CHECK(within_sampling_error(arm, "bundle_take_rate", bundle));
  CHECK(within_sampling_error(arm, "items_per_order", (2 * single + 2 * bundle) / (2 * single + bundle)));
}

TEST_CASE("the quickstart gives identical metrics run twice and with 1 or 2 threads") {
  TempDir dir;
  auto arms = [&](const std::string& extra) {
    CommandResult r = run_bundlesim("run " + scenario_path("quickstart.json") + " --quiet --json --out " +
                                    dir.file("q.sqlite") + extra);
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    json out = json_output(r);
    CHECK(out["seed"] == (extra.find("--seed") == std::string::npos ? 42 : 7));
    return out["arms"];
  };
  json first = arms(""), again = arms(""), one = arms(" --threads 1"), two = arms(" --threads 2");
  REQUIRE(first.size() == 2);
  CHECK(first[1]["revenue_per_visitor"].get<double>() > 0);
  CHECK(first == again);
  CHECK(one == two);
  CHECK(first == two);
  // The seed is what makes a run: another one changes the numbers.
  CHECK(arms(" --seed 7") != first);
  CHECK(list_runs(dir.file("q.sqlite")).size() == 5);
}

TEST_CASE("bad scenarios exit 2 with the file, the JSON path and the bad value") {
  TempDir dir;
  struct Case {
    const char* what;
    json scenario;
    std::string message;  // after "error: FILE: "
  };
  const std::vector<Case> cases = {
      {"misspelt key", with(tiny_scenario(), "/arms/0/trafic", 0.5), "/arms/0/trafic: unknown key (did you mean `traffic`?)"},
      {"wrong type", with(tiny_scenario(), "/horizon_days", "two"), "/horizon_days: must be a number, got \"two\""},
      {"negative price", with(tiny_scenario(), "/catalog/items/1/price", -20), "/catalog/items/1/price: must be > 0, got -20"},
      {"traffic", with(tiny_scenario(), "/arms/1/traffic", 0.6), "/arms: arm traffic shares must sum to 1, got 1.1"},
      {"traffic out of range", with(tiny_scenario(), "/arms/1/traffic", 1.5), "/arms/1/traffic: must be in (0, 1], got 1.5"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    std::string file = write_scenario(dir, "bad.json", c.scenario);
    CommandResult r = run_bundlesim("validate " + file);
    CHECK(r.exit_code == 2);
    CHECK(r.output == "error: " + file + ": " + c.message + "\n");
  }
  // `run` reads scenarios the same way, and starts no report for a bad one.
  std::string file = write_scenario(dir, "bad.json", cases[0].scenario);
  CommandResult r = run_bundlesim("run --quiet --out " + dir.file("bad.sqlite") + " " + file);
  CHECK(r.exit_code == 2);
  CHECK(r.output == "error: " + file + ": " + cases[0].message + "\n");
  CHECK_FALSE(std::ifstream(dir.file("bad.sqlite")).good());

  std::string missing = dir.file("missing.json");
  r = run_bundlesim("run " + missing);
  CHECK(r.exit_code == 2);
  CHECK(r.output == "error: " + missing + ": can't read the file: No such file or directory\n");

  std::ofstream(dir.file("broken.json")) << "{\"name\": \"x\"\n  \"seed\": 1}";
  r = run_bundlesim("validate " + dir.file("broken.json"));
  CHECK(r.exit_code == 2);
  // The parser stops at the end of the unexpected "seed" on line 2.
  CHECK(r.output.find("error: " + dir.file("broken.json") + ": line 2, column 8: not valid JSON: ") == 0);
}

TEST_CASE("bad usage exits 2 and points to --help") {
  CommandResult r = run_bundlesim("");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("usage: bundlesim COMMAND") != std::string::npos);
  r = run_bundlesim("valdate x.json");
  CHECK(r.exit_code == 2);
  CHECK(r.output == "bundlesim: unknown command \"valdate\" (did you mean `validate`?); see bundlesim --help\n");
  r = run_bundlesim("run " + scenario_path("quickstart.json") + " --thread 2");
  CHECK(r.exit_code == 2);
  CHECK(r.output == "bundlesim run: unknown option --thread (did you mean `threads`?) (see bundlesim run --help)\n");
  r = run_bundlesim("run " + scenario_path("quickstart.json") + " --threads 0");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--threads must be a whole number in [1, 256], got \"0\"") != std::string::npos);
  r = run_bundlesim("run");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("missing SCENARIO.json") != std::string::npos);
  r = run_bundlesim("validate a.json b.json");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unexpected argument \"b.json\"") != std::string::npos);
}

TEST_CASE("every command explains itself with --help and exits 0") {
  CommandResult r = run_bundlesim("--help");
  CHECK(r.exit_code == 0);
  for (const char* command : {"run", "validate", "bench"}) {
    CAPTURE(command);
    CHECK(r.output.find(std::string("  ") + command + " ") != std::string::npos);
    CommandResult help = run_bundlesim(std::string(command) + " --help");
    CHECK(help.exit_code == 0);
    CHECK(help.output.find(std::string("usage: bundlesim ") + command) == 0);
  }
  r = run_bundlesim("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("bundlesim ") == 0);
}

TEST_CASE("validate says a good scenario is fine") {
  CommandResult r = run_bundlesim("validate " + scenario_path("two-goods-separate.json"));
  CHECK(r.exit_code == 0);
  CHECK(r.output == scenario_path("two-goods-separate.json") +
                        ": ok: scenario \"two-goods-separate\", 2 items, 1 segments, 1 arms, 1 days\n");
}

TEST_CASE("run adds one run to the report per call and names it") {
  TempDir dir;
  std::string scenario = write_scenario(dir, "tiny.json", tiny_scenario());
  std::string report = dir.file("tiny.sqlite");
  CommandResult r = run_bundlesim("run " + scenario + " --quiet --out " + report);
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.find("report: " + report + " (run 1)") != std::string::npos);
  CHECK(r.output.find("control") != std::string::npos);
  r = run_bundlesim("run " + scenario + " --quiet --json --seed 9 --out " + report);
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json out = json_output(r);
  CHECK(out["report"]["path"] == report);
  CHECK(out["report"]["run_id"] == 2);
  CHECK(out["scenario"] == "tiny");
  CHECK(out["seed"] == 9);
  REQUIRE(out["arms"].size() == 2);
  CHECK(out["arms"][1]["name"] == "kit");
  CHECK(out["arms"][1]["policy"] == "fixed_bundles");
  for (const char* metric : {"visitors", "sessions", "orders", "conversion_rate", "revenue", "revenue_per_visitor",
                             "average_order_value", "margin", "items_per_order", "bundle_take_rate", "stockouts"}) {
    CHECK_MESSAGE(out["arms"][1].contains(metric), metric);
  }
  CHECK(list_runs(report) == std::vector<int64_t>{1, 2});
  StoredRun stored = read_run(report);
  CHECK(stored.seed == 9);
  CHECK(stored.arms[1].find("visitors")->value == out["arms"][1]["visitors"].get<double>());
  CHECK(stored.scenario_json == tiny_scenario().dump(2));
}

TEST_CASE("a report that can't be written exits 1") {
  TempDir dir;
  CommandResult r = run_bundlesim("run " + scenario_path("two-goods-separate.json") + " --quiet --out " +
                                  dir.file("no/such/dir/r.sqlite"));
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("error: report not written: " + dir.file("no/such/dir/r.sqlite")) != std::string::npos);
}

TEST_CASE("bench prints throughput and memory") {
  CommandResult r = run_bundlesim("bench --shoppers 20000");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  for (const char* line : {"shoppers/s", "events/s", "peak memory"}) CHECK_MESSAGE(r.output.find(line) != std::string::npos, line);
  CHECK(run_bundlesim("bench --model logit").exit_code == 2);
}
