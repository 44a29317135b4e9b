#pragma once
// New shoppers arrive as a non-homogeneous Poisson process: a daily mean rate shaped by a 24-hour
// profile. Arrival times are drawn by thinning (Lewis & Shedler 1979): candidates from a
// homogeneous process at the peak rate, each kept with probability rate(t) / peak.

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/random_stream.h"

namespace bundlesim {

class ArrivalProcess {
 public:
  // REQUIRES: hourly_profile has 24 non-negative weights with mean 1; shoppers_per_day > 0.
  ArrivalProcess(double shoppers_per_day, std::vector<double> hourly_profile, RandomStream stream)
      : profile_(std::move(hourly_profile)), stream_(stream) {
    peak_weight_ = *std::max_element(profile_.begin(), profile_.end());
    peak_rate_per_day_ = shoppers_per_day * peak_weight_;
  }

  // The time (days) of the next arrival after `now`.
  double next_after(double now) {
    double t = now;
    for (;;) {
      t += -std::log1p(-stream_.uniform()) / peak_rate_per_day_;
      int hour = static_cast<int>((t - std::floor(t)) * 24) % 24;
      if (stream_.uniform() * peak_weight_ < profile_[hour]) return t;
    }
  }

 private:
  std::vector<double> profile_;
  RandomStream stream_;
  double peak_weight_ = 1, peak_rate_per_day_ = 1;
};

}  // namespace bundlesim
