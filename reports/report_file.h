#pragma once
// The SQLite report: one file holds any number of runs; each run is written in one transaction, so
// a failed or interrupted run leaves no rows behind and earlier runs stay intact.
// The schema is documented in docs/report-schema.md.

#include <cstdint>
#include <string>
#include <vector>

#include "reports/arm_metrics.h"
#include "sim/experiment.h"

namespace bundlesim {

struct RunInfo {
  std::string started_at, finished_at;  // ISO 8601, UTC
  int threads = 1;
  std::string program_version;
};

// Extra settings for testing failure paths (a size cap stands in for a full disk).
struct ReportWriteOptions {
  int64_t max_page_count = 0;  // 0 = no cap
};

// Appends a run; returns its id. Throws SqliteError (nothing written) when the file can't take it.
int64_t write_report(const std::string& path, const Scenario& scenario, const RunResult& result,
                     const std::vector<ArmMetrics>& metrics, const RunInfo& info,
                     const ReportWriteOptions& options = {});

// One bundle as an arm showed it (table `bundles`).
struct StoredBundle {
  std::vector<std::string> items;  // catalog item ids
  int64_t shown = 0, taken = 0;
  double revenue = 0;
};

// A run read back from a report.
struct StoredArm {
  std::string name, policy, params_json;
  double traffic = 0;
  std::vector<Metric> metrics;
  VisitorMoments visitors;
  VisitorMoments paired_difference;  // count() == 0 when the run was not paired
  std::vector<DayTotals> days;  // sums of squares are NaN in reports from before they were stored
  std::vector<StoredBundle> bundles;
  const Metric* find(const std::string& metric) const;
};

struct StoredRun {
  int64_t id = 0;
  std::string scenario_name, scenario_json, program_version, started_at, finished_at, status, design;
  uint64_t seed = 0;
  int64_t shoppers = 0, events = 0;
  double horizon_days = 0, wall_seconds = 0;
  std::string currency;
  int threads = 1;
  int control_arm = 0;
  std::vector<StoredArm> arms;
};

// Ids of the runs in a report, oldest first. Throws SqliteError when the file isn't a report.
std::vector<int64_t> list_runs(const std::string& path);
// Reads one run; id 0 means the latest. Throws SqliteError when it isn't there.
StoredRun read_run(const std::string& path, int64_t id = 0);

}  // namespace bundlesim
