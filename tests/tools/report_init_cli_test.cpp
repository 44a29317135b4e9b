// `bundlesim report`, `run --html`, `init` and the "did you mean" hints, through the real command
// line: the page `report` draws is byte for byte the one `run --html` wrote, bad reports exit 2, the
// starter scenario validates and runs, and a misspelt key anywhere in a scenario, or a misspelt
// policy, choice model or option name, gets the right suggestion.

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "reports/comparison_summary.h"
#include "sim/scenario.h"
#include "tests/test_scenarios.h"
#include "tests/test_support.h"

using namespace bundlesim;
using namespace bundlesim::testing;
using nlohmann::json;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string load_error(const json& j) {
  try {
    parse_scenario(j.dump(2), "s.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

// A typo: the middle character dropped ("traffic" -> "trafic", "mu" -> "m").
std::string misspelt(const std::string& key) { return key.substr(0, key.size() / 2) + key.substr(key.size() / 2 + 1); }

// Every object key in `j`, with its JSON pointer.
void object_keys(const json& j, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      out.emplace_back(path, it.key());
      object_keys(it.value(), child_path(path, it.key()), out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) object_keys(j[i], child_path(path, i), out);
  }
}

}  // namespace

TEST_CASE("report --html draws the same page run --html wrote, and bad reports exit 2") {
  TempDir dir;
  CommandResult run = run_bundlesim("run " + scenario_path("quickstart.json") + " --quiet --out " + dir.file("r.sqlite") +
                                    " --html " + dir.file("run.html"));
  REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  CHECK(run.output.find("html: " + dir.file("run.html")) != std::string::npos);
  CommandResult report = run_bundlesim("report " + dir.file("r.sqlite") + " --run 1 --html " + dir.file("report.html"));
  REQUIRE_MESSAGE(report.exit_code == 0, report.output);
  std::string page = read_text(dir.file("run.html"));
  CHECK(page.size() > 20000);
  CHECK(page == read_text(dir.file("report.html")));
  CHECK(page.find("<title>quickstart · bundlesim report</title>") != std::string::npos);
  CommandResult list = run_bundlesim("report " + dir.file("r.sqlite"));
  CHECK(list.exit_code == 0);
  CHECK(list.output.find("holds 1 run\n  run 1: quickstart,") != std::string::npos);

  CommandResult missing_run = run_bundlesim("report " + dir.file("r.sqlite") + " --run 9 --html " + dir.file("x.html"));
  CHECK(missing_run.exit_code == 2);
  CHECK(missing_run.output.find("no run with id 9") != std::string::npos);
  CommandResult no_file = run_bundlesim("report " + dir.file("nope.sqlite") + " --html " + dir.file("x.html"));
  CHECK(no_file.exit_code == 2);
  CHECK(no_file.output.find("nope.sqlite: no such file") != std::string::npos);
  CommandResult unwritable = run_bundlesim("report " + dir.file("r.sqlite") + " --html " + dir.file("no/such/dir/x.html"));
  CHECK(unwritable.exit_code == 1);
  CHECK(unwritable.output.find("can't write the HTML report") != std::string::npos);
}

TEST_CASE("init writes a commented starter scenario that validates and runs") {
  TempDir dir;
  CommandResult init = run_bundlesim("init " + dir.file("shop"));
  REQUIRE_MESSAGE(init.exit_code == 0, init.output);
  CHECK(init.output.find("bundlesim validate " + dir.file("shop.json")) != std::string::npos);
  std::string text = read_text(dir.file("shop.json"));
  json j = json::parse(text);
  CHECK(j["name"] == "shop");
  CHECK(j.contains("//"));
  CHECK(j["arms"][0]["//"].get<std::string>().find("fixed_bundles") != std::string::npos);  // registered policies listed
  CommandResult validate = run_bundlesim("validate " + dir.file("shop.json"));
  CHECK_MESSAGE(validate.exit_code == 0, validate.output);
  CommandResult run = run_bundlesim("run " + dir.file("shop.json") + " --quiet --out " + dir.file("shop.sqlite"));
  CHECK_MESSAGE(run.exit_code == 0, run.output);
  // Never overwrites by accident.
  CommandResult again = run_bundlesim("init " + dir.file("shop.json"));
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("--force") != std::string::npos);
}

TEST_CASE("keys starting with // are comments at any level, and other unknown keys are still errors") {
  json j = tiny_scenario();
  j["//"] = "top";
  j["arrivals"]["// note"] = "nested";
  j["arms"][1]["params"]["//"] = "policy params";
  j["arms"][1]["params"]["bundles"][0]["//"] = "one bundle";
  j["choice_model"]["//"] = "choice model";
  j["population"]["segments"][0]["valuation"]["//"] = "distribution";
  CHECK(load_error(j) == "(no error)");
  json spaced = tiny_scenario();
  spaced["arrivals"][" //"] = 1;  // not a comment: it doesn't start with "//"
  CHECK(load_error(spaced) == "s.json: /arrivals/ ~1~1: unknown key");
  CHECK(is_comment_key("//"));
  CHECK(is_comment_key("//seed"));
  CHECK_FALSE(is_comment_key("/"));
  CHECK_FALSE(is_comment_key("seed//"));
}

TEST_CASE("every misspelt key in the quickstart, at every level, gets the right suggestion") {
  std::ifstream in(scenario_path("quickstart.json"));
  const json quickstart = json::parse(in);
  std::vector<std::pair<std::string, std::string>> keys;
  object_keys(quickstart, "", keys);
  REQUIRE(keys.size() > 80);
  int checked = 0;
  for (const auto& [path, key] : keys) {
    json j = quickstart;
    json& parent = path.empty() ? j : j[json::json_pointer(path)];
    json value = parent[key];
    parent.erase(key);
    parent[misspelt(key)] = value;
    CAPTURE(path);
    CAPTURE(key);
    std::string error = load_error(j);
    CHECK(error.find(child_path(path, misspelt(key))) != std::string::npos);
    CHECK(error.find("did you mean `" + key + "`?") != std::string::npos);
    ++checked;
  }
  CHECK(checked == static_cast<int>(keys.size()));
}

TEST_CASE("misspelt names of policies, choice models, choices, items, arms, commands and options get suggestions") {
  json t = tiny_scenario();
  CHECK(load_error(with(t, "/arms/1/policy", "fixed_bundle")).find(
            "/arms/1/policy: unknown policy \"fixed_bundle\" (did you mean `fixed_bundles`?)") != std::string::npos);
  CHECK(load_error(with(t, "/choice_model/type", "surplis")).find(
            "/choice_model/type: unknown choice model \"surplis\" (did you mean `surplus`?)") != std::string::npos);
  CHECK(load_error(with(t, "/browse/mode", "al")).find("(did you mean `all`?)") != std::string::npos);
  CHECK(load_error(with(t, "/experiment", json{{"design", "paird"}})).find("(did you mean `paired`?)") != std::string::npos);
  CHECK(load_error(with(t, "/experiment", json{{"control", "contrl"}})).find("(did you mean `control`?)") != std::string::npos);
  CHECK(load_error(with(t, "/complementarity", json::array({json{{"items", {"a", "bb"}}, {"extra_value", 1}}})))
            .find("(did you mean `b`?)") != std::string::npos);

  CommandResult command = run_bundlesim("reprot x.sqlite");
  CHECK(command.exit_code == 2);
  CHECK(command.output.find("did you mean `report`?") != std::string::npos);
  CommandResult option = run_bundlesim("report x.sqlite --htm y.html");
  CHECK(option.exit_code == 2);
  CHECK(option.output.find("unknown option --htm (did you mean `html`?)") != std::string::npos);
}

TEST_CASE("significant wins are green and losses red on a terminal, with no colour under NO_COLOR or in a pipe") {
  TempDir dir;
  const std::string run = std::string(BUNDLESIM_BINARY) + " run " + scenario_path("quickstart.json") + " --quiet --out " +
                          dir.file("r.sqlite");
  CommandResult piped = run_bundlesim("run " + scenario_path("quickstart.json") + " --quiet --out " + dir.file("r.sqlite"));
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.output.find("\033[") == std::string::npos);
  if (std::system("command -v script > /dev/null 2>&1") != 0) {
    MESSAGE("`script` (util-linux) is not installed: terminal colours not checked");
    return;
  }
  // `script` gives the command a pseudo-terminal, as a person's shell would.
  auto on_terminal = [&](const std::string& env) {
    std::string command = "script -qec '" + env + run + "' /dev/null 2>&1";
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    size_t n;
    while (pipe && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    if (pipe) pclose(pipe);
    return out;
  };
  std::string colored = on_terminal("");
  // The quickstart's bundle arm is significantly better on revenue per visitor (p < 0.0001).
  CHECK(colored.find("\033[32m") != std::string::npos);
  CHECK(colored.find("\033[32mbetter") != std::string::npos);
  CHECK(on_terminal("NO_COLOR=1 ").find("\033[") == std::string::npos);
}

TEST_CASE("the colour follows the verdict: green better, red worse, none when we can't tell") {
  Comparison c;
  c.p_value_adjusted = 0.001;
  c.significant = true;
  c.test.difference = 2;
  CHECK(colored_by_verdict("x", c) == "\033[32mx\033[0m");
  c.test.difference = -2;
  CHECK(colored_by_verdict("x", c) == "\033[31mx\033[0m");
  c.significant = false;
  CHECK(colored_by_verdict("x", c) == "x");
}
