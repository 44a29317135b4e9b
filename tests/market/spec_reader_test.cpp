// Checked JSON reading: every error names the JSON path and the bad value, typos get a suggestion.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"

using namespace bundlesim;
using nlohmann::json;

namespace {

// The "path: message" of the SpecError that `fn` throws, or "" when it throws none.
template <class Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const SpecError& e) {
    return e.describe();
  }
  return "";
}

}  // namespace

TEST_CASE("edit distance and suggestions for misspelt names") {
  // Levenshtein's textbook pair: kitten -> sitting takes 3 edits.
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("traffic", "traffic") == 0);
  // A swap of neighbouring letters is one edit (plain Levenshtein counts two).
  CHECK(edit_distance("mln", "mnl") == 1);
  CHECK(edit_distance("trafifc", "traffic") == 1);
  CHECK(edit_distance("ab", "ba") == 1);
  CHECK(edit_distance("abc", "ca") == 3);  // a swapped pair is not edited again (2 for full Damerau)
  CHECK(suggestion("mln", {"surplus", "mnl", "neural"}) == " (did you mean `mnl`?)");
  CHECK(suggestion("trafic", {"name", "policy", "traffic"}) == " (did you mean `traffic`?)");
  CHECK(suggestion("horizon_dayz", {"horizon_days", "seed"}) == " (did you mean `horizon_days`?)");
  // Nothing close: no suggestion rather than a wild guess.
  CHECK(suggestion("colour", {"name", "policy", "traffic"}) == "");
  CHECK(suggestion("x", {}) == "");
}

TEST_CASE("JSON paths follow RFC 6901 escaping") {
  CHECK(child_path("", "arms") == "/arms");
  CHECK(child_path("/arms", size_t{1}) == "/arms/1");
  CHECK(child_path("/by_item", "a/b~c") == "/by_item/a~1b~0c");
}

TEST_CASE("ranges describe themselves the way error messages quote them") {
  CHECK(Range::unit_open_low().describe() == "must be in (0, 1]");
  CHECK(Range::positive().describe() == "must be > 0");
  CHECK(Range::non_negative().describe() == "must be >= 0");
  CHECK(Range::unit_open_low().contains(1.0));
  CHECK_FALSE(Range::unit_open_low().contains(0.0));
  CHECK_FALSE(Range::positive().contains(0.0));
  CHECK_FALSE(Range::any().contains(std::nan("")));
  CHECK_FALSE(Range::any().contains(HUGE_VAL));
}

TEST_CASE("a reader rejects unknown keys and reports bad values with their path") {
  json arm = {{"name", "b"}, {"traffic", 1.5}, {"count", 2.5}, {"flag", "yes"}, {"kind", "mnx"}};
  CHECK(error_of([&] { SpecReader(arm, "/arms/1", {"name", "traffic"}); }) ==
        "/arms/1/count: unknown key");
  CHECK(error_of([&] { SpecReader(json{{"trafic", 1}}, "/arms/0", {"name", "traffic"}); }) ==
        "/arms/0/trafic: unknown key (did you mean `traffic`?)");
  CHECK(error_of([&] { SpecReader(json::array(), "/arms/0", {}); }) == "/arms/0: must be an object, got []");
  CHECK(error_of([&] { SpecReader(json(3), "", {}); }) == "/: must be an object, got 3");

  SpecReader r(arm, "/arms/1", {"name", "traffic", "count", "flag", "kind", "missing"});
  CHECK(r.text("name") == "b");
  CHECK(error_of([&] { r.number("traffic", Range::unit_open_low()); }) == "/arms/1/traffic: must be in (0, 1], got 1.5");
  CHECK(error_of([&] { r.number("name"); }) == "/arms/1/name: must be a number, got \"b\"");
  CHECK(error_of([&] { r.text("traffic"); }) == "/arms/1/traffic: must be a string, got 1.5");
  CHECK(error_of([&] { r.integer("count", 0, 10); }) == "/arms/1/count: must be a whole number, got 2.5");
  CHECK(error_of([&] { r.boolean_or("flag", false); }) == "/arms/1/flag: must be true or false, got \"yes\"");
  CHECK(error_of([&] { r.choice("kind", {"mnl", "surplus"}); }) ==
        "/arms/1/kind: must be one of mnl, surplus, got \"mnx\" (did you mean `mnl`?)");
  CHECK(error_of([&] { r.number("missing"); }) == "/arms/1: missing required key `missing`");
  CHECK(r.number_or("missing", 0.25) == 0.25);
  CHECK_FALSE(r.has("missing"));
}

TEST_CASE("whole numbers may be written as integral floats and are range checked") {
  json v = {{"a", 4.0}, {"b", 12}, {"c", -1}};
  SpecReader r(v, "/x", {"a", "b", "c"});
  CHECK(r.integer("a", 0, 10) == 4);
  CHECK(error_of([&] { r.integer("b", 0, 10); }) == "/x/b: must be in [0, 10], got 12");
  CHECK(r.integer_or("c", 7, -1, 10) == -1);
  CHECK(r.integer_or("d", 7, -1, 10) == 7);
}

TEST_CASE("arrays of numbers and strings name the bad element") {
  json v = {{"weights", {1, 2, -3}}, {"ids", {"a", 2}}, {"scalar", 5}};
  SpecReader r(v, "/p", {"weights", "ids", "scalar"});
  CHECK(error_of([&] { r.numbers("weights", Range::non_negative()); }) == "/p/weights/2: must be >= 0, got -3");
  CHECK(error_of([&] { r.texts("ids"); }) == "/p/ids/1: must be a string, got 2");
  CHECK(error_of([&] { r.array("scalar"); }) == "/p/scalar: must be an array, got 5");
  CHECK(r.numbers("weights").size() == 3);
}
