// Per-arm metrics and their intervals from accumulated moments: hand-computed values, the delta
// method against a Monte Carlo standard deviation, NaN (never 0) where there is no data, and the
// formats people and scripts read.

#include <doctest/doctest.h>

#include <cmath>

#include "reports/arm_metrics.h"
#include "reports/estimators.h"
#include "reports/run_summary.h"
#include "sim/random_stream.h"

using namespace bundlesim;

namespace {

VisitorVector visitor(double revenue, double margin, double orders, double items, double bundle_orders,
                      double bundle_offers, double sessions) {
  VisitorVector v{};
  v[kRevenue] = revenue;
  v[kMargin] = margin;
  v[kOrders] = orders;
  v[kItems] = items;
  v[kBundleOrders] = bundle_orders;
  v[kBundleOffers] = bundle_offers;
  v[kSessions] = sessions;
  v[kConverted] = orders > 0;
  return v;
}

// Four visitors, by hand: revenue 30, 0, 50, 0; orders 1, 0, 2, 0; items 2, 0, 3, 0; bundles offered
// to two visitors, taken by one.
ArmTotals four_visitors() {
  ArmTotals t;
  t.visitors.add(visitor(30, 10, 1, 2, 1, 1, 1));
  t.visitors.add(visitor(0, 0, 0, 0, 0, 1, 2));
  t.visitors.add(visitor(50, 20, 2, 3, 0, 0, 2));
  t.visitors.add(visitor(0, 0, 0, 0, 0, 0, 1));
  t.stockouts = 7;
  t.lost_sales = 2;
  return t;
}

ArmSpec arm_spec() {
  ArmSpec arm;
  arm.name = "kit";
  arm.policy = "fixed_bundles";
  return arm;
}

}  // namespace

TEST_CASE("normal quantiles match the tables") {
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959963985));
  CHECK(normal_quantile(0.95) == doctest::Approx(1.644853627));
  CHECK(normal_quantile(0.5) == doctest::Approx(0.0));
}

TEST_CASE("arm metrics match a hand computation") {
  ArmMetrics m = compute_arm_metrics(arm_spec(), four_visitors());
  CHECK(m.name == "kit");
  CHECK(m.policy == "fixed_bundles");
  std::vector<std::string> names;
  for (const Metric& metric : m.metrics) names.push_back(metric.name);
  CHECK(names == metric_names());
  auto value = [&](const char* name) { return m.find(name)->value; };
  CHECK(value("visitors") == 4);
  CHECK(value("sessions") == 6);
  CHECK(value("orders") == 3);
  CHECK(value("conversion_rate") == doctest::Approx(0.5));
  CHECK(value("revenue") == doctest::Approx(80));
  CHECK(value("revenue_per_visitor") == doctest::Approx(20));
  CHECK(value("average_order_value") == doctest::Approx(80.0 / 3));
  CHECK(value("margin") == doctest::Approx(30));
  CHECK(value("margin_per_visitor") == doctest::Approx(7.5));
  CHECK(value("items_per_order") == doctest::Approx(5.0 / 3));
  CHECK(value("bundle_take_rate") == doctest::Approx(0.5));
  CHECK(value("stockouts") == 7);
  CHECK(value("lost_sales") == 2);
  CHECK(m.find("no_such_metric") == nullptr);

  // Revenue per visitor: sample variance (100 + 400 + 900 + 400) / 3 = 600, so the standard error is
  // sqrt(600 / 4) = 12.247 and the 95% interval 20 -+ 1.96 * 12.247 = 20 -+ 24.004.
  const Metric* rpv = m.find("revenue_per_visitor");
  CHECK(rpv->ci_low == doctest::Approx(20 - 1.959963985 * std::sqrt(150.0)));
  CHECK(rpv->ci_high == doctest::Approx(20 + 1.959963985 * std::sqrt(150.0)));
  // The revenue total's interval is the per-visitor one times the visitors.
  CHECK(m.find("revenue")->ci_high == doctest::Approx(4 * rpv->ci_high));
  // Counts have no interval.
  CHECK(std::isnan(m.find("visitors")->ci_low));
  CHECK(std::isnan(m.find("stockouts")->ci_high));
}

TEST_CASE("a metric without data is NaN and not zero") {
  ArmTotals empty;
  ArmMetrics m = compute_arm_metrics(arm_spec(), empty);
  CHECK(m.find("visitors")->value == 0);
  CHECK(std::isnan(m.find("conversion_rate")->value));
  CHECK(std::isnan(m.find("revenue_per_visitor")->value));
  CHECK(std::isnan(m.find("average_order_value")->value));

  // Visitors who never bought: conversion 0 is a fact, order value is undefined; nobody was offered a
  // bundle, so the take rate is undefined too.
  ArmTotals browsers;
  browsers.visitors.add(visitor(0, 0, 0, 0, 0, 0, 1));
  browsers.visitors.add(visitor(0, 0, 0, 0, 0, 0, 3));
  m = compute_arm_metrics(arm_spec(), browsers);
  CHECK(m.find("conversion_rate")->value == 0);
  CHECK(std::isnan(m.find("average_order_value")->value));
  CHECK(std::isnan(m.find("items_per_order")->value));
  CHECK(std::isnan(m.find("bundle_take_rate")->value));

  // One visitor: a mean, but no standard error.
  VisitorMoments one;
  one.add(visitor(5, 1, 1, 1, 0, 0, 1));
  CHECK(mean_of(one, kRevenue).value == 5);
  CHECK(std::isnan(mean_of(one, kRevenue).standard_error));
}

TEST_CASE("ratio standard errors: exact special cases and the delta method against Monte Carlo") {
  // With a constant denominator c the ratio is a mean divided by c, and so is its standard error.
  VisitorMoments constant;
  const double revenue[] = {3, 8, 1, 12, 6};
  for (double r : revenue) constant.add(visitor(r, 0, 2, 0, 0, 0, 1));
  Estimate ratio = ratio_of(constant, kRevenue, kOrders), mean = mean_of(constant, kRevenue);
  CHECK(ratio.value == doctest::Approx(mean.value / 2));
  CHECK(ratio.standard_error == doctest::Approx(mean.standard_error / 2));
  // Proportional numerator and denominator: the ratio is known exactly.
  VisitorMoments proportional;
  for (double o : {1.0, 2.0, 5.0, 3.0}) proportional.add(visitor(7 * o, 0, o, 0, 0, 0, 1));
  CHECK(ratio_of(proportional, kRevenue, kOrders).value == doctest::Approx(7));
  CHECK(ratio_of(proportional, kRevenue, kOrders).standard_error == doctest::Approx(0).scale(1));

  // 2,000 replications of 400 visitors with 0-3 orders of random value: the delta-method standard
  // error of average order value must match the spread of the estimates across replications (the
  // Monte Carlo sd is itself known to about 1/sqrt(2 * 2000) = 1.6%; checked to 8%).
  RandomStream stream(21, 0, StreamPurpose::kChoice, 0);
  const int replications = 2000, n = 400;
  double sum = 0, sum2 = 0, se_sum = 0;
  for (int rep = 0; rep < replications; ++rep) {
    VisitorMoments m;
    for (int k = 0; k < n; ++k) {
      double orders = static_cast<double>(stream() % 4);
      double spend = 0;
      for (int o = 0; o < orders; ++o) spend += 10 + 40 * stream.uniform();
      m.add(visitor(spend, 0, orders, 0, 0, 0, 1));
    }
    Estimate e = ratio_of(m, kRevenue, kOrders);
    sum += e.value;
    sum2 += e.value * e.value;
    se_sum += e.standard_error;
  }
  double mc_mean = sum / replications, mc_sd = std::sqrt(sum2 / replications - mc_mean * mc_mean);
  CHECK(mc_mean == doctest::Approx(30).epsilon(0.01));  // each order is worth 10 + 40 U, mean 30
  CHECK(se_sum / replications == doctest::Approx(mc_sd).epsilon(0.08));
}

TEST_CASE("summaries format money counts and fractions and write NaN as n/a or null") {
  CHECK(format_money(12.5, "USD") == "$12.50");
  CHECK(format_money(-3, "USD") == "-$3.00");
  CHECK(format_money(12345.6, "USD") == "$12,346");
  CHECK(format_money(2.5, "EUR") == "€2.50");
  CHECK(format_money(2.5, "CHF") == "2.50 CHF");
  CHECK(format_money(std::nan(""), "USD") == "n/a");
  CHECK(format_metric({"visitors", MetricUnit::kCount, 1234567, 0, 0}, "USD") == "1,234,567");
  CHECK(format_metric({"conversion_rate", MetricUnit::kFraction, 0.1234, 0, 0}, "USD") == "12.34%");
  CHECK(format_metric({"items_per_order", MetricUnit::kItems, 1.23456, 0, 0}, "USD") == "1.235");

  ArmSpec control;
  control.name = "control";
  control.policy = "control";
  std::vector<ArmMetrics> arms = {compute_arm_metrics(control, ArmTotals{}), compute_arm_metrics(arm_spec(), four_visitors())};
  RunResult result;
  result.seed = 9;
  result.shoppers = 4;
  nlohmann::json j = summary_json("tiny", result, arms, 3, "out.sqlite");
  CHECK(j["scenario"] == "tiny");
  CHECK(j["seed"] == 9);
  CHECK(j["report"]["run_id"] == 3);
  REQUIRE(j["arms"].size() == 2);
  CHECK(j["arms"][0]["revenue_per_visitor"].is_null());  // JSON has no NaN
  CHECK(j["arms"][1]["name"] == "kit");
  CHECK(j["arms"][1]["policy"] == "fixed_bundles");
  for (const std::string& name : metric_names()) CHECK_MESSAGE(j["arms"][1].contains(name), name);
  CHECK(j["arms"][1]["orders"] == 3);
  CHECK(j["arms"][1]["ci95"]["revenue_per_visitor"][0].get<double>() == doctest::Approx(20 - 1.959963985 * std::sqrt(150.0)));

  std::string table = summary_table("tiny", result, arms, {false, "USD"});
  CHECK(table.find("kit") != std::string::npos);
  CHECK(table.find("$20.00 ±$24.00") != std::string::npos);
  CHECK(table.find("n/a") != std::string::npos);
  CHECK(table.find("\033[") == std::string::npos);  // no colour unless asked for
}
