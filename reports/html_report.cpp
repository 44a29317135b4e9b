#include "reports/html_report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/comparison_summary.h"
#include "reports/comparisons.h"
#include "reports/estimators.h"
#include "reports/html_style.h"
#include "reports/power.h"
#include "reports/run_summary.h"
#include "reports/svg_chart.h"

namespace bundlesim {
namespace {

constexpr int kLeaderboardRows = 25;
constexpr double kPowerTarget = 0.8;

// Okabe & Ito's colour-blind-safe palette; the control arm is grey, the reference line.
constexpr const char* kControlColor = "#6e7781";
// Then Tol's muted scheme for runs with more arms.
constexpr const char* kArmColors[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D1F",
                                      "#332288", "#882255", "#44AA99", "#999933", "#AA4499", "#117733"};

// What the page needs from the scenario text stored with the run.
struct ScenarioFacts {
  std::string description;
  double alpha = 0.05;
  std::map<std::string, std::string> item_names;  // id -> name
  std::vector<ChartMarker> events;
};

ScenarioFacts read_facts(const std::string& json_text, const std::string& currency) {
  ScenarioFacts facts;
  nlohmann::json s = nlohmann::json::parse(json_text, nullptr, false);
  if (!s.is_object()) return facts;  // not expected: the text was validated when it ran
  if (s.contains("description") && s["description"].is_string()) facts.description = s["description"];
  if (s.contains("experiment") && s["experiment"].is_object() && s["experiment"].contains("alpha") &&
      s["experiment"]["alpha"].is_number()) {
    facts.alpha = s["experiment"]["alpha"];
  }
  if (s.contains("catalog") && s["catalog"].contains("items") && s["catalog"]["items"].is_array()) {
    for (const auto& item : s["catalog"]["items"]) {
      if (item.contains("id") && item["id"].is_string() && item.contains("name") && item["name"].is_string()) {
        facts.item_names[item["id"]] = item["name"];
      }
    }
  }
  if (s.contains("events") && s["events"].is_array()) {
    for (const auto& e : s["events"]) {
      if (!e.contains("at_day") || !e["at_day"].is_number() || !e.contains("type")) continue;
      std::string item = e.contains("item") && e["item"].is_string() ? e["item"].get<std::string>() : "";
      std::string label = e["type"] == "price_change" && e.contains("price") && e["price"].is_number()
                              ? fmt::format("{} → {}", item, format_money(e["price"].get<double>(), currency))
                              : fmt::format("restock {}", item);
      facts.events.push_back({e["at_day"].get<double>(), label});
    }
  }
  return facts;
}

// Money with at least `decimals` decimals ("$0.4985" where cents can't tell ticks apart).
std::string money_with_decimals(double value, const std::string& currency, int decimals) {
  if (decimals <= 2 || !std::isfinite(value)) return format_money(value, currency);
  std::string shape = format_money(0, currency);  // the currency's layout around "0.00"
  std::string amount = fmt::format("{:.{}f}", std::abs(value), decimals);
  return (value < 0 ? "-" : "") + shape.replace(shape.find("0.00"), 4, amount);
}

std::string arm_color(const StoredRun& run, int arm) {
  if (arm == run.control_arm) return kControlColor;
  int k = arm - (arm > run.control_arm ? 1 : 0);
  return kArmColors[k % (sizeof kArmColors / sizeof kArmColors[0])];
}

std::string percent(double x, int decimals = 2) {
  return std::isfinite(x) ? fmt::format("{:+.{}f}%", 100 * x, decimals) : "n/a";
}

std::string p_text(double p) {
  if (!std::isfinite(p)) return "n/a";
  return p < 1e-4 ? "p<0.0001" : fmt::format("p={:.4f}", p);
}


// A number written so that it reads back exactly (for tests and scripts that check the page).
std::string exact(double x) { return std::isfinite(x) ? fmt::format("{:.17g}", x) : "nan"; }

const char* metric_title(const std::string& metric) {
  static const std::map<std::string, const char*> titles = {
      {"conversion_rate", "conversion"},        {"revenue_per_visitor", "revenue/visitor"},
      {"margin_per_visitor", "margin/visitor"}, {"average_order_value", "order value"},
      {"items_per_order", "items/order"},       {"bundle_take_rate", "bundle take"}};
  auto it = titles.find(metric);
  return it == titles.end() ? metric.c_str() : it->second;
}

std::string comparison_class(const Comparison* c) {
  if (!c || !c->significant || !std::isfinite(c->test.difference)) return "";
  return c->test.difference > 0 ? "win" : "loss";
}

ComparisonSet compare_stored(const StoredRun& run, double alpha) {
  std::vector<ArmSample> samples;
  for (const StoredArm& arm : run.arms) {
    samples.push_back({arm.name, arm.traffic, arm.visitors, arm.paired_difference});
  }
  bool paired = run.design == "paired";
  if (paired) {
    for (const ArmSample& s : samples) {
      if (s.paired_difference.count() == 0) paired = false;  // not expected from a paired run
    }
  }
  return compare_arms(samples, run.control_arm, paired, alpha);
}

// Warnings beyond the comparisons' own (sample ratio mismatch): low power and stock-outs.
std::vector<std::string> extra_warnings(const StoredRun& run, const ComparisonSet& set) {
  std::vector<std::string> out;
  bool has_power_warning = false;
  for (const std::string& w : set.warnings) has_power_warning |= w.find("power") != std::string::npos;
  if (!has_power_warning) {
    for (const Comparison& c : set.comparisons) {
      if (c.metric != "revenue_per_visitor" || c.cuped || c.significant) continue;
      const PairTest& t = c.test;
      if (!std::isfinite(t.difference_se) || !(t.difference_se > 0) || !(c.control_value > 0)) continue;
      // Smallest difference detected with 80% power at this standard error (power.h, n solved for
      // delta): delta = (z_{1-alpha/2} + z_power) se.
      double z = normal_quantile(1 - set.alpha / 2) + normal_quantile(kPowerTarget);
      double detectable = z * t.difference_se / c.control_value;
      double n = static_cast<double>(std::min(c.control_n, c.arm_n));
      double needed = visitors_per_arm(n * t.difference_se * t.difference_se, t.difference, set.alpha, kPowerTarget);
      std::string need = std::isfinite(needed) && needed < 1e15
                             ? fmt::format("; detecting the observed {} would take about {} visitors per arm",
                                           percent(t.lift, 1), thousands(static_cast<int64_t>(std::ceil(needed))))
                             : "";
      out.push_back(fmt::format(
          "low power: {} vs {} on revenue/visitor is not significant, and with {} visitors per arm this run could "
          "only detect a lift of about ±{:.1f}% with {:.0f}% power{}",
          c.arm, c.control, thousands(static_cast<int64_t>(n)), 100 * detectable, 100 * kPowerTarget, need));
    }
  }
  for (const StoredArm& arm : run.arms) {
    const Metric* stockouts = arm.find("stockouts");
    const Metric* lost = arm.find("lost_sales");
    double s = stockouts ? stockouts->value : 0, l = lost ? lost->value : 0;
    if (!(s > 0) && !(l > 0)) continue;
    out.push_back(fmt::format(
        "stock-outs in arm {}: {} times a browsed item was out of stock and {} chosen baskets could not be filled "
        "(lost sales){}",
        arm.name, thousands(static_cast<int64_t>(s)), thousands(static_cast<int64_t>(l)),
        run.design == "ab" ? "; under design \"ab\" the arms share the shop's stock, so one arm's sales can cause "
                             "another's stock-outs"
                           : ""));
  }
  return out;
}

std::string metric_cell(const StoredArm& arm, const std::string& name, const std::string& currency, bool with_ci,
                        const std::string& css_class = "") {
  const Metric* m = arm.find(name);
  if (!m) return "<td class=\"num\">n/a</td>";
  std::string text = escape_html(format_metric(*m, currency));
  std::string ci;
  if (with_ci && std::isfinite(m->ci_low) && std::isfinite(m->ci_high)) {
    Metric half = *m;
    half.value = (m->ci_high - m->ci_low) / 2;
    ci = fmt::format(" <span class=\"ci\">±{}</span>", escape_html(format_metric(half, currency)));
  }
  return fmt::format("<td class=\"num {}\" data-metric=\"{}\" data-value=\"{}\" data-ci-low=\"{}\" data-ci-high=\"{}\">{}{}</td>",
                     css_class, name, exact(m->value), exact(m->ci_low), exact(m->ci_high), text, ci);
}

std::string lift_cell(const Comparison* c) {
  if (!c) return "<td class=\"num\">—</td>";
  std::string cls = comparison_class(c);
  std::string mark = cls == "win" ? " ▲" : cls == "loss" ? " ▼" : "";
  return fmt::format("<td class=\"num {}\" data-value=\"{}\" title=\"{} CI [{}, {}], {} (Holm-adjusted)\">{}{}</td>", cls,
                     exact(c->test.lift), escape_html(metric_title(c->metric)), percent(c->test.lift_low),
                     percent(c->test.lift_high), p_text(c->p_value_adjusted), percent(c->test.lift), mark);
}

std::string summary_section(const StoredRun& run, const ScenarioFacts& facts) {
  std::string arms_text;
  for (size_t a = 0; a < run.arms.size(); ++a) {
    if (a) arms_text += ", ";
    arms_text += fmt::format("<b>{}</b> ({}{})", escape_html(run.arms[a].name), escape_html(run.arms[a].policy),
                             static_cast<int>(a) == run.control_arm ? ", control" : "");
  }
  std::string out = "<section id=\"summary\"><h2>Scenario</h2>";
  if (!facts.description.empty()) out += fmt::format("<p class=\"lead\">{}</p>", escape_html(facts.description));
  out += "<dl class=\"facts\">";
  auto fact = [&](const std::string& k, const std::string& v) { out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", k, v); };
  fact("simulated", fmt::format("{:g} days", run.horizon_days));
  fact("shoppers", thousands(run.shoppers));
  fact("design", run.design == "paired" ? "paired (every shopper sees every arm)" : "A/B (shoppers split by traffic share)");
  fact("significance level", fmt::format("α = {:g}, Holm-adjusted over arms", facts.alpha));
  fact("seed", std::to_string(run.seed));
  fact("currency", escape_html(run.currency));
  out += "</dl>";
  out += fmt::format("<p>Arms: {}.</p></section>", arms_text);
  return out;
}

std::string verdict_section(const StoredRun& run, const ComparisonSet& set) {
  if (set.comparisons.empty()) return "";
  std::string out = "<section id=\"verdict\"><h2>At a glance</h2><div class=\"cards\">";
  for (size_t a = 0; a < run.arms.size(); ++a) {
    if (static_cast<int>(a) == run.control_arm) continue;
    out += fmt::format("<div class=\"card\" style=\"border-top-color:{}\"><h3>{} <span class=\"muted\">vs {}</span></h3>",
                       arm_color(run, static_cast<int>(a)), escape_html(run.arms[a].name),
                       escape_html(run.arms[run.control_arm].name));
    for (const char* metric : {"revenue_per_visitor", "margin_per_visitor", "conversion_rate"}) {
      const Comparison* c = set.find(metric, run.arms[a].name);
      if (!c) continue;
      std::string cls = comparison_class(c);
      out += fmt::format(
          "<div class=\"card-row\"><span>{}</span><span class=\"big {}\">{}</span><span class=\"muted\">[{}, {}] · {} · {}</span></div>",
          metric_title(metric), cls, percent(c->test.lift, 1), percent(c->test.lift_low, 1), percent(c->test.lift_high, 1),
          p_text(c->p_value_adjusted), escape_html(verdict(*c)));
    }
    out += "</div>";
  }
  return out + "</div></section>";
}

std::string warnings_section(const ComparisonSet& set, const std::vector<std::string>& extra) {
  std::string out = "<section id=\"warnings\"><h2>Warnings</h2>";
  if (set.warnings.empty() && extra.empty()) return out + "<p class=\"ok\">None: traffic split as configured, enough data, no stock-outs.</p></section>";
  out += "<ul class=\"warnings\">";
  for (const std::string& w : set.warnings) {
    const bool srm = w.find("sample ratio mismatch") != std::string::npos;
    out += fmt::format("<li class=\"{}\">{}</li>", srm ? "severe" : "", escape_html(w));
  }
  for (const std::string& w : extra) out += fmt::format("<li>{}</li>", escape_html(w));
  return out + "</ul></section>";
}

std::string arms_section(const StoredRun& run, const ComparisonSet& set) {
  const std::string& cur = run.currency;
  std::string out =
      "<section id=\"arms\"><h2>Arms</h2><div class=\"scroll\"><table class=\"sortable\"><thead><tr>"
      "<th>arm · policy</th><th class=\"num\">traffic</th><th class=\"num\">visitors</th>"
      "<th class=\"num\">conversion</th><th class=\"num\">revenue/visitor</th><th class=\"num\">lift</th>"
      "<th class=\"num\">margin/visitor</th><th class=\"num\">lift</th><th class=\"num\">order value</th>"
      "<th class=\"num\">items/order</th><th class=\"num\">bundle take</th><th class=\"num\">stock-outs</th>"
      "</tr></thead><tbody>";
  for (size_t a = 0; a < run.arms.size(); ++a) {
    const StoredArm& arm = run.arms[a];
    const bool control = static_cast<int>(a) == run.control_arm;
    const Comparison* rpv = control ? nullptr : set.find("revenue_per_visitor", arm.name);
    const Comparison* mpv = control ? nullptr : set.find("margin_per_visitor", arm.name);
    const Comparison* conv = control ? nullptr : set.find("conversion_rate", arm.name);
    out += fmt::format("<tr data-arm=\"{}\"><td><span class=\"swatch\" style=\"background:{}\"></span>{}{}"
                       "<span class=\"sub\">{}</span></td>",
                       escape_html(arm.name), arm_color(run, static_cast<int>(a)), escape_html(arm.name),
                       control ? " <span class=\"tag\">control</span>" : "", escape_html(arm.policy));
    out += fmt::format("<td class=\"num\" data-value=\"{}\">{:.0f}%</td>", exact(arm.traffic), 100 * arm.traffic);
    out += metric_cell(arm, "visitors", cur, false);
    out += metric_cell(arm, "conversion_rate", cur, true, comparison_class(conv));
    out += metric_cell(arm, "revenue_per_visitor", cur, true, comparison_class(rpv));
    out += lift_cell(rpv);
    out += metric_cell(arm, "margin_per_visitor", cur, true, comparison_class(mpv));
    out += lift_cell(mpv);
    out += metric_cell(arm, "average_order_value", cur, true);
    out += metric_cell(arm, "items_per_order", cur, false);
    out += metric_cell(arm, "bundle_take_rate", cur, true);
    out += metric_cell(arm, "stockouts", cur, false);
    out += "</tr>";
  }
  out += "</tbody></table></div><p class=\"note\">± is the half-width of a 95% confidence interval. Lift is relative "
         "to the control arm; green ▲ / red ▼ mark differences significant after Holm's adjustment over arms. "
         "Click a column header to sort.</p></section>";
  return out;
}

std::string lift_section(const StoredRun& run, const ComparisonSet& set) {
  std::string out = "<section id=\"lift\"><h2>Lift vs control</h2>";
  if (set.comparisons.empty()) return out + "<p>Only one arm: nothing to compare.</p></section>";
  ForestPlot plot;
  int confidence = static_cast<int>(std::lround(100 * (1 - set.alpha)));
  plot.title = fmt::format("Relative lift vs {} with {}% confidence intervals", run.arms[run.control_arm].name, confidence);
  plot.x_label = "relative lift vs control (%)";
  for (size_t a = 0; a < run.arms.size(); ++a) {
    if (static_cast<int>(a) == run.control_arm) continue;
    for (const char* metric : {"revenue_per_visitor", "margin_per_visitor", "conversion_rate", "average_order_value",
                               "items_per_order", "bundle_take_rate"}) {
      for (bool cuped : {false, true}) {
        const Comparison* c = set.find(metric, run.arms[a].name, cuped);
        if (!c) continue;
        ForestRow row;
        row.label = fmt::format("{} · {}{}", run.arms[a].name, metric_title(metric), cuped ? " (CUPED)" : "");
        row.color = arm_color(run, static_cast<int>(a));
        row.value = c->test.lift;
        row.low = c->test.lift_low;
        row.high = c->test.lift_high;
        row.significant = c->significant;
        row.value_text = std::isfinite(row.value) ? fmt::format("{} [{}, {}] {}", percent(row.value, 1), percent(row.low, 1),
                                                                percent(row.high, 1), p_text(c->p_value_adjusted))
                                                  : "n/a (control value is 0 or undefined)";
        row.tooltip = fmt::format("{}: {} ({})", row.label, verdict(*c), c->method);
        plot.rows.push_back(row);
      }
    }
  }
  plot.note = fmt::format("{} design; p-values Holm-adjusted over treatment arms; CUPED uses pre-period spend.",
                          set.paired ? "Paired" : "A/B");
  return out + forest_plot_svg(plot) + "</section>";
}

std::string cumulative_section(const StoredRun& run, const ScenarioFacts& facts) {
  LineChart chart;
  chart.title = "Cumulative revenue per visitor";
  chart.x_label = "simulated day (end of day)";
  chart.y_label = fmt::format("revenue per visitor ({})", run.currency);
  const std::string currency = run.currency;
  chart.y_format = [currency](double v) { return format_money(v, currency); };
  chart.y_tick_format = [currency](double v, int decimals) { return money_with_decimals(v, currency, decimals); };
  chart.x_format = [](double v) { return fmt::format("{:g}", v); };
  chart.x_includes_zero = true;
  chart.markers = facts.events;
  bool any_band = false;
  for (size_t a = 0; a < run.arms.size(); ++a) {
    ChartSeries s{run.arms[a].name, arm_color(run, static_cast<int>(a)), {}, {}, {}, {}};
    for (const CumulativePoint& p : cumulative_revenue_per_visitor(run.arms[a], run.horizon_days)) {
      s.x.push_back(p.day_end);
      s.y.push_back(p.mean);
      s.low.push_back(p.low);
      s.high.push_back(p.high);
      any_band |= std::isfinite(p.low);
    }
    chart.series.push_back(std::move(s));
  }
  chart.note = any_band ? "Revenue so far of the visitors who arrived so far; bands: 95% confidence intervals."
                        : "Revenue so far of the visitors who arrived so far (this report predates the stored bands).";
  return "<section id=\"cumulative\"><h2>Revenue per visitor over time</h2>" + line_chart_svg(chart) + "</section>";
}

std::string learning_section(const StoredRun& run) {
  LineChart chart;
  chart.title = "Daily margin per visit";
  chart.x_label = "simulated day";
  chart.y_label = fmt::format("margin per visit ({})", run.currency);
  const std::string currency = run.currency;
  chart.y_format = [currency](double v) { return format_money(v, currency); };
  chart.y_tick_format = [currency](double v, int decimals) { return money_with_decimals(v, currency, decimals); };
  chart.y_includes_zero = true;
  for (size_t a = 0; a < run.arms.size(); ++a) {
    const StoredArm& arm = run.arms[a];
    ChartSeries s{arm.name + " (" + arm.policy + ")", arm_color(run, static_cast<int>(a)), {}, {}, {}, {}};
    for (size_t d = 0; d < arm.days.size(); ++d) {
      s.x.push_back(static_cast<double>(d));
      s.y.push_back(arm.days[d].sessions > 0 ? arm.days[d].margin / static_cast<double>(arm.days[d].sessions) : NAN);
    }
    chart.series.push_back(std::move(s));
  }
  chart.note = "A learning policy's reward is margin: its curve rising over the days is it learning. Fixed policies stay flat.";
  return "<section id=\"learning\"><h2>Learning curves</h2>" + line_chart_svg(chart) + "</section>";
}

std::string bundles_section(const StoredRun& run, const ScenarioFacts& facts) {
  struct Row {
    int arm;
    const StoredBundle* bundle;
  };
  std::vector<Row> rows;
  for (size_t a = 0; a < run.arms.size(); ++a) {
    for (const StoredBundle& b : run.arms[a].bundles) rows.push_back({static_cast<int>(a), &b});
  }
  std::string out = "<section id=\"bundles\"><h2>Bundle leaderboard</h2>";
  if (rows.empty()) return out + "<p>No arm showed a bundle.</p></section>";
  std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
    if (x.bundle->revenue != y.bundle->revenue) return x.bundle->revenue > y.bundle->revenue;
    return x.bundle->taken > y.bundle->taken;
  });
  double top_revenue = std::max(rows.front().bundle->revenue, 1e-12);
  out += "<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th class=\"num\">#</th><th>bundle</th><th>arm</th>"
         "<th class=\"num\">shown</th><th class=\"num\">taken</th><th class=\"num\">take rate</th>"
         "<th class=\"num\">avg. price</th><th class=\"num\">bundle revenue</th><th class=\"num\">share of arm revenue</th>"
         "</tr></thead><tbody>";
  size_t shown_rows = std::min<size_t>(rows.size(), kLeaderboardRows);
  for (size_t k = 0; k < shown_rows; ++k) {
    const StoredBundle& b = *rows[k].bundle;
    const StoredArm& arm = run.arms[rows[k].arm];
    std::string names, ids;
    for (size_t i = 0; i < b.items.size(); ++i) {
      auto it = facts.item_names.find(b.items[i]);
      names += (i ? " + " : "") + (it == facts.item_names.end() ? b.items[i] : it->second);
      ids += (i ? ", " : "") + b.items[i];
    }
    const Metric* arm_revenue = arm.find("revenue");
    double share = arm_revenue && arm_revenue->value > 0 ? b.revenue / arm_revenue->value : NAN;
    double take = b.shown > 0 ? static_cast<double>(b.taken) / static_cast<double>(b.shown) : NAN;
    out += fmt::format(
        "<tr><td class=\"num\" data-value=\"{}\">{}</td><td class=\"wrap\" title=\"{}\">{}</td><td><span class=\"swatch\" "
        "style=\"background:{}\"></span>{}</td><td class=\"num\" data-value=\"{}\">{}</td>"
        "<td class=\"num\" data-value=\"{}\">{}</td><td class=\"num\" data-value=\"{}\">{}</td>"
        "<td class=\"num\" data-value=\"{}\">{}</td><td class=\"num bar-cell\" data-value=\"{}\"><span class=\"bar\" "
        "style=\"width:{:.1f}%\"></span><span class=\"bar-text\">{}</span></td><td class=\"num\" data-value=\"{}\">{}</td></tr>",
        k + 1, k + 1, escape_html(ids), escape_html(names), arm_color(run, rows[k].arm), escape_html(arm.name), b.shown,
        thousands(b.shown), b.taken, thousands(b.taken), exact(take),
        std::isfinite(take) ? fmt::format("{:.2f}%", 100 * take) : "n/a",
        exact(b.taken > 0 ? b.revenue / static_cast<double>(b.taken) : NAN),
        escape_html(b.taken > 0 ? format_money(b.revenue / static_cast<double>(b.taken), run.currency) : "n/a"),
        exact(b.revenue), 100 * b.revenue / top_revenue, escape_html(format_money(b.revenue, run.currency)), exact(share),
        std::isfinite(share) ? fmt::format("{:.1f}%", 100 * share) : "n/a");
  }
  out += "</tbody></table></div>";
  std::string more = rows.size() > shown_rows ? fmt::format(" The {} bundles with the least revenue are not listed.", rows.size() - shown_rows) : "";
  out += fmt::format(
      "<p class=\"note\">Shown: visits with the bundle on the menu. Taken: orders that included it. Bundle revenue: its "
      "bundle price times orders (items bought alongside not counted).{}</p></section>",
      more);
  return out;
}

std::string details_section(const StoredRun& run) {
  std::string out = "<section id=\"details\"><h2>Run</h2><dl class=\"facts small\">";
  auto fact = [&](const std::string& k, const std::string& v) {
    out += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", k, escape_html(v));
  };
  fact("run id", std::to_string(run.id));
  fact("bundlesim", run.program_version);
  fact("started", run.started_at);
  fact("finished", run.finished_at);
  fact("events", thousands(run.events));
  fact("wall time", fmt::format("{:.2f} s on {} thread{}", run.wall_seconds, run.threads, run.threads == 1 ? "" : "s"));
  out += "</dl>";
  out += fmt::format("<p>Reproduce: <code>bundlesim run SCENARIO.json --seed {}</code> (same numbers for any "
                     "<code>--threads</code>).</p>",
                     run.seed);
  out += fmt::format("<details><summary>Scenario as run</summary><pre>{}</pre></details></section>",
                     escape_html(run.scenario_json));
  return out;
}

}  // namespace

std::vector<CumulativePoint> cumulative_revenue_per_visitor(const StoredArm& arm, double horizon_days, double confidence) {
  const double z = normal_quantile(0.5 + confidence / 2);
  std::vector<CumulativePoint> out;
  double visitors = 0, revenue = 0, sumsq = 0;
  for (size_t d = 0; d < arm.days.size(); ++d) {
    visitors += static_cast<double>(arm.days[d].visitors);
    revenue += arm.days[d].revenue;
    sumsq += arm.days[d].revenue_sumsq_delta;
    // Sample variance from the sums: (sum r^2 - n mean^2) / (n - 1); the standard error of the mean
    // is sqrt(variance / n).
    double mean = visitors > 0 ? revenue / visitors : NAN;
    double variance = visitors > 1 ? (sumsq - revenue * mean) / (visitors - 1) : NAN;
    if (variance < 0) variance = 0;  // rounding; NaN (no sums stored) stays NaN
    double half = z * std::sqrt(variance / visitors);
    out.push_back({std::min(static_cast<double>(d + 1), horizon_days), mean, mean - half, mean + half});
  }
  return out;
}

std::string render_html_report(const StoredRun& run) {
  ScenarioFacts facts = read_facts(run.scenario_json, run.currency);
  ComparisonSet set = compare_stored(run, facts.alpha);
  std::vector<std::string> extra = extra_warnings(run, set);
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"generator\" content=\"bundlesim {}\"><title>{} · bundlesim report</title><style>{}</style></head>\n"
      "<body><header><h1>{}</h1><p class=\"muted\">bundlesim report · run {} · {} · seed {}</p></header><main>\n",
      escape_html(run.program_version), escape_html(run.scenario_name), kHtmlReportStyle, escape_html(run.scenario_name),
      run.id, escape_html(run.finished_at), run.seed);
  html += summary_section(run, facts) + "\n";
  html += verdict_section(run, set) + "\n";
  html += warnings_section(set, extra) + "\n";
  html += arms_section(run, set) + "\n";
  html += lift_section(run, set) + "\n";
  html += cumulative_section(run, facts) + "\n";
  html += bundles_section(run, facts) + "\n";
  html += learning_section(run) + "\n";
  html += details_section(run) + "\n";
  html += fmt::format("</main><script>{}</script></body></html>\n", kHtmlReportScript);
  return html;
}

void write_html_report(const std::string& path, const StoredRun& run) {
  std::string html = render_html_report(run);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("{}: can't write the HTML report: {}", path, std::strerror(errno)));
  out << html;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: can't write the HTML report: {}", path, std::strerror(errno)));
}

}  // namespace bundlesim
