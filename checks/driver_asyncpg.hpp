#pragma once

#include <vector>

#include "core/check.hpp"
#include "pydeps/driver_rules.hpp"

namespace pgverify::checks {

class DriverAsyncpg final : public Check {
 public:
  // The built-in matrix (config/drivers.toml); tests may give another.
  DriverAsyncpg() : m_rules(pydeps::builtin_rules()) {}
  explicit DriverAsyncpg(std::vector<pydeps::DriverRule> rules) : m_rules(std::move(rules)) {}
  const CheckInfo& info() const override;
  CheckResult run(Context& context) const override;

 private:
  std::vector<pydeps::DriverRule> m_rules;
};

}  // namespace pgverify::checks
