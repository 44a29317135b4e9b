#include "reports/comparison_store.h"

#include "reports/sqlite_db.h"

namespace bundlesim {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS comparisons (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  arm_index INTEGER NOT NULL,
  control_index INTEGER NOT NULL,
  metric TEXT NOT NULL,
  cuped INTEGER NOT NULL,
  method TEXT NOT NULL,
  control_value REAL,
  arm_value REAL,
  difference REAL,
  difference_ci_low REAL,
  difference_ci_high REAL,
  lift REAL,
  lift_ci_low REAL,
  lift_ci_high REAL,
  p_value REAL,
  p_value_adjusted REAL,
  significant INTEGER NOT NULL,
  variance_reduction REAL,
  alpha REAL NOT NULL,
  PRIMARY KEY (run_id, arm_index, metric, cuped)
);
CREATE TABLE IF NOT EXISTS warnings (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL,
  message TEXT NOT NULL
);
)sql";

bool has_table(Database& db, const char* table) {
  Statement q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, std::string(table));
  bool found = q.next();
  while (q.next()) {
  }
  return found;
}

}  // namespace

void write_comparisons(Database& db, int64_t run, const ComparisonSet& set) {
  db.exec(kSchema);
  Statement insert = db.prepare("INSERT INTO comparisons VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const Comparison& c : set.comparisons) {
    const PairTest& t = c.test;
    insert.bind(1, run).bind(2, static_cast<int64_t>(c.arm_index)).bind(3, static_cast<int64_t>(c.control_index))
        .bind(4, c.metric).bind(5, static_cast<int64_t>(c.cuped)).bind(6, c.method).bind(7, c.control_value)
        .bind(8, c.arm_value).bind(9, t.difference).bind(10, t.difference_low).bind(11, t.difference_high)
        .bind(12, t.lift).bind(13, t.lift_low).bind(14, t.lift_high).bind(15, t.p_value).bind(16, c.p_value_adjusted)
        .bind(17, static_cast<int64_t>(c.significant)).bind(18, c.variance_reduction).bind(19, set.alpha).run();
  }
  Statement warn = db.prepare("INSERT INTO warnings VALUES (?,?,?)");
  // compare_run's order: the sample ratio mismatch, then the shared stock, then any others.
  std::vector<std::string> kinds;
  if (set.srm.mismatch) kinds.push_back("sample_ratio_mismatch");
  if (set.shared_stock) kinds.push_back("shared_stock");
  for (size_t k = 0; k < set.warnings.size(); ++k) {
    warn.bind(1, run).bind(2, k < kinds.size() ? kinds[k] : std::string("comparison")).bind(3, set.warnings[k]).run();
  }
}

std::vector<Comparison> read_comparisons(const std::string& path, int64_t run) {
  Database db(path, Database::Mode::kReadOnly);
  std::vector<Comparison> out;
  if (!has_table(db, "comparisons")) return out;
  Statement q = db.prepare(
      "SELECT c.arm_index, c.control_index, c.metric, c.cuped, c.method, c.control_value, c.arm_value, c.difference, "
      "c.difference_ci_low, c.difference_ci_high, c.lift, c.lift_ci_low, c.lift_ci_high, c.p_value, "
      "c.p_value_adjusted, c.significant, c.variance_reduction, a.name, k.name FROM comparisons c "
      "JOIN arms a ON a.run_id = c.run_id AND a.arm_index = c.arm_index "
      "JOIN arms k ON k.run_id = c.run_id AND k.arm_index = c.control_index WHERE c.run_id = ? "
      "ORDER BY c.rowid");
  q.bind(1, run);
  while (q.next()) {
    Comparison c;
    c.arm_index = static_cast<int>(q.column_int(0));
    c.control_index = static_cast<int>(q.column_int(1));
    c.metric = q.column_text(2);
    c.cuped = q.column_int(3) != 0;
    c.method = q.column_text(4);
    c.control_value = q.column_double(5);
    c.arm_value = q.column_double(6);
    c.test.difference = q.column_double(7);
    c.test.difference_low = q.column_double(8);
    c.test.difference_high = q.column_double(9);
    c.test.lift = q.column_double(10);
    c.test.lift_low = q.column_double(11);
    c.test.lift_high = q.column_double(12);
    c.test.p_value = q.column_double(13);
    c.p_value_adjusted = q.column_double(14);
    c.significant = q.column_int(15) != 0;
    c.variance_reduction = q.column_double(16);
    c.arm = q.column_text(17);
    c.control = q.column_text(18);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<StoredWarning> read_warnings(const std::string& path, int64_t run) {
  Database db(path, Database::Mode::kReadOnly);
  std::vector<StoredWarning> out;
  if (!has_table(db, "warnings")) return out;
  Statement q = db.prepare("SELECT kind, message FROM warnings WHERE run_id = ? ORDER BY rowid");
  q.bind(1, run);
  while (q.next()) out.push_back({q.column_text(0), q.column_text(1)});
  return out;
}

}  // namespace bundlesim
