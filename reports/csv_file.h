#pragma once
// Reading a CSV log row by row with errors that name the file, the line and the column. Fields may
// be quoted ("a,b", with "" for a quote); a row is one line (no newlines inside fields).

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace bundlesim {

class CsvFile {
 public:
  // Reads the whole file and its header line. Throws LogError when the file can't be read or is
  // empty.
  explicit CsvFile(std::string path);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  // The index of column `name` in the header, or -1.
  int column(const std::string& name) const;
  // The index of column `name`; throws LogError ("missing column") when the header lacks it.
  int required_column(const std::string& name) const;

  // Moves to the next non-empty row; returns false at the end of the file. Throws LogError when
  // the row's field count differs from the header's.
  bool next();
  int64_t line() const { return line_; }  // 1-based line of the current row
  std::string_view field(int column) const { return fields_[column]; }

  // The current row's field as a number; throws LogError naming line and column when it is empty
  // or not a finite number.
  double number(int column) const;
  // As number(), but the field must be a whole number in [low, high].
  int64_t integer(int column, int64_t low, int64_t high) const;
  [[noreturn]] void fail(int column, const std::string& message) const;

 private:
  std::string path_;
  std::string text_;
  size_t cursor_ = 0;
  int64_t line_ = 0;
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;
  std::deque<std::string> unquoted_;  // quoted fields of the current row, unescaped
  bool split(std::string_view line);
};

}  // namespace bundlesim
