#pragma once
// The metrics of one arm, computed from what the engine accumulated, each with a 95% confidence
// interval where one makes sense. A metric without enough data is NaN (shown as "n/a"), never 0.
// Names are part of the report and --json format (docs/report-schema.md).

#include <string>
#include <vector>

#include "sim/experiment.h"

namespace bundlesim {

enum class MetricUnit { kCount, kFraction, kCurrency, kItems };

struct Metric {
  std::string name;
  MetricUnit unit = MetricUnit::kCount;
  double value = 0;
  double ci_low = 0, ci_high = 0;  // NaN when the metric has no interval (a count)
};

struct ArmMetrics {
  std::string name;
  std::string policy;
  std::vector<Metric> metrics;
  const Metric* find(const std::string& metric) const;
};

// REQUIRES: confidence in (0, 1).
ArmMetrics compute_arm_metrics(const ArmSpec& arm, const ArmTotals& totals, double confidence = 0.95);

// The metric names, in display order.
const std::vector<std::string>& metric_names();
// The unit a metric is in, by name (for metrics read back from a report); kCount for unknown names.
MetricUnit metric_unit(const std::string& name);

}  // namespace bundlesim
