// Parts register themselves by name from static initialisers, which a linker drops from a static
// library when nothing references their object file (market/registry.h). The symptom is a scenario
// failing with "unknown policy" in the real program only. So: the `bundlesim` binary must know every
// policy and choice model that the libraries register, and the spine's own parts must be among them.

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "market/choice_model.h"
#include "policies/policy.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;

namespace {

// The names after "known: " in the binary's message for an unknown name at `pointer`.
std::vector<std::string> names_known_to_binary(const std::string& pointer) {
  TempDir dir;
  std::string file = dir.file("unknown.json");
  std::ofstream(file) << with(tiny_scenario(), pointer, "no-such-part").dump();
  CommandResult r = run_bundlesim("validate " + file);
  CHECK(r.exit_code == 2);
  size_t at = r.output.find("; known: ");
  REQUIRE_MESSAGE(at != std::string::npos, r.output);
  std::string list = r.output.substr(at + 9);
  list = list.substr(0, list.find('\n'));
  std::vector<std::string> names;
  for (size_t start = 0; start <= list.size();) {
    size_t comma = list.find(", ", start);
    names.push_back(list.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("the bundlesim binary knows every registered policy") {
  std::vector<std::string> registered = PolicyRegistry::instance().names();
  CHECK(has(registered, "control"));
  CHECK(has(registered, "fixed_bundles"));
  CHECK(names_known_to_binary("/arms/0/policy") == registered);
}

TEST_CASE("the bundlesim binary knows every registered choice model") {
  std::vector<std::string> registered = ChoiceModelRegistry::instance().names();
  CHECK(has(registered, "surplus"));
  CHECK(has(registered, "mnl"));
  CHECK(names_known_to_binary("/choice_model/type") == registered);
}
