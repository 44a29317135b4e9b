#include "policies/response_surface.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace bundlesim {

QuadraticSurface::QuadraticSurface(int dimensions)
    : d_(dimensions), p_(1 + dimensions + dimensions * (dimensions + 1) / 2), xtx_(p_ * p_, 0.0), xty_(p_, 0.0) {}

void QuadraticSurface::features(const std::vector<double>& x, std::vector<double>& out) const {
  assert(static_cast<int>(x.size()) == d_);
  out.clear();
  out.push_back(1);
  for (int i = 0; i < d_; ++i) out.push_back(x[i]);
  for (int i = 0; i < d_; ++i) {
    for (int j = i; j < d_; ++j) out.push_back(x[i] * x[j]);
  }
}

void QuadraticSurface::add(const std::vector<double>& x, double y) {
  features(x, phi_);
  for (int a = 0; a < p_; ++a) {
    xty_[a] += phi_[a] * y;
    for (int b = 0; b < p_; ++b) xtx_[a * p_ + b] += phi_[a] * phi_[b];
  }
  ++n_;
}

bool QuadraticSurface::fit() {
  if (n_ < p_) return false;
  // Gaussian elimination with partial pivoting on [X'X + ridge | X'y].
  std::vector<double> m(xtx_);
  std::vector<double> rhs(xty_);
  double trace = 0;
  for (int a = 0; a < p_; ++a) trace += m[a * p_ + a];
  for (int a = 0; a < p_; ++a) m[a * p_ + a] += 1e-9 * trace / p_;
  for (int col = 0; col < p_; ++col) {
    int pivot = col;
    for (int r = col + 1; r < p_; ++r) {
      if (std::abs(m[r * p_ + col]) > std::abs(m[pivot * p_ + col])) pivot = r;
    }
    if (m[pivot * p_ + col] == 0) return false;
    if (pivot != col) {
      for (int c = 0; c < p_; ++c) std::swap(m[col * p_ + c], m[pivot * p_ + c]);
      std::swap(rhs[col], rhs[pivot]);
    }
    for (int r = col + 1; r < p_; ++r) {
      double f = m[r * p_ + col] / m[col * p_ + col];
      if (f == 0) continue;
      for (int c = col; c < p_; ++c) m[r * p_ + c] -= f * m[col * p_ + c];
      rhs[r] -= f * rhs[col];
    }
  }
  beta_.assign(p_, 0.0);
  for (int r = p_ - 1; r >= 0; --r) {
    double s = rhs[r];
    for (int c = r + 1; c < p_; ++c) s -= m[r * p_ + c] * beta_[c];
    beta_[r] = s / m[r * p_ + r];
  }
  return true;
}

double QuadraticSurface::predict(const std::vector<double>& x) const {
  features(x, phi_);
  double y = 0;
  for (int a = 0; a < p_; ++a) y += beta_[a] * phi_[a];
  return y;
}

std::vector<double> QuadraticSurface::maximize(const Box& box, int grid) const {
  assert(!beta_.empty() && box.dimensions() == d_ && grid >= 2);
  // Every grid point (grid^d of them; d is small here), in a fixed order.
  std::vector<double> x(d_), best(d_);
  double best_y = -INFINITY;
  std::vector<int> index(d_, 0);
  while (true) {
    for (int i = 0; i < d_; ++i) x[i] = box.low[i] + (box.high[i] - box.low[i]) * index[i] / (grid - 1);
    double y = predict(x);
    if (y > best_y) best_y = y, best = x;
    int k = 0;
    while (k < d_ && ++index[k] == grid) index[k++] = 0;
    if (k == d_) break;
  }
  // Refine: shrink a window around the best point, coordinate by coordinate.
  std::vector<double> step(d_);
  for (int i = 0; i < d_; ++i) step[i] = (box.high[i] - box.low[i]) / (grid - 1);
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < d_; ++i) {
      for (double delta : {-step[i], step[i]}) {
        x = best;
        x[i] = std::clamp(best[i] + delta, box.low[i], box.high[i]);
        double y = predict(x);
        if (y > best_y) best_y = y, best = x;
      }
      step[i] /= 2;
    }
  }
  return best;
}

}  // namespace bundlesim
