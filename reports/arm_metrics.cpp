#include "reports/arm_metrics.h"

#include <cmath>
#include <limits>

#include "reports/estimators.h"

namespace bundlesim {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

const Metric* ArmMetrics::find(const std::string& metric) const {
  for (const Metric& m : metrics) {
    if (m.name == metric) return &m;
  }
  return nullptr;
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {
      "visitors", "sessions", "orders", "conversion_rate", "revenue", "revenue_per_visitor",
      "average_order_value", "margin", "margin_per_visitor", "items_per_order", "bundle_take_rate",
      "stockouts", "lost_sales"};
  return names;
}

MetricUnit metric_unit(const std::string& name) {
  if (name == "conversion_rate" || name == "bundle_take_rate") return MetricUnit::kFraction;
  if (name == "revenue" || name == "revenue_per_visitor" || name == "average_order_value" || name == "margin" ||
      name == "margin_per_visitor") {
    return MetricUnit::kCurrency;
  }
  if (name == "items_per_order") return MetricUnit::kItems;
  return MetricUnit::kCount;
}

ArmMetrics compute_arm_metrics(const ArmSpec& arm, const ArmTotals& totals, double confidence) {
  const VisitorMoments& m = totals.visitors;
  const double z = normal_quantile(0.5 + confidence / 2);
  ArmMetrics out{arm.name, arm.policy, {}};
  auto count = [&](const char* name, double value) { out.metrics.push_back({name, MetricUnit::kCount, value, kNaN, kNaN}); };
  auto estimate = [&](const char* name, MetricUnit unit, Estimate e) {
    out.metrics.push_back({name, unit, e.value, e.value - z * e.standard_error, e.value + z * e.standard_error});
  };
  // A total over visitors: n times the mean, with the interval scaled alike.
  auto total = [&](const char* name, MetricUnit unit, int v) {
    Estimate e = mean_of(m, v);
    double n = static_cast<double>(m.count());
    out.metrics.push_back({name, unit, m.sum(v), n * (e.value - z * e.standard_error), n * (e.value + z * e.standard_error)});
  };

  count("visitors", static_cast<double>(m.count()));
  count("sessions", std::round(m.sum(kSessions)));
  count("orders", std::round(m.sum(kOrders)));
  estimate("conversion_rate", MetricUnit::kFraction, mean_of(m, kConverted));
  total("revenue", MetricUnit::kCurrency, kRevenue);
  estimate("revenue_per_visitor", MetricUnit::kCurrency, mean_of(m, kRevenue));
  estimate("average_order_value", MetricUnit::kCurrency, ratio_of(m, kRevenue, kOrders));
  total("margin", MetricUnit::kCurrency, kMargin);
  estimate("margin_per_visitor", MetricUnit::kCurrency, mean_of(m, kMargin));
  estimate("items_per_order", MetricUnit::kItems, ratio_of(m, kItems, kOrders));
  estimate("bundle_take_rate", MetricUnit::kFraction, ratio_of(m, kBundleOrders, kBundleOffers));
  count("stockouts", static_cast<double>(totals.stockouts));
  count("lost_sales", static_cast<double>(totals.lost_sales));
  return out;
}

}  // namespace bundlesim
