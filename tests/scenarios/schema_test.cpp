// scenarios/schema.json and the shipped scenarios agree: every scenario validates against the schema,
// and the loader accepts every scenario. A small JSON Schema (draft-07 subset) checker is enough:
// the schema uses only type, enum, required, properties, additionalProperties, items, min/max
// bounds and local $refs.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sim/scenario.h"
#include "tests/test_support.h"

using nlohmann::json;

namespace {

const json& resolve(const json& schema, const json& root) {
  if (!schema.contains("$ref")) return schema;
  std::string ref = schema["$ref"];  // "#/definitions/x"
  return root.at(json::json_pointer(ref.substr(1)));
}

bool has_type(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") return value.is_number_integer();
  if (type == "boolean") return value.is_boolean();
  return false;
}

// Appends "path: problem" for every violation.
void check(const json& value, const json& schema_in, const json& root, const std::string& path,
           std::vector<std::string>& problems) {
  const json& schema = resolve(schema_in, root);
  if (schema.contains("type") && !has_type(value, schema["type"])) {
    problems.push_back(path + ": not a " + schema["type"].get<std::string>());
    return;
  }
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
    problems.push_back(path + ": not one of " + schema["enum"].dump());
  }
  if (value.is_number()) {
    double v = value.get<double>();
    if (schema.contains("minimum") && v < schema["minimum"].get<double>()) problems.push_back(path + ": below minimum");
    if (schema.contains("maximum") && v > schema["maximum"].get<double>()) problems.push_back(path + ": above maximum");
    if (schema.contains("exclusiveMinimum") && v <= schema["exclusiveMinimum"].get<double>()) problems.push_back(path + ": not above exclusiveMinimum");
    if (schema.contains("exclusiveMaximum") && v >= schema["exclusiveMaximum"].get<double>()) problems.push_back(path + ": not below exclusiveMaximum");
  }
  if (value.is_object()) {
    for (const auto& key : schema.value("required", json::array())) {
      if (!value.contains(key.get<std::string>())) problems.push_back(path + ": missing " + key.get<std::string>());
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      std::string child = path + "/" + it.key();
      if (schema.contains("properties") && schema["properties"].contains(it.key())) {
        check(it.value(), schema["properties"][it.key()], root, child, problems);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean()) {
          if (!extra.get<bool>()) problems.push_back(child + ": not allowed by the schema");
        } else {
          check(it.value(), extra, root, child, problems);
        }
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) check(value[i], schema["items"], root, path + "/" + std::to_string(i), problems);
  }
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

}  // namespace

TEST_CASE("every shipped scenario validates against scenarios/schema.json and loads") {
  const json schema = read_json(bundlesim::testing::scenario_path("schema.json"));
  int scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(bundlesim::testing::scenario_path(""))) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "schema.json") continue;
    ++scenarios;
    CAPTURE(entry.path().filename().string());
    std::vector<std::string> problems;
    check(read_json(entry.path().string()), schema, schema, "", problems);
    CHECK(problems == std::vector<std::string>{});
    CHECK_NOTHROW(bundlesim::load_scenario(entry.path().string()));
  }
  CHECK(scenarios >= 4);
}

TEST_CASE("the schema checker itself rejects what the loader rejects") {
  const json schema = read_json(bundlesim::testing::scenario_path("schema.json"));
  json scenario = read_json(bundlesim::testing::scenario_path("quickstart.json"));
  scenario["arms"][1]["traffc"] = 0.5;        // misspelt key
  scenario["catalog"]["items"][0]["price"] = -3;  // negative price
  std::vector<std::string> problems;
  check(scenario, schema, schema, "", problems);
  // (nlohmann::json keeps object keys sorted, so /arms comes before /catalog.)
  CHECK(problems == std::vector<std::string>{"/arms/1/traffc: not allowed by the schema",
                                             "/catalog/items/0/price: not above exclusiveMinimum"});
}
