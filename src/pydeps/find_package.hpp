// What an application's dependency file says about one Python package: the
// version it pins or installs, or the range it asks for.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/markers.hpp"
#include "pydeps/pep440.hpp"
#include "pydeps/requirements_file.hpp"

namespace pgverify::pydeps {

enum class SourceFormat {
  requirements,   // requirements.txt or `pip freeze` output (one syntax)
  poetry_lock,    // poetry.lock
  uv_lock,        // uv.lock
  pipfile_lock,   // Pipfile.lock
  site_packages,  // a site-packages directory or a virtualenv holding one
};

std::string_view to_string(SourceFormat format);

struct PackageRequirement {
  std::string name;                   // as the source spells it
  std::optional<Version> pinned;      // exact version installed, locked or ==-pinned
  std::optional<SpecifierSet> range;  // an unpinned range like >=0.29 (only when not pinned)
  std::string source;                 // "requirements.txt:12": the line that decided
  SourceFormat format = SourceFormat::requirements;
  std::string url;                    // direct reference (name @ url, -e, VCS source)
  std::vector<std::string> notes;     // one-line remarks, e.g. "only in a constraints file"
};

struct FindOptions {
  // Markers are evaluated against this; entries whose marker is false do not count.
  MarkerEnvironment environment;
  std::size_t max_include_depth = default_max_include_depth;
};

// The format of `path`: a directory is site_packages; files named poetry.lock,
// uv.lock, Pipfile.lock or *.txt are what their names say; any other file is
// judged by content (a JSON object is a Pipfile.lock, TOML with [[package]] a
// poetry or uv lock, anything else requirements syntax). Throws ParseError:
// io_error, unrecognized_format (pyproject.toml, binary content, a directory
// without installed distributions).
SourceFormat detect_format(const std::filesystem::path& path);

// What `path` says about `package` (any spelling; compared PEP 503 normalised),
// nullopt when it does not name it (or only under markers that are false).
//
// requirements: every applicable line of the file, of the files it includes
// (-r) and of its constraints files (-c) counts; all specifiers together make the
// range, an "==X" (or "===X") among them the pin, which must satisfy the others.
// A package named only in a constraints file is reported with a note, as pip
// installs it at that version only if something else requires it. A direct
// reference to a wheel pins the wheel's version.
// Lock files: the entry whose markers hold; Pipfile.lock "default" before "develop".
// site-packages: the installed distribution's METADATA.
//
// Throws ParseError for a file that cannot be read or is malformed, and with
// code conflict when the answer is ambiguous: two different pins, a pin outside
// the other specifiers, several applicable lock entries or installed copies.
std::optional<PackageRequirement> find_package(const std::filesystem::path& path,
                                               std::string_view package,
                                               const FindOptions& options = {});

}  // namespace pgverify::pydeps
