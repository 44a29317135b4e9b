#pragma once
// One run of a report as a single self-contained HTML page for people who share results as
// pictures: scenario summary, arms table with confidence intervals, forest plot of each arm's lift
// vs control, cumulative revenue per visitor with bands, bundle leaderboard, learning curves and
// warnings (sample ratio mismatch, low power, stock-outs). Charts are inline SVG; a few lines of
// inline script only sort tables. Nothing is fetched from the network, and the page prints.
//
// Everything is rendered from a run read back from the SQLite report (read_run), so
// `bundlesim report` and `bundlesim run --html` draw the same page from the same numbers.

#include <string>
#include <vector>

#include "reports/report_file.h"

namespace bundlesim {

// Revenue per visitor as it stood at the end of each simulated day: revenue so far of the visitors
// who arrived so far, with a normal-approximation confidence interval from the per-day sums of
// squares (docs/report-schema.md, `timeseries`). NaN bounds for reports stored without them.
struct CumulativePoint {
  double day_end = 0;  // min(day + 1, horizon_days)
  double mean = 0, low = 0, high = 0;
};
std::vector<CumulativePoint> cumulative_revenue_per_visitor(const StoredArm& arm, double horizon_days,
                                                            double confidence = 0.95);

// The page, from a run read back with read_run().
std::string render_html_report(const StoredRun& run);

// Writes render_html_report(run) to `path`. Throws std::runtime_error naming the path when it
// can't be written.
void write_html_report(const std::string& path, const StoredRun& run);

}  // namespace bundlesim
