#include "reports/run_summary.h"

#include <cmath>

#include <fmt/format.h>

namespace bundlesim {
namespace {

// JSON has no NaN: a metric without a value is null.
nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }

}  // namespace

// Characters shown, counting a UTF-8 sequence (a currency symbol) as one.
std::string thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

size_t display_width(const std::string& s) {
  size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
  return shown;
}

std::string pad(const std::string& s, size_t width, bool right) {
  size_t shown = display_width(s);
  std::string fill(width > shown ? width - shown : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string format_money(double value, const std::string& currency) {
  if (!std::isfinite(value)) return "n/a";
  std::string sign = value < 0 ? "-" : "";
  double v = std::abs(value);
  std::string amount = v >= 1e4 ? thousands(static_cast<int64_t>(std::llround(v))) : fmt::format("{:.2f}", v);
  if (currency == "USD") return sign + "$" + amount;
  if (currency == "EUR") return sign + "€" + amount;
  if (currency == "GBP") return sign + "£" + amount;
  if (currency == "JPY") return sign + "¥" + amount;
  return sign + amount + " " + currency;
}

std::string format_metric(const Metric& metric, const std::string& currency) {
  if (!std::isfinite(metric.value)) return "n/a";
  switch (metric.unit) {
    case MetricUnit::kCount: return thousands(static_cast<int64_t>(std::llround(metric.value)));
    case MetricUnit::kFraction: return fmt::format("{:.2f}%", 100 * metric.value);
    case MetricUnit::kCurrency: return format_money(metric.value, currency);
    case MetricUnit::kItems: return fmt::format("{:.3f}", metric.value);
  }
  return "";
}

std::string summary_table(const std::string& scenario_name, const RunResult& result,
                          const std::vector<ArmMetrics>& arms, const SummaryStyle& style) {
  struct Column {
    const char* metric;
    const char* title;
    bool with_ci;
  };
  const std::vector<Column> columns = {
      {"visitors", "visitors", false},          {"conversion_rate", "conversion", true},
      {"revenue_per_visitor", "revenue/visitor", true}, {"average_order_value", "order value", false},
      {"margin_per_visitor", "margin/visitor", true},   {"items_per_order", "items/order", false},
      {"bundle_take_rate", "bundle take", false},       {"stockouts", "stock-outs", false}};
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"arm", "policy"};
  for (const Column& c : columns) header.push_back(c.title);
  cells.push_back(header);
  for (const ArmMetrics& arm : arms) {
    std::vector<std::string> row = {arm.name, arm.policy};
    for (const Column& c : columns) {
      const Metric* m = arm.find(c.metric);
      std::string text = format_metric(*m, style.currency);
      if (c.with_ci && std::isfinite(m->ci_low)) {
        Metric half = *m;
        half.value = (m->ci_high - m->ci_low) / 2;
        text += " ±" + format_metric(half, style.currency);
      }
      row.push_back(text);
    }
    cells.push_back(row);
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  }
  std::string out = fmt::format("{}: {} shoppers, {} events, {:.2f} s\n", scenario_name, thousands(result.shoppers),
                                thousands(result.events), result.wall_seconds);
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < cells[r].size(); ++c) {
      if (c > 0) line += "  ";
      line += pad(cells[r][c], width[c], c >= 2);
    }
    if (r == 0 && style.color) line = "\033[1m" + line + "\033[0m";
    out += line + "\n";
  }
  out += "(± is the half-width of a 95% confidence interval)\n";
  return out;
}

nlohmann::json summary_json(const std::string& scenario_name, const RunResult& result,
                            const std::vector<ArmMetrics>& arms, int64_t report_run_id, const std::string& report_path) {
  nlohmann::json out;
  out["scenario"] = scenario_name;
  out["seed"] = result.seed;
  out["shoppers"] = result.shoppers;
  out["events"] = result.events;
  out["wall_seconds"] = result.wall_seconds;
  if (!report_path.empty()) out["report"] = {{"path", report_path}, {"run_id", report_run_id}};
  out["arms"] = nlohmann::json::array();
  for (const ArmMetrics& arm : arms) {
    nlohmann::json a = {{"name", arm.name}, {"policy", arm.policy}};
    nlohmann::json ci = nlohmann::json::object();
    for (const Metric& m : arm.metrics) {
      a[m.name] = number_or_null(m.value);
      if (std::isfinite(m.ci_low)) ci[m.name] = {number_or_null(m.ci_low), number_or_null(m.ci_high)};
    }
    a["ci95"] = ci;
    out["arms"].push_back(a);
  }
  return out;
}

}  // namespace bundlesim
