#pragma once
// Checked reading of a JSON object into typed values, with errors that name the JSON path and the
// bad value. A reader is built with the full list of keys its object may hold and rejects any other
// key at once, suggesting the closest allowed one, so a typo is never silently ignored (and is
// reported before "missing required key" for the key the user meant).
//
//   SpecReader item(json, "/catalog/items/0", {"id", "price", "stock"});
//   double price = item.number("price", Range::positive());

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "market/spec_error.h"

namespace bundlesim {

// An allowed interval for a number; the message names it as written here.
struct Range {
  double low = -1e300, high = 1e300;
  bool low_open = false, high_open = false;
  static Range any() { return {}; }
  static Range positive() { return {0, 1e300, true, false}; }
  static Range non_negative() { return {0, 1e300, false, false}; }
  static Range unit() { return {0, 1, false, false}; }               // [0, 1]
  static Range unit_open_low() { return {0, 1, true, false}; }        // (0, 1]
  static Range closed(double lo, double hi) { return {lo, hi, false, false}; }
  bool contains(double v) const;
  std::string describe() const;
};

// Renders a JSON value compactly for messages ("1.5", "\"abc\"", "[...]").
std::string show_json(const nlohmann::json& value);
// Edit distance between two keys, counting a swap of neighbouring letters as one edit (for "did
// you mean").
int edit_distance(const std::string& a, const std::string& b);
// The JSON-pointer form of an object key appended to a path ("~" and "/" escaped).
std::string child_path(const std::string& path, const std::string& key);
std::string child_path(const std::string& path, size_t index);

class SpecReader {
 public:
  // REQUIRES: `value` outlives the reader. Throws SpecError when `value` is not an object or holds
  // a key outside `allowed_keys`.
  SpecReader(const nlohmann::json& value, std::string path, std::vector<std::string> allowed_keys);

  const std::string& path() const { return path_; }
  bool has(const std::string& key) const;
  // The raw member; throws if missing.
  const nlohmann::json& raw(const std::string& key);
  const nlohmann::json* raw_optional(const std::string& key);

  double number(const std::string& key, Range range = Range::any());
  double number_or(const std::string& key, double fallback, Range range = Range::any());
  int64_t integer(const std::string& key, int64_t low, int64_t high);
  int64_t integer_or(const std::string& key, int64_t fallback, int64_t low, int64_t high);
  bool boolean_or(const std::string& key, bool fallback);
  std::string text(const std::string& key);
  std::string text_or(const std::string& key, const std::string& fallback);
  // A string that must be one of `choices`.
  std::string choice(const std::string& key, const std::vector<std::string>& choices);
  std::string choice_or(const std::string& key, const std::string& fallback,
                        const std::vector<std::string>& choices);
  std::vector<double> numbers(const std::string& key, Range range = Range::any());
  std::vector<std::string> texts(const std::string& key);
  // Members that must be a JSON array / object; returns the array and its path.
  const nlohmann::json& array(const std::string& key);
  const nlohmann::json& object(const std::string& key);

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  const nlohmann::json& member(const std::string& key);
  const nlohmann::json& value_;
  std::string path_;
  std::vector<std::string> allowed_keys_;
};

// Free helpers for values that are not object members (array elements, top-level values).
double read_number(const nlohmann::json& value, const std::string& path, Range range);
std::string read_text(const nlohmann::json& value, const std::string& path);
// The "did you mean `x`?" suffix for an unknown name, or "" when nothing is close.
std::string suggestion(const std::string& unknown, const std::vector<std::string>& known);
// A key starting with "//" is a comment (JSON has none): readers skip it, so a scenario can explain
// itself (`bundlesim init` writes one that does) and a key can be switched off by prefixing "//".
// No real key starts with "//", so unknown-key checking loses nothing.
bool is_comment_key(const std::string& key);

}  // namespace bundlesim
