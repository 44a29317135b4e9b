// The SQLite report: a run read back equals the run written; running again adds a run and leaves
// earlier ones intact; a run that can't be written leaves no rows behind; non-reports are refused.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "reports/report_file.h"
#include "reports/sqlite_db.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

struct Written {
  Scenario scenario;
  RunResult result;
  std::vector<ArmMetrics> metrics;
  RunInfo info;
};

Written simulate(const json& j, uint64_t seed) {
  Written w;
  w.scenario = parse_scenario(j.dump(2), "tiny.json");
  RunOptions options;
  options.seed = seed;
  w.result = run_experiment(w.scenario, options);
  for (size_t a = 0; a < w.scenario.arms.size(); ++a) {
    w.metrics.push_back(compute_arm_metrics(w.scenario.arms[a], w.result.arms[a]));
  }
  w.info = {"2026-01-02T03:04:05Z", "2026-01-02T03:04:06Z", 2, "9.9.9"};
  return w;
}

int64_t write(const std::string& path, const Written& w, const ReportWriteOptions& options = {}) {
  return write_report(path, w.scenario, w.result, w.metrics, w.info, options);
}

bool same_number(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

void check_round_trip(const StoredRun& run, const Written& w) {
  CHECK(run.scenario_name == w.scenario.name);
  CHECK(run.scenario_json == w.scenario.json_text);
  CHECK(run.seed == w.result.seed);
  CHECK(run.shoppers == w.result.shoppers);
  CHECK(run.events == w.result.events);
  CHECK(run.status == "completed");
  CHECK(run.program_version == "9.9.9");
  CHECK(run.started_at == "2026-01-02T03:04:05Z");
  CHECK(run.finished_at == "2026-01-02T03:04:06Z");
  REQUIRE(run.arms.size() == w.scenario.arms.size());
  for (size_t a = 0; a < run.arms.size(); ++a) {
    CAPTURE(a);
    const StoredArm& arm = run.arms[a];
    CHECK(arm.name == w.scenario.arms[a].name);
    CHECK(arm.policy == w.scenario.arms[a].policy);
    CHECK(arm.traffic == w.scenario.arms[a].traffic);
    REQUIRE(arm.metrics.size() == w.metrics[a].metrics.size());
    for (const Metric& m : w.metrics[a].metrics) {
      CAPTURE(m.name);
      const Metric* stored = arm.find(m.name);
      REQUIRE(stored != nullptr);
      CHECK(same_number(stored->value, m.value));  // exact: SQLite REAL is a double
      CHECK(same_number(stored->ci_low, m.ci_low));
      CHECK(same_number(stored->ci_high, m.ci_high));
    }
    const VisitorMoments& v = w.result.arms[a].visitors;
    CHECK(arm.visitors.count() == v.count());
    CHECK(arm.visitors.means() == v.means());  // JSON numbers keep all 17 digits
    CHECK(arm.visitors.comoments() == v.comoments());
    REQUIRE(arm.days.size() == w.result.arms[a].days.size());
    for (size_t d = 0; d < arm.days.size(); ++d) {
      CHECK(arm.days[d].visitors == w.result.arms[a].days[d].visitors);
      CHECK(arm.days[d].sessions == w.result.arms[a].days[d].sessions);
      CHECK(arm.days[d].orders == w.result.arms[a].days[d].orders);
      CHECK(arm.days[d].revenue == w.result.arms[a].days[d].revenue);
      CHECK(arm.days[d].margin == w.result.arms[a].days[d].margin);
    }
  }
}

int64_t rows(const std::string& path, const std::string& table) {
  Database db(path, Database::Mode::kReadOnly);
  Statement q = db.prepare("SELECT COUNT(*) FROM " + table);
  REQUIRE(q.next());
  int64_t n = q.column_int(0);
  while (q.next()) {
  }
  return n;
}

}  // namespace

TEST_CASE("a run read back from the report equals the run written") {
  TempDir dir;
  std::string path = dir.file("report.sqlite");
  json j = with(with(tiny_scenario(), "/horizon_days", 3), "/experiment", {{"design", "ab"}});
  Written w = simulate(j, 5);
  CHECK(write(path, w) == 1);
  StoredRun run = read_run(path);
  CHECK(run.id == 1);
  CHECK(run.design == "ab");
  check_round_trip(run, w);
  CHECK(run.arms[0].days.size() == 3);
  CHECK(run.arms[1].paired_difference.count() == 0);  // only paired runs have differences
}

TEST_CASE("running again into the same report adds a run and leaves earlier runs intact") {
  TempDir dir;
  std::string path = dir.file("report.sqlite");
  Written first = simulate(tiny_scenario(), 5), second = simulate(tiny_scenario(), 6);
  CHECK(write(path, first) == 1);
  CHECK(write(path, second) == 2);
  CHECK(list_runs(path) == std::vector<int64_t>{1, 2});
  check_round_trip(read_run(path, 1), first);
  check_round_trip(read_run(path), second);  // id 0: the latest
  CHECK(read_run(path, 1).seed == 5);
  CHECK(rows(path, "arms") == 4);
}

TEST_CASE("paired runs store the per-shopper differences") {
  TempDir dir;
  std::string path = dir.file("report.sqlite");
  Written w = simulate(with(tiny_scenario(), "/experiment", {{"design", "paired"}}), 5);
  write(path, w);
  StoredRun run = read_run(path);
  CHECK(run.design == "paired");
  const VisitorMoments& d = w.result.paired_differences[1];
  CHECK(run.arms[1].paired_difference.count() == run.shoppers);
  CHECK(run.arms[1].paired_difference.means() == d.means());
  CHECK(run.arms[1].paired_difference.comoments() == d.comoments());
}

TEST_CASE("a run that can't be written leaves no rows behind") {
  TempDir dir;
  std::string path = dir.file("report.sqlite");
  Written first = simulate(tiny_scenario(), 5);
  write(path, first);
  const char* tables[] = {"runs", "arms", "metrics", "timeseries", "moments"};
  std::vector<int64_t> before;
  for (const char* t : tables) before.push_back(rows(path, t));

  // A file that can't grow stands in for a full disk. The second run fits its `runs`, `arms` and
  // `metrics` rows in pages the first run left part-empty, but its ten years of daily rows need new
  // pages, so it fails part-way through `timeseries`, with rows of other tables already inserted.
  json decade = with(with(tiny_scenario(), "/horizon_days", 3650), "/arrivals/shoppers_per_day", 10);
  Written second = simulate(decade, 6);
  ReportWriteOptions full;
  full.max_page_count = 1;  // SQLite raises it to the current size: not one page more
  try {
    write(path, second, full);
    FAIL("the capped report took the run");
  } catch (const SqliteError& e) {
    CHECK(std::string(e.what()).find("full") != std::string::npos);
  }

  for (int t = 0; t < 5; ++t) CHECK_MESSAGE(rows(path, tables[t]) == before[t], tables[t]);

  // SQLite undoes a whole transaction by itself when the disk is full. Other failures it undoes one
  // statement at a time, and the writer must roll back the rest: a metric listed twice for the second
  // arm breaks the primary key after the run, the first arm and its rows are in.
  Written twice = simulate(tiny_scenario(), 7);
  twice.metrics[1].metrics.push_back(twice.metrics[1].metrics[0]);
  CHECK_THROWS_AS(write(path, twice), SqliteError);
  for (int t = 0; t < 5; ++t) CHECK_MESSAGE(rows(path, tables[t]) == before[t], tables[t]);
  CHECK(list_runs(path) == std::vector<int64_t>{1});
  check_round_trip(read_run(path), first);
  // And the file still takes the next run.
  CHECK(write(path, second) == 2);
}

TEST_CASE("files that are not reports are refused with their name") {
  TempDir dir;
  std::string missing = dir.file("none.sqlite");
  CHECK_THROWS_WITH_AS(list_runs(missing), (missing + ": no such file").c_str(), SqliteError);
  std::string text = dir.file("notes.txt");
  std::ofstream(text) << "this is not a database, just some text that is long enough to have a header......";
  try {
    list_runs(text);
    FAIL("a text file was read as a report");
  } catch (const SqliteError& e) {
    CHECK(std::string(e.what()).find(text + ": not a bundlesim report") == 0);
  }
  std::string report = dir.file("report.sqlite");
  write(report, simulate(tiny_scenario(), 5));
  CHECK_THROWS_WITH_AS(read_run(report, 7), (report + ": no run with id 7").c_str(), SqliteError);
}
