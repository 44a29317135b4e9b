#pragma once
// A private folder under the system's temporary directory, removed with everything in it when the
// object goes (also when a command fails with an exception).

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace bundlesim {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& purpose)
      : path_(std::filesystem::temp_directory_path() / ("bundlesim-" + purpose + "-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;  // nothing useful to do about a folder that won't go
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace bundlesim
