// The HTML report: every section is there, the numbers on the page are the report's numbers, the
// cumulative bands come from the stored sums of squares (checked by hand and against the arm's own
// interval), warnings appear when they should, user text is escaped, and old reports still render.
// The engine's per-day sums of squares and per-bundle counts are checked against its moments.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "reports/comparisons.h"
#include "reports/html_report.h"
#include "reports/report_file.h"
#include "reports/run_summary.h"
#include "reports/sqlite_db.h"
#include "reports/svg_chart.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

struct Simulated {
  Scenario scenario;
  RunResult result;
};

Simulated simulate(const json& j) {
  Simulated s{parse_scenario(j.dump(2), "tiny.json"), {}};
  s.result = run_experiment(s.scenario, {});
  return s;
}

// Writes the run to a fresh report in `dir` and reads it back.
StoredRun store(const Simulated& s, const TempDir& dir, const std::string& name = "r.sqlite") {
  std::vector<ArmMetrics> metrics;
  for (size_t a = 0; a < s.scenario.arms.size(); ++a) {
    metrics.push_back(compute_arm_metrics(s.scenario.arms[a], s.result.arms[a]));
  }
  int64_t id = write_report(dir.file(name), s.scenario, s.result, metrics, {"2026-01-02T03:04:05Z", "2026-01-02T03:04:06Z", 1, "9.9.9"});
  return read_run(dir.file(name), id);
}

// The tiny scenario as an A/B test over three days, enough shoppers for clear differences.
json three_days() {
  json j = tiny_scenario();
  j["experiment"] = {{"design", "ab"}};
  j["horizon_days"] = 3;
  j["population"]["segments"][0]["return_probability"] = 0.3;
  j["population"]["segments"][0]["return_delay_days"] = 0.5;
  return j;
}

// The data-value of the arms-table cell of `metric` in the row of `arm`.
double cell_value(const std::string& html, const std::string& arm, const std::string& metric) {
  size_t row = html.find("<tr data-arm=\"" + arm + "\">");
  REQUIRE(row != std::string::npos);
  size_t cell = html.find("data-metric=\"" + metric + "\" data-value=\"", row);
  REQUIRE(cell != std::string::npos);
  size_t start = html.find("data-value=\"", cell) + 12;
  return std::stod(html.substr(start, html.find('"', start) - start));
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the engine's per-day sums of squares add up to the arm's sum of squared visitor totals") {
  Simulated s = simulate(three_days());
  for (const ArmTotals& arm : s.result.arms) {
    double revenue_sumsq = 0, margin_sumsq = 0;
    for (const DayTotals& d : arm.days) revenue_sumsq += d.revenue_sumsq_delta, margin_sumsq += d.margin_sumsq_delta;
    // sum r^2 = (n - 1) s^2 + n mean^2, from the arm's moment accumulator.
    const VisitorMoments& m = arm.visitors;
    double n = static_cast<double>(m.count());
    double expected_revenue = (n - 1) * m.variance(kRevenue) + n * m.mean(kRevenue) * m.mean(kRevenue);
    double expected_margin = (n - 1) * m.variance(kMargin) + n * m.mean(kMargin) * m.mean(kMargin);
    CHECK(revenue_sumsq == doctest::Approx(expected_revenue).epsilon(1e-9));
    CHECK(margin_sumsq == doctest::Approx(expected_margin).epsilon(1e-9));
    CHECK(revenue_sumsq > 0);
  }
}

TEST_CASE("per-bundle counts match the arm's bundle offers and bundle orders") {
  Simulated s = simulate(three_days());
  CHECK(s.result.arms[0].bundles.empty());  // control shows no bundle
  REQUIRE(s.result.arms[1].bundles.size() == 1);
  const BundleTotals& b = s.result.arms[1].bundles[0];
  const VisitorMoments& m = s.result.arms[1].visitors;
  CHECK(b.items == std::vector<ItemIndex>{0, 1});
  // One bundle on offer: sessions with a bundle on the menu are its showings, bundle orders its takes.
  CHECK(b.shown == std::llround(m.sum(kBundleOffers)));
  CHECK(b.taken == std::llround(m.sum(kBundleOrders)));
  CHECK(b.taken > 0);
  // Bundle price: 10% off 10 + 20 (tiny_scenario) = 27.
  CHECK(b.revenue == doctest::Approx(27.0 * static_cast<double>(b.taken)));
}

TEST_CASE("the cumulative revenue per visitor and its band, by hand") {
  StoredArm arm;
  // Day 0: two visitors, one paid 10 (sum r^2 = 100). Day 1: one more visitor, the first paid 5 more:
  // totals 15, 0, 0 -> sum r^2 = 225, an increase of 125.
  arm.days = {{2, 2, 1, 10, 0, 100, 0}, {1, 2, 1, 5, 0, 125, 0}};
  auto points = cumulative_revenue_per_visitor(arm, 1.5);
  REQUIRE(points.size() == 2);
  const double z = 1.959963984540054;
  // Day 0: mean 5, s^2 = (100 - 2 * 25) / 1 = 50, se = sqrt(50 / 2) = 5.
  CHECK(points[0].day_end == 1);
  CHECK(points[0].mean == doctest::Approx(5));
  CHECK(points[0].high - points[0].mean == doctest::Approx(z * 5));
  // Day 1 (ends at the horizon, 1.5): mean 5, s^2 = (225 - 3 * 25) / 2 = 75, se = sqrt(75 / 3) = 5.
  CHECK(points[1].day_end == 1.5);
  CHECK(points[1].mean == doctest::Approx(5));
  CHECK(points[1].mean - points[1].low == doctest::Approx(z * 5));
}

TEST_CASE("the last point of the cumulative curve is the arm's revenue per visitor with its interval") {
  TempDir dir;
  StoredRun run = store(simulate(three_days()), dir);
  for (const StoredArm& arm : run.arms) {
    const Metric* rpv = arm.find("revenue_per_visitor");
    CumulativePoint last = cumulative_revenue_per_visitor(arm, run.horizon_days).back();
    CHECK(last.day_end == 3);
    CHECK(last.mean == doctest::Approx(rpv->value).epsilon(1e-12));
    CHECK(last.low == doctest::Approx(rpv->ci_low).epsilon(1e-9));
    CHECK(last.high == doctest::Approx(rpv->ci_high).epsilon(1e-9));
  }
}

TEST_CASE("the page has every section, and its numbers are the report's") {
  TempDir dir;
  StoredRun run = store(simulate(three_days()), dir);
  std::string html = render_html_report(run);
  for (const char* section : {"summary", "verdict", "warnings", "arms", "lift", "cumulative", "bundles", "learning", "details"}) {
    CAPTURE(section);
    CHECK(html.find(std::string("<section id=\"") + section + "\"") != std::string::npos);
  }
  // Self-contained: no URL the browser would fetch.
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("href=\"http") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  for (const StoredArm& arm : run.arms) {
    for (const char* metric : {"visitors", "conversion_rate", "revenue_per_visitor", "margin_per_visitor", "average_order_value", "stockouts"}) {
      CAPTURE(metric);
      const Metric* m = arm.find(metric);
      CHECK(cell_value(html, arm.name, metric) == m->value);  // written with 17 digits: exact
      CHECK(html.find(">" + format_metric(*m, run.currency)) != std::string::npos);
    }
  }
  // Charts carry axis labels with units.
  CHECK(html.find("revenue per visitor (USD)") != std::string::npos);
  CHECK(html.find("simulated day (end of day)") != std::string::npos);
  CHECK(html.find("relative lift vs control (%)") != std::string::npos);
  CHECK(html.find("margin per visit (USD)") != std::string::npos);
  // The bundle leaderboard lists the kit's bundle with its counts from the report.
  const StoredBundle& b = run.arms[1].bundles.at(0);
  CHECK(b.items == std::vector<std::string>{"a", "b"});
  CHECK(html.find("<td class=\"wrap\" title=\"a, b\">a + b</td>") != std::string::npos);
  CHECK(html.find(fmt::format("data-value=\"{}\"", b.taken)) != std::string::npos);
  CHECK(html.find(format_money(b.revenue, "USD")) != std::string::npos);
}

TEST_CASE("the forest plot marks exactly the significant comparisons") {
  TempDir dir;
  StoredRun run = store(simulate(three_days()), dir);
  std::vector<ArmSample> samples;
  for (const StoredArm& a : run.arms) samples.push_back({a.name, a.traffic, a.visitors, a.paired_difference});
  REQUIRE(run.design == "ab");
  ComparisonSet set = compare_arms(samples, run.control_arm, false, 0.05);
  int significant = 0;
  for (const Comparison& c : set.comparisons) significant += c.significant;
  std::string html = render_html_report(run);
  CHECK(count(html, "class=\"forest-row\"") == static_cast<int>(set.comparisons.size()));
  CHECK(count(html, "data-significant=\"1\"") == significant);
  // The bundle at 10% off lifts revenue per visitor clearly here (3,000 shoppers, surplus choice).
  const Comparison* rpv = set.find("revenue_per_visitor", "kit");
  REQUIRE(rpv);
  CHECK(rpv->significant);
  CHECK(html.find(fmt::format("{:+.1f}%", 100 * rpv->test.lift)) != std::string::npos);
}

TEST_CASE("warnings: sample ratio mismatch, low power and stock-outs") {
  TempDir dir;
  SUBCASE("a clean run says so") {
    std::string html = render_html_report(store(simulate(three_days()), dir));
    CHECK(html.find("None: traffic split as configured") != std::string::npos);
  }
  SUBCASE("visitors that don't fit the traffic shares") {
    StoredRun run = store(simulate(three_days()), dir);
    run.arms[0].traffic = 0.8;  // as if the split had been configured 80/20
    run.arms[1].traffic = 0.2;
    CHECK(render_html_report(run).find("sample ratio mismatch") != std::string::npos);
  }
  SUBCASE("too few shoppers to tell") {
    json j = with(three_days(), "/arrivals/shoppers_per_day", 40);
    j["horizon_days"] = 1;
    j["arms"][1]["params"]["bundles"][0]["discount"] = 0.01;
    std::string html = render_html_report(store(simulate(j), dir));
    CHECK(html.find("low power: kit vs control on revenue/visitor is not significant") != std::string::npos);
  }
  SUBCASE("items running out") {
    json j = three_days();
    j["catalog"]["items"][0]["stock"] = 50;
    std::string html = render_html_report(store(simulate(j), dir));
    CHECK(html.find("stock-outs in arm control") != std::string::npos);
    CHECK(html.find("the arms share the shop&#39;s stock") != std::string::npos);
  }
}

TEST_CASE("names from the scenario are escaped") {
  TempDir dir;
  json j = tiny_scenario();
  j["name"] = "<script>alert(1)</script>";
  j["arms"][1]["name"] = "kit & \"friends\"";
  std::string html = render_html_report(store(simulate(j), dir));
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("kit &amp; &quot;friends&quot;") != std::string::npos);
}

TEST_CASE("reports written before the sums of squares and bundles were stored still render and take new runs") {
  TempDir dir;
  Simulated s = simulate(tiny_scenario());
  store(s, dir);
  {
    Database db(dir.file("r.sqlite"), Database::Mode::kReadWriteCreate);
    db.exec("ALTER TABLE timeseries DROP COLUMN revenue_sumsq_delta");
    db.exec("ALTER TABLE timeseries DROP COLUMN margin_sumsq_delta");
    db.exec("DROP TABLE bundles");
  }
  StoredRun old = read_run(dir.file("r.sqlite"), 1);
  CHECK(std::isnan(old.arms[0].days[0].revenue_sumsq_delta));
  CHECK(old.arms[1].bundles.empty());
  std::string html = render_html_report(old);
  CHECK(html.find("predates the stored bands") != std::string::npos);
  CHECK(html.find("No arm showed a bundle") != std::string::npos);
  // A new run goes into the old file and has everything.
  StoredRun again = store(s, dir);
  CHECK(again.id == 2);
  CHECK(std::isfinite(again.arms[0].days[0].revenue_sumsq_delta));
  CHECK(again.arms[1].bundles.size() == 1);
}

TEST_CASE("nice ticks are 1, 2 or 5 times a power of ten and cover the range") {
  CHECK(nice_ticks(0, 10) == std::vector<double>{0, 2, 4, 6, 8, 10});
  std::vector<double> u = nice_ticks(0.13, 0.92);  // steps of 0.2 from 0 to 1
  REQUIRE(u.size() == 6);
  for (size_t k = 0; k < u.size(); ++k) CHECK(u[k] == doctest::Approx(0.2 * static_cast<double>(k)));
  std::vector<double> t = nice_ticks(-0.034, 0.071);
  CHECK(t.front() <= -0.034);
  CHECK(t.back() >= 0.071);
  CHECK(t[1] - t[0] == doctest::Approx(0.05));  // raw step 0.105 / 5 = 0.021, rounded up to 5e-2
  CHECK(escape_html("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
}

TEST_CASE("axis ticks close together get enough decimals to stay distinct") {
  StoredRun run;
  run.scenario_name = "narrow";
  run.currency = "USD";
  run.horizon_days = 1;
  run.design = "ab";
  StoredArm arm;
  arm.name = "only";
  arm.policy = "control";
  arm.traffic = 1;
  // 100,000 visitors, half paid 1: mean 0.5, sd 0.5, 95% band +-0.0031 (ticks 0.001 apart).
  arm.days = {{100000, 100000, 50000, 50000, 0, 50000, 0}};
  run.arms = {arm};
  std::string html = render_html_report(run);
  size_t begin = html.find("<section id=\"cumulative\">"), end = html.find("</section>", begin);
  std::string chart = html.substr(begin, end - begin);
  std::vector<std::string> labels;
  for (size_t at = chart.find("text-anchor=\"end\">"); at != std::string::npos; at = chart.find("text-anchor=\"end\">", at + 1)) {
    size_t start = at + 18;
    labels.push_back(chart.substr(start, chart.find('<', start) - start));
  }
  REQUIRE(labels.size() >= 3);
  CHECK(labels[0] == "$0.496");  // the band starts at 0.5 - 0.0031 = 0.4969; ticks every 0.001 below it
  for (size_t k = 1; k < labels.size(); ++k) CHECK(labels[k] != labels[k - 1]);
}
