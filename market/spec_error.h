#pragma once
// The one error type for bad input: a scenario, a policy's parameters, a model file.
// It carries the JSON path (RFC 6901 style, "/arms/1/traffic") so that every message can say
// exactly where the problem is; the file name is added by whoever knows it.

#include <stdexcept>
#include <string>

namespace bundlesim {

class SpecError : public std::runtime_error {
 public:
  SpecError(std::string path, const std::string& message)
      : std::runtime_error(message), path_(std::move(path)) {}
  // The JSON path of the offending value; empty for whole-file problems.
  const std::string& path() const { return path_; }
  // "path: message" (or just the message when there is no path).
  std::string describe() const { return path_.empty() ? what() : path_ + ": " + what(); }

 private:
  std::string path_;
};

}  // namespace bundlesim
