#pragma once
// A one-line progress bar on stderr for long runs: simulated time, shoppers per second and the time
// left. It draws only when stderr is a terminal and --quiet was not given, and at most a few times a
// second, so it costs nothing when output goes to a file or a CI log.

#include <chrono>
#include <string>

#include "sim/experiment.h"

namespace bundlesim {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void update(const RunProgress& progress);
  // Clears the bar's line (before the summary is printed).
  void finish();
  // True when stderr is a terminal.
  static bool terminal();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace bundlesim
