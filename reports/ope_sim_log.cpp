#include "reports/ope_sim_log.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "market/inventory.h"
#include "market/spec_reader.h"
#include "policies/policy.h"
#include "sim/decision_log.h"

namespace bundlesim {

namespace {

// Context: segment one-hot, browsed items multi-hot, number browsed, visit.
int context_dim(const SimulatorRounds& s) { return static_cast<int>(s.segments.size()) + s.catalog.size() + 2; }

// Action (offer) features: has a bundle, number of bundles, items in bundles (multi-hot), the
// bundles' discount off their items' list prices, share of pure bundles, has an item price,
// items priced (multi-hot), that price's discount off list.
int action_dim(const SimulatorRounds& s) { return 2 * s.catalog.size() + 6; }

// Pair features of (round, offer): bundled items the shopper browsed, bundled items they did not,
// whether an item price is on a browsed item.
constexpr int kPairDim = 3;

std::string offer_key(const Offer& offer) {
  std::vector<std::string> bundles, overrides;
  for (const OfferedBundle& b : offer.bundles) {
    std::vector<ItemIndex> items = b.items;
    std::sort(items.begin(), items.end());
    std::string key;
    for (ItemIndex i : items) key += fmt::format("{} ", i);
    bundles.push_back(fmt::format("{}:{:.9g}:{}", key, b.price, b.pure ? 1 : 0));
  }
  for (const auto& [item, price] : offer.price_overrides) overrides.push_back(fmt::format("{}:{:.9g}", item, price));
  std::sort(bundles.begin(), bundles.end());
  std::sort(overrides.begin(), overrides.end());
  std::string key;
  for (const auto& b : bundles) key += b + ";";
  key += "|";
  for (const auto& o : overrides) key += o + ";";
  return key;
}

std::string describe_offer(const Offer& offer, const Catalog& catalog) {
  std::string text;
  for (const OfferedBundle& b : offer.bundles) {
    std::string items;
    for (ItemIndex i : b.items) items += (items.empty() ? "" : "+") + catalog.item(i).id;
    text += fmt::format("{}{} at {:.2f}{}", text.empty() ? "" : "; ", items, b.price, b.pure ? " (pure)" : "");
  }
  for (const auto& [item, price] : offer.price_overrides) {
    text += fmt::format("{}{} at {:.2f}", text.empty() ? "" : "; ", catalog.item(item).id, price);
  }
  return text.empty() ? "no offer" : text;
}

void append_action_features(const SimulatorRounds& s, const Offer& offer, std::vector<float>& out) {
  const int n = s.catalog.size();
  size_t at = out.size();
  out.resize(at + action_dim(s), 0.0f);
  float* f = &out[at];
  f[0] = offer.bundles.empty() ? 0.0f : 1.0f;
  f[1] = static_cast<float>(offer.bundles.size());
  double discount = 0, pure = 0;
  for (const OfferedBundle& b : offer.bundles) {
    double list = 0;
    for (ItemIndex i : b.items) {
      f[2 + i] = 1.0f;
      list += s.catalog.item(i).price;
    }
    discount += list > 0 ? 1 - b.price / list : 0;
    pure += b.pure;
  }
  if (!offer.bundles.empty()) {
    f[2 + n] = static_cast<float>(discount / offer.bundles.size());
    f[3 + n] = static_cast<float>(pure / offer.bundles.size());
  }
  f[4 + n] = offer.price_overrides.empty() ? 0.0f : 1.0f;
  double item_discount = 0;
  for (const auto& [item, price] : offer.price_overrides) {
    f[5 + n + item] = 1.0f;
    double list = s.catalog.item(item).price;
    item_discount += list > 0 ? 1 - price / list : 0;
  }
  if (!offer.price_overrides.empty()) f[5 + 2 * n] = static_cast<float>(item_discount / offer.price_overrides.size());
}

void pair_features(const SimulatorRounds& s, size_t round, int action, float* out) {
  const std::vector<ItemIndex>& browsed = s.browsed[round];
  auto was_browsed = [&](ItemIndex i) { return std::find(browsed.begin(), browsed.end(), i) != browsed.end(); };
  const Offer& offer = s.offers[action];
  float in = 0, out_of = 0, override_browsed = 0;
  for (const OfferedBundle& b : offer.bundles) {
    for (ItemIndex i : b.items) (was_browsed(i) ? in : out_of) += 1;
  }
  for (const auto& o : offer.price_overrides) override_browsed += was_browsed(o.first);
  out[0] = in;
  out[1] = out_of;
  out[2] = override_browsed;
}

// The line of each data row (the reader skips empty lines, so rows are not simply numbered).
std::vector<int64_t> row_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<int64_t> lines;
  std::string text;
  int64_t line = 0;
  bool header = true;
  while (std::getline(in, text)) {
    ++line;
    if (header) {
      if (text.rfind("# ", 0) != 0) header = false;  // the column names
      continue;
    }
    if (!text.empty() && text != "\r") lines.push_back(line);
  }
  return lines;
}

}  // namespace

int simulator_action(BanditLog& log, const Offer& offer) {
  SimulatorRounds& s = *log.simulator;
  std::string key = offer_key(offer);
  auto it = s.offer_index.find(key);
  if (it != s.offer_index.end()) return it->second;
  int action = static_cast<int>(s.offers.size());
  Offer copy = offer;
  copy.propensity = 1;
  s.offers.push_back(std::move(copy));
  s.offer_index.emplace(std::move(key), action);
  log.action_names.push_back(describe_offer(offer, s.catalog));
  append_action_features(s, offer, log.action_features);
  log.actions = action + 1;
  return action;
}

BanditLog read_simulator_log(const std::string& path, const std::string& arm) {
  DecisionLog decisions;
  try {
    decisions = read_decision_log(path);
  } catch (const DecisionLogError& e) {
    // The reader's messages already start with the file name.
    std::string what = e.what();
    if (what.rfind(path + ": ", 0) == 0) what = what.substr(path.size() + 2);
    throw LogError(path, what);
  }
  // Which arm logged the rounds to evaluate on.
  std::vector<std::string> names;
  for (const LoggedArm& a : decisions.arms) names.push_back(a.name);
  int chosen = -1;
  if (!arm.empty()) {
    auto it = std::find(names.begin(), names.end(), arm);
    if (it == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw LogError(path, fmt::format("--arm {}: no such arm{}; the log's arms: {}", arm, suggestion(arm, names), list));
    }
    chosen = static_cast<int>(it - names.begin());
  } else if (names.size() == 1) {
    chosen = 0;
  } else {
    std::set<int> randomised;
    for (const LoggedDecision& d : decisions.decisions) {
      if (d.offer.propensity < 1) randomised.insert(d.arm);
    }
    if (randomised.size() != 1) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw LogError(path, fmt::format("the log has {} arms ({}), {} of them randomised: say which arm logged the "
                                       "rounds with --arm NAME",
                                       names.size(), list, randomised.size()));
    }
    chosen = *randomised.begin();
  }

  for (const LoggedDecision& d : decisions.decisions) {
    if (d.arm == chosen && !d.offer.propensity_known()) {
      throw LogError(path, fmt::format("arm {} ({}) randomised its offers without stating their probabilities (the "
                                       "propensity column is empty), so its decisions can't be reweighted; log with "
                                       "random_offers, or a deterministic policy",
                                       names[chosen], decisions.arms[chosen].policy));
    }
  }

  BanditLog log;
  log.source = path;
  log.format = "simulator";
  log.positions = 1;
  log.action_embedding = false;
  log.simulator = std::make_shared<SimulatorRounds>();
  SimulatorRounds& s = *log.simulator;
  s.catalog = decisions.catalog;
  s.segments = decisions.segments;
  if (s.segments.empty()) s.segments.push_back("all");
  s.arm = names.empty() ? "" : names[chosen];
  s.policy = decisions.arms.empty() ? "" : decisions.arms[chosen].policy;
  std::vector<int64_t> lines = row_lines(path);

  const int n_items = s.catalog.size();
  const int segments = static_cast<int>(s.segments.size());
  log.context_dim = context_dim(s);
  log.action_feature_dim = action_dim(s);
  for (size_t k = 0; k < decisions.decisions.size(); ++k) {
    const LoggedDecision& d = decisions.decisions[k];
    if (d.arm != chosen) continue;
    log.line.push_back(k < lines.size() ? lines[k] : -1);
    log.action.push_back(simulator_action(log, d.offer));
    log.position.push_back(0);
    log.reward.push_back(d.revenue);
    log.propensity.push_back(d.offer.propensity);
    s.shopper.push_back(d.shopper);
    s.visit.push_back(d.visit);
    s.segment.push_back(d.segment);
    s.time_days.push_back(d.time_days);
    s.browsed.push_back(d.browsed);
    // Prices of the day: the considered items' prices alone, except where the offer set them.
    const ChoiceProblem& problem = decisions.menus.problems[d.problem];
    std::vector<std::pair<ItemIndex, double>> prices;
    for (int j = 0; j < problem.item_count; ++j) {
      ItemIndex item = decisions.menus.items[problem.item_begin + j];
      bool overridden = std::any_of(d.offer.price_overrides.begin(), d.offer.price_overrides.end(),
                                    [&](const auto& o) { return o.first == item; });
      if (!overridden) prices.emplace_back(item, decisions.menus.item_prices[problem.item_begin + j]);
    }
    s.item_prices.push_back(std::move(prices));

    size_t at = log.context.size();
    log.context.resize(at + log.context_dim, 0.0f);
    float* c = &log.context[at];
    if (d.segment < segments) c[d.segment] = 1.0f;
    for (ItemIndex i : d.browsed) c[segments + i] = 1.0f;
    c[segments + n_items] = static_cast<float>(d.browsed.size());
    c[segments + n_items + 1] = static_cast<float>(d.visit);
  }
  if (log.rounds() == 0) {
    throw LogError(path, fmt::format("arm \"{}\" made no decisions in this log", s.arm));
  }
  std::shared_ptr<SimulatorRounds> rounds = log.simulator;
  log.pair_function_dim = kPairDim;
  log.pair_function = [rounds](size_t round, int action, float* out) { pair_features(*rounds, round, action, out); };
  return log;
}

ActionDistribution score_registered_policy(const std::string& name, const nlohmann::json& params,
                                           const std::string& path, uint64_t seed, BanditLog& log) {
  SimulatorRounds& s = *log.simulator;
  PolicyContext context;
  context.catalog = &s.catalog;
  context.seed = seed;
  context.arm = 0;
  std::unique_ptr<Policy> policy = make_policy(name, child_path(path, "policy"), params, child_path(path, "params"), context);

  const size_t n = log.rounds();
  ActionDistribution d;
  d.offset.reserve(n + 1);
  d.logged_probability.resize(n);
  Inventory shop(s.catalog);
  for (size_t i = 0; i < n; ++i) {
    // The prices the logged shopper saw; stock is not logged, so every item counts as in stock.
    for (const auto& [item, price] : s.item_prices[i]) shop.set_price(item, price);
    ShopperContext shopper;
    shopper.shopper_id = s.shopper[i];
    shopper.segment = s.segment[i];
    shopper.visit = s.visit[i];
    shopper.time_days = s.time_days[i];
    shopper.browsed = &s.browsed[i];
    Offer own;
    policy->make_offer(shopper, shop, own);
    d.action.push_back(simulator_action(log, own));
    d.probability.push_back(1.0);
    d.offset.push_back(static_cast<int64_t>(d.action.size()));
    d.logged_probability[i] = policy->offer_probability(shopper, shop, s.offers[log.action[i]]);
    for (const auto& [item, price] : s.item_prices[i]) shop.set_price(item, s.catalog.item(item).price);
  }
  return d;
}

}  // namespace bundlesim
