#include "pydeps/driver_rules.hpp"

#include <toml++/toml.h>

#include "pydeps/requirement.hpp"

namespace pgverify::pydeps {

std::vector<DriverRule> parse_rules(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& error) {
    throw RulesError(std::string(origin) + ": " + std::string(error.description()));
  }
  std::vector<DriverRule> rules;
  const toml::array* list = root["rule"].as_array();
  if (!list) throw RulesError(std::string(origin) + ": no [[rule]] tables");
  for (const toml::node& node : *list) {
    const toml::table* table = node.as_table();
    const auto package = table ? (*table)["package"].value<std::string>() : std::nullopt;
    const auto version = table ? (*table)["min_version"].value<std::string>() : std::nullopt;
    const auto major = table ? (*table)["target_major"].value<std::int64_t>() : std::nullopt;
    const auto reason = table ? (*table)["reason"].value<std::string>() : std::nullopt;
    const std::string where = std::string(origin) + ": rule " + std::to_string(rules.size() + 1);
    if (!package || !version || !major || !reason)
      throw RulesError(where + " needs package, min_version, target_major and reason");
    const auto parsed = pydeps::Version::try_parse(*version);
    if (!parsed) throw RulesError(where + ": '" + *version + "' is not a PEP 440 version");
    rules.push_back({pydeps::normalize_name(*package), *parsed, static_cast<int>(*major), *reason});
  }
  return rules;
}

const std::vector<DriverRule>& builtin_rules() {
  static const std::vector<DriverRule> rules = parse_rules(builtin_rules_toml(), "config/drivers.toml");
  return rules;
}

}  // namespace pgverify::pydeps
