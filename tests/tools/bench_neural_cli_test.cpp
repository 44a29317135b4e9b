// `bundlesim bench --neural fresh`: trains a small model on the scenario's own decisions, then
// times it. Speeds are not checked (that is the benchmark's job, not a unit test's); what is: the
// command runs end to end, prints every figure, computes the network's cost from its size, and
// cleans up after itself.

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "tests/test_support.h"

using namespace bundlesim::testing;

namespace {

double figure(const std::string& output, const std::string& pattern) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(output, m, std::regex(pattern)), output);
  return std::stod(m[1]);
}

TEST_CASE("bench --neural fresh trains, scores and simulates, and prints each speed") {
  CommandResult r = run_bundlesim("bench --neural fresh --hidden 8 --epochs 1 --seconds 0.2 --shoppers 2000");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(figure(r.output, R"(training\s+(\d+) decisions/s \(65536 decisions, 1 epochs)") > 0);
  CHECK(r.output.find("model         fresh (trained here, hidden 8)") != std::string::npos);
  // The tower of hidden 8 and item_dim 16: 2 x (17 x 8 + 8 x 8 + 8 x 16) = 656 FLOPs, plus the
  // per-item and per-basket sums of ~18 options: well under 2 kFLOP, and more than the tower.
  const double kflop = figure(r.output, R"(network\s+([\d.]+) kFLOP per decision)");
  CHECK(kflop > 0.656);
  CHECK(kflop < 2.0);
  CHECK(figure(r.output, R"(model only\s+(\d+) decisions/s)") > 0);
  CHECK(figure(r.output, R"(simulation\s+(\d+) decisions/s)") > 0);
  // The fresh model lived in a scratch folder that is gone.
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path())) {
    CHECK(entry.path().filename().string().rfind("bundlesim-bench-neural-", 0) != 0);
  }
}

TEST_CASE("bench --neural: the training options go with fresh only") {
  CommandResult r = run_bundlesim("bench --neural model.pt --hidden 8");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--hidden and --epochs go with --neural fresh") != std::string::npos);
}

}  // namespace
