#include "market/population.h"

namespace bundlesim {

Population::Population(std::vector<Segment> segments) : segments_(std::move(segments)) {
  double total = 0;
  for (const Segment& s : segments_) cumulative_share_.push_back(total += s.share);
  // Shares were checked to sum to 1 when loaded; normalise away the rounding.
  for (double& c : cumulative_share_) c /= total;
}

int Population::segment_for(double u) const {
  for (int s = 0; s + 1 < size(); ++s) {
    if (u < cumulative_share_[s]) return s;
  }
  return size() - 1;
}

std::vector<std::string> Population::segment_names() const {
  std::vector<std::string> names;
  for (const Segment& segment : segments_) names.push_back(segment.name);
  return names;
}

}  // namespace bundlesim
