#include "tools/command_line.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "market/spec_reader.h"
#include "tools/commands.h"

namespace bundlesim {

CommandLine::CommandLine(const std::vector<std::string>& args, const std::set<std::string>& options,
                         const std::set<std::string>& flags) {
  std::vector<std::string> known(options.begin(), options.end());
  known.insert(known.end(), flags.begin(), flags.end());
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.rfind("--", 0) != 0) {
      if (arg.size() > 1 && arg[0] == '-' && arg != "-") throw UsageError(fmt::format("unknown option {}", arg));
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (options.count(name)) {
      if (!has_value) {
        if (i + 1 >= args.size()) throw UsageError(fmt::format("--{} needs a value", name));
        value = args[++i];
      }
      options_[name] = value;
    } else if (flags.count(name)) {
      if (has_value) throw UsageError(fmt::format("--{} takes no value", name));
      flags_.insert(name);
    } else {
      std::string hint = suggestion(name, known);
      throw UsageError(fmt::format("unknown option --{}{}", name, hint));
    }
  }
}

std::optional<std::string> CommandLine::option(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> CommandLine::integer(const std::string& name, int64_t low, int64_t high) const {
  auto text = option(name);
  if (!text) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno != 0 || v < low || v > high) {
    throw UsageError(fmt::format("--{} must be a whole number in [{}, {}], got \"{}\"", name, low, high, *text));
  }
  return v;
}

std::optional<double> CommandLine::number(const std::string& name, double low, double high) const {
  auto text = option(name);
  if (!text) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !std::isfinite(v) || v < low || v > high) {
    throw UsageError(fmt::format("--{} must be a number in [{}, {}], got \"{}\"", name, low, high, *text));
  }
  return v;
}

void CommandLine::expect_positionals(size_t min, size_t max, const std::string& what) const {
  if (positionals_.size() < min) throw UsageError(fmt::format("missing {}", what));
  if (positionals_.size() > max) throw UsageError(fmt::format("unexpected argument \"{}\"", positionals_[max]));
}

std::string default_scenario_path() { return std::string(BUNDLESIM_SOURCE_DIR) + "/scenarios/quickstart.json"; }

bool wants_help(const Args& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace bundlesim
