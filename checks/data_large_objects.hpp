#pragma once

#include "core/check.hpp"

namespace pgverify::checks {

class DataLargeObjects final : public Check {
 public:
  const CheckInfo& info() const override;
  CheckResult run(Context& context) const override;
};

}  // namespace pgverify::checks
