// Loads a scenario file into a checked Scenario. Every error names the file, the JSON path and the
// bad value: "quickstart.json: /arms/1/traffic: must be in (0, 1], got 1.5".

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "market/choice_model.h"
#include "market/spec_reader.h"
#include "policies/policy.h"
#include "sim/random_stream.h"
#include "sim/scenario.h"

namespace bundlesim {
namespace {

using nlohmann::json;

// Shares must add up to one; this much rounding is forgiven.
constexpr double kShareTolerance = 1e-6;

ValuationDistribution read_distribution(const json& value, const std::string& path) {
  SpecReader r(value, path, {"distribution", "value", "low", "high", "mean", "sd", "mu", "sigma",
                             "relative_to_price"});
  ValuationDistribution d;
  std::string kind = r.choice("distribution", {"fixed", "uniform", "normal", "lognormal"});
  if (kind == "fixed") {
    d.kind = ValuationDistribution::Kind::kFixed;
    d.a = r.number("value", Range::non_negative());
  } else if (kind == "uniform") {
    d.kind = ValuationDistribution::Kind::kUniform;
    d.a = r.number("low", Range::non_negative());
    d.b = r.number("high", Range::non_negative());
    if (d.b < d.a) r.fail("high", fmt::format("must be >= low ({}), got {}", d.a, d.b));
  } else if (kind == "normal") {
    d.kind = ValuationDistribution::Kind::kNormal;
    d.a = r.number("mean", Range::any());
    d.b = r.number("sd", Range::non_negative());
  } else {
    d.kind = ValuationDistribution::Kind::kLognormal;
    d.a = r.number("mu", Range::any());
    d.b = r.number("sigma", Range::non_negative());
  }
  // Keys of the other distributions are not allowed: "sd" on a uniform is a mistake.
  static const std::map<std::string, std::set<std::string>> kKeys = {
      {"fixed", {"value"}}, {"uniform", {"low", "high"}}, {"normal", {"mean", "sd"}}, {"lognormal", {"mu", "sigma"}}};
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "distribution" || it.key() == "relative_to_price" || is_comment_key(it.key())) continue;
    if (!kKeys.at(kind).count(it.key())) {
      throw SpecError(child_path(path, it.key()), fmt::format("not a parameter of a {} distribution", kind));
    }
  }
  d.relative_to_price = r.boolean_or("relative_to_price", false);
  return d;
}

Item read_item(const json& value, const std::string& path) {
  SpecReader r(value, path, {"id", "name", "category", "brand", "price", "unit_cost", "stock", "features"});
  Item item;
  item.id = r.text("id");
  if (item.id.empty()) r.fail("id", "must not be empty");
  item.name = r.text_or("name", item.id);
  item.category = r.text("category");
  item.brand = r.text_or("brand", "");
  item.price = r.number("price", Range::positive());
  item.unit_cost = r.number_or("unit_cost", 0, Range::non_negative());
  item.stock = r.integer_or("stock", -1, -1, int64_t{1} << 50);
  if (r.has("features")) item.features = r.numbers("features");
  return item;
}

std::vector<Item> generate_items(const json& value, const std::string& path, uint64_t seed) {
  SpecReader r(value, path, {"categories", "brands", "feature_dims"});
  std::vector<std::string> brands = r.has("brands") ? r.texts("brands") : std::vector<std::string>{"generic"};
  if (brands.empty()) r.fail("brands", "must list at least one brand");
  int dims = static_cast<int>(r.integer_or("feature_dims", 0, 0, 64));
  const json& categories = r.array("categories");
  std::string categories_path = child_path(path, "categories");
  if (categories.empty()) throw SpecError(categories_path, "must list at least one category");
  std::vector<Item> items;
  for (size_t c = 0; c < categories.size(); ++c) {
    std::string cpath = child_path(categories_path, c);
    SpecReader cr(categories[c], cpath, {"name", "count", "price", "cost_ratio", "stock"});
    std::string name = cr.text("name");
    int64_t count = cr.integer("count", 1, 10000);
    ValuationDistribution price = read_distribution(cr.raw("price"), child_path(cpath, "price"));
    if (price.relative_to_price) throw SpecError(child_path(cpath, "price"), "a price can't be relative to itself");
    double cost_ratio = cr.number_or("cost_ratio", 0.6, Range::unit());
    int64_t stock = cr.integer_or("stock", -1, -1, int64_t{1} << 50);
    RandomStream stream(seed, 0, StreamPurpose::kCatalog, c);
    for (int64_t k = 0; k < count; ++k) {
      Item item;
      item.id = fmt::format("{}-{}", name, k);
      item.name = item.id;
      item.category = name;
      item.brand = brands[stream() % brands.size()];
      // Whole cents, and never free.
      item.price = std::max(0.01, std::round(price.sample(stream, 0) * 100) / 100);
      item.unit_cost = std::round(item.price * cost_ratio * 100) / 100;
      item.stock = stock;
      for (int d = 0; d < dims; ++d) item.features.push_back(stream.uniform() * 2 - 1);
      items.push_back(std::move(item));
    }
  }
  return items;
}

Catalog read_catalog(const json& value, const std::string& path, uint64_t seed) {
  SpecReader r(value, path, {"items", "generator"});
  if (r.has("items") == r.has("generator")) throw SpecError(path, "give exactly one of `items` or `generator`");
  std::vector<Item> items;
  if (r.has("generator")) {
    items = generate_items(r.raw("generator"), child_path(path, "generator"), seed);
  } else {
    const json& list = r.array("items");
    std::string list_path = child_path(path, "items");
    if (list.empty()) throw SpecError(list_path, "must list at least one item");
    std::set<std::string> ids;
    for (size_t i = 0; i < list.size(); ++i) {
      Item item = read_item(list[i], child_path(list_path, i));
      if (!ids.insert(item.id).second) {
        throw SpecError(child_path(child_path(list_path, i), "id"), fmt::format("duplicate item id \"{}\"", item.id));
      }
      if (!items.empty() && item.features.size() != items.front().features.size()) {
        throw SpecError(child_path(child_path(list_path, i), "features"),
                        fmt::format("must have {} values like the first item's, got {}",
                                    items.front().features.size(), item.features.size()));
      }
      items.push_back(std::move(item));
    }
  }
  return Catalog(std::move(items));
}

ItemIndex read_item_ref(const json& value, const std::string& path, const Catalog& catalog) {
  std::string id = read_text(value, path);
  ItemIndex i = catalog.find(id);
  if (i < 0) {
    std::vector<std::string> ids;
    for (const Item& item : catalog.items()) ids.push_back(item.id);
    throw SpecError(path, fmt::format("no catalog item has id \"{}\"{}", id, suggestion(id, ids)));
  }
  return i;
}

Segment read_segment(const json& value, const std::string& path, const Catalog& catalog) {
  SpecReader r(value, path, {"name", "share", "price_sensitivity", "category_affinity", "valuation",
                             "valuation_by_category", "valuation_by_item", "return_probability",
                             "return_delay_days", "pre_period_spend_mean"});
  Segment s;
  s.name = r.text("name");
  s.share = r.number("share", Range::unit_open_low());
  s.price_sensitivity = r.number_or("price_sensitivity", 1.0, Range::positive());
  s.category_affinity.assign(catalog.categories().size(), 1.0);
  if (const json* affinity = r.raw_optional("category_affinity")) {
    std::string apath = child_path(path, "category_affinity");
    SpecReader ar(*affinity, apath, catalog.categories());
    for (size_t c = 0; c < catalog.categories().size(); ++c) {
      s.category_affinity[c] = ar.number_or(catalog.categories()[c], 1.0, Range::non_negative());
    }
  }
  s.valuation = read_distribution(r.raw("valuation"), child_path(path, "valuation"));
  s.valuation_override.assign(catalog.size(), -1);
  if (const json* by_category = r.raw_optional("valuation_by_category")) {
    std::string cpath = child_path(path, "valuation_by_category");
    SpecReader cr(*by_category, cpath, catalog.categories());
    for (auto it = by_category->begin(); it != by_category->end(); ++it) {
      s.valuation_overrides.push_back(read_distribution(it.value(), child_path(cpath, it.key())));
      for (ItemIndex i = 0; i < catalog.size(); ++i) {
        if (catalog.item(i).category == it.key()) s.valuation_override[i] = static_cast<int>(s.valuation_overrides.size()) - 1;
      }
    }
  }
  if (const json* by_item = r.raw_optional("valuation_by_item")) {
    std::string ipath = child_path(path, "valuation_by_item");
    if (!by_item->is_object()) throw SpecError(ipath, fmt::format("must be an object, got {}", show_json(*by_item)));
    for (auto it = by_item->begin(); it != by_item->end(); ++it) {
      std::string key_path = child_path(ipath, it.key());
      ItemIndex i = read_item_ref(json(it.key()), key_path, catalog);
      s.valuation_overrides.push_back(read_distribution(it.value(), key_path));
      s.valuation_override[i] = static_cast<int>(s.valuation_overrides.size()) - 1;
    }
  }
  s.return_probability = r.number_or("return_probability", 0.0, {0, 1, false, true});
  s.return_delay_days = r.number_or("return_delay_days", 1.0, Range::positive());
  s.pre_period_spend_mean = r.number_or("pre_period_spend_mean", 0.0, Range::non_negative());
  return s;
}

Population read_population(const json& value, const std::string& path, const Catalog& catalog) {
  SpecReader r(value, path, {"segments"});
  const json& list = r.array("segments");
  std::string list_path = child_path(path, "segments");
  if (list.empty()) throw SpecError(list_path, "must list at least one segment");
  std::vector<Segment> segments;
  double total = 0;
  for (size_t s = 0; s < list.size(); ++s) {
    segments.push_back(read_segment(list[s], child_path(list_path, s), catalog));
    total += segments.back().share;
  }
  if (std::abs(total - 1) > kShareTolerance) {
    throw SpecError(list_path, fmt::format("segment shares must sum to 1, got {}", total));
  }
  return Population(std::move(segments));
}

ArrivalSpec read_arrivals(const json& value, const std::string& path) {
  SpecReader r(value, path, {"shoppers_per_day", "hourly_profile"});
  ArrivalSpec a;
  a.shoppers_per_day = r.number("shoppers_per_day", {0, 1e9, true, false});
  if (r.has("hourly_profile")) {
    a.hourly_profile = r.numbers("hourly_profile", Range::non_negative());
    if (a.hourly_profile.size() != 24) {
      r.fail("hourly_profile", fmt::format("must have 24 values (one per hour), got {}", a.hourly_profile.size()));
    }
    double total = 0;
    for (double w : a.hourly_profile) total += w;
    if (total <= 0) r.fail("hourly_profile", "must have at least one positive value");
    // Weights are relative: scale them to mean 1 so shoppers_per_day stays the daily mean.
    for (double& w : a.hourly_profile) w *= 24 / total;
  }
  return a;
}

BrowseSpec read_browse(const json& value, const std::string& path, const Catalog& catalog) {
  SpecReader r(value, path, {"mode", "items"});
  BrowseSpec b;
  b.whole_catalog = r.choice("mode", {"all", "sample"}) == "all";
  if (b.whole_catalog) {
    if (r.has("items")) r.fail("items", "only with mode \"sample\"");
    if (catalog.size() > kMaxConsideredItems) {
      r.fail("mode", fmt::format("\"all\" needs a catalog of at most {} items, this one has {}; use \"sample\"",
                                 kMaxConsideredItems, catalog.size()));
    }
    b.items = catalog.size();
  } else {
    b.items = static_cast<int>(r.integer("items", 1, std::min(kMaxConsideredItems, catalog.size())));
  }
  return b;
}

std::vector<Complementarity> read_complementarity(const json& list, const std::string& path, const Catalog& catalog) {
  if (!list.is_array()) throw SpecError(path, fmt::format("must be an array, got {}", show_json(list)));
  std::vector<Complementarity> out;
  for (size_t k = 0; k < list.size(); ++k) {
    std::string kpath = child_path(path, k);
    SpecReader r(list[k], kpath, {"items", "extra_value"});
    Complementarity c;
    const json& items = r.array("items");
    if (items.size() < 2) r.fail("items", "needs at least two items");
    for (size_t i = 0; i < items.size(); ++i) {
      ItemIndex item = read_item_ref(items[i], child_path(child_path(kpath, "items"), i), catalog);
      if (std::find(c.items.begin(), c.items.end(), item) != c.items.end()) {
        throw SpecError(child_path(child_path(kpath, "items"), i), "item listed twice");
      }
      c.items.push_back(item);
    }
    c.extra_value = r.number("extra_value", Range::any());
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<MarketEventSpec> read_events(const json& list, const std::string& path, const Catalog& catalog,
                                         double horizon_days) {
  if (!list.is_array()) throw SpecError(path, fmt::format("must be an array, got {}", show_json(list)));
  std::vector<MarketEventSpec> out;
  for (size_t k = 0; k < list.size(); ++k) {
    std::string kpath = child_path(path, k);
    SpecReader r(list[k], kpath, {"type", "at_day", "item", "price", "units"});
    MarketEventSpec e;
    std::string type = r.choice("type", {"price_change", "restock"});
    e.at_days = r.number("at_day", Range::closed(0, horizon_days));
    e.item = read_item_ref(r.raw("item"), child_path(kpath, "item"), catalog);
    if (type == "price_change") {
      e.kind = MarketEventSpec::Kind::kPriceChange;
      e.price = r.number("price", Range::positive());
      if (r.has("units")) r.fail("units", "only for a restock");
    } else {
      e.kind = MarketEventSpec::Kind::kRestock;
      e.units = r.integer("units", 1, int64_t{1} << 50);
      if (r.has("price")) r.fail("price", "only for a price_change");
    }
    out.push_back(e);
  }
  return out;
}

std::vector<ArmSpec> read_arms(const json& list, const std::string& path, const Scenario& scenario) {
  if (!list.is_array()) throw SpecError(path, fmt::format("must be an array, got {}", show_json(list)));
  if (list.empty()) throw SpecError(path, "must list at least one arm");
  std::vector<ArmSpec> arms;
  double total = 0;
  for (size_t a = 0; a < list.size(); ++a) {
    std::string apath = child_path(path, a);
    SpecReader r(list[a], apath, {"name", "policy", "params", "traffic"});
    ArmSpec arm;
    arm.name = r.text("name");
    if (arm.name.empty()) r.fail("name", "must not be empty");
    for (const ArmSpec& other : arms) {
      if (other.name == arm.name) r.fail("name", fmt::format("duplicate arm name \"{}\"", arm.name));
    }
    arm.policy = r.text("policy");
    if (const json* params = r.raw_optional("params")) arm.params = *params;
    arm.traffic = r.number_or("traffic", 1.0 / list.size(), Range::unit_open_low());
    total += arm.traffic;
    // Build the policy once now, so bad parameters are reported by `validate`, not mid-run.
    MarketTruth truth{&scenario.population, &scenario.complementarities, &scenario.choice_model, scenario.directory};
    PolicyContext context{&scenario.catalog, scenario.seed, static_cast<int>(a), &truth};
    make_policy(arm.policy, child_path(apath, "policy"), arm.params, child_path(apath, "params"), context);
    arms.push_back(std::move(arm));
  }
  if (std::abs(total - 1) > kShareTolerance) {
    throw SpecError(path, fmt::format("arm traffic shares must sum to 1, got {}", total));
  }
  return arms;
}

ExperimentSpec read_experiment(const json* value, const std::string& path, const std::vector<ArmSpec>& arms) {
  ExperimentSpec e;
  if (!value) return e;
  SpecReader r(*value, path, {"design", "control", "alpha"});
  e.design = r.choice_or("design", "paired", {"ab", "paired"}) == "paired" ? ExperimentSpec::Design::kPaired
                                                                       : ExperimentSpec::Design::kAb;
  if (r.has("control")) {
    std::string control = r.text("control");
    std::vector<std::string> names;
    for (const ArmSpec& a : arms) names.push_back(a.name);
    auto it = std::find(names.begin(), names.end(), control);
    if (it == names.end()) r.fail("control", fmt::format("no arm is named \"{}\"{}", control, suggestion(control, names)));
    e.control_arm = static_cast<int>(it - names.begin());
  }
  e.alpha = r.number_or("alpha", 0.05, {0, 0.5, true, true});
  return e;
}

// `byte` is nlohmann's 1-based index of the character where parsing failed.
std::string line_and_column(const std::string& text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return fmt::format("line {}, column {}", line, column);
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(file, fmt::format("{}: not valid JSON: {}", line_and_column(text, e.byte),
                                          std::string(e.what()).substr(std::string(e.what()).find(':') + 2)));
  }
  Scenario s;
  s.file = file;
  s.directory = std::filesystem::path(file).parent_path().string();
  s.json_text = text;
  try {
    SpecReader r(root, "", {"$schema", "name", "description", "currency", "seed", "horizon_days", "arrivals",
                            "browse", "catalog", "population", "choice_model", "complementarity", "events",
                            "experiment", "arms", "checks"});
    s.name = r.text("name");
    r.text_or("description", "");
    r.text_or("$schema", "");
    s.currency = r.text_or("currency", "USD");
    s.seed = static_cast<uint64_t>(r.integer_or("seed", 1, 0, int64_t{1} << 53));
    s.horizon_days = r.number("horizon_days", {0, 3650, true, false});
    s.arrivals = read_arrivals(r.raw("arrivals"), "/arrivals");
    s.catalog = read_catalog(r.raw("catalog"), "/catalog", s.seed);
    const json* browse = r.raw_optional("browse");
    s.browse = browse ? read_browse(*browse, "/browse", s.catalog) : read_browse(json{{"mode", "sample"}, {"items", std::min(3, s.catalog.size())}}, "/browse", s.catalog);
    s.population = read_population(r.raw("population"), "/population", s.catalog);
    s.choice_model = r.raw("choice_model");
    // Build once so a bad spec (or an unreadable model file, or a trained model whose segments are
    // not this population's) is caught now.
    const std::vector<std::string> segment_names = s.population.segment_names();
    make_choice_model(s.choice_model, "/choice_model", {&s.catalog, s.directory, 1, &segment_names});
    if (const json* c = r.raw_optional("complementarity")) s.complementarities = read_complementarity(*c, "/complementarity", s.catalog);
    if (const json* e = r.raw_optional("events")) s.events = read_events(*e, "/events", s.catalog, s.horizon_days);
    s.arms = read_arms(r.raw("arms"), "/arms", s);
    s.experiment = read_experiment(r.raw_optional("experiment"), "/experiment", s.arms);
    if (const json* checks = r.raw_optional("checks")) {
      std::vector<std::string> arm_names;
      for (const ArmSpec& arm : s.arms) arm_names.push_back(arm.name);
      s.checks = read_checks(*checks, "/checks", arm_names, s.experiment.control_arm);
    }
  } catch (const SpecError& e) {
    throw ScenarioError(file, e.describe());
  }
  return s;
}

Scenario load_scenario(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file, fmt::format("can't read the file: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), file);
}

}  // namespace bundlesim
