// requirements.txt files and `pip freeze` output (the same syntax), read the way
// pip's req_file.py reads them: backslash continuations, comments, per-line
// options (--hash, ...), -r/--requirement and -c/--constraint includes relative
// to the including file, -e lines and bare URL/path lines.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "pydeps/requirement.hpp"

namespace pgverify::pydeps {

struct RequirementEntry {
  Requirement requirement;
  std::filesystem::path path;  // the file, as reached from the top file
  std::size_t line = 0;        // the first physical line of the logical line
  bool constraint = false;     // from a -c file (or a file a -c file includes)
  bool editable = false;       // an -e line
};

inline constexpr std::size_t default_max_include_depth = 16;

// Every requirement of the file and of the files it includes, in reading order;
// markers are not evaluated here. -e lines and bare URL/path lines become
// entries (with `url` set and no specifiers) when a name can be told, from
// "#egg=NAME" or a wheel file name, and are skipped otherwise. A file reached
// twice in the same role is read once. Throws ParseError: include_cycle,
// include_too_deep (more than max_include_depth nested includes), unsupported
// (a remote -r URL), bad_option, bad_requirement, io_error, too_large.
std::vector<RequirementEntry> read_requirements_file(
    const std::filesystem::path& path, std::size_t max_include_depth = default_max_include_depth);

}  // namespace pgverify::pydeps
