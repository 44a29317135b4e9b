#pragma once
// Comparisons as people and scripts read them: a table under the run summary ("better, worse, or
// can't tell, and by how much") and JSON for --json (each comparison with its metric, the two arm
// names, the lift with its interval and p_value).

#include <string>

#include <nlohmann/json.hpp>

#include "reports/comparisons.h"

namespace bundlesim {

// "better" / "worse" when the Holm-adjusted p-value is below alpha (every compared metric is one
// where higher is better for the shop), otherwise "can't tell".
std::string verdict(const Comparison& c);
// `text` in green for "better", red for "worse" (ANSI colours), unchanged for "can't tell".
std::string colored_by_verdict(const std::string& text, const Comparison& c);

// The table, with the settings line, the SRM warning, and a line on variance reductions.
std::string comparisons_table(const ComparisonSet& set, const std::string& currency, bool color);
// {"design", "alpha", "confidence", "control", "comparisons": [...], "srm": {...}, "warnings": [...]}
nlohmann::json comparisons_json(const ComparisonSet& set);

}  // namespace bundlesim
