#include "platform/platform.hpp"

namespace pgverify::platform {

Evidence Inventory::to_json() const {
  Evidence dependents_json = Evidence::array();
  for (const auto& dependent : dependents)
    dependents_json.push_back({{"name", dependent.name}, {"replicas", dependent.replicas}});
  return Evidence{{"volume_id", volume_id}, {"dependents", dependents_json}, {"details", details}};
}

Inventory Inventory::from_json(const Evidence& json) {
  try {
    Inventory inventory;
    inventory.volume_id = json.at("volume_id").get<std::string>();
    for (const auto& dependent : json.at("dependents"))
      inventory.dependents.push_back({dependent.at("name").get<std::string>(), dependent.at("replicas").get<int>()});
    inventory.details = json.at("details");
    if (inventory.volume_id.empty() || !inventory.details.is_object()) throw PlatformError("incomplete");
    return inventory;
  } catch (const std::exception& error) {
    throw PlatformError(std::string("the journal's inventory cannot be read: ") + error.what());
  }
}

}  // namespace pgverify::platform
