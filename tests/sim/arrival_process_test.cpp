// Arrivals: a Poisson process with the scenario's daily rate, shaped by the 24-hour profile.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/arrival_process.h"

using namespace bundlesim;

TEST_CASE("a flat profile gives a Poisson process at the daily rate") {
  // 1,000 per day over 100 days: the count is Poisson with mean 100,000 and sd 316; gaps are
  // exponential with mean 1/1000 day, so their coefficient of variation is 1 (sd of the estimate
  // about 1/sqrt(n) * sqrt(2) = 0.0045 for the squared CV).
  ArrivalProcess arrivals(1000, std::vector<double>(24, 1.0), RandomStream(11, 0, StreamPurpose::kArrivals));
  int64_t count = 0;
  double t = 0, sum_gap = 0, sum_gap2 = 0;
  bool increasing = true;
  for (;;) {
    double next = arrivals.next_after(t);
    if (next >= 100) break;
    increasing = increasing && next > t;
    sum_gap += next - t;
    sum_gap2 += (next - t) * (next - t);
    t = next;
    ++count;
  }
  CHECK(increasing);
  CHECK(std::abs(count - 100000) < 5 * 316);
  double mean_gap = sum_gap / count, var_gap = sum_gap2 / count - mean_gap * mean_gap;
  CHECK(mean_gap == doctest::Approx(1e-3).epsilon(0.02));
  CHECK(var_gap / (mean_gap * mean_gap) == doctest::Approx(1.0).epsilon(0.03));
}

TEST_CASE("the hourly profile shapes arrivals within the day") {
  // Weights 0 for hours 0-5, 2 for hours 6-11, 1 for 12-23 (mean 1): no arrivals before 6:00, and
  // hours 6-11 get twice the arrivals of hours 12-23 per hour, so 12/(12+12) = 1/2 of all arrivals.
  std::vector<double> profile(24, 1.0);
  for (int h = 0; h < 6; ++h) profile[h] = 0;
  for (int h = 6; h < 12; ++h) profile[h] = 2;
  ArrivalProcess arrivals(2000, profile, RandomStream(12, 0, StreamPurpose::kArrivals));
  std::vector<int64_t> by_hour(24, 0);
  int64_t count = 0;
  for (double t = arrivals.next_after(0); t < 30; t = arrivals.next_after(t)) {
    by_hour[static_cast<int>((t - std::floor(t)) * 24)]++;
    ++count;
  }
  for (int h = 0; h < 6; ++h) CHECK(by_hour[h] == 0);
  // 60,000 expected in 30 days (sd 245): the profile keeps the daily mean.
  CHECK(std::abs(count - 60000) < 5 * 245);
  int64_t morning = 0;
  for (int h = 6; h < 12; ++h) morning += by_hour[h];
  // Binomial(60000, 1/2): sd 0.002 of the share.
  CHECK(static_cast<double>(morning) / count == doctest::Approx(0.5).epsilon(0.02));
}

TEST_CASE("arrival times are a pure function of the stream") {
  ArrivalProcess a(500, std::vector<double>(24, 1.0), RandomStream(5, 0, StreamPurpose::kArrivals));
  ArrivalProcess b(500, std::vector<double>(24, 1.0), RandomStream(5, 0, StreamPurpose::kArrivals));
  ArrivalProcess c(500, std::vector<double>(24, 1.0), RandomStream(6, 0, StreamPurpose::kArrivals));
  double ta = 0, tb = 0, tc = 0;
  bool all_same_as_c = true;
  for (int k = 0; k < 1000; ++k) {
    ta = a.next_after(ta);
    tb = b.next_after(tb);
    tc = c.next_after(tc);
    CHECK(ta == tb);
    all_same_as_c = all_same_as_c && ta == tc;
  }
  CHECK_FALSE(all_same_as_c);
}
