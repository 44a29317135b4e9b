#pragma once
// The CI gate's checks, as a scenario declares them under `checks` (docs/statistics.md, "The CI
// gate"). Parsed and checked when the scenario is loaded, so `bundlesim validate` catches a bad
// check; `bundlesim check` (reports/checks.h) evaluates them after a run.
//
//   "checks": [{"metric": "revenue_per_visitor", "arm": "phone-kits", "max_drop": 0.02,
//               "versus": "control", "significant": true}]

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace bundlesim {

struct CheckSpec {
  enum class Versus { kControl, kBaseline };
  std::string name;    // shown in output and JUnit; defaults to "<metric> of <arm> vs <control|baseline>"
  std::string metric;  // one of comparable_metrics()
  int arm = 0;         // index into Scenario::arms
  Versus versus = Versus::kControl;
  // The largest relative drop allowed: the check fails when the relative lift of `arm` over its
  // reference is below -max_drop ...
  double max_drop = 0;
  // ... and, when true, the drop is also statistically significant at the scenario's alpha
  // (Holm-adjusted over the scenario's significant checks).
  bool significant = true;
};

// Metrics that can be compared between arms and runs (the `comparisons` of a report).
const std::vector<std::string>& comparable_metrics();

// Reads the `checks` array. `arm_names` are the scenario's arms in order; `control_arm` the index of
// the control. Throws SpecError naming the JSON path of the bad value.
std::vector<CheckSpec> read_checks(const nlohmann::json& list, const std::string& path,
                                   const std::vector<std::string>& arm_names, int control_arm);

}  // namespace bundlesim
