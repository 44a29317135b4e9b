#pragma once
// A thin RAII wrapper over the SQLite C API: a connection, prepared statements, and errors as
// exceptions that carry SQLite's message.

#include <cstdint>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace bundlesim {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement;

class Database {
 public:
  enum class Mode { kReadOnly, kReadWriteCreate };
  // Throws SqliteError naming the file when it can't be opened.
  Database(const std::string& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  Statement prepare(const std::string& sql);
  int64_t last_insert_rowid() const;
  sqlite3* handle() { return db_; }
  [[noreturn]] void fail(const std::string& doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);   // NaN is stored as NULL
  Statement& bind(int index, const std::string& value);
  Statement& bind_null(int index);
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  // Steps to the next row; false when done (the statement is then reset).
  bool next();
  int64_t column_int(int column);
  double column_double(int column);  // NULL reads as NaN
  std::string column_text(int column);
  bool column_is_null(int column);

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace bundlesim
