// `bundlesim init NAME`: writes a commented starter scenario, NAME.json, that validates and runs.
// JSON has no comments, so the file uses the loader's convention: keys starting with "//" are
// comments (market/spec_reader.h, docs/scenario-format.md "Comments").

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/choice_model.h"
#include "policies/policy.h"
#include "tools/command_line.h"
#include "tools/commands.h"

namespace bundlesim {
namespace {

constexpr const char* kHelp = R"(usage: bundlesim init NAME [--force]

Writes NAME.json (or NAME itself when it ends in .json): a small, commented starter scenario, a
kitchen shop testing a bundle against selling items alone. Keys starting with "//" are comments;
the loader skips them. Edit it, then:

  bundlesim validate NAME.json
  bundlesim run NAME.json --html NAME.html

options:
  --force   overwrite NAME.json if it exists
  --help    this text
)";

// @NAME@, @POLICIES@ and @MODELS@ are filled in; the rest is the file as written.
constexpr const char* kStarter = R"json({
  "//": "A bundlesim scenario: a simulated shop and an A/B experiment on it. Keys starting with // are comments. Format: docs/scenario-format.md",
  "name": @NAME@,
  "description": "Starter: does a coffee-maker kit at 12% off beat selling the items alone?",
  "currency": "USD",
  "// seed": "Same seed, same numbers. `bundlesim run --seed N` tries another.",
  "seed": 7,
  "horizon_days": 7,

  "arrivals": {
    "//": "New shoppers per day (a Poisson process); an hourly_profile of 24 weights adds a daily rhythm.",
    "shoppers_per_day": 1500
  },
  "browse": {
    "//": "Each visit a shopper looks at `items` items, drawn by the segment's category_affinity.",
    "mode": "sample",
    "items": 3
  },

  "catalog": {
    "//": "price and unit_cost in the currency above; margin = revenue - unit costs; stock -1 = unlimited.",
    "items": [
      {"id": "brewer", "name": "Pour-over brewer", "category": "brewing", "price": 45, "unit_cost": 20, "stock": 400},
      {"id": "grinder", "name": "Burr grinder", "category": "brewing", "price": 89, "unit_cost": 50, "stock": 150},
      {"id": "beans", "name": "Single-origin beans 500 g", "category": "coffee", "price": 16, "unit_cost": 7},
      {"id": "filters", "name": "Paper filters (100)", "category": "supplies", "price": 6, "unit_cost": 1.5},
      {"id": "mug", "name": "Stoneware mug", "category": "supplies", "price": 14, "unit_cost": 4}
    ]
  },

  "population": {
    "//": "Shopper segments; shares sum to 1. Valuations relative_to_price: mu -0.3 means shoppers value an item at about 0.74 of its price, so a discount matters.",
    "segments": [
      {
        "name": "casual",
        "share": 0.7,
        "price_sensitivity": 1.2,
        "category_affinity": {"brewing": 1.0, "coffee": 2.0, "supplies": 1.0},
        "valuation": {"distribution": "lognormal", "mu": -0.35, "sigma": 0.3, "relative_to_price": true},
        "return_probability": 0.2,
        "return_delay_days": 2
      },
      {
        "name": "enthusiast",
        "share": 0.3,
        "price_sensitivity": 0.8,
        "category_affinity": {"brewing": 2.0, "coffee": 1.5, "supplies": 0.5},
        "valuation": {"distribution": "lognormal", "mu": -0.2, "sigma": 0.3, "relative_to_price": true},
        "return_probability": 0.3,
        "return_delay_days": 3
      }
    ]
  },

  "choice_model": {
    "//": "How shoppers choose a basket. Available: @MODELS@. mnl: logit with this scale (currency).",
    "type": "mnl",
    "scale": 6
  },
  "complementarity": [
    {"items": ["brewer", "filters"], "extra_value": 6},
    {"items": ["brewer", "beans"], "extra_value": 4}
  ],

  "experiment": {
    "//": "ab: each shopper sees one arm (like a live test); paired: every shopper lives through every arm, which needs far fewer shoppers.",
    "design": "ab",
    "control": "control",
    "alpha": 0.05
  },
  "arms": [
    {
      "//": "Policies available: @POLICIES@ (docs/policies.md).",
      "name": "control",
      "policy": "control",
      "traffic": 0.5
    },
    {
      "name": "starter-kit",
      "policy": "fixed_bundles",
      "traffic": 0.5,
      "params": {
        "//": "discount: fraction off the sum of list prices (or give a price). pure: true sells the items only as the bundle.",
        "bundles": [{"items": ["brewer", "filters", "beans"], "discount": 0.12}]
      }
    }
  ]
}
)json";

std::string replace_all(std::string text, const std::string& token, const std::string& value) {
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size())) {
    text.replace(at, token.size(), value);
  }
  return text;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

int init_command(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  CommandLine cl(args, {}, {"force"});
  cl.expect_positionals(1, 1, "NAME");
  std::filesystem::path file = cl.positionals()[0];
  if (file.extension() != ".json") file += ".json";
  std::string name = file.stem().string();
  if (name.empty()) throw UsageError("NAME must not be empty");
  if (std::filesystem::exists(file) && !cl.flag("force")) {
    throw UsageError(fmt::format("{} exists; choose another NAME or add --force to overwrite it", file.string()));
  }
  std::string text = replace_all(kStarter, "@NAME@", nlohmann::json(name).dump());
  text = replace_all(text, "@POLICIES@", joined(PolicyRegistry::instance().names()));
  text = replace_all(text, "@MODELS@", joined(ChoiceModelRegistry::instance().names()));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out) {
    std::fprintf(stderr, "error: %s: can't write the file\n", file.string().c_str());
    return kExitFailure;
  }
  out.close();
  std::printf(
      "wrote %s: a kitchen shop testing a coffee-maker kit (brewer + filters + beans, 12%% off) against\n"
      "selling items alone, 1,500 shoppers a day for 7 days. Keys starting with \"//\" are comments.\n"
      "next:\n  bundlesim validate %s\n  bundlesim run %s --html %s.html\n",
      file.string().c_str(), file.string().c_str(), file.string().c_str(),
      (file.parent_path() / name).string().c_str());
  return kExitOk;
}

}  // namespace bundlesim
