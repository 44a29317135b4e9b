// The parts that need LibTorch live in libbundlesim_torch.so, loaded only when one of them is asked
// for (market/torch_parts.h), so that a process that needs none of them starts without LibTorch's
// 0.6 s. Checked through the real command line, with the library made unreachable.

#include <doctest/doctest.h>

#include "tests/test_support.h"

using namespace bundlesim::testing;

namespace {
const std::string kUnreachable = "BUNDLESIM_TORCH_PARTS=/nonexistent/libbundlesim_torch.so";
}

TEST_CASE("a scenario without torch parts runs without the torch library, and one with them says it is missing") {
  TempDir dir;
  CommandResult quickstart =
      run_bundlesim("run " + scenario_path("quickstart.json") + " --quiet --out " + dir.file("q.sqlite"), kUnreachable);
  CHECK_MESSAGE(quickstart.exit_code == 0, quickstart.output);

  // complements.json has rl_bundler and matrix_factorization arms: exit 1 (the installation is
  // broken, the scenario is not), naming the library, not "unknown policy".
  CommandResult complements = run_bundlesim("validate " + scenario_path("complements.json"), kUnreachable);
  CHECK(complements.exit_code == 1);
  CHECK(complements.output.find("can't load the LibTorch parts of bundlesim") != std::string::npos);
  CHECK(complements.output.find("/nonexistent/libbundlesim_torch.so") != std::string::npos);
  CHECK(complements.output.find("unknown policy") == std::string::npos);
  CommandResult train = run_bundlesim("train --logs x.csv --out y.pt", kUnreachable);
  CHECK(train.exit_code == 1);
  CHECK(train.output.find("can't load the LibTorch parts") != std::string::npos);

  // Found beside the binary, as the build puts it.
  CommandResult found = run_bundlesim("validate " + scenario_path("complements.json"));
  CHECK_MESSAGE(found.exit_code == 0, found.output);
}
