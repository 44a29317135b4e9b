#include "reports/comparison_summary.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/run_summary.h"

namespace bundlesim {
namespace {

nlohmann::json number_or_null(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(); }

enum class Unit { kFraction, kMoney, kNumber };

Unit unit_of(const std::string& metric) {
  if (metric == "conversion_rate" || metric == "bundle_take_rate") return Unit::kFraction;
  if (metric == "items_per_order") return Unit::kNumber;
  return Unit::kMoney;
}

std::string title_of(const Comparison& c) {
  static const std::map<std::string, std::string> titles = {
      {"conversion_rate", "conversion"},           {"revenue_per_visitor", "revenue/visitor"},
      {"margin_per_visitor", "margin/visitor"},    {"average_order_value", "order value"},
      {"items_per_order", "items/order"},          {"bundle_take_rate", "bundle take"}};
  auto it = titles.find(c.metric);
  std::string title = it == titles.end() ? c.metric : it->second;
  return c.cuped ? title + " (CUPED)" : title;
}

// A level in the metric's unit.
std::string level(double x, Unit unit, const std::string& currency) {
  if (!std::isfinite(x)) return "n/a";
  switch (unit) {
    case Unit::kFraction: return fmt::format("{:.2f}%", 100 * x);
    case Unit::kMoney: return format_money(x, currency);
    case Unit::kNumber: return fmt::format("{:.3f}", x);
  }
  return "";
}

// A signed change in the metric's unit: "+0.18 pp", "-$0.42", "+0.012".
std::string change(double x, Unit unit, const std::string& currency) {
  if (!std::isfinite(x)) return "n/a";
  std::string sign = x < 0 ? "-" : "+";
  switch (unit) {
    case Unit::kFraction: return fmt::format("{}{:.2f} pp", sign, 100 * std::abs(x));
    case Unit::kMoney: return sign + format_money(std::abs(x), currency);
    case Unit::kNumber: return fmt::format("{}{:.3f}", sign, std::abs(x));
  }
  return "";
}

std::string percent(double x) { return std::isfinite(x) ? fmt::format("{:+.2f}%", 100 * x) : "n/a"; }

std::string p_text(double p) {
  if (!std::isfinite(p)) return "n/a";
  if (p < 1e-4) return "<0.0001";
  return fmt::format("{:.4f}", p);
}

}  // namespace

std::string colored_by_verdict(const std::string& text, const Comparison& c) {
  std::string v = verdict(c);
  if (v == "better") return "\033[32m" + text + "\033[0m";
  if (v == "worse") return "\033[31m" + text + "\033[0m";
  return text;
}

std::string verdict(const Comparison& c) {
  if (!std::isfinite(c.p_value_adjusted) || !c.significant) return "can't tell";
  return c.test.difference > 0 ? "better" : "worse";
}

std::string comparisons_table(const ComparisonSet& set, const std::string& currency, bool color) {
  std::string out;
  if (set.comparisons.empty()) return out;
  int confidence = static_cast<int>(std::lround(100 * (1 - set.alpha)));
  const Comparison& first = set.comparisons.front();
  out += fmt::format("\nvs control \"{}\" (design {}, {}% intervals, p-values Holm-adjusted over treatment arms):\n",
                     first.control, set.paired ? "paired" : "ab", confidence);
  std::vector<std::vector<std::string>> cells = {{"arm", "metric", "control", "arm", "difference", fmt::format("{}% CI", confidence),
                                                  "lift", fmt::format("{}% CI", confidence), "p", "verdict", "var. reduction"}};
  for (const Comparison& c : set.comparisons) {
    Unit unit = unit_of(c.metric);
    const PairTest& t = c.test;
    cells.push_back({c.arm, title_of(c), level(c.control_value, unit, currency), level(c.arm_value, unit, currency),
                     change(t.difference, unit, currency),
                     fmt::format("[{}, {}]", change(t.difference_low, unit, currency), change(t.difference_high, unit, currency)),
                     percent(t.lift), fmt::format("[{}, {}]", percent(t.lift_low), percent(t.lift_high)),
                     p_text(c.p_value_adjusted), verdict(c),
                     std::isfinite(c.variance_reduction) ? fmt::format("x{:.2f}{}", c.variance_reduction, c.cuped ? " CUPED" : " paired") : ""});
  }
  std::vector<size_t> width(cells[0].size(), 0);
  for (const auto& row : cells) {
    for (size_t k = 0; k < row.size(); ++k) width[k] = std::max(width[k], display_width(row[k]));
  }
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (size_t k = 0; k < cells[r].size(); ++k) {
      if (k > 0) line += "  ";
      std::string cell = pad(cells[r][k], width[k], k >= 2 && k != 9 && k != 10);
      // Significant wins green, losses red (lift and verdict), after padding so widths stay right.
      if (color && r > 0 && (k == 6 || k == 9)) cell = colored_by_verdict(cell, set.comparisons[r - 1]);
      line += cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (r == 0 && color) line = "\033[1m" + line + "\033[0m";
    out += line + "\n";
  }
  if (set.paired) {
    out += "(var. reduction: variance of the difference if the same shoppers had been split at random, over "
           "paired; CUPED adds nothing under paired, the pre-period spend is the same in every arm)\n";
  } else {
    out += "(var. reduction: CUPED with pre-period spend, Deng et al. 2013)\n";
  }
  for (const std::string& w : set.warnings) {
    out += (color ? "\033[1;33mwarning:\033[0m " : "warning: ") + w + "\n";
  }
  return out;
}

nlohmann::json comparisons_json(const ComparisonSet& set) {
  nlohmann::json out;
  out["design"] = set.paired ? "paired" : "ab";
  out["alpha"] = set.alpha;
  out["confidence"] = 1 - set.alpha;
  out["comparisons"] = nlohmann::json::array();
  for (const Comparison& c : set.comparisons) {
    const PairTest& t = c.test;
    out["comparisons"].push_back({
        {"metric", c.metric},
        {"arm", c.arm},
        {"control", c.control},
        {"method", c.method},
        {"cuped", c.cuped},
        {"control_value", number_or_null(c.control_value)},
        {"arm_value", number_or_null(c.arm_value)},
        {"difference", number_or_null(t.difference)},
        {"difference_ci", {number_or_null(t.difference_low), number_or_null(t.difference_high)}},
        {"lift", number_or_null(t.lift)},
        {"lift_ci", {number_or_null(t.lift_low), number_or_null(t.lift_high)}},
        {"p_value", number_or_null(t.p_value)},
        {"p_value_adjusted", number_or_null(c.p_value_adjusted)},
        {"significant", c.significant},
        {"verdict", verdict(c)},
        {"variance_reduction", number_or_null(c.variance_reduction)},
        {"control_visitors", c.control_n},
        {"arm_visitors", c.arm_n},
    });
  }
  if (!set.paired && set.srm.degrees_of_freedom > 0) {
    out["srm"] = {{"chi_square", set.srm.chi_square}, {"degrees_of_freedom", set.srm.degrees_of_freedom},
                  {"p_value", set.srm.p_value}, {"mismatch", set.srm.mismatch}};
  }
  out["warnings"] = set.warnings;
  return out;
}

}  // namespace bundlesim
