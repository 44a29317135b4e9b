#pragma once
// Running means and co-moments of a fixed-length vector, updated one observation at a time with
// Welford's method generalised to covariances (Welford 1962; Chan, Golub & LeVeque 1983 for merge).
// Memory is constant in the number of observations: the engine keeps one per arm, never a list of
// shoppers. Everything the statistics need (means, variances, covariances for the delta method and
// CUPED) comes from these.

#include <array>
#include <cstdint>
#include <limits>

namespace bundlesim {

template <int K>
class MomentAccumulator {
 public:
  using Vector = std::array<double, K>;

  void add(const Vector& x) {
    ++n_;
    Vector delta;
    for (int i = 0; i < K; ++i) {
      delta[i] = x[i] - mean_[i];
      mean_[i] += delta[i] / static_cast<double>(n_);
    }
    for (int i = 0; i < K; ++i) {
      for (int j = 0; j <= i; ++j) comoment_[i * K + j] += delta[i] * (x[j] - mean_[j]);
    }
  }

  void merge(const MomentAccumulator& other) {
    if (other.n_ == 0) return;
    if (n_ == 0) {
      *this = other;
      return;
    }
    double n = static_cast<double>(n_ + other.n_);
    double w = static_cast<double>(n_) * static_cast<double>(other.n_) / n;
    Vector delta;
    for (int i = 0; i < K; ++i) delta[i] = other.mean_[i] - mean_[i];
    for (int i = 0; i < K; ++i) {
      for (int j = 0; j <= i; ++j) comoment_[i * K + j] += other.comoment_[i * K + j] + delta[i] * delta[j] * w;
    }
    for (int i = 0; i < K; ++i) mean_[i] += delta[i] * static_cast<double>(other.n_) / n;
    n_ += other.n_;
  }

  int64_t count() const { return n_; }
  double mean(int i) const { return mean_[i]; }
  double sum(int i) const { return mean_[i] * static_cast<double>(n_); }
  // Sample covariance (n - 1 in the denominator); NaN with fewer than two observations.
  double covariance(int i, int j) const {
    if (n_ < 2) return std::numeric_limits<double>::quiet_NaN();
    return (i >= j ? comoment_[i * K + j] : comoment_[j * K + i]) / static_cast<double>(n_ - 1);
  }
  double variance(int i) const { return covariance(i, i); }

  // Raw state, for storing in and reading back from a report.
  const Vector& means() const { return mean_; }
  const std::array<double, K * K>& comoments() const { return comoment_; }
  static MomentAccumulator from_state(int64_t n, const Vector& mean, const std::array<double, K * K>& comoment) {
    MomentAccumulator m;
    m.n_ = n;
    m.mean_ = mean;
    m.comoment_ = comoment;
    return m;
  }

 private:
  int64_t n_ = 0;
  Vector mean_{};
  std::array<double, K * K> comoment_{};  // lower triangle used
};

}  // namespace bundlesim
