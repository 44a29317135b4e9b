#pragma once
// The report's `comparisons` and `warnings` tables (docs/report-schema.md): written in the run's
// transaction by write_report(), read back by `bundlesim compare` and tests.

#include <cstdint>
#include <string>
#include <vector>

#include "reports/comparisons.h"

namespace bundlesim {

class Database;

// Creates the tables when missing and inserts the set's rows for `run`.
// REQUIRES: inside the caller's transaction.
void write_comparisons(Database& db, int64_t run, const ComparisonSet& set);

struct StoredWarning {
  std::string kind, message;
};

// The comparisons stored for a run (empty for reports written before the table existed). Only the
// fields the table holds are filled (names, values, tests, flags).
std::vector<Comparison> read_comparisons(const std::string& path, int64_t run);
std::vector<StoredWarning> read_warnings(const std::string& path, int64_t run);

}  // namespace bundlesim
