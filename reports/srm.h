#pragma once
// Sample ratio mismatch: are the visitors per arm consistent with the configured traffic shares?
// Pearson's chi-square goodness-of-fit test (e.g. Fabijan et al., "Diagnosing Sample Ratio Mismatch
// in Online Controlled Experiments", KDD 2019); a mismatch means the assignment or the counting is
// broken and the comparisons can't be trusted.

#include <cstdint>
#include <vector>

namespace bundlesim {

// Below this p-value the summary and the report carry a warning (the threshold most platforms use).
inline constexpr double kSrmThreshold = 0.001;

struct SrmResult {
  double chi_square = 0;
  int degrees_of_freedom = 0;
  double p_value = 1;
  std::vector<double> expected;  // visitors expected per arm
  bool mismatch = false;         // p_value < kSrmThreshold
};

// REQUIRES: observed.size() == shares.size() >= 1, shares positive (they are normalised here).
SrmResult sample_ratio_test(const std::vector<int64_t>& observed, const std::vector<double>& shares);

}  // namespace bundlesim
