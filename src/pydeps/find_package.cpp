#include "pydeps/find_package.hpp"

#include <algorithm>

#include "pydeps/lock_files.hpp"
#include "pydeps/requirement.hpp"
#include "pydeps/site_packages.hpp"
#include "pydeps/text.hpp"

namespace pgverify::pydeps {

namespace fs = std::filesystem;

std::string_view to_string(SourceFormat format) {
  switch (format) {
    case SourceFormat::requirements: return "requirements";
    case SourceFormat::poetry_lock: return "poetry.lock";
    case SourceFormat::uv_lock: return "uv.lock";
    case SourceFormat::pipfile_lock: return "Pipfile.lock";
    case SourceFormat::site_packages: return "site-packages";
  }
  return "unknown";
}

namespace {

std::string location(const fs::path& path, std::size_t line) {
  return line ? path.string() + ":" + std::to_string(line) : path.string();
}

std::optional<std::size_t> optional_line(std::size_t line) {
  return line ? std::optional<std::size_t>(line) : std::nullopt;
}

bool applies(const Marker& marker, const MarkerEnvironment& environment, const fs::path& path,
             std::size_t line) {
  try {
    return marker.evaluate(environment);
  } catch (const InvalidMarker& error) {
    throw ParseError(ParseErrc::bad_marker, path, optional_line(line), error.what());
  }
}

// A TOML lock: [[package]] at the start of a line. uv writes a top-level
// requires-python and `source = { … }` inline tables; poetry a [metadata] table.
std::optional<SourceFormat> sniff_toml_lock(std::string_view text) {
  bool has_package = false;
  bool uv_hint = false;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = trim_space(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    if (line == "[[package]]") has_package = true;
    if (line.rfind("requires-python", 0) == 0 || line.rfind("resolution-markers", 0) == 0 ||
        line.rfind("source = {", 0) == 0)
      uv_hint = true;
  }
  if (!has_package) return std::nullopt;
  return uv_hint ? SourceFormat::uv_lock : SourceFormat::poetry_lock;
}

std::optional<PackageRequirement> from_requirements(const fs::path& path, const std::string& wanted,
                                                    const FindOptions& options) {
  const auto entries = read_requirements_file(path, options.max_include_depth);
  std::vector<const RequirementEntry*> matching;
  for (const auto& entry : entries) {
    if (normalize_name(entry.requirement.name) != wanted) continue;
    if (entry.requirement.marker &&
        !applies(*entry.requirement.marker, options.environment, entry.path, entry.line))
      continue;
    matching.push_back(&entry);
  }
  if (matching.empty()) return std::nullopt;
  // Requirements decide the name and the source; constraints only narrow them.
  std::stable_partition(matching.begin(), matching.end(),
                        [](const RequirementEntry* e) { return !e->constraint; });

  const RequirementEntry& first = *matching.front();
  PackageRequirement out;
  out.name = first.requirement.name;
  out.source = location(first.path, first.line);
  out.format = SourceFormat::requirements;
  if (first.constraint)
    out.notes.push_back(
        "named only in a constraints file: pip installs it only when something else requires it");

  SpecifierSet all;
  std::optional<Version> pin;
  const RequirementEntry* pin_entry = nullptr;
  for (const RequirementEntry* entry : matching) {
    const Requirement& req = entry->requirement;
    all &= req.specifiers;
    std::optional<Version> exact = req.specifiers.exact_version();
    if (!req.url.empty()) {
      if (out.url.empty()) out.url = req.url;
      if (auto wheel = parse_wheel_filename(req.url);
          wheel && normalize_name(wheel->name) == wanted && !exact)
        exact = wheel->version;
    }
    if (entry->editable)
      out.notes.push_back("editable install at " + location(entry->path, entry->line));
    if (!exact) continue;
    if (!pin) {
      pin = exact;
      pin_entry = entry;
    } else if (*pin != *exact) {
      throw ParseError(ParseErrc::conflict, entry->path, entry->line,
                       req.name + " is pinned to " + exact->to_string() + " here but to " +
                           pin->to_string() + " at " +
                           location(pin_entry->path, pin_entry->line));
    }
  }

  if (pin) {
    // The pin must satisfy every other specifier, or pip could not install it.
    for (const RequirementEntry* entry : matching) {
      for (const Specifier& spec : entry->requirement.specifiers.specifiers()) {
        if (spec.matches(*pin)) continue;
        throw ParseError(ParseErrc::conflict, entry->path, entry->line,
                         entry->requirement.name + spec.to_string() + " excludes " +
                             pin->to_string() + " pinned at " +
                             location(pin_entry->path, pin_entry->line));
      }
    }
    out.pinned = pin;
    out.source = location(pin_entry->path, pin_entry->line);
  } else if (!all.empty()) {
    out.range = all;
  } else {
    out.notes.push_back(out.url.empty() ? "no version specified"
                                        : "direct reference without a version: " + out.url);
  }
  return out;
}

std::optional<PackageRequirement> from_lock(std::vector<LockEntry> entries, const fs::path& path,
                                            SourceFormat format, const FindOptions& options) {
  std::vector<LockEntry> applicable;
  for (auto& entry : entries) {
    const bool holds =
        entry.markers.empty() ||
        std::any_of(entry.markers.begin(), entry.markers.end(), [&](const Marker& marker) {
          return applies(marker, options.environment, path, entry.line);
        });
    if (holds) applicable.push_back(std::move(entry));
  }
  if (applicable.empty()) return std::nullopt;

  PackageRequirement out;
  out.format = format;
  if (format == SourceFormat::pipfile_lock) {
    const bool in_default = std::any_of(applicable.begin(), applicable.end(),
                                        [](const LockEntry& e) { return e.section == "default"; });
    if (in_default)
      std::erase_if(applicable, [](const LockEntry& e) { return e.section != "default"; });
    else
      out.notes.push_back("only in the \"develop\" section");
  }

  const LockEntry& chosen = applicable.front();
  for (const LockEntry& other : applicable) {
    if (other.version == chosen.version) continue;
    std::string versions;
    for (const LockEntry& e : applicable)
      versions += (versions.empty() ? "" : ", ") +
                  (e.version ? e.version->to_string() : std::string("no version")) + " (" +
                  location(path, e.line) + ")";
    throw ParseError(ParseErrc::conflict, path, optional_line(other.line),
                     "several entries for " + chosen.name + " apply: " + versions);
  }

  out.name = chosen.name;
  out.pinned = chosen.version;
  out.range = chosen.range;
  out.url = chosen.url;
  out.source = location(path, chosen.line);
  if (!out.pinned && !out.range)
    out.notes.push_back(out.url.empty() ? "the lock records no version"
                                        : "the lock records no version, only the source " + out.url);
  return out;
}

std::optional<PackageRequirement> from_site_packages(const fs::path& path,
                                                     const std::string& wanted) {
  std::vector<InstalledDistribution> found;
  for (const fs::path& dir : site_packages_dirs(path)) {
    auto here = find_installed(dir, wanted);
    found.insert(found.end(), here.begin(), here.end());
  }
  if (found.empty()) return std::nullopt;
  const InstalledDistribution& chosen = found.front();
  for (const auto& other : found) {
    if (other.version == chosen.version) continue;
    std::string copies;
    for (const auto& d : found)
      copies += (copies.empty() ? "" : ", ") + d.version.to_string() + " (" + d.metadata.string() + ")";
    throw ParseError(ParseErrc::conflict, path, std::nullopt,
                     "several installed copies of " + chosen.name + ": " + copies);
  }
  PackageRequirement out;
  out.name = chosen.name;
  out.pinned = chosen.version;
  out.source = location(chosen.metadata, chosen.line);
  out.format = SourceFormat::site_packages;
  return out;
}

}  // namespace

SourceFormat detect_format(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    throw ParseError(ParseErrc::io_error, path, std::nullopt, "does not exist");
  if (fs::is_directory(status)) {
    if (site_packages_dirs(path).empty())
      throw ParseError(ParseErrc::unrecognized_format, path, std::nullopt,
                       "no installed distributions (*.dist-info) here or in "
                       "lib/python*/site-packages");
    return SourceFormat::site_packages;
  }
  if (!fs::is_regular_file(status))
    throw ParseError(ParseErrc::unrecognized_format, path, std::nullopt,
                     "not a regular file or directory");
  const std::string name = path.filename().string();
  if (name == "poetry.lock") return SourceFormat::poetry_lock;
  if (name == "uv.lock") return SourceFormat::uv_lock;
  if (name == "Pipfile.lock") return SourceFormat::pipfile_lock;
  if (name == "pyproject.toml" || name == "Pipfile")
    throw ParseError(ParseErrc::unrecognized_format, path, std::nullopt,
                     name + " is not read; give its lock file, a requirements file or site-packages");
  if (path.extension() == ".txt") return SourceFormat::requirements;

  const std::string text = read_text_file(path);
  const std::string_view content = trim_space(text);
  if (!content.empty() && content.front() == '{') return SourceFormat::pipfile_lock;
  if (auto toml = sniff_toml_lock(text)) return *toml;
  return SourceFormat::requirements;
}

std::optional<PackageRequirement> find_package(const fs::path& path, std::string_view package,
                                               const FindOptions& options) {
  const std::string wanted = normalize_name(package);
  const SourceFormat format = detect_format(path);
  switch (format) {
    case SourceFormat::requirements: return from_requirements(path, wanted, options);
    case SourceFormat::poetry_lock:
    case SourceFormat::uv_lock:
      return from_lock(read_toml_lock(path, wanted), path, format, options);
    case SourceFormat::pipfile_lock:
      return from_lock(read_pipfile_lock(path, wanted), path, format, options);
    case SourceFormat::site_packages: return from_site_packages(path, wanted);
  }
  return std::nullopt;
}

}  // namespace pgverify::pydeps
