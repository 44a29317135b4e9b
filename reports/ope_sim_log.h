#pragma once
// Offline evaluation on the simulator's own decision logs (docs/event-log.md). A round is one
// decision of the logging arm; its action is the offer shown, numbered in a table of distinct
// offers; its reward is the decision's revenue; its propensity is the logged one. Registered
// policies are evaluated in scoring mode: rebuilt from the log's catalog, shown each logged
// shopper, asked for the probability of the logged offer (Policy::offer_probability) and for
// their own offer (which the reward model then scores).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "market/catalog.h"
#include "market/offer.h"
#include "reports/ope_logs.h"
#include "reports/ope_policy_spec.h"

namespace bundlesim {

struct SimulatorRounds {
  Catalog catalog;  // as logged: ids, categories, brands, list prices at the start of the run
  std::vector<std::string> segments;
  std::string arm;     // the logging arm's name
  std::string policy;  // and its policy

  // One entry per round, in log order.
  std::vector<uint64_t> shopper;
  std::vector<int> visit;
  std::vector<int> segment;
  std::vector<double> time_days;
  std::vector<std::vector<ItemIndex>> browsed;
  // Item prices of the day as logged (price alone of each considered item, overrides excluded).
  std::vector<std::vector<std::pair<ItemIndex, double>>> item_prices;

  // The action table: action a is offers[a]; offers made by scored policies are added to it.
  std::vector<Offer> offers;
  std::unordered_map<std::string, int> offer_index;  // canonical key -> action
};

// The action number of `offer` in `log`, adding it (and its features) when it is new.
// REQUIRES: log.simulator.
int simulator_action(BanditLog& log, const Offer& offer);

// A registered policy in scoring mode on every round of a simulator log: the distribution holds
// the policy's own offer in each round (a sample of it for a randomised policy) and
// `logged_probability` the probability it gives the logged offer. Policies start fresh (as at the
// start of a run) and are not told the logged outcomes. Throws SpecError at `path`/policy or
// `path`/params for an unknown policy or bad parameters.
// REQUIRES: log.simulator.
ActionDistribution score_registered_policy(const std::string& name, const nlohmann::json& params,
                                           const std::string& path, uint64_t seed, BanditLog& log);

}  // namespace bundlesim
