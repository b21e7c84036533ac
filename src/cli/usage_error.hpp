#pragma once

#include <stdexcept>

namespace pgverify::cli {

// A mistake in how pgverify was called or configured: one line, exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace pgverify::cli
