// The driver matrix of driver.asyncpg: which versions of a Python database
// driver a target PostgreSQL major needs (config/drivers.toml, built in). A
// Python-dependency rule, so it lives in pydeps/; toml++ reads it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/pep440.hpp"

namespace pgverify::pydeps {

struct DriverRule {
  std::string package;     // PEP 503-normalised
  pydeps::Version min_version;
  int target_major = 0;    // applies to targets of this major and later
  std::string reason;
};

class RulesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// config/drivers.toml as built into the binary.
std::string_view builtin_rules_toml();

// Parses a rule table; `origin` names it in errors. Throws RulesError.
std::vector<DriverRule> parse_rules(std::string_view toml, std::string_view origin);

// The built-in rules, parsed once.
const std::vector<DriverRule>& builtin_rules();

}  // namespace pgverify::pydeps
