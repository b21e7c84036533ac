#include "evidence/manifest.hpp"

#include <fstream>
#include <sstream>

#include "json/json.hpp"
#include "files/readable_file.hpp"
#include "hash/digest.hpp"
#include "files/atomic_file.hpp"
#include "text/quote.hpp"

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

const TableRecord* Manifest::table(std::string_view name) const {
  for (const auto& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

std::string Manifest::setting(std::string_view name) const {
  for (const auto& [key, value] : settings)
    if (key == name) return value;
  return "";
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
  json::Value& settings = source.set("settings", json::Object{});
  for (const auto& [key, value] : manifest.settings) settings.set(key, value);

  json::Value& tables = root.set("tables", json::Array{});
  for (const auto& t : manifest.tables) {
    json::Value entry;
    entry.set("table", t.name);
    entry.set("kind", t.kind);
    if (!t.parent.empty()) entry.set("parent", t.parent);
    entry.set("rows", t.rows);
    entry.set("hash", t.hash);
    entry.set("mode", t.mode);
    if (!t.populated) entry.set("populated", false);
    if (!t.placed_by.empty()) entry.set("placed_by", t.placed_by);
    json::Array columns;
    for (const auto& c : t.columns) columns.emplace_back(c);
    entry.set("columns", std::move(columns));
    json::Array types;
    for (const auto& c : t.column_types) types.emplace_back(c);
    entry.set("column_types", std::move(types));
    tables.push(std::move(entry));
  }
  json::Value& sequences = root.set("sequences", json::Array{});
  for (const auto& q : manifest.sequences) {
    json::Value entry;
    entry.set("sequence", q.name);
    entry.set("last_value", q.last_value ? json::Value(*q.last_value) : json::Value(nullptr));
    entry.set("increment", q.increment);
    if (q.cycle) entry.set("cycle", true);
    sequences.push(std::move(entry));
  }
  json::Value& large_objects = root.set("large_objects", json::Array{});
  for (const auto& o : manifest.large_objects) {
    json::Value entry;
    entry.set("oid", static_cast<std::int64_t>(o.oid));
    entry.set("owner", o.owner);
    entry.set("size", o.size);
    entry.set("hash", o.hex());
    if (!o.acl.empty()) entry.set("acl", o.acl);
    large_objects.push(std::move(entry));
  }
  if (!manifest.secret_fingerprint.empty()) root.set("secret_fingerprint", manifest.secret_fingerprint);
  if (manifest.pre) {
    json::Value& pre = root.set("pre", json::Object{});
    pre.set("status", manifest.pre->status);
    json::Value& checks = pre.set("checks", json::Array{});
    for (const auto& [id, status] : manifest.pre->checks) {
      json::Value entry;
      entry.set("id", id);
      entry.set("status", status);
      checks.push(std::move(entry));
    }
  }
  if (manifest.dump) {
    json::Value& dump = root.set("dump", json::Object{});
    dump.set("path", manifest.dump->path);
    dump.set("size", manifest.dump->size);
    dump.set("sha256", manifest.dump->sha256);
  }
  json::Value& schema = root.set("schema", json::Array{});
  for (const auto& o : manifest.schema) {
    json::Value entry;
    entry.set("kind", o.kind);
    entry.set("name", o.name);
    entry.set("detail", o.detail);
    schema.push(std::move(entry));
  }
  return json::dump(root) + "\n";
}

namespace {

// `tenant` nullptr: a manifest of any tenant (pgverify hash --baseline).
Manifest parse_manifest_of(std::string_view text, const std::string& origin, const std::string* tenant) {
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
    if (version < Manifest::oldest_format_version || version > Manifest::format_version)
      throw ManifestError(origin + ": unknown manifest format version " + std::to_string(version) +
                          " (this pgverify reads versions " + std::to_string(Manifest::oldest_format_version) +
                          " to " + std::to_string(Manifest::format_version) + ")");
    Manifest manifest;
    manifest.tenant = member(root, "tenant", origin).as_string();
    if (tenant && manifest.tenant != *tenant)
      throw ManifestError(origin + ": manifest is for tenant '" + manifest.tenant + "', not '" +
                          *tenant + "'");
    manifest.tool_version = member(root, "tool_version", origin).as_string();
    manifest.created = member(root, "created", origin).as_string();
    const json::Value& source = member(root, "source", origin);
    manifest.source = member(source, "server", origin).as_string();
    manifest.server_version = member(source, "server_version", origin).as_string();
    manifest.server_version_num = static_cast<int>(member(source, "server_version_num", origin).as_int());
    for (const auto& e : member(source, "extensions", origin).as_array())
      manifest.extensions.push_back(
          {member(e, "name", origin).as_string(), member(e, "version", origin).as_string()});
    for (const auto& [key, value] : member(source, "settings", origin).as_object())
      manifest.settings.emplace_back(key, value.as_string());
    for (const auto& t : member(root, "tables", origin).as_array()) {
      TableRecord record;
      record.name = member(t, "table", origin).as_string();
      record.kind = member(t, "kind", origin).as_string();
      if (const json::Value* parent = t.find("parent")) record.parent = parent->as_string();
      std::int64_t rows = member(t, "rows", origin).as_int();
      if (rows < 0) throw ManifestError(origin + ": table " + record.name + " has a negative row count");
      record.rows = static_cast<std::uint64_t>(rows);
      record.hash = member(t, "hash", origin).as_string();
      if (!hash::TableDigest::parse_hex(record.hash))
        throw ManifestError(origin + ": table " + record.name + " has a malformed hash");
      record.mode = member(t, "mode", origin).as_string();
      if (record.mode != "text" && record.mode != "binary")
        throw ManifestError(origin + ": table " + record.name + " has unknown mode '" + record.mode + "'");
      for (const auto& c : member(t, "columns", origin).as_array()) record.columns.push_back(c.as_string());
      if (const json::Value* types = t.find("column_types")) {
        for (const auto& c : types->as_array()) record.column_types.push_back(c.as_string());
        if (record.column_types.size() != record.columns.size())
          throw ManifestError(origin + ": table " + record.name + " has " + std::to_string(record.columns.size()) +
                              " columns but " + std::to_string(record.column_types.size()) + " column types");
      }
      if (const json::Value* populated = t.find("populated")) record.populated = populated->as_bool();
      if (const json::Value* placed = t.find("placed_by")) record.placed_by = placed->as_string();
      manifest.tables.push_back(std::move(record));
    }
    for (const auto& q : member(root, "sequences", origin).as_array()) {
      SequenceRecord record;
      record.name = member(q, "sequence", origin).as_string();
      const json::Value& last = member(q, "last_value", origin);
      if (!last.is_null()) record.last_value = last.as_int();
      if (const json::Value* increment = q.find("increment")) record.increment = increment->as_int();
      if (record.increment == 0) throw ManifestError(origin + ": sequence " + record.name + " has increment 0");
      if (const json::Value* cycle = q.find("cycle")) record.cycle = cycle->as_bool();
      manifest.sequences.push_back(std::move(record));
    }
    if (const json::Value* objects = root.find("large_objects")) {
      manifest.large_objects_recorded = true;
      for (const auto& o : objects->as_array()) {
        hash::LargeObjectDigest record;
        const std::int64_t oid = member(o, "oid", origin).as_int();
        if (oid <= 0 || oid > 0xFFFFFFFFll) throw ManifestError(origin + ": a large object has OID " + std::to_string(oid));
        record.oid = static_cast<std::uint32_t>(oid);
        record.owner = member(o, "owner", origin).as_string();
        const std::int64_t size = member(o, "size", origin).as_int();
        if (size < 0) throw ManifestError(origin + ": large object " + std::to_string(oid) + " has a negative size");
        record.size = static_cast<std::uint64_t>(size);
        const auto digest = hash::TableDigest::parse_hex(member(o, "hash", origin).as_string());
        if (!digest) throw ManifestError(origin + ": large object " + std::to_string(oid) + " has a malformed hash");
        record.hash = *digest;
        if (const json::Value* acl = o.find("acl")) record.acl = acl->as_string();
        manifest.large_objects.push_back(std::move(record));
      }
    }
    for (const auto& o : member(root, "schema", origin).as_array())
      manifest.schema.push_back({member(o, "kind", origin).as_string(), member(o, "name", origin).as_string(),
                                 member(o, "detail", origin).as_string()});
    if (const json::Value* fingerprint = root.find("secret_fingerprint"))
      manifest.secret_fingerprint = fingerprint->as_string();
    if (const json::Value* pre = root.find("pre")) {
      PreRecord record;
      record.status = member(*pre, "status", origin).as_string();
      if (record.status != "pass" && record.status != "fail" && record.status != "error")
        throw ManifestError(origin + ": pre has unknown status '" + record.status + "'");
      for (const auto& c : member(*pre, "checks", origin).as_array())
        record.checks.emplace_back(member(c, "id", origin).as_string(), member(c, "status", origin).as_string());
      manifest.pre = std::move(record);
    }
    if (const json::Value* dump = root.find("dump")) {
      dump::DumpIdentity identity;
      identity.path = member(*dump, "path", origin).as_string();
      const std::int64_t size = member(*dump, "size", origin).as_int();
      if (size < 0) throw ManifestError(origin + ": the dump has a negative size");
      identity.size = static_cast<std::uint64_t>(size);
      identity.sha256 = member(*dump, "sha256", origin).as_string();
      manifest.dump = std::move(identity);
    }
    return manifest;
  } catch (const json::TypeError& error) {
    throw ManifestError(origin + ": malformed manifest (" + error.what() + ")");
  }
}

}  // namespace

Manifest parse_manifest(std::string_view text, const std::string& origin, const std::string& tenant) {
  return parse_manifest_of(text, origin, &tenant);
}

void write_manifest(const Manifest& manifest, const std::filesystem::path& path) {
  // Never through a link: the baseline is a file of its own in OUT, not
  // wherever a link left there points.
  std::error_code ec;
  if (std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec)))
    throw ManifestError(path.string() + ": is a symbolic link; pgverify writes the baseline only as a file of its own "
                                        "(remove the link)");
  try {
    files::write_atomically(path, to_json(manifest));
  } catch (const files::WriteError& error) {
    throw ManifestError(error.what());
  }
}

namespace {

// The largest manifest read: past it, memory for the text and its parse would
// run out before a clear error could be given. pgverify's own manifests stay
// far below it (about 200 bytes a table, large object or schema object).
constexpr std::uint64_t kMaxManifestBytes = std::uint64_t{1} << 30;

std::string read_manifest_text(const std::filesystem::path& path, const std::string& not_found) {
  try {
    return files::read_whole_file(path, kMaxManifestBytes);
  } catch (const files::FileError& error) {
    const std::string shown = text::printable(path.string());
    switch (error.code()) {
      case files::FileErrc::not_found: throw ManifestError(shown + ": " + not_found);
      case files::FileErrc::not_a_file: throw ManifestError(error.what() + std::string(", so not a baseline manifest"));
      case files::FileErrc::too_large:
        throw ManifestError(error.what() + std::string(", too large for a baseline manifest"));
      case files::FileErrc::cannot_open:
      case files::FileErrc::cannot_read: break;
    }
    throw ManifestError(shown + ": cannot read baseline manifest (" + error.reason() + ")");
  }
}

}  // namespace

Manifest read_manifest(const std::filesystem::path& path, const std::string& tenant) {
  const std::string text = read_manifest_text(
      path, "baseline manifest not found (run 'pgverify pre --tenant " + tenant + "' first, or pass --baseline)");
  return parse_manifest(text, path.string(), tenant);
}

Manifest read_manifest_of_any_tenant(const std::filesystem::path& path) {
  return parse_manifest_of(read_manifest_text(path, "baseline manifest not found"), path.string(), nullptr);
}

}  // namespace pgverify
