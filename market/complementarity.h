#pragma once
// Extra value a shopper gets when given items are bought together (a case with its phone).

#include <vector>

#include "market/catalog.h"

namespace bundlesim {

struct Complementarity {
  std::vector<ItemIndex> items;  // two or more distinct items
  double extra_value = 0;        // added to the basket's value when it holds all of them
};

}  // namespace bundlesim
