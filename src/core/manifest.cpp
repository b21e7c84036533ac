#include "core/manifest.hpp"

#include <fstream>
#include <sstream>

#include "core/json.hpp"

namespace pgverify {

namespace {

constexpr std::string_view format_name = "pgverify-manifest";

const json::Value& member(const json::Value& object, std::string_view key, const std::string& origin) {
  const json::Value* value = object.find(key);
  if (!value) throw ManifestError(origin + ": manifest has no '" + std::string(key) + "' field");
  return *value;
}

}  // namespace

const ExtensionVersion* Manifest::extension(std::string_view name) const {
  for (const auto& e : extensions)
    if (e.name == name) return &e;
  return nullptr;
}

std::string to_json(const Manifest& manifest) {
  json::Value root;
  root.set("format", std::string(format_name));
  root.set("format_version", Manifest::format_version);
  root.set("tenant", manifest.tenant);
  root.set("tool_version", manifest.tool_version);
  root.set("created", manifest.created);
  json::Value& source = root.set("source", json::Object{});
  source.set("server", manifest.source);
  source.set("server_version", manifest.server_version);
  source.set("server_version_num", manifest.server_version_num);
  json::Value& extensions = source.set("extensions", json::Array{});
  for (const auto& e : manifest.extensions) {
    json::Value entry;
    entry.set("name", e.name);
    entry.set("version", e.version);
    extensions.push(std::move(entry));
  }
  return json::dump(root) + "\n";
}

Manifest parse_manifest(std::string_view text, const std::string& origin, const std::string& tenant) {
  json::Value root;
  try {
    root = json::parse(text);
  } catch (const json::ParseError& error) {
    throw ManifestError(origin + ": not a readable manifest, truncated or corrupt (" + error.what() + ")");
  }
  try {
    if (!root.is_object() || !root.find("format") ||
        root.find("format")->as_string() != format_name)
      throw ManifestError(origin + ": not a pgverify manifest");
    std::int64_t version = member(root, "format_version", origin).as_int();
    if (version != Manifest::format_version)
      throw ManifestError(origin + ": unknown manifest format version " + std::to_string(version) +
                          " (this pgverify reads version " +
                          std::to_string(Manifest::format_version) + ")");
    Manifest manifest;
    manifest.tenant = member(root, "tenant", origin).as_string();
    if (manifest.tenant != tenant)
      throw ManifestError(origin + ": manifest is for tenant '" + manifest.tenant + "', not '" +
                          tenant + "'");
    manifest.tool_version = member(root, "tool_version", origin).as_string();
    manifest.created = member(root, "created", origin).as_string();
    const json::Value& source = member(root, "source", origin);
    manifest.source = member(source, "server", origin).as_string();
    manifest.server_version = member(source, "server_version", origin).as_string();
    manifest.server_version_num = static_cast<int>(member(source, "server_version_num", origin).as_int());
    for (const auto& e : member(source, "extensions", origin).as_array())
      manifest.extensions.push_back(
          {member(e, "name", origin).as_string(), member(e, "version", origin).as_string()});
    return manifest;
  } catch (const json::TypeError& error) {
    throw ManifestError(origin + ": malformed manifest (" + error.what() + ")");
  }
}

void write_manifest(const Manifest& manifest, const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // Write beside and rename, so a crash never leaves a half-written baseline.
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << to_json(manifest);
    if (!out.flush()) throw ManifestError(path.string() + ": cannot write manifest");
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw ManifestError(path.string() + ": cannot write manifest (" + ec.message() + ")");
}

Manifest read_manifest(const std::filesystem::path& path, const std::string& tenant) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw ManifestError(path.string() + ": baseline manifest not found (run 'pgverify pre --tenant " +
                        tenant + "' first, or pass --baseline)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ManifestError(path.string() + ": cannot read baseline manifest");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_manifest(buffer.str(), path.string(), tenant);
}

}  // namespace pgverify

#include "core/runner.hpp"
#include "pg/session.hpp"

namespace pgverify {

Manifest capture_manifest(pg::Session& source, const std::string& tenant) {
  Manifest manifest;
  manifest.tenant = tenant;
  manifest.tool_version = PGVERIFY_VERSION;
  manifest.created = utc_timestamp();
  manifest.source = source.describe();
  manifest.server_version_num = source.server_version_num();
  auto version = source.query("SELECT pg_catalog.current_setting('server_version')");
  manifest.server_version = version.at(0, 0).value_or("");
  auto extensions = source.query(
      "SELECT extname, extversion FROM pg_catalog.pg_extension ORDER BY extname");
  for (const auto& row : extensions.rows)
    manifest.extensions.push_back({row[0].value_or(""), row[1].value_or("")});
  return manifest;
}

}  // namespace pgverify
