// Lock files: poetry.lock and uv.lock (TOML, [[package]] tables with name and
// version) and Pipfile.lock (JSON, "default"/"develop" sections of
// "name": {"version": "==X"}).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/markers.hpp"
#include "pydeps/pep440.hpp"

namespace pgverify::pydeps {

struct LockEntry {
  std::string name;                   // as the lock spells it
  std::optional<Version> version;     // nullopt for entries without one (VCS, path)
  std::optional<SpecifierSet> range;  // a Pipfile.lock "version" that is no "==X"
  std::string url;                    // a VCS, URL, path or editable source
  std::vector<Marker> markers;        // the entry applies when empty or when any holds
  std::string section;                // Pipfile.lock: "default" or "develop"
  std::size_t line = 0;               // 0 when unknown
};

// The [[package]] entries of a poetry.lock or uv.lock whose PEP 503 name is
// `package` (already normalised). poetry's `markers` (a string, or a table of
// strings by group) and uv's `resolution-markers` become `markers`. Every entry
// must have a string name; matching entries need a valid version (uv may leave it
// out for a source tree). Throws ParseError: bad_toml, bad_lock_entry,
// bad_version, bad_marker, io_error, too_large.
std::vector<LockEntry> read_toml_lock(const std::filesystem::path& path, std::string_view package);

// The entries of a Pipfile.lock named `package` (normalised), "default" before
// "develop". Lines are found by looking for the entry's key in its section; pipenv
// writes one key per line. Throws ParseError: bad_json, bad_lock_entry,
// bad_specifier, bad_marker, io_error, too_large.
std::vector<LockEntry> read_pipfile_lock(const std::filesystem::path& path,
                                         std::string_view package);

}  // namespace pgverify::pydeps
