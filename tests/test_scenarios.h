#pragma once
// Small scenarios built in code, for tests that change one value at a time.

#include <string>

#include <nlohmann/json.hpp>

namespace bundlesim::testing {

// Two goods (a at 10, b at 20), one segment valuing each uniformly on [0, 30], surplus choice, whole
// catalog browsed; a control arm and a 10%-off bundle arm at half the traffic each, design "ab"
// (written out: tests of traffic shares and visitor counts depend on it, whatever the default).
inline nlohmann::json tiny_scenario() {
  return nlohmann::json::parse(R"({
    "name": "tiny",
    "seed": 3,
    "horizon_days": 1,
    "arrivals": {"shoppers_per_day": 1000},
    "browse": {"mode": "all"},
    "catalog": {"items": [
      {"id": "a", "category": "goods", "price": 10, "unit_cost": 4},
      {"id": "b", "category": "goods", "price": 20, "unit_cost": 5}
    ]},
    "population": {"segments": [
      {"name": "everyone", "share": 1, "valuation": {"distribution": "uniform", "low": 0, "high": 30}}
    ]},
    "choice_model": {"type": "surplus"},
    "experiment": {"design": "ab"},
    "arms": [
      {"name": "control", "policy": "control", "traffic": 0.5},
      {"name": "kit", "policy": "fixed_bundles", "traffic": 0.5,
       "params": {"bundles": [{"items": ["a", "b"], "discount": 0.1}]}}
    ]
  })");
}

// Sets the value at a JSON pointer ("/arms/1/traffic"), creating objects on the way.
inline nlohmann::json with(nlohmann::json j, const std::string& pointer, const nlohmann::json& value) {
  j[nlohmann::json::json_pointer(pointer)] = value;
  return j;
}

// Removes the member or array element at a JSON pointer.
inline nlohmann::json without(nlohmann::json j, const std::string& pointer) {
  nlohmann::json::json_pointer p(pointer);
  nlohmann::json& parent = j.at(p.parent_pointer());
  if (parent.is_array()) parent.erase(std::stoul(p.back()));
  else parent.erase(p.back());
  return j;
}

}  // namespace bundlesim::testing
