#include "reports/report_file.h"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/comparison_store.h"
#include "reports/sqlite_db.h"

namespace bundlesim {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  scenario_name TEXT NOT NULL,
  scenario_file TEXT NOT NULL,
  scenario_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  program_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  status TEXT NOT NULL,
  design TEXT NOT NULL,
  threads INTEGER NOT NULL,
  horizon_days REAL NOT NULL,
  currency TEXT NOT NULL,
  shoppers INTEGER NOT NULL,
  events INTEGER NOT NULL,
  decisions INTEGER NOT NULL,
  wall_seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS arms (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arm_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  policy TEXT NOT NULL,
  params_json TEXT NOT NULL,
  traffic REAL NOT NULL,
  is_control INTEGER NOT NULL,
  PRIMARY KEY (run_id, arm_index)
);
CREATE TABLE IF NOT EXISTS metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arm_index INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL,
  ci_low REAL,
  ci_high REAL,
  PRIMARY KEY (run_id, arm_index, metric)
);
CREATE TABLE IF NOT EXISTS timeseries (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arm_index INTEGER NOT NULL,
  day INTEGER NOT NULL,
  visitors INTEGER NOT NULL,
  sessions INTEGER NOT NULL,
  orders INTEGER NOT NULL,
  revenue REAL NOT NULL,
  margin REAL NOT NULL,
  revenue_sumsq_delta REAL,
  margin_sumsq_delta REAL,
  PRIMARY KEY (run_id, arm_index, day)
);
CREATE TABLE IF NOT EXISTS bundles (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arm_index INTEGER NOT NULL,
  bundle_index INTEGER NOT NULL,
  items_json TEXT NOT NULL,
  shown INTEGER NOT NULL,
  taken INTEGER NOT NULL,
  revenue REAL NOT NULL,
  PRIMARY KEY (run_id, arm_index, bundle_index)
);
CREATE TABLE IF NOT EXISTS moments (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arm_index INTEGER NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  variables_json TEXT NOT NULL,
  means_json TEXT NOT NULL,
  comoments_json TEXT NOT NULL,
  PRIMARY KEY (run_id, arm_index, kind)
);
)sql";

void write_moments(Statement& insert, int64_t run, int arm, const char* kind, const VisitorMoments& m) {
  nlohmann::json variables = nlohmann::json::array(), means = nlohmann::json::array(), comoments = nlohmann::json::array();
  for (int i = 0; i < kVisitorVariables; ++i) {
    variables.push_back(kVisitorVariableNames[i]);
    means.push_back(m.means()[i]);
  }
  for (double c : m.comoments()) comoments.push_back(c);
  insert.bind(1, run).bind(2, static_cast<int64_t>(arm)).bind(3, std::string(kind)).bind(4, m.count())
      .bind(5, variables.dump()).bind(6, means.dump()).bind(7, comoments.dump()).run();
}

VisitorMoments parse_moments(int64_t count, const std::string& means_json, const std::string& comoments_json) {
  auto means = nlohmann::json::parse(means_json);
  auto comoments = nlohmann::json::parse(comoments_json);
  VisitorMoments::Vector mean{};
  std::array<double, kVisitorVariables * kVisitorVariables> co{};
  for (size_t i = 0; i < mean.size() && i < means.size(); ++i) mean[i] = means[i].get<double>();
  for (size_t i = 0; i < co.size() && i < comoments.size(); ++i) co[i] = comoments[i].get<double>();
  return VisitorMoments::from_state(count, mean, co);
}

bool has_table(Database& db, const std::string& table) {
  Statement q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, table);
  bool found = q.next();
  while (q.next()) {
  }
  return found;
}

bool has_column(Database& db, const std::string& table, const std::string& column) {
  Statement q = db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
  q.bind(1, table).bind(2, column);
  bool found = q.next();
  while (q.next()) {
  }
  return found;
}

// Reports written before a column was added get it (NULL in their old rows), so new runs can be
// appended to old files.
void add_missing_columns(Database& db) {
  for (const char* column : {"revenue_sumsq_delta", "margin_sumsq_delta"}) {
    if (!has_column(db, "timeseries", column)) db.exec(fmt::format("ALTER TABLE timeseries ADD COLUMN {} REAL", column));
  }
}

}  // namespace

int64_t write_report(const std::string& path, const Scenario& scenario, const RunResult& result,
                     const std::vector<ArmMetrics>& metrics, const RunInfo& info, const ReportWriteOptions& options) {
  Database db(path, Database::Mode::kReadWriteCreate);
  if (options.max_page_count > 0) db.exec(fmt::format("PRAGMA max_page_count = {}", options.max_page_count));
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(kSchema);
    add_missing_columns(db);
    db.prepare(
          "INSERT INTO runs (scenario_name, scenario_file, scenario_json, seed, program_version, started_at, "
          "finished_at, status, design, threads, horizon_days, currency, shoppers, events, decisions, wall_seconds) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind(1, scenario.name).bind(2, scenario.file).bind(3, scenario.json_text)
        .bind(4, static_cast<int64_t>(result.seed)).bind(5, info.program_version).bind(6, info.started_at)
        .bind(7, info.finished_at).bind(8, std::string("completed"))
        .bind(9, std::string(scenario.experiment.design == ExperimentSpec::Design::kPaired ? "paired" : "ab"))
        .bind(10, static_cast<int64_t>(info.threads)).bind(11, scenario.horizon_days).bind(12, scenario.currency)
        .bind(13, result.shoppers).bind(14, result.events).bind(15, result.decisions).bind(16, result.wall_seconds)
        .run();
    int64_t run = db.last_insert_rowid();
    Statement arm_insert = db.prepare("INSERT INTO arms VALUES (?,?,?,?,?,?,?)");
    Statement metric_insert = db.prepare("INSERT INTO metrics VALUES (?,?,?,?,?,?)");
    Statement day_insert = db.prepare(
        "INSERT INTO timeseries (run_id, arm_index, day, visitors, sessions, orders, revenue, margin, "
        "revenue_sumsq_delta, margin_sumsq_delta) VALUES (?,?,?,?,?,?,?,?,?,?)");
    Statement bundle_insert = db.prepare("INSERT INTO bundles VALUES (?,?,?,?,?,?,?)");
    Statement moment_insert = db.prepare("INSERT INTO moments VALUES (?,?,?,?,?,?,?)");
    for (int a = 0; a < static_cast<int>(scenario.arms.size()); ++a) {
      const ArmSpec& arm = scenario.arms[a];
      arm_insert.bind(1, run).bind(2, static_cast<int64_t>(a)).bind(3, arm.name).bind(4, arm.policy)
          .bind(5, arm.params.is_null() ? std::string("{}") : arm.params.dump()).bind(6, arm.traffic)
          .bind(7, static_cast<int64_t>(a == scenario.experiment.control_arm)).run();
      for (const Metric& m : metrics[a].metrics) {
        metric_insert.bind(1, run).bind(2, static_cast<int64_t>(a)).bind(3, m.name).bind(4, m.value)
            .bind(5, m.ci_low).bind(6, m.ci_high).run();
      }
      const auto& days = result.arms[a].days;
      for (int d = 0; d < static_cast<int>(days.size()); ++d) {
        day_insert.bind(1, run).bind(2, static_cast<int64_t>(a)).bind(3, static_cast<int64_t>(d))
            .bind(4, days[d].visitors).bind(5, days[d].sessions).bind(6, days[d].orders)
            .bind(7, days[d].revenue).bind(8, days[d].margin).bind(9, days[d].revenue_sumsq_delta)
            .bind(10, days[d].margin_sumsq_delta).run();
      }
      const auto& bundles = result.arms[a].bundles;
      for (int b = 0; b < static_cast<int>(bundles.size()); ++b) {
        nlohmann::json items = nlohmann::json::array();
        for (ItemIndex i : bundles[b].items) items.push_back(scenario.catalog.item(i).id);
        bundle_insert.bind(1, run).bind(2, static_cast<int64_t>(a)).bind(3, static_cast<int64_t>(b))
            .bind(4, items.dump()).bind(5, bundles[b].shown).bind(6, bundles[b].taken).bind(7, bundles[b].revenue)
            .run();
      }
      write_moments(moment_insert, run, a, "visitor", result.arms[a].visitors);
      if (!result.paired_differences.empty()) {
        write_moments(moment_insert, run, a, "paired_difference", result.paired_differences[a]);
      }
    }
    write_comparisons(db, run, compare_run(scenario, result));
    db.exec("COMMIT");
    return run;
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (...) {
      // SQLite may already have rolled back (e.g. on SQLITE_FULL); nothing more to undo.
    }
    throw;
  }
}

const Metric* StoredArm::find(const std::string& metric) const {
  for (const Metric& m : metrics) {
    if (m.name == metric) return &m;
  }
  return nullptr;
}

std::vector<int64_t> list_runs(const std::string& path) {
  if (!std::filesystem::exists(path)) throw SqliteError(path + ": no such file");
  Database db(path, Database::Mode::kReadOnly);
  std::vector<int64_t> ids;
  try {
    Statement q = db.prepare("SELECT id FROM runs ORDER BY id");
    while (q.next()) ids.push_back(q.column_int(0));
  } catch (const SqliteError& e) {
    throw SqliteError(path + ": not a bundlesim report (" + e.what() + ")");
  }
  return ids;
}

StoredRun read_run(const std::string& path, int64_t id) {
  std::vector<int64_t> ids = list_runs(path);
  if (ids.empty()) throw SqliteError(path + ": the report holds no runs");
  if (id == 0) id = ids.back();
  Database db(path, Database::Mode::kReadOnly);
  StoredRun run;
  Statement q = db.prepare(
      "SELECT id, scenario_name, scenario_json, program_version, started_at, finished_at, status, design, seed, "
      "shoppers, events, horizon_days, currency, threads, wall_seconds FROM runs WHERE id = ?");
  q.bind(1, id);
  if (!q.next()) throw SqliteError(fmt::format("{}: no run with id {}", path, id));
  run.id = q.column_int(0);
  run.scenario_name = q.column_text(1);
  run.scenario_json = q.column_text(2);
  run.program_version = q.column_text(3);
  run.started_at = q.column_text(4);
  run.finished_at = q.column_text(5);
  run.status = q.column_text(6);
  run.design = q.column_text(7);
  run.seed = static_cast<uint64_t>(q.column_int(8));
  run.shoppers = q.column_int(9);
  run.events = q.column_int(10);
  run.horizon_days = q.column_double(11);
  run.currency = q.column_text(12);
  run.threads = static_cast<int>(q.column_int(13));
  run.wall_seconds = q.column_double(14);
  while (q.next()) {
  }
  Statement arms = db.prepare(
      "SELECT name, policy, traffic, is_control, params_json FROM arms WHERE run_id = ? ORDER BY arm_index");
  arms.bind(1, id);
  while (arms.next()) {
    StoredArm arm;
    arm.name = arms.column_text(0);
    arm.policy = arms.column_text(1);
    arm.traffic = arms.column_double(2);
    if (arms.column_int(3) != 0) run.control_arm = static_cast<int>(run.arms.size());
    arm.params_json = arms.column_text(4);
    run.arms.push_back(std::move(arm));
  }
  Statement metrics = db.prepare("SELECT arm_index, metric, value, ci_low, ci_high FROM metrics WHERE run_id = ?");
  metrics.bind(1, id);
  while (metrics.next()) {
    std::string name = metrics.column_text(1);
    Metric m{name, metric_unit(name), metrics.column_double(2), metrics.column_double(3), metrics.column_double(4)};
    run.arms.at(metrics.column_int(0)).metrics.push_back(m);
  }
  // Reports from before the sums of squares were added read them as NaN (no CI bands).
  const bool has_sumsq = has_column(db, "timeseries", "revenue_sumsq_delta");
  Statement days = db.prepare(fmt::format(
      "SELECT arm_index, day, visitors, sessions, orders, revenue, margin, {} FROM timeseries WHERE run_id = ? "
      "ORDER BY arm_index, day",
      has_sumsq ? "revenue_sumsq_delta, margin_sumsq_delta" : "NULL, NULL"));
  days.bind(1, id);
  while (days.next()) {
    run.arms.at(days.column_int(0)).days.push_back({days.column_int(2), days.column_int(3), days.column_int(4),
                                                    days.column_double(5), days.column_double(6),
                                                    days.column_double(7), days.column_double(8)});
  }
  if (has_table(db, "bundles")) {
    Statement bundles = db.prepare(
        "SELECT arm_index, items_json, shown, taken, revenue FROM bundles WHERE run_id = ? ORDER BY arm_index, "
        "bundle_index");
    bundles.bind(1, id);
    while (bundles.next()) {
      StoredBundle b;
      for (const auto& item : nlohmann::json::parse(bundles.column_text(1))) b.items.push_back(item.get<std::string>());
      b.shown = bundles.column_int(2);
      b.taken = bundles.column_int(3);
      b.revenue = bundles.column_double(4);
      run.arms.at(bundles.column_int(0)).bundles.push_back(std::move(b));
    }
  }
  Statement moments = db.prepare("SELECT arm_index, kind, count, means_json, comoments_json FROM moments WHERE run_id = ?");
  moments.bind(1, id);
  while (moments.next()) {
    VisitorMoments m = parse_moments(moments.column_int(2), moments.column_text(3), moments.column_text(4));
    StoredArm& arm = run.arms.at(moments.column_int(0));
    if (moments.column_text(1) == "visitor") arm.visitors = m;
    else arm.paired_difference = m;
  }
  return run;
}

}  // namespace bundlesim
