#include "policies/policy.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "market/spec_reader.h"

namespace bundlesim {

bool same_price(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); }

namespace {

// Bundles as (sorted items, pure, price), in a canonical order.
std::vector<std::tuple<std::vector<ItemIndex>, bool, double>> canonical_bundles(const Offer& offer) {
  std::vector<std::tuple<std::vector<ItemIndex>, bool, double>> out;
  for (const OfferedBundle& b : offer.bundles) {
    std::vector<ItemIndex> items = b.items;
    std::sort(items.begin(), items.end());
    out.emplace_back(std::move(items), b.pure, b.price);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool same_offer(const Offer& a, const Offer& b) {
  if (a.bundles.size() != b.bundles.size() || a.price_overrides.size() != b.price_overrides.size()) return false;
  auto ba = canonical_bundles(a), bb = canonical_bundles(b);
  for (size_t k = 0; k < ba.size(); ++k) {
    if (std::get<0>(ba[k]) != std::get<0>(bb[k]) || std::get<1>(ba[k]) != std::get<1>(bb[k]) ||
        !same_price(std::get<2>(ba[k]), std::get<2>(bb[k]))) {
      return false;
    }
  }
  auto oa = a.price_overrides, ob = b.price_overrides;
  std::sort(oa.begin(), oa.end());
  std::sort(ob.begin(), ob.end());
  for (size_t k = 0; k < oa.size(); ++k) {
    if (oa[k].first != ob[k].first || !same_price(oa[k].second, ob[k].second)) return false;
  }
  return true;
}

double Policy::offer_probability(const ShopperContext& shopper, const Inventory& shop, const Offer& logged) {
  Offer own;
  make_offer(shopper, shop, own);
  return same_offer(own, logged) ? 1.0 : 0.0;
}

std::unique_ptr<Policy> make_policy(const std::string& name, const std::string& name_path,
                                    const nlohmann::json& params, const std::string& params_path,
                                    const PolicyContext& context) {
  const auto& registry = PolicyRegistry::instance();
  const PolicyFactory* factory = registry.find(name);
  if (!factory) {
    std::string list;
    for (const auto& n : registry.names()) list += (list.empty() ? "" : ", ") + n;
    throw SpecError(name_path, fmt::format("unknown policy \"{}\"{}; known: {}", name,
                                           suggestion(name, registry.names()), list));
  }
  return (*factory)(params, params_path, context);
}

}  // namespace bundlesim
