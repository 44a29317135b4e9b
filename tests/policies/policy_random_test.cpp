// PolicyStream must be the sim's RandomStream for key (seed, arm, kPolicy, decision << 8 | purpose),
// so a policy's draws follow the same key discipline as every other draw in a run.

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>

#include "policies/policy_random.h"
#include "sim/random_stream.h"

using namespace bundlesim;

TEST_CASE("a policy stream is the sim's policy stream for its key") {
  for (uint64_t decision : {0ULL, 1ULL, 12345ULL}) {
    for (int arm : {0, 3}) {
      PolicyStream mine(42, arm, PolicyPurpose::kThompson, decision);
      RandomStream sims(42, static_cast<uint64_t>(arm), StreamPurpose::kPolicy,
                        decision << 8 | static_cast<uint64_t>(PolicyPurpose::kThompson));
      for (int k = 0; k < 20; ++k) CHECK(mine() == sims());
    }
  }
}

TEST_CASE("policy streams give standard normals") {
  // Mean 0 and variance 1 over 40,000 draws from distinct streams: standard errors 0.005 and 0.007.
  double sum = 0, squares = 0;
  const int n = 40000;
  for (int d = 0; d < n; ++d) {
    double z = PolicyStream(1, 0, PolicyPurpose::kExplore, d).normal();
    sum += z;
    squares += z * z;
  }
  CHECK(std::abs(sum / n) < 0.025);
  CHECK(squares / n == doctest::Approx(1.0).epsilon(0.035));
}
