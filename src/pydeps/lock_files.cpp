#include "pydeps/lock_files.hpp"

#include <toml++/toml.h>

#include "json/json.hpp"
#include "pydeps/requirement.hpp"
#include "pydeps/text.hpp"

namespace pgverify::pydeps {

namespace fs = std::filesystem;

namespace {

std::size_t line_of(const toml::node& node) { return node.source().begin.line; }

Marker parse_marker_at(const fs::path& path, std::optional<std::size_t> line,
                       std::string_view text) {
  try {
    return Marker::parse(text);
  } catch (const InvalidMarker& error) {
    throw ParseError(ParseErrc::bad_marker, path, line, error.what());
  }
}

std::string toml_source_url(const toml::table& entry) {
  const toml::node* source = entry.get("source");
  if (!source || !source->is_table()) return "";
  const toml::table& table = *source->as_table();
  // uv: source = { git = "…" } / { url = "…" } / { path = "…" } / { editable = "." } / …
  for (std::string_view key : {"git", "url", "path", "editable", "directory", "virtual"})
    if (auto value = table[key].value<std::string>()) return *value;
  // poetry: [package.source] type = "git", url = "…" (type "legacy" is an index)
  auto type = table["type"].value<std::string>();
  auto url = table["url"].value<std::string>();
  if (type && url && *type != "legacy") return *url;
  return "";
}

}  // namespace

std::vector<LockEntry> read_toml_lock(const fs::path& path, std::string_view package) {
  const std::string text = read_text_file(path);
  toml::table root;
  try {
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& error) {
    throw ParseError(ParseErrc::bad_toml, path, error.source().begin.line,
                     "invalid TOML: " + std::string(error.description()));
  }

  std::vector<LockEntry> entries;
  const toml::node* packages = root.get("package");
  if (!packages) return entries;
  if (!packages->is_array_of_tables())
    throw ParseError(ParseErrc::bad_lock_entry, path, line_of(*packages),
                     "'package' is not an array of tables ([[package]])");

  for (const toml::node& node : *packages->as_array()) {
    const toml::table& entry = *node.as_table();
    const toml::node* name_node = entry.get("name");
    if (!name_node || !name_node->is_string())
      throw ParseError(ParseErrc::bad_lock_entry, path, line_of(node),
                       "[[package]] entry without a string 'name'");
    const std::string name = **name_node->as_string();
    if (normalize_name(name) != package) continue;

    LockEntry out;
    out.name = name;
    out.line = line_of(*name_node);
    if (const toml::node* version = entry.get("version")) {
      if (!version->is_string())
        throw ParseError(ParseErrc::bad_lock_entry, path, line_of(*version),
                         "'version' of " + quote(name) + " is not a string");
      try {
        out.version = Version::parse(**version->as_string());
      } catch (const InvalidVersion& error) {
        throw ParseError(ParseErrc::bad_version, path, line_of(*version), error.what());
      }
    }
    out.url = toml_source_url(entry);

    // poetry 2: markers = "…" or markers = { main = "…", dev = "…" }
    if (const toml::node* markers = entry.get("markers")) {
      if (markers->is_string()) {
        out.markers.push_back(parse_marker_at(path, line_of(*markers), **markers->as_string()));
      } else if (markers->is_table()) {
        for (const auto& [group, value] : *markers->as_table()) {
          if (!value.is_string())
            throw ParseError(ParseErrc::bad_lock_entry, path, line_of(value),
                             "marker for group " + quote(group.str()) + " is not a string");
          out.markers.push_back(parse_marker_at(path, line_of(value), **value.as_string()));
        }
      } else {
        throw ParseError(ParseErrc::bad_lock_entry, path, line_of(*markers),
                         "'markers' of " + quote(name) + " is neither a string nor a table");
      }
    }
    // uv: resolution-markers = ["…", "…"], one per fork of the resolution
    if (const toml::node* forks = entry.get("resolution-markers")) {
      if (!forks->is_array())
        throw ParseError(ParseErrc::bad_lock_entry, path, line_of(*forks),
                         "'resolution-markers' of " + quote(name) + " is not an array");
      for (const toml::node& fork : *forks->as_array()) {
        if (!fork.is_string())
          throw ParseError(ParseErrc::bad_lock_entry, path, line_of(fork),
                           "a resolution marker of " + quote(name) + " is not a string");
        out.markers.push_back(parse_marker_at(path, line_of(fork), **fork.as_string()));
      }
    }
    entries.push_back(std::move(out));
  }
  return entries;
}

namespace {

// Where `"key":` appears first after `from`; pipenv writes each key once per
// line, so this finds an entry's line without positions from the JSON parser.
std::size_t find_key(std::string_view text, std::string_view key, std::size_t from) {
  const std::string quoted = "\"" + json::escape(key) + "\"";
  for (std::size_t at = text.find(quoted, from); at != std::string_view::npos;
       at = text.find(quoted, at + 1)) {
    std::size_t after = at + quoted.size();
    while (after < text.size() && is_space_char(text[after])) ++after;
    if (after < text.size() && text[after] == ':') return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<LockEntry> read_pipfile_lock(const fs::path& path, std::string_view package) {
  const std::string text = read_text_file(path);
  json::Value root;
  try {
    root = json::parse(text);
  } catch (const json::ParseError& error) {
    throw ParseError(ParseErrc::bad_json, path, line_of_offset(text, error.offset()),
                     "invalid JSON: " + std::string(error.what()));
  }
  if (!root.is_object())
    throw ParseError(ParseErrc::bad_json, path, 1, "expected a JSON object at the top");

  std::vector<LockEntry> entries;
  for (std::string_view section : {"default", "develop"}) {
    const json::Value* packages = root.find(section);
    if (!packages) continue;
    const std::size_t section_at = find_key(text, section, 0);
    const std::size_t section_line =
        section_at == std::string_view::npos ? 0 : line_of_offset(text, section_at);
    if (!packages->is_object())
      throw ParseError(ParseErrc::bad_lock_entry, path, section_line,
                       quote(section) + " is not a JSON object");
    for (const auto& [name, value] : packages->as_object()) {
      if (normalize_name(name) != package) continue;
      LockEntry out;
      out.name = name;
      out.section = std::string(section);
      const std::size_t at =
          section_at == std::string_view::npos ? section_at : find_key(text, name, section_at);
      out.line = at == std::string_view::npos ? 0 : line_of_offset(text, at);
      const std::optional<std::size_t> line =
          out.line ? std::optional<std::size_t>(out.line) : std::nullopt;
      if (!value.is_object())
        throw ParseError(ParseErrc::bad_lock_entry, path, line,
                         "entry " + quote(name) + " is not a JSON object");
      if (const json::Value* version = value.find("version")) {
        if (!version->is_string())
          throw ParseError(ParseErrc::bad_lock_entry, path, line,
                           "'version' of " + quote(name) + " is not a string");
        try {
          SpecifierSet specifiers = SpecifierSet::parse(version->as_string());
          out.version = specifiers.exact_version();
          if (!out.version && !specifiers.empty()) out.range = std::move(specifiers);
        } catch (const InvalidSpecifier& error) {
          // pipenv writes "*" for an unconstrained entry.
          if (trim_space(version->as_string()) != "*")
            throw ParseError(ParseErrc::bad_specifier, path, line, error.what());
        }
      }
      if (const json::Value* markers = value.find("markers")) {
        if (!markers->is_string())
          throw ParseError(ParseErrc::bad_lock_entry, path, line,
                           "'markers' of " + quote(name) + " is not a string");
        out.markers.push_back(parse_marker_at(path, line, markers->as_string()));
      }
      for (std::string_view key : {"git", "file", "path"}) {
        if (const json::Value* source = value.find(key); source && source->is_string()) {
          out.url = source->as_string();
          break;
        }
      }
      entries.push_back(std::move(out));
    }
  }
  return entries;
}

}  // namespace pgverify::pydeps
