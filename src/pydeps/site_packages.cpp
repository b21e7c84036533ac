#include "pydeps/site_packages.hpp"

#include <algorithm>
#include <optional>

#include "pydeps/error.hpp"
#include "pydeps/requirement.hpp"
#include "pydeps/text.hpp"

namespace pgverify::pydeps {

namespace fs = std::filesystem;

namespace {

// The core metadata headers come first; a long description follows them, so
// only the start of the file is needed.
constexpr std::size_t max_metadata_bytes = 16u << 20;

bool has_suffix(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_metadata_entry(const fs::path& entry) {
  const std::string name = entry.filename().string();
  return has_suffix(name, ".dist-info") || has_suffix(name, ".egg-info");
}

bool holds_metadata(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_metadata_entry(it->path())) return true;
  return false;
}

std::vector<fs::path> sorted_children(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

// The name part of "asyncpg-0.30.0.dist-info", "asyncpg-0.30.0-py3.11.egg-info"
// or "asyncpg.egg-info": up to the first '-' (wheel and egg names use '_').
std::string name_part(const fs::path& entry) {
  std::string stem = entry.filename().string();
  stem = stem.substr(0, stem.rfind('.'));
  return stem.substr(0, stem.find('-'));
}

struct Headers {
  std::optional<std::string> name;
  std::optional<std::string> version;
  std::size_t version_line = 0;
};

// RFC 822 style headers up to the first blank line.
Headers read_headers(const fs::path& file) {
  const std::string text = read_text_file(file, max_metadata_bytes);
  Headers headers;
  std::size_t line_number = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = trim_space(line.substr(colon + 1));
    if (key == "Name" && !headers.name) headers.name = std::string(value);
    if (key == "Version" && !headers.version) {
      headers.version = std::string(value);
      headers.version_line = line_number;
    }
  }
  return headers;
}

}  // namespace

std::vector<fs::path> site_packages_dirs(const fs::path& dir) {
  if (holds_metadata(dir)) return {dir};
  std::vector<fs::path> out;
  for (const char* lib : {"lib", "lib64", "Lib", "local/lib"}) {
    const fs::path base = dir / lib;
    std::error_code ec;
    if (!fs::is_directory(base, ec)) continue;
    if (fs::path direct = base / "site-packages"; holds_metadata(direct)) out.push_back(direct);
    for (const fs::path& child : sorted_children(base)) {
      if (child.filename().string().rfind("python", 0) != 0) continue;
      for (const char* leaf : {"site-packages", "dist-packages"})
        if (fs::path candidate = child / leaf; holds_metadata(candidate)) out.push_back(candidate);
    }
  }
  // lib64 is often a symlink to lib: the same directory once.
  std::vector<fs::path> unique;
  std::vector<fs::path> seen;
  for (const auto& candidate : out) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(candidate, ec);
    if (ec) canonical = candidate;
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    unique.push_back(candidate);
  }
  return unique;
}

std::vector<InstalledDistribution> find_installed(const fs::path& site_packages,
                                                  std::string_view package) {
  std::vector<InstalledDistribution> found;
  std::error_code ec;
  fs::directory_iterator it(site_packages, ec);
  if (ec)
    throw ParseError(ParseErrc::io_error, site_packages, std::nullopt,
                     "cannot list directory: " + ec.message());
  std::vector<fs::path> candidates;
  for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    if (is_metadata_entry(it->path()) && normalize_name(name_part(it->path())) == package)
      candidates.push_back(it->path());
  }
  if (ec)
    throw ParseError(ParseErrc::io_error, site_packages, std::nullopt,
                     "cannot list directory: " + ec.message());
  std::sort(candidates.begin(), candidates.end());

  for (const fs::path& entry : candidates) {
    fs::path metadata;
    if (fs::is_directory(entry, ec)) {
      metadata = entry / (has_suffix(entry.filename().string(), ".dist-info") ? "METADATA"
                                                                              : "PKG-INFO");
    } else {
      metadata = entry;  // a distutils-era "name-1.0.egg-info" file
    }
    if (!fs::exists(metadata, ec))
      throw ParseError(ParseErrc::bad_metadata, metadata, std::nullopt,
                       "missing: " + entry.filename().string() + " has no metadata file");
    const Headers headers = read_headers(metadata);
    if (!headers.name)
      throw ParseError(ParseErrc::bad_metadata, metadata, std::nullopt, "no 'Name:' header");
    if (!headers.version)
      throw ParseError(ParseErrc::bad_metadata, metadata, std::nullopt, "no 'Version:' header");
    if (normalize_name(*headers.name) != package) continue;
    try {
      found.push_back({*headers.name, Version::parse(*headers.version), metadata,
                       headers.version_line});
    } catch (const InvalidVersion& error) {
      throw ParseError(ParseErrc::bad_metadata, metadata, headers.version_line, error.what());
    }
  }
  return found;
}

}  // namespace pgverify::pydeps
