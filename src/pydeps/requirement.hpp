// PEP 508 dependency specifications: `asyncpg[gssauth]>=0.29,<0.31 ; python_version >= "3.8"`
// and `asyncpg @ https://…/asyncpg-0.30.0-….whl`, plus PEP 503 name normalisation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/markers.hpp"
#include "pydeps/pep440.hpp"

namespace pgverify::pydeps {

// PEP 503: lowercase, every run of '-', '_' and '.' becomes one '-'
// ("Async_PG" and "async-pg" both give "async-pg").
std::string normalize_name(std::string_view name);

// A PEP 508 project name: ASCII letters and digits, with '-', '_' and '.'
// inside but not at either end.
bool is_valid_name(std::string_view name);

struct Requirement {
  std::string name;  // as written
  std::vector<std::string> extras;
  SpecifierSet specifiers;
  std::string url;                // the direct reference of "name @ url"; empty otherwise
  std::optional<Marker> marker;  // after ';'
};

// Throws InvalidRequirement (also for a bad specifier or marker inside).
Requirement parse_requirement(std::string_view text);

// The name and version a wheel's file name states, "asyncpg-0.30.0-cp311-…whl"
// (also the last part of a URL or path, any "#fragment" or "?query" dropped);
// nullopt for anything else.
struct WheelName {
  std::string name;
  Version version;
};
std::optional<WheelName> parse_wheel_filename(std::string_view url_or_path);

}  // namespace pgverify::pydeps
