#pragma once
// What one visitor did in one arm over all of its visits, and the per-arm accumulators built from
// it. A visitor (not a session) is the unit of randomisation, so it is the unit of analysis: every
// per-visitor metric and its variance comes from these per-visitor totals.

#include <array>
#include <cstdint>
#include <vector>

#include "market/catalog.h"
#include "sim/moment_accumulator.h"

namespace bundlesim {

// The per-visitor variables accumulated; their order is part of the report format.
enum VisitorVariable : int {
  kRevenue = 0,        // money paid
  kMargin,             // revenue minus unit costs
  kOrders,             // sessions that ended in a purchase
  kItems,              // units bought
  kBundleOrders,       // orders that included a bundle
  kBundleOffers,       // sessions in which a bundle was on the menu
  kSessions,           // visits
  kConverted,          // 1 if the visitor bought at least once
  kPreSpend,           // spend before the experiment (CUPED covariate)
  kVisitorVariables
};
inline constexpr const char* kVisitorVariableNames[kVisitorVariables] = {
    "revenue", "margin", "orders", "items", "bundle_orders", "bundle_offers", "sessions", "converted", "pre_spend"};

using VisitorVector = std::array<double, kVisitorVariables>;
using VisitorMoments = MomentAccumulator<kVisitorVariables>;

// One simulated day of one arm (for time series and learning curves).
struct DayTotals {
  int64_t visitors = 0;  // new visitors that day
  int64_t sessions = 0;
  int64_t orders = 0;
  double revenue = 0;
  double margin = 0;
  // The day's increase in sum over the arm's visitors of (that visitor's revenue so far)^2, and the
  // same for margin. Summed over days 0..d with visitors and revenue, they give the mean and variance
  // of revenue per visitor as it stood at the end of day d (cumulative curves with CI bands).
  double revenue_sumsq_delta = 0;
  double margin_sumsq_delta = 0;
};

// One bundle (a set of items) as one arm's policy showed it, keyed by its items whatever its price.
struct BundleTotals {
  std::vector<ItemIndex> items;  // sorted
  int64_t shown = 0;             // sessions in which it was on the menu
  int64_t taken = 0;             // orders that included it
  double revenue = 0;            // what those orders paid for the bundle (its bundle price)
};

// Everything the engine accumulates for one arm.
struct ArmTotals {
  VisitorMoments visitors;
  int64_t stockouts = 0;    // browsed items that were out of stock, plus units of lost sales
  int64_t lost_sales = 0;   // chosen baskets that could not be filled any more
  std::vector<DayTotals> days;
  std::vector<BundleTotals> bundles;  // in order of first showing
};

}  // namespace bundlesim
