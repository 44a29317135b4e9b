#pragma once
// The summary of a run as people and scripts read it: an aligned table for the terminal and one JSON
// object for --json (an `arms` list whose entries carry `name`, `policy` and every metric by name).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/arm_metrics.h"

namespace bundlesim {

struct SummaryStyle {
  bool color = false;
  std::string currency = "USD";
};

// "$12.34", "€12.34", or "12.34 CHF" for currencies without a symbol here.
std::string format_money(double value, const std::string& currency);
// A metric's value in its unit: "3.42%", "$12.34", "1,234", "n/a" for NaN.
std::string format_metric(const Metric& metric, const std::string& currency);

// Characters shown on a terminal, counting a UTF-8 sequence (a currency symbol) as one.
size_t display_width(const std::string& s);
// n with thousands separators: 1234567 -> "1,234,567".
std::string thousands(int64_t n);
// `s` padded with spaces to `width` shown characters, on the left when `right` (right-aligned).
std::string pad(const std::string& s, size_t width, bool right);

std::string summary_table(const std::string& scenario_name, const RunResult& result,
                          const std::vector<ArmMetrics>& arms, const SummaryStyle& style);
nlohmann::json summary_json(const std::string& scenario_name, const RunResult& result,
                            const std::vector<ArmMetrics>& arms, int64_t report_run_id,
                            const std::string& report_path);

}  // namespace bundlesim
