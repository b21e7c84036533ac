// PEP 508 environment markers: `python_version >= "3.8" and sys_platform == "linux"`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/error.hpp"

namespace pgverify::pydeps {

// The values markers are evaluated against. The defaults describe the
// interpreter pgverify's users deploy on: CPython 3.11 on x86-64 Linux (Debian
// bookworm's python3). `extra` is empty: a requirements file installs no extras
// of its own, so `extra == "x"` is false there.
struct MarkerEnvironment {
  std::string implementation_name = "cpython";
  std::string implementation_version = "3.11.2";
  std::string os_name = "posix";
  std::string platform_machine = "x86_64";
  std::string platform_python_implementation = "CPython";
  std::string platform_release = "6.1.0";
  std::string platform_system = "Linux";
  std::string platform_version = "";
  std::string python_full_version = "3.11.2";
  std::string python_version = "3.11";
  std::string sys_platform = "linux";
  std::string extra = "";

  // The value of a marker variable, including the legacy dotted spellings
  // ("os.name", "sys.platform", "platform.machine", "python_implementation");
  // nullptr for a name PEP 508 does not define.
  const std::string* lookup(std::string_view name) const;
};

// A parsed marker expression. Evaluation compares as packaging does: when both
// sides are PEP 440 versions and the operator is a version operator, as a
// version specifier (pre-releases allowed); otherwise as strings for ==, !=, <,
// <=, >, >=, in and not in; ~= and === on non-versions are errors.
class Marker {
 public:
  // Throws InvalidMarker; nesting of parentheses is bounded.
  static Marker parse(std::string_view text);

  // Throws InvalidMarker when a comparison cannot be made (~= on non-versions).
  bool evaluate(const MarkerEnvironment& environment) const;

  const std::string& text() const { return m_text; }

  struct Node;

 private:
  std::shared_ptr<const Node> m_root;
  std::string m_text;
};

}  // namespace pgverify::pydeps
