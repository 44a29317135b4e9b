#include "sim/check_spec.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"

namespace bundlesim {

const std::vector<std::string>& comparable_metrics() {
  static const std::vector<std::string> names = {"conversion_rate",     "revenue_per_visitor", "margin_per_visitor",
                                                 "average_order_value", "items_per_order",     "bundle_take_rate"};
  return names;
}

std::vector<CheckSpec> read_checks(const nlohmann::json& list, const std::string& path,
                                   const std::vector<std::string>& arm_names, int control_arm) {
  if (!list.is_array()) throw SpecError(path, fmt::format("must be an array of checks, got {}", show_json(list)));
  std::vector<CheckSpec> checks;
  for (size_t k = 0; k < list.size(); ++k) {
    std::string kpath = child_path(path, k);
    SpecReader r(list[k], kpath, {"name", "metric", "arm", "versus", "max_drop", "significant"});
    CheckSpec c;
    c.metric = r.text("metric");
    const auto& metrics = comparable_metrics();
    if (std::find(metrics.begin(), metrics.end(), c.metric) == metrics.end()) {
      r.fail("metric", fmt::format("\"{}\" can't be checked; use one of {}{}", c.metric,
                                   fmt::join(metrics, ", "), suggestion(c.metric, metrics)));
    }
    std::string arm = r.text("arm");
    auto it = std::find(arm_names.begin(), arm_names.end(), arm);
    if (it == arm_names.end()) r.fail("arm", fmt::format("no arm is named \"{}\"{}", arm, suggestion(arm, arm_names)));
    c.arm = static_cast<int>(it - arm_names.begin());
    c.versus = r.choice_or("versus", "control", {"control", "baseline"}) == "baseline" ? CheckSpec::Versus::kBaseline
                                                                                   : CheckSpec::Versus::kControl;
    if (c.versus == CheckSpec::Versus::kControl && c.arm == control_arm) {
      r.fail("arm", fmt::format("\"{}\" is the control arm: it can only be checked with \"versus\": \"baseline\"", arm));
    }
    c.max_drop = r.number("max_drop", Range::unit());
    c.significant = r.boolean_or("significant", true);
    std::string versus = c.versus == CheckSpec::Versus::kBaseline ? "baseline" : arm_names[control_arm];
    c.name = r.text_or("name", fmt::format("{} of {} vs {}", c.metric, arm, versus));
    checks.push_back(std::move(c));
  }
  return checks;
}

}  // namespace bundlesim
