#pragma once
// Parsing of one subcommand's arguments: positionals, `--flag`, `--option VALUE` (or
// `--option=VALUE`). Anything not declared is a usage error, never ignored.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bundlesim {

// Bad usage: the message is printed with a pointer to --help and the program exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CommandLine {
 public:
  // `options` take a value, `flags` don't. Throws UsageError for anything else.
  CommandLine(const std::vector<std::string>& args, const std::set<std::string>& options,
              const std::set<std::string>& flags);

  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> option(const std::string& name) const;
  // The option as a whole number in [low, high]; UsageError otherwise.
  std::optional<int64_t> integer(const std::string& name, int64_t low, int64_t high) const;
  std::optional<double> number(const std::string& name, double low, double high) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  // REQUIRES nothing; throws UsageError unless there are between min and max positionals.
  void expect_positionals(size_t min, size_t max, const std::string& what) const;

 private:
  std::map<std::string, std::string> options_;
  std::set<std::string> flags_;
  std::vector<std::string> positionals_;
};

}  // namespace bundlesim
