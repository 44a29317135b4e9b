// `control`: list prices, no bundles. The usual control arm.

#include <nlohmann/json.hpp>

#include "market/spec_reader.h"
#include "policies/policy.h"

namespace bundlesim {
namespace {

class ControlPolicy : public Policy {
 public:
  void make_offer(const ShopperContext&, const Inventory&, Offer&) override {}
};

Registrar<PolicyFactory> registrar(
    "control", [](const nlohmann::json& params, const std::string& path, const PolicyContext&) {
      if (!params.is_null()) SpecReader(params, path, {});
      return std::make_unique<ControlPolicy>();
    });

}  // namespace
}  // namespace bundlesim
