#pragma once
// Random streams keyed by (seed, shopper, purpose, index): every draw in a run comes from the stream
// of what it is for, never from a shared generator, so results do not depend on thread count, event
// order between shoppers, or which arms exist (ns-3's manual warns against numbering streams in
// creation order for exactly that reason). A stream is a SplitMix64 generator (Steele, Lea & Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014) started from a hash of its key:
// creating one costs a few multiplications, so a stream per shopper and purpose is cheap.
// It satisfies UniformRandomBitGenerator, so Boost.Random distributions draw from it.

#include <cstdint>

namespace bundlesim {

enum class StreamPurpose : uint64_t {
  kArrivals = 1,   // arrival times (one sequential stream, shopper 0)
  kArm = 2,        // which arm a shopper is assigned to
  kSegment = 3,    // which segment a shopper belongs to
  kBrowse = 4,     // which items a shopper browses on a visit (index = visit)
  kValuation = 5,  // a shopper's willingness to pay (index = item)
  kChoice = 6,     // the draw behind a choice (index = visit)
  kReturn = 7,     // whether and when a shopper comes back (index = visit)
  kPrePeriod = 8,  // spend before the experiment, for CUPED
  kCatalog = 9,    // generated catalogs (shopper 0)
  kPolicy = 10,    // randomised policies (shopper = arm, index = decision)
  kBootstrap = 11,    // offline evaluation: bootstrap resamples (shopper 0, index = resample)
  kRewardModel = 12,  // offline evaluation: reward-model weights (index 0) and batch order (index = epoch)
};

// The SplitMix64 output function: a bijective 64-bit mixer.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  using result_type = uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  RandomStream(uint64_t seed, uint64_t shopper, StreamPurpose purpose, uint64_t index = 0)
      : state_(mix64(mix64(mix64(seed + 0x9e3779b97f4a7c15ULL) ^ shopper) ^
                     (static_cast<uint64_t>(purpose) << 48 ^ index))) {}

  result_type operator()() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace bundlesim
