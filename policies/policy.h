#pragma once
// A bundle and pricing policy: given what a shopper has shown so far and the state of the shop, it
// returns the offer; afterwards it is told the outcome, so learning policies can learn online.
// Policies see the market but never the engine (market <- policies <- sim).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "market/catalog.h"
#include "market/complementarity.h"
#include "market/inventory.h"
#include "market/offer.h"
#include "market/population.h"
#include "market/registry.h"

namespace bundlesim {

// What a policy may know about the shopper in front of it. Valuations are private to the shopper.
struct ShopperContext {
  uint64_t shopper_id = 0;
  int segment = 0;
  int visit = 0;            // 0 for the first visit, 1 for the first return, ...
  double time_days = 0;     // simulated time since the start of the run
  const std::vector<ItemIndex>* browsed = nullptr;  // items the shopper looked at, in stock or not
};

// What happened after the offer was shown.
struct Outcome {
  bool bought = false;
  std::vector<ItemIndex> items;  // items bought
  int bundle = -1;               // index into Offer::bundles of the bundle bought, or -1
  double revenue = 0;
  double margin = 0;             // revenue minus unit costs
  bool stockout = false;         // the chosen basket could no longer be filled
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Fills `offer` (cleared by the caller) for this shopper.
  virtual void make_offer(const ShopperContext& shopper, const Inventory& shop, Offer& offer) = 0;
  // Called once per offer, in the order offers were made, after the shopper chose.
  virtual void observe(const ShopperContext& shopper, const Offer& offer, const Outcome& outcome) {}
  // Scoring mode, for offline evaluation (docs/offline-evaluation.md): the probability that this
  // policy, facing `shopper` and `shop`, makes exactly the offer `logged`. The default is right for
  // deterministic policies: 1 when make_offer() gives the same offer (same_offer()), else 0. For a
  // randomised policy that is one draw of 1{its offer = logged}, an unbiased but noisy estimate of
  // the probability; those that can compute it exactly (rl_bundler) override it.
  virtual double offer_probability(const ShopperContext& shopper, const Inventory& shop, const Offer& logged);
};

// Whether two offers show the same bundles (items, pure or mixed, price) and the same item prices,
// in any order; prices within 1e-9 relative (logs round-trip doubles, but a price recomputed from
// list prices may differ in the last bit). Bundle ids and propensities are not compared.
bool same_offer(const Offer& a, const Offer& b);
// Prices within 1e-9 relative: the same price to a shopper (see same_offer).
bool same_price(double a, double b);

// The market's true model, which real policies never see. Only yardstick modes (`oracle: true`,
// see docs/policies.md) may use it; every other policy must ignore it.
struct MarketTruth {
  const Population* population = nullptr;                     // segments and valuations
  const std::vector<Complementarity>* complementarities = nullptr;
  const nlohmann::json* choice_model = nullptr;               // the scenario's choice_model spec
  std::string scenario_dir;                                    // for paths inside that spec
};

// What a policy may use when it is built.
struct PolicyContext {
  const Catalog* catalog = nullptr;
  uint64_t seed = 0;  // for policies that randomise: derive streams from it, never from time
  int arm = 0;        // the arm the policy serves (learning state is per arm)
  // Filled by the scenario loader and the engine; null in contexts without a market (some tests).
  // Valid only while the policy is being built: copy what an oracle needs.
  const MarketTruth* truth = nullptr;
};

// Builds a policy from an arm's `params` object (may be null when the arm has none).
// Throws SpecError for bad parameters, naming paths under `path`.
using PolicyFactory = std::function<std::unique_ptr<Policy>(
    const nlohmann::json& params, const std::string& path, const PolicyContext& context)>;
using PolicyRegistry = Registry<PolicyFactory>;

// Builds the registered policy `name`; throws SpecError (at `name_path`) for an unknown name.
std::unique_ptr<Policy> make_policy(const std::string& name, const std::string& name_path,
                                    const nlohmann::json& params, const std::string& params_path,
                                    const PolicyContext& context);

}  // namespace bundlesim
