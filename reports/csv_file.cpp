#include "reports/csv_file.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "reports/ope_logs.h"

namespace bundlesim {

CsvFile::CsvFile(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw LogError(path_, fmt::format("can't read the file: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  text_ = text.str();
  if (!next()) throw LogError(path_, "the file is empty (expected a header line)");
  for (std::string_view f : fields_) header_.emplace_back(f);
  if (header_.size() > 0 && header_[0].size() >= 3 && header_[0].compare(0, 3, "\xEF\xBB\xBF") == 0) {
    header_[0].erase(0, 3);  // a UTF-8 byte-order mark
  }
}

int CsvFile::column(const std::string& name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int CsvFile::required_column(const std::string& name) const {
  int c = column(name);
  if (c < 0) throw LogError(path_, 1, fmt::format("the header has no column `{}`", name));
  return c;
}

bool CsvFile::split(std::string_view line) {
  fields_.clear();
  unquoted_.clear();
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      std::string value;
      ++i;
      while (true) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        value += line[i++];
      }
      if (i < line.size() && line[i] != ',') return false;
      unquoted_.push_back(std::move(value));  // a deque: earlier elements never move
      fields_.push_back(unquoted_.back());
    } else {
      size_t comma = line.find(',', i);
      size_t end = comma == std::string_view::npos ? line.size() : comma;
      fields_.push_back(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size()) break;
    ++i;  // the comma
    if (i == line.size()) {
      fields_.emplace_back(line.substr(i));  // a trailing empty field
      break;
    }
  }
  return true;
}

bool CsvFile::next() {
  while (cursor_ < text_.size()) {
    size_t end = text_.find('\n', cursor_);
    if (end == std::string::npos) end = text_.size();
    std::string_view line(text_.data() + cursor_, end - cursor_);
    cursor_ = end + 1;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!split(line)) throw LogError(path_, line_, "unterminated or misplaced quote");
    if (!header_.empty() && fields_.size() != header_.size()) {
      throw LogError(path_, line_, fmt::format("expected {} fields (as in the header), got {}", header_.size(),
                                               fields_.size()));
    }
    return true;
  }
  return false;
}

void CsvFile::fail(int column, const std::string& message) const {
  throw LogError(path_, line_, fmt::format("column `{}`: {}", header_[column], message));
}

double CsvFile::number(int column) const {
  std::string_view f = fields_[column];
  if (f.empty()) fail(column, "missing value");
  double value = 0;
  const char* begin = f.data();
  if (*begin == '+') ++begin;
  auto [end, error] = std::from_chars(begin, f.data() + f.size(), value);
  if (error != std::errc() || end != f.data() + f.size() || !std::isfinite(value)) {
    fail(column, fmt::format("must be a number, got \"{}\"", f));
  }
  return value;
}

int64_t CsvFile::integer(int column, int64_t low, int64_t high) const {
  double value = number(column);
  if (std::floor(value) != value || value < static_cast<double>(low) || value > static_cast<double>(high)) {
    fail(column, fmt::format("must be a whole number in [{}, {}], got \"{}\"", low, high, fields_[column]));
  }
  return static_cast<int64_t>(value);
}

}  // namespace bundlesim
