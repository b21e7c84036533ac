// Installed distributions: the *.dist-info/METADATA (and legacy
// *.egg-info/PKG-INFO) of a site-packages directory, or of a virtualenv's
// lib/pythonX.Y/site-packages.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pydeps/pep440.hpp"

namespace pgverify::pydeps {

struct InstalledDistribution {
  std::string name;                 // the Name: header
  Version version;                  // the Version: header
  std::filesystem::path metadata;   // the METADATA or PKG-INFO file
  std::size_t line = 0;             // of the Version: header
};

// The site-packages directories to look in for `dir`: `dir` itself when it
// holds *.dist-info or *.egg-info entries, otherwise those of a virtualenv or
// prefix below it (lib/python3.*/site-packages, lib/python3/dist-packages,
// Lib/site-packages); empty when there are none.
std::vector<std::filesystem::path> site_packages_dirs(const std::filesystem::path& dir);

// The installed distributions whose PEP 503 name is `package` (normalised), in
// directory order. Throws ParseError: bad_metadata (no Name or Version header,
// or a version that is not PEP 440), io_error, too_large.
std::vector<InstalledDistribution> find_installed(const std::filesystem::path& site_packages,
                                                  std::string_view package);

}  // namespace pgverify::pydeps
