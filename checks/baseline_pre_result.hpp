#pragma once

#include "core/check.hpp"

namespace pgverify::checks {

class BaselinePreResult final : public Check {
 public:
  const CheckInfo& info() const override;
  CheckResult run(Context& context) const override;
};

}  // namespace pgverify::checks
