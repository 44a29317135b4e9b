#pragma once
// A quadratic response surface fitted by least squares to noisy rewards, and its maximum inside a
// box: the model step of response surface methodology (Box & Wilson, "On the experimental
// attainment of optimum conditions", JRSS B 1951; Myers, Montgomery & Anderson-Cook, "Response
// Surface Methodology", ch. 6). With x in d dimensions the model is
//
//   y = b0 + sum_i b_i x_i + sum_{i <= j} b_ij x_i x_j + noise
//
// and the fit keeps only the normal equations (X'X, X'y), so it costs O(p^2) per observation with
// p = 1 + d + d(d+1)/2 and is independent of the order observations come in.

#include <cstdint>
#include <vector>

namespace bundlesim {

struct Box {
  std::vector<double> low, high;
  int dimensions() const { return static_cast<int>(low.size()); }
};

class QuadraticSurface {
 public:
  explicit QuadraticSurface(int dimensions);

  int dimensions() const { return d_; }
  int parameters() const { return p_; }
  int64_t observations() const { return n_; }
  void add(const std::vector<double>& x, double y);
  // Solves the normal equations (with a ridge of 1e-9 times the trace for stability). Returns
  // false when there are fewer observations than parameters.
  bool fit();
  const std::vector<double>& coefficients() const { return beta_; }
  double predict(const std::vector<double>& x) const;
  // The fitted surface's maximum over `box`: a grid of `grid` points per dimension, then
  // coordinate-wise refinement around the best point. REQUIRES: fit() returned true.
  std::vector<double> maximize(const Box& box, int grid = 21) const;

 private:
  void features(const std::vector<double>& x, std::vector<double>& out) const;
  int d_, p_;
  int64_t n_ = 0;
  std::vector<double> xtx_, xty_, beta_;
  mutable std::vector<double> phi_;
};

}  // namespace bundlesim
