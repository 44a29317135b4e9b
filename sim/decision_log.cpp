#include "sim/decision_log.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bundlesim {
namespace {

using nlohmann::json;

// The column header of version 1; docs/event-log.md explains each column.
constexpr const char* kColumns =
    "decision,arm,shopper,visit,segment,time_days,browsed,bundles,overrides,propensity,items,prices,baskets,"
    "chosen,filled,revenue";
constexpr int kColumnCount = 16;

// Doubles are written in the shortest form that reads back to the same value.
void put_number(std::string& out, double x) { fmt::format_to(std::back_inserter(out), "{}", x); }

// Splits `text` at `separator`; an empty text gives no parts.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  if (text.empty()) return parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// Parses one row's fields, naming file, line and column in every error.
class RowParser {
 public:
  RowParser(const std::string& file, int64_t line) : file_(file), line_(line) {}

  [[noreturn]] void fail(const char* column, const std::string& message) const {
    throw DecisionLogError(fmt::format("{}: line {}, column `{}`: {}", file_, line_, column, message));
  }
  double number(std::string_view text, const char* column) const {
    std::string s(text);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
      fail(column, fmt::format("not a number: \"{}\"", s));
    }
    return v;
  }
  int64_t integer(std::string_view text, const char* column, int64_t low, int64_t high) const {
    std::string s(text);
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE) fail(column, fmt::format("not a whole number: \"{}\"", s));
    if (v < low || v > high) fail(column, fmt::format("{} is out of range [{}, {}]", v, low, high));
    return v;
  }
  uint64_t unsigned_integer(std::string_view text, const char* column) const {
    std::string s(text);
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE) {
      fail(column, fmt::format("not a whole number: \"{}\"", s));
    }
    return v;
  }
  std::vector<ItemIndex> items(std::string_view text, const char* column, int catalog_size) const {
    std::vector<ItemIndex> out;
    for (std::string_view part : split(text, ' ')) {
      out.push_back(static_cast<ItemIndex>(integer(part, column, 0, catalog_size - 1)));
    }
    return out;
  }

 private:
  const std::string& file_;
  int64_t line_;
};

json header_json(const std::string& file, int64_t line, const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw DecisionLogError(fmt::format("{}: line {}: header value is not valid JSON: {}", file, line, e.what()));
  }
}

}  // namespace

DecisionLogWriter::DecisionLogWriter(const std::string& path, const Scenario& scenario, uint64_t seed)
    : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
  if (!out_) throw std::runtime_error(fmt::format("{}: can't write the event log: {}", path, std::strerror(errno)));
  json items = json::array();
  for (const Item& item : scenario.catalog.items()) {
    items.push_back({{"id", item.id}, {"category", item.category}, {"brand", item.brand}, {"price", item.price}});
  }
  json segments = scenario.population.segment_names();
  json arms = json::array();
  for (const ArmSpec& arm : scenario.arms) arms.push_back({{"name", arm.name}, {"policy", arm.policy}});
  out_ << "# format: " << json{{"name", "bundlesim event log"}, {"version", kDecisionLogVersion}}.dump() << "\n";
  out_ << "# scenario: " << json{{"name", scenario.name}, {"seed", seed}, {"currency", scenario.currency}}.dump()
       << "\n";
  out_ << "# catalog: "
       << json{{"fingerprint", fmt::format("{:016x}", scenario.catalog.fingerprint())}, {"items", items}}.dump()
       << "\n";
  out_ << "# segments: " << segments.dump() << "\n";
  out_ << "# arms: " << arms.dump() << "\n";
  out_ << kColumns << "\n";
}

DecisionLogWriter::~DecisionLogWriter() {
  if (out_.is_open()) out_.close();
}

void DecisionLogWriter::write(const DecisionRecord& r) {
  const ChoiceProblem& problem = r.batch->problems[r.problem];
  std::string& s = line_;
  s.clear();
  auto out = std::back_inserter(s);
  fmt::format_to(out, "{},{},{},{},{},", rows_, r.arm, r.shopper, r.visit, r.segment);
  put_number(s, r.time_days);
  s += ',';
  for (size_t k = 0; k < r.browsed->size(); ++k) fmt::format_to(out, "{}{}", k ? " " : "", (*r.browsed)[k]);
  s += ',';
  for (size_t b = 0; b < r.offer->bundles.size(); ++b) {
    const OfferedBundle& bundle = r.offer->bundles[b];
    if (b) s += ';';
    for (size_t k = 0; k < bundle.items.size(); ++k) fmt::format_to(out, "{}{}", k ? " " : "", bundle.items[k]);
    s += ':';
    put_number(s, bundle.price);
    fmt::format_to(out, ":{}:{}", bundle.pure ? 1 : 0, bundle.bundle_id);
  }
  s += ',';
  for (size_t k = 0; k < r.offer->price_overrides.size(); ++k) {
    fmt::format_to(out, "{}{}:", k ? ";" : "", r.offer->price_overrides[k].first);
    put_number(s, r.offer->price_overrides[k].second);
  }
  s += ',';
  if (r.offer->propensity_known()) put_number(s, r.offer->propensity);  // empty: unknown
  s += ',';
  for (int k = 0; k < problem.item_count; ++k) fmt::format_to(out, "{}{}", k ? " " : "", r.batch->items[problem.item_begin + k]);
  s += ',';
  for (int k = 0; k < problem.item_count; ++k) {
    if (k) s += ' ';
    put_number(s, r.batch->item_prices[problem.item_begin + k]);
  }
  s += ',';
  double revenue = 0;
  for (int b = 0; b < problem.basket_count; ++b) {
    const BasketOption& basket = r.batch->baskets[problem.basket_begin + b];
    fmt::format_to(out, "{}{}:{}:", b ? ";" : "", basket.items, basket.bundle);
    put_number(s, basket.price);
    if (b == r.chosen && r.filled) revenue = basket.price;
  }
  fmt::format_to(out, ",{},{},", r.chosen, r.filled ? 1 : 0);
  put_number(s, revenue);
  s += '\n';
  out_.write(s.data(), static_cast<std::streamsize>(s.size()));
  ++rows_;
}

void DecisionLogWriter::close() {
  out_.flush();
  bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok) throw std::runtime_error(fmt::format("{}: writing the event log failed", path_));
}

DecisionLog read_decision_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DecisionLogError(fmt::format("{}: can't read the event log: {}", path, std::strerror(errno)));
  DecisionLog log;
  log.file = path;
  std::string text;
  int64_t line = 0;
  bool have_format = false, have_catalog = false, have_columns = false;
  std::string fingerprint;

  // Header: `# key: JSON` lines, then the column names.
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.rfind("# ", 0) != 0) {
      if (!have_format) {
        throw DecisionLogError(fmt::format("{}: not a bundlesim event log (it starts with no `# format:` line)", path));
      }
      if (text != kColumns) {
        throw DecisionLogError(fmt::format("{}: line {}: expected the column header \"{}\", got \"{}\"", path,
                                           line, kColumns, text.substr(0, 200)));
      }
      have_columns = true;
      break;
    }
    size_t colon = text.find(": ");
    if (colon == std::string::npos) {
      throw DecisionLogError(fmt::format("{}: line {}: a header line is `# key: JSON`", path, line));
    }
    std::string key = text.substr(2, colon - 2);
    json value = header_json(path, line, text.substr(colon + 2));
    try {
      if (key == "format") {
        if (value.value("name", "") != "bundlesim event log") {
          throw DecisionLogError(fmt::format("{}: line {}: not a bundlesim event log", path, line));
        }
        log.version = value.at("version").get<int>();
        if (log.version != kDecisionLogVersion) {
          throw DecisionLogError(fmt::format("{}: line {}: event log version {} is not supported (this build reads "
                                             "version {})", path, line, log.version, kDecisionLogVersion));
        }
        have_format = true;
      } else if (key == "scenario") {
        log.scenario_name = value.at("name").get<std::string>();
        log.seed = value.at("seed").get<uint64_t>();
      } else if (key == "catalog") {
        fingerprint = value.at("fingerprint").get<std::string>();
        std::vector<Item> items;
        for (const json& i : value.at("items")) {
          Item item;
          item.id = i.at("id").get<std::string>();
          item.category = i.at("category").get<std::string>();
          item.brand = i.at("brand").get<std::string>();
          item.price = i.at("price").get<double>();
          items.push_back(std::move(item));
        }
        log.catalog = Catalog(std::move(items));
        have_catalog = true;
      } else if (key == "segments") {
        log.segments = value.get<std::vector<std::string>>();
      } else if (key == "arms") {
        for (const json& a : value) log.arms.push_back({a.at("name").get<std::string>(), a.at("policy").get<std::string>()});
      }
      // Other keys are for people and later versions; they are skipped.
    } catch (const json::exception& e) {
      throw DecisionLogError(fmt::format("{}: line {}: header `{}`: {}", path, line, key, e.what()));
    }
  }
  if (!have_format) throw DecisionLogError(fmt::format("{}: not a bundlesim event log (no `# format:` line)", path));
  if (!have_catalog) throw DecisionLogError(fmt::format("{}: the header has no `# catalog:` line", path));
  if (!have_columns) throw DecisionLogError(fmt::format("{}: no column header line", path));
  if (fingerprint != fmt::format("{:016x}", log.catalog.fingerprint())) {
    throw DecisionLogError(fmt::format("{}: the catalog's fingerprint {} does not match its items (computed {:016x})",
                                       path, fingerprint, log.catalog.fingerprint()));
  }
  const int n_items = log.catalog.size();
  const int n_segments = std::max<int>(1, static_cast<int>(log.segments.size()));
  const int n_arms = std::max<int>(1, static_cast<int>(log.arms.size()));

  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) continue;
    RowParser p(path, line);
    std::vector<std::string_view> f = split(text, ',');
    if (static_cast<int>(f.size()) != kColumnCount) {
      throw DecisionLogError(fmt::format("{}: line {}: expected {} columns, got {}", path, line, kColumnCount, f.size()));
    }
    LoggedDecision d;
    int64_t index = p.integer(f[0], "decision", 0, INT64_MAX);
    if (index != static_cast<int64_t>(log.decisions.size())) {
      p.fail("decision", fmt::format("rows must be numbered 0, 1, ... in order; expected {}, got {}",
                                     log.decisions.size(), index));
    }
    d.arm = static_cast<int>(p.integer(f[1], "arm", 0, n_arms - 1));
    d.shopper = p.unsigned_integer(f[2], "shopper");
    d.visit = static_cast<int>(p.integer(f[3], "visit", 0, INT32_MAX));
    d.segment = static_cast<int>(p.integer(f[4], "segment", 0, n_segments - 1));
    d.time_days = p.number(f[5], "time_days");
    d.browsed = p.items(f[6], "browsed", n_items);
    for (std::string_view b : split(f[7], ';')) {
      std::vector<std::string_view> parts = split(b, ':');
      if (parts.size() != 4) p.fail("bundles", "a bundle is `items:price:pure:bundle_id`");
      OfferedBundle bundle;
      bundle.items = p.items(parts[0], "bundles", n_items);
      bundle.price = p.number(parts[1], "bundles");
      bundle.pure = p.integer(parts[2], "bundles", 0, 1) == 1;
      bundle.bundle_id = static_cast<int>(p.integer(parts[3], "bundles", -1, INT32_MAX));
      d.offer.bundles.push_back(std::move(bundle));
    }
    for (std::string_view o : split(f[8], ';')) {
      std::vector<std::string_view> parts = split(o, ':');
      if (parts.size() != 2) p.fail("overrides", "an override is `item:price`");
      d.offer.price_overrides.emplace_back(static_cast<ItemIndex>(p.integer(parts[0], "overrides", 0, n_items - 1)),
                                           p.number(parts[1], "overrides"));
    }
    if (f[9].empty()) {
      d.offer.mark_propensity_unknown();
    } else {
      d.offer.propensity = p.number(f[9], "propensity");
      if (!(d.offer.propensity > 0 && d.offer.propensity <= 1)) p.fail("propensity", "must be in (0, 1] or empty");
    }

    ChoiceProblem problem;
    problem.segment = d.segment;
    problem.price_sensitivity = 0;  // not logged: a property of the true model
    problem.item_begin = static_cast<int>(log.menus.items.size());
    std::vector<ItemIndex> considered = p.items(f[10], "items", n_items);
    if (static_cast<int>(considered.size()) > kMaxConsideredItems) {
      p.fail("items", fmt::format("at most {} considered items", kMaxConsideredItems));
    }
    std::vector<std::string_view> prices = split(f[11], ' ');
    if (prices.size() != considered.size()) p.fail("prices", "needs one price per considered item");
    for (size_t k = 0; k < considered.size(); ++k) {
      log.menus.items.push_back(considered[k]);
      log.menus.item_prices.push_back(p.number(prices[k], "prices"));
    }
    problem.item_count = static_cast<int>(considered.size());
    problem.basket_begin = static_cast<int>(log.menus.baskets.size());
    const uint64_t all = (uint64_t{1} << considered.size()) - 1;
    for (std::string_view b : split(f[12], ';')) {
      std::vector<std::string_view> parts = split(b, ':');
      if (parts.size() != 3) p.fail("baskets", "a basket is `mask:bundle:price`");
      BasketOption basket;
      int64_t mask = p.integer(parts[0], "baskets", 1, static_cast<int64_t>(all));
      basket.items = static_cast<uint32_t>(mask);
      basket.bundle = static_cast<int>(p.integer(parts[1], "baskets", -1, static_cast<int64_t>(d.offer.bundles.size()) - 1));
      basket.price = p.number(parts[2], "baskets");
      log.menus.baskets.push_back(basket);
    }
    problem.basket_count = static_cast<int>(log.menus.baskets.size()) - problem.basket_begin;
    d.chosen = static_cast<int>(p.integer(f[13], "chosen", -1, problem.basket_count - 1));
    d.filled = p.integer(f[14], "filled", 0, 1) == 1;
    if (d.filled && d.chosen < 0) p.fail("filled", "a row that chose nothing can't be filled");
    d.revenue = p.number(f[15], "revenue");
    d.problem = static_cast<int>(log.menus.problems.size());
    log.menus.problems.push_back(problem);
    log.decisions.push_back(std::move(d));
  }
  if (in.bad()) throw DecisionLogError(fmt::format("{}: read error at line {}", path, line));
  return log;
}

}  // namespace bundlesim
