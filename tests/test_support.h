#pragma once
// Helpers shared by tests: where the scenarios are, running the real command line, temp files.

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>
#include <stdlib.h>
#include <filesystem>
#include <string>

namespace bundlesim::testing {

inline std::string scenario_path(const std::string& name) {
  return std::string(BUNDLESIM_SOURCE_DIR) + "/scenarios/" + name;
}

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bundlesim-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) ? pattern : throw std::runtime_error("mkdtemp failed");
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `bundlesim ARGS` (ARGS already shell-quoted) and captures its output and exit code.
// `environment`: assignments put before the command ("NAME=value ...").
inline CommandResult run_bundlesim(const std::string& args, const std::string& environment = "") {
  std::string command = environment + " " + std::string(BUNDLESIM_BINARY) + " " + args + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace bundlesim::testing
