// The Open Bandit Dataset reader (Saito, Aihara, Matsutani & Narita, "Open Bandit Dataset and
// Pipeline", NeurIPS 2021 Datasets and Benchmarks). Columns of `{campaign}.csv`: an unnamed row
// index, timestamp, item_id, position (1..3), click, propensity_score, user_feature_0..3 (hashed
// categories) and user-item_affinity_0..K-1; of item_context.csv: an unnamed index, item_id,
// item_feature_0 (a number) and item_feature_1..3 (hashed categories).

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "reports/csv_file.h"
#include "reports/ope_logs.h"

namespace bundlesim {

namespace fs = std::filesystem;

LogError::LogError(const std::string& file, int64_t line, const std::string& what)
    : ScenarioError(file, fmt::format("line {}: {}", line, what)) {}

const PairFeature* BanditLog::find_pair_feature(const std::string& name) const {
  for (const PairFeature& f : pair_features) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// One-hot columns for categorical fields: the sorted distinct values of each field.
struct OneHot {
  std::vector<int> columns;
  std::vector<std::map<std::string, int, std::less<>>> codes;  // value -> offset within the field
  int width() const {
    int w = 0;
    for (const auto& c : codes) w += static_cast<int>(c.size());
    return w;
  }
};

// Item features from item_context.csv: item_feature_0 as a number, the rest one-hot.
void read_item_context(const std::string& file, BanditLog& log) {
  CsvFile csv(file);
  int id = csv.required_column("item_id");
  std::vector<int> numeric, categorical;
  for (size_t c = 0; c < csv.header().size(); ++c) {
    const std::string& name = csv.header()[c];
    if (!starts_with(name, "item_feature_")) continue;
    (name == "item_feature_0" ? numeric : categorical).push_back(static_cast<int>(c));
  }
  struct Row {
    int64_t line;
    std::vector<double> numbers;
    std::vector<std::string> categories;
  };
  std::map<int64_t, Row> rows;
  std::vector<std::map<std::string, int, std::less<>>> codes(categorical.size());
  while (csv.next()) {
    int64_t item = csv.integer(id, 0, 1 << 20);
    if (rows.count(item)) {
      csv.fail(id, fmt::format("item {} appears twice (first on line {})", item, rows[item].line));
    }
    Row row{csv.line(), {}, {}};
    for (int c : numeric) row.numbers.push_back(csv.number(c));
    for (size_t k = 0; k < categorical.size(); ++k) {
      row.categories.emplace_back(csv.field(categorical[k]));
      codes[k].emplace(row.categories.back(), 0);
    }
    rows.emplace(item, std::move(row));
  }
  if (rows.empty()) throw LogError(file, "no items (expected one row per item after the header)");
  // Items must be numbered 0..K-1: the campaign file's item_id indexes into them.
  int64_t expected = 0;
  for (const auto& [item, row] : rows) {
    if (item != expected) {
      throw LogError(file, fmt::format("items must be numbered 0..{} without gaps; item {} is missing",
                                       rows.size() - 1, expected));
    }
    ++expected;
  }
  int width = static_cast<int>(numeric.size());
  for (auto& c : codes) {
    int k = 0;
    for (auto& [value, offset] : c) offset = k++;
    width += k;
  }
  log.actions = static_cast<int>(rows.size());
  log.action_feature_dim = width;
  log.action_features.assign(static_cast<size_t>(log.actions) * width, 0.0f);
  for (const auto& [item, row] : rows) {
    float* out = &log.action_features[item * width];
    int at = 0;
    for (double v : row.numbers) out[at++] = static_cast<float>(v);
    for (size_t k = 0; k < codes.size(); ++k) {
      out[at + codes[k].at(row.categories[k])] = 1.0f;
      at += static_cast<int>(codes[k].size());
    }
  }
}

}  // namespace

BanditLog read_obd_log(const std::string& path) {
  std::string file = path;
  if (fs::is_directory(path)) {
    // `random/men` holds men.csv and item_context.csv.
    fs::path dir(path);
    std::string campaign = dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
    file = (dir / (campaign + ".csv")).string();
  }
  BanditLog log;
  log.source = file;
  log.format = "obd";
  std::string item_context = (fs::path(file).parent_path() / "item_context.csv").string();
  if (fs::exists(item_context)) read_item_context(item_context, log);

  CsvFile csv(file);
  const int item_column = csv.required_column("item_id");
  const int position_column = csv.required_column("position");
  const int click_column = csv.required_column("click");
  const int propensity_column = csv.required_column("propensity_score");

  // Pair features: column groups PREFIX0 .. PREFIX{K-1}; user_feature_* are categorical context.
  OneHot user;
  std::map<std::string, std::map<int, int>> groups;  // prefix -> index -> column
  for (size_t c = 0; c < csv.header().size(); ++c) {
    const std::string& name = csv.header()[c];
    if (starts_with(name, "user_feature_")) {
      user.columns.push_back(static_cast<int>(c));
      continue;
    }
    size_t digits = name.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
    if (digits == 0 || digits == name.size() || name.size() - digits > 6) continue;
    groups[name.substr(0, digits)][std::stoi(name.substr(digits))] = static_cast<int>(c);
  }
  user.codes.resize(user.columns.size());

  // Without item_context.csv the number of items comes from the affinity columns, else from the
  // largest item seen.
  const bool known_items = log.actions > 0;
  if (!known_items) {
    auto affinity = groups.find("user-item_affinity_");
    if (affinity != groups.end()) log.actions = static_cast<int>(affinity->second.size());
  }
  const int64_t max_item = log.actions > 0 ? log.actions - 1 : (1 << 20);

  // Pair features: the groups with exactly one column per action.
  std::vector<std::pair<PairFeature, std::vector<int>>> pairs;
  for (const auto& [prefix, columns] : groups) {
    bool one_per_action = log.actions > 0 && static_cast<int>(columns.size()) == log.actions &&
                          columns.begin()->first == 0 && columns.rbegin()->first == log.actions - 1;
    if (!one_per_action) {
      if (prefix == "user-item_affinity_") {
        throw LogError(file, 1, fmt::format("expected columns user-item_affinity_0 .. user-item_affinity_{} (one per "
                                            "item in {}), found {}", log.actions - 1, item_context, columns.size()));
      }
      continue;
    }
    std::vector<int> cols;
    for (const auto& [index, column] : columns) cols.push_back(column);
    pairs.emplace_back(PairFeature{prefix, {}}, std::move(cols));
  }

  std::vector<std::vector<std::string>> user_values(user.columns.size());
  while (csv.next()) {
    log.line.push_back(csv.line());
    int64_t item = csv.integer(item_column, 0, max_item);
    log.action.push_back(static_cast<int>(item));
    log.position.push_back(static_cast<int>(csv.integer(position_column, 1, 1000)) - 1);
    log.reward.push_back(static_cast<double>(csv.integer(click_column, 0, 1)));
    if (csv.field(propensity_column).empty()) {
      csv.fail(propensity_column, "missing propensity (off-policy estimates need the logging policy's probability "
                                  "of every logged action)");
    }
    double p = csv.number(propensity_column);
    if (!(p > 0 && p <= 1)) {
      csv.fail(propensity_column,
               fmt::format("propensity must be in (0, 1], got {}{}", csv.field(propensity_column),
                           p == 0 ? " (a logged action the logging policy could not take: the log is inconsistent, "
                                    "and importance weights would divide by zero)"
                                  : ""));
    }
    log.propensity.push_back(p);
    for (auto& [feature, columns] : pairs) {
      for (int column : columns) feature.values.push_back(static_cast<float>(csv.number(column)));
    }
    for (size_t k = 0; k < user.columns.size(); ++k) {
      std::string_view value = csv.field(user.columns[k]);
      user.codes[k].emplace(std::string(value), 0);
      user_values[k].emplace_back(value);
    }
  }
  const size_t n = log.rounds();
  if (n == 0) throw LogError(file, "no rounds (expected one row per impression after the header)");
  if (log.actions == 0) log.actions = *std::max_element(log.action.begin(), log.action.end()) + 1;
  log.positions = *std::max_element(log.position.begin(), log.position.end()) + 1;
  for (int a = 0; a < log.actions; ++a) log.action_names.push_back(fmt::format("item {}", a));

  // Context: one-hot user features, codes in sorted order so that the layout does not depend on
  // row order.
  for (auto& c : user.codes) {
    int k = 0;
    for (auto& [value, offset] : c) offset = k++;
  }
  log.context_dim = user.width();
  log.context.assign(n * log.context_dim, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    int at = 0;
    for (size_t k = 0; k < user.columns.size(); ++k) {
      log.context[i * log.context_dim + at + user.codes[k].at(user_values[k][i])] = 1.0f;
      at += static_cast<int>(user.codes[k].size());
    }
  }
  for (auto& [feature, columns] : pairs) log.pair_features.push_back(std::move(feature));

  return log;
}

BanditLog read_bandit_log(const std::string& path, const std::string& arm) {
  // A simulator log starts with `# format: {"name":"bundlesim event log",...}`.
  if (!fs::is_directory(path)) {
    std::ifstream in(path, std::ios::binary);
    std::string first;
    if (in && std::getline(in, first) && first.rfind("# ", 0) == 0) return read_simulator_log(path, arm);
  }
  if (!arm.empty()) {
    throw LogError(path, fmt::format("--arm {}: only simulator logs have arms; this is an Open Bandit Dataset file", arm));
  }
  return read_obd_log(path);
}

}  // namespace bundlesim
