#include "tools/progress_bar.h"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace bundlesim {

ProgressBar::ProgressBar(bool enabled)
    : enabled_(enabled && terminal()), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

bool ProgressBar::terminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::update(const RunProgress& p) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200) && p.time_days < p.horizon_days) return;
  last_draw_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double done = p.horizon_days > 0 ? std::min(1.0, p.time_days / p.horizon_days) : 1.0;
  double eta = done > 0 ? elapsed * (1 - done) / done : 0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(done * kWidth);
  std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  std::fprintf(stderr, "\r[%s] day %.1f/%.1f  %s shoppers/s  ETA %.0f s  ", bar.c_str(), p.time_days,
               p.horizon_days, fmt::format("{:.0f}", elapsed > 0 ? p.shoppers / elapsed : 0.0).c_str(), eta);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace bundlesim
