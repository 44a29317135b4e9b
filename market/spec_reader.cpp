#include "market/spec_reader.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bundlesim {

using nlohmann::json;

bool Range::contains(double v) const {
  if (!std::isfinite(v)) return false;
  if (low_open ? !(v > low) : !(v >= low)) return false;
  if (high_open ? !(v < high) : !(v <= high)) return false;
  return true;
}

std::string Range::describe() const {
  if (high >= 1e300) {
    return fmt::format("{} {}", low_open ? "must be >" : "must be >=", low);
  }
  return fmt::format("must be in {}{}, {}{}", low_open ? "(" : "[", low, high, high_open ? ")" : "]");
}

std::string show_json(const json& value) {
  std::string s = value.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

int edit_distance(const std::string& a, const std::string& b) {
  // Optimal string alignment (Damerau 1964): insertions, deletions, substitutions and swaps of two
  // neighbouring letters each cost 1, so "mln" is one edit from "mnl", as a typist would count it.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

bool is_comment_key(const std::string& key) { return key.rfind("//", 0) == 0; }

std::string suggestion(const std::string& unknown, const std::vector<std::string>& known) {
  std::string best;
  int best_distance = 1 << 30;
  for (const auto& k : known) {
    int d = edit_distance(unknown, k);
    if (d < best_distance) best_distance = d, best = k;
  }
  // Close enough to be a typo: at most a third of the word wrong (and at least one edit allowed).
  int allowed = std::max<int>(1, static_cast<int>(unknown.size()) / 3);
  if (best.empty() || best_distance > allowed) return "";
  return fmt::format(" (did you mean `{}`?)", best);
}

std::string child_path(const std::string& path, const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') escaped += "~0";
    else if (c == '/') escaped += "~1";
    else escaped += c;
  }
  return path + "/" + escaped;
}

std::string child_path(const std::string& path, size_t index) {
  return path + "/" + std::to_string(index);
}

double read_number(const json& value, const std::string& path, Range range) {
  if (!value.is_number()) {
    throw SpecError(path, fmt::format("must be a number, got {}", show_json(value)));
  }
  double v = value.get<double>();
  if (!range.contains(v)) throw SpecError(path, fmt::format("{}, got {}", range.describe(), show_json(value)));
  return v;
}

std::string read_text(const json& value, const std::string& path) {
  if (!value.is_string()) throw SpecError(path, fmt::format("must be a string, got {}", show_json(value)));
  return value.get<std::string>();
}

SpecReader::SpecReader(const json& value, std::string path, std::vector<std::string> allowed_keys)
    : value_(value), path_(std::move(path)), allowed_keys_(std::move(allowed_keys)) {
  if (!value_.is_object()) {
    throw SpecError(path_.empty() ? "/" : path_, fmt::format("must be an object, got {}", show_json(value_)));
  }
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (is_comment_key(it.key())) continue;
    if (std::find(allowed_keys_.begin(), allowed_keys_.end(), it.key()) == allowed_keys_.end()) {
      throw SpecError(child_path(path_, it.key()),
                      fmt::format("unknown key{}", suggestion(it.key(), allowed_keys_)));
    }
  }
}

bool SpecReader::has(const std::string& key) const { return value_.contains(key); }

void SpecReader::fail(const std::string& key, const std::string& message) const {
  throw SpecError(child_path(path_, key), message);
}

const json& SpecReader::member(const std::string& key) {
  auto it = value_.find(key);
  if (it == value_.end()) throw SpecError(path_.empty() ? "/" : path_, fmt::format("missing required key `{}`", key));
  return *it;
}

const json& SpecReader::raw(const std::string& key) { return member(key); }

const json* SpecReader::raw_optional(const std::string& key) {
  auto it = value_.find(key);
  if (it == value_.end()) return nullptr;
  return &*it;
}

double SpecReader::number(const std::string& key, Range range) {
  return read_number(member(key), child_path(path_, key), range);
}

double SpecReader::number_or(const std::string& key, double fallback, Range range) {
  return has(key) ? number(key, range) : fallback;
}

int64_t SpecReader::integer(const std::string& key, int64_t low, int64_t high) {
  const json& v = member(key);
  std::string p = child_path(path_, key);
  bool integral = v.is_number_integer() ||
                  (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
                   std::abs(v.get<double>()) < 9e15);
  if (!integral) throw SpecError(p, fmt::format("must be a whole number, got {}", show_json(v)));
  int64_t x = v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>());
  if (x < low || x > high) throw SpecError(p, fmt::format("must be in [{}, {}], got {}", low, high, show_json(v)));
  return x;
}

int64_t SpecReader::integer_or(const std::string& key, int64_t fallback, int64_t low, int64_t high) {
  return has(key) ? integer(key, low, high) : fallback;
}

bool SpecReader::boolean_or(const std::string& key, bool fallback) {
  if (!has(key)) return fallback;
  const json& v = member(key);
  if (!v.is_boolean()) fail(key, fmt::format("must be true or false, got {}", show_json(v)));
  return v.get<bool>();
}

std::string SpecReader::text(const std::string& key) { return read_text(member(key), child_path(path_, key)); }

std::string SpecReader::text_or(const std::string& key, const std::string& fallback) {
  return has(key) ? text(key) : fallback;
}

std::string SpecReader::choice(const std::string& key, const std::vector<std::string>& choices) {
  std::string v = text(key);
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    fail(key, fmt::format("must be one of {}, got \"{}\"{}", list, v, suggestion(v, choices)));
  }
  return v;
}

std::string SpecReader::choice_or(const std::string& key, const std::string& fallback,
                                  const std::vector<std::string>& choices) {
  return has(key) ? choice(key, choices) : fallback;
}

const json& SpecReader::array(const std::string& key) {
  const json& v = member(key);
  if (!v.is_array()) fail(key, fmt::format("must be an array, got {}", show_json(v)));
  return v;
}

const json& SpecReader::object(const std::string& key) {
  const json& v = member(key);
  if (!v.is_object()) fail(key, fmt::format("must be an object, got {}", show_json(v)));
  return v;
}

std::vector<double> SpecReader::numbers(const std::string& key, Range range) {
  const json& a = array(key);
  std::vector<double> out;
  std::string p = child_path(path_, key);
  for (size_t i = 0; i < a.size(); ++i) out.push_back(read_number(a[i], child_path(p, i), range));
  return out;
}

std::vector<std::string> SpecReader::texts(const std::string& key) {
  const json& a = array(key);
  std::vector<std::string> out;
  std::string p = child_path(path_, key);
  for (size_t i = 0; i < a.size(); ++i) out.push_back(read_text(a[i], child_path(p, i)));
  return out;
}

}  // namespace bundlesim
