#pragma once
// Random streams for randomised policies. Policies can't include sim/ (market <- policies <- sim),
// so this header repeats the key derivation of sim/random_stream.h for the one key policies use:
// PolicyStream(seed, arm, purpose, decision) yields exactly the numbers of
//   RandomStream(seed, arm, StreamPurpose::kPolicy, decision << 8 | purpose)
// (tests/policies/policy_random_test.cpp checks that). A policy draws only from streams keyed by
// its arm and its own decision counter, so its draws do not depend on threads, batching or on which
// other arms exist. SplitMix64: Steele, Lea & Flood, OOPSLA 2014.

#include <cmath>
#include <cstdint>

namespace bundlesim {

// What a policy's draw is for; the low 8 bits of the stream index.
enum class PolicyPurpose : uint64_t {
  kExplore = 1,      // exploration: which price or bundle to try
  kThompson = 2,     // posterior samples of a Thompson sampler
  kAction = 3,       // actions sampled from a policy network
  kTraining = 4,     // minibatch order and negative samples while training
  kInit = 5,         // initial network weights
  kOracle = 6,       // Monte Carlo draws of an oracle's expectation
};

class PolicyStream {
 public:
  using result_type = uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  // `arm` plays the part of sim's shopper key and 10 is StreamPurpose::kPolicy.
  PolicyStream(uint64_t seed, int arm, PolicyPurpose purpose, uint64_t decision)
      : state_(mix(mix(mix(seed + 0x9e3779b97f4a7c15ULL) ^ static_cast<uint64_t>(arm)) ^
                   (uint64_t{10} << 48 ^ (decision << 8 | static_cast<uint64_t>(purpose))))) {}

  result_type operator()() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix(state_);
  }
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Standard normal by Box-Muller (two uniforms per draw; the second value is discarded so a
  // draw never depends on an earlier one).
  double normal() {
    double u1 = 1.0 - uniform();  // (0, 1]
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // The SplitMix64 output function, as in sim/random_stream.h.
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace bundlesim
