#include "evidence/manifest.hpp"

#include <fstream>
#include <limits>
#include <sstream>

#include "files/readable_file.hpp"
#include "hash/digest.hpp"
#include "files/atomic_file.hpp"
#include "json/strict.hpp"
#include "text/quote.hpp"
#include "text/utf8.hpp"

namespace pgverify {

namespace {

using nlohmann::ordered_json;

constexpr std::string_view format_name = "pgverify-manifest";

// The object at `path` of a manifest being read ("tables[3]"; "" for the
// top), with typed access to its fields: each error names the file and the
// field, and says what it must be.
class Fields {
 public:
  Fields(const ordered_json& value, std::string path, const std::string& origin)
      : m_value(value), m_path(std::move(path)), m_origin(origin) {
    if (!value.is_object()) fail(m_path, "must be an object");
  }

  bool has(std::string_view key) const { return m_value.contains(key); }

  std::string string(std::string_view key) const {
    const ordered_json& value = member(key);
    if (!value.is_string()) malformed(key, "must be a string");
    return value.get<std::string>();
  }
  std::string string_or(std::string_view key, std::string fallback) const {
    return has(key) ? string(key) : fallback;
  }

  bool boolean_or(std::string_view key, bool fallback) const {
    if (!has(key)) return fallback;
    const ordered_json& value = member(key);
    if (!value.is_boolean()) malformed(key, "must be true or false");
    return value.get<bool>();
  }

  // An integer from min to max. nlohmann reads a number with a fraction or
  // an exponent, and an integer beyond 64 bits, as a double: never an
  // integer field.
  std::int64_t integer(std::string_view key, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    const ordered_json& value = member(key);
    if (value.is_number_unsigned() && value.get<std::uint64_t>() <= static_cast<std::uint64_t>(max))
      return value.get<std::int64_t>();
    if (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() >= min &&
        value.get<std::int64_t>() <= max)
      return value.get<std::int64_t>();
    malformed(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  std::int64_t integer_or(std::string_view key, std::int64_t fallback) const {
    return has(key) ? integer(key) : fallback;
  }
  std::optional<std::int64_t> integer_or_null(std::string_view key) const {
    if (member(key).is_null()) return std::nullopt;
    return integer(key);
  }

  // A count or a size: 0 to 2^64 - 1; a negative one is `if_negative`.
  std::uint64_t count(std::string_view key, const std::string& if_negative) const {
    const ordered_json& value = member(key);
    if (value.is_number_integer()) {
      if (!value.is_number_unsigned() && value.get<std::int64_t>() < 0)
        throw ManifestError(m_origin + ": " + if_negative);
      return value.get<std::uint64_t>();
    }
    malformed(key, "must be an integer from 0 to " + std::to_string(std::numeric_limits<std::uint64_t>::max()));
  }

  Fields object(std::string_view key) const { return Fields(member(key), where(key), m_origin); }

  // Each element of an array of objects, as Fields named "key[i]".
  std::vector<Fields> objects(std::string_view key) const {
    std::vector<Fields> out;
    const ordered_json& array = member(key);
    if (!array.is_array()) malformed(key, "must be an array");
    out.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i)
      out.emplace_back(array[i], where(key) + "[" + std::to_string(i) + "]", m_origin);
    return out;
  }

  std::vector<std::string> strings(std::string_view key) const {
    std::vector<std::string> out;
    const ordered_json& array = member(key);
    if (!array.is_array()) malformed(key, "must be an array of strings");
    out.reserve(array.size());
    for (const ordered_json& element : array) {
      if (!element.is_string()) malformed(key, "must be an array of strings");
      out.push_back(element.get<std::string>());
    }
    return out;
  }

  // An object whose every member is a string, in the order written.
  std::vector<std::pair<std::string, std::string>> string_members(std::string_view key) const {
    std::vector<std::pair<std::string, std::string>> out;
    const ordered_json& object = member(key);
    if (!object.is_object()) malformed(key, "must be an object of strings");
    for (const auto& [name, value] : object.items()) {
      if (!value.is_string()) malformed(key, "must be an object of strings");
      out.emplace_back(name, value.get<std::string>());
    }
    return out;
  }

 private:
  std::string where(std::string_view key) const {
    return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
  }

  const ordered_json& member(std::string_view key) const {
    const auto found = m_value.find(key);
    if (found == m_value.end()) throw ManifestError(m_origin + ": manifest has no '" + where(key) + "' field");
    return *found;
  }

  [[noreturn]] void malformed(std::string_view key, const std::string& must) const { fail(where(key), must); }
  [[noreturn]] void fail(const std::string& field, const std::string& must) const {
    throw ManifestError(m_origin + ": malformed manifest (field '" + field + "' " + must + ")");
  }

  const ordered_json& m_value;
  std::string m_path;
  const std::string& m_origin;
};

// Names reach the manifest as UTF-8 today (a LATIN1 database's too; a
// server sends nothing it cannot convert), but nothing in the manifest's
// types says so. JSON holds only UTF-8, and writing U+FFFD would record
// another name, which post would then miss on the target: a string that is
// not UTF-8 is refused, naming its field.
void require_utf8(const ordered_json& value, const std::string& path) {
  auto check = [&](const std::string& text, const std::string& where) {
    if (text::valid_utf8(text) == text) return;
    throw ManifestError(where + " " + text::quote_bytes(text, 80, '\'') +
                        " is not UTF-8: a manifest is JSON, which holds UTF-8 only");
  };
  if (value.is_string()) {
    check(value.get_ref<const std::string&>(), path);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) require_utf8(value[i], path + "[" + std::to_string(i) + "]");
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      const std::string where = path.empty() ? key : path + "." + key;
      check(key, where);
      require_utf8(member, where);
    }
  }
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
  // Each part is built whole, then moved into its place: a reference into an
  // ordered_json does not survive the next member added beside it.
  ordered_json source;
  source["server"] = manifest.source;
  source["server_version"] = manifest.server_version;
  source["server_version_num"] = manifest.server_version_num;
  ordered_json extensions = ordered_json::array();
  for (const auto& e : manifest.extensions) extensions.push_back({{"name", e.name}, {"version", e.version}});
  source["extensions"] = std::move(extensions);
  ordered_json settings = ordered_json::object();
  for (const auto& [key, value] : manifest.settings) settings[key] = value;
  source["settings"] = std::move(settings);

  ordered_json tables = ordered_json::array();
  for (const auto& t : manifest.tables) {
    ordered_json entry;
    entry["table"] = t.name;
    entry["kind"] = t.kind;
    if (!t.parent.empty()) entry["parent"] = t.parent;
    entry["rows"] = t.rows;
    entry["hash"] = t.hash;
    entry["mode"] = t.mode;
    if (!t.populated) entry["populated"] = false;
    if (!t.placed_by.empty()) entry["placed_by"] = t.placed_by;
    entry["columns"] = t.columns;
    entry["column_types"] = t.column_types;
    tables.push_back(std::move(entry));
  }
  ordered_json sequences = ordered_json::array();
  for (const auto& q : manifest.sequences) {
    ordered_json entry;
    entry["sequence"] = q.name;
    entry["last_value"] = q.last_value ? ordered_json(*q.last_value) : ordered_json(nullptr);
    entry["increment"] = q.increment;
    if (q.cycle) entry["cycle"] = true;
    sequences.push_back(std::move(entry));
  }
  ordered_json large_objects = ordered_json::array();
  for (const auto& o : manifest.large_objects) {
    ordered_json entry;
    entry["oid"] = o.oid;
    entry["owner"] = o.owner;
    entry["size"] = o.size;
    entry["hash"] = o.hex();
    if (!o.acl.empty()) entry["acl"] = o.acl;
    large_objects.push_back(std::move(entry));
  }
  ordered_json schema = ordered_json::array();
  for (const auto& o : manifest.schema) schema.push_back({{"kind", o.kind}, {"name", o.name}, {"detail", o.detail}});

  ordered_json root;
  root["format"] = std::string(format_name);
  root["format_version"] = Manifest::format_version;
  root["tenant"] = manifest.tenant;
  root["tool_version"] = manifest.tool_version;
  root["created"] = manifest.created;
  root["source"] = std::move(source);
  root["tables"] = std::move(tables);
  root["sequences"] = std::move(sequences);
  root["large_objects"] = std::move(large_objects);
  if (!manifest.secret_fingerprint.empty()) root["secret_fingerprint"] = manifest.secret_fingerprint;
  if (manifest.pre) {
    ordered_json checks = ordered_json::array();
    for (const auto& [id, status] : manifest.pre->checks) checks.push_back({{"id", id}, {"status", status}});
    root["pre"] = {{"status", manifest.pre->status}, {"checks", std::move(checks)}};
  }
  if (manifest.dump)
    root["dump"] = {{"path", manifest.dump->path}, {"size", manifest.dump->size}, {"sha256", manifest.dump->sha256}};
  root["schema"] = std::move(schema);
  require_utf8(root, "");
  return json::write(root) + "\n";
}

namespace {

// `tenant` nullptr: a manifest of any tenant (pgverify hash --baseline).
Manifest parse_manifest_of(std::string_view text, const std::string& origin, const std::string* tenant) {
  ordered_json root;
  try {
    root = json::parse(text);
  } catch (const json::SyntaxError& error) {
    throw ManifestError(origin + ": not a readable manifest, truncated or corrupt (" + error.what() + ")");
  }
  if (!root.is_object() || !root.contains("format") || root.at("format") != std::string(format_name))
    throw ManifestError(origin + ": not a pgverify manifest");
  const Fields top(root, "", origin);
  const std::int64_t version = top.integer("format_version");
  if (version < Manifest::oldest_format_version || version > Manifest::format_version)
    throw ManifestError(origin + ": unknown manifest format version " + std::to_string(version) +
                        " (this pgverify reads versions " + std::to_string(Manifest::oldest_format_version) + " to " +
                        std::to_string(Manifest::format_version) + ")");
  Manifest manifest;
  manifest.tenant = top.string("tenant");
  if (tenant && manifest.tenant != *tenant)
    throw ManifestError(origin + ": manifest is for tenant '" + manifest.tenant + "', not '" + *tenant + "'");
  manifest.tool_version = top.string("tool_version");
  manifest.created = top.string("created");
  const Fields source = top.object("source");
  manifest.source = source.string("server");
  manifest.server_version = source.string("server_version");
  manifest.server_version_num = static_cast<int>(source.integer("server_version_num", 0, std::numeric_limits<int>::max()));
  for (const Fields& e : source.objects("extensions")) manifest.extensions.push_back({e.string("name"), e.string("version")});
  manifest.settings = source.string_members("settings");
  for (const Fields& t : top.objects("tables")) {
    TableRecord record;
    record.name = t.string("table");
    record.kind = t.string("kind");
    record.parent = t.string_or("parent", "");
    record.rows = t.count("rows", "table " + record.name + " has a negative row count");
    record.hash = t.string("hash");
    if (!hash::TableDigest::parse_hex(record.hash))
      throw ManifestError(origin + ": table " + record.name + " has a malformed hash");
    record.mode = t.string("mode");
    if (record.mode != "text" && record.mode != "binary")
      throw ManifestError(origin + ": table " + record.name + " has unknown mode '" + record.mode + "'");
    record.columns = t.strings("columns");
    if (t.has("column_types")) {
      record.column_types = t.strings("column_types");
      if (record.column_types.size() != record.columns.size())
        throw ManifestError(origin + ": table " + record.name + " has " + std::to_string(record.columns.size()) +
                            " columns but " + std::to_string(record.column_types.size()) + " column types");
    }
    record.populated = t.boolean_or("populated", true);
    record.placed_by = t.string_or("placed_by", "");
    manifest.tables.push_back(std::move(record));
  }
  for (const Fields& q : top.objects("sequences")) {
    SequenceRecord record;
    record.name = q.string("sequence");
    record.last_value = q.integer_or_null("last_value");
    record.increment = q.integer_or("increment", 1);
    if (record.increment == 0) throw ManifestError(origin + ": sequence " + record.name + " has increment 0");
    record.cycle = q.boolean_or("cycle", false);
    manifest.sequences.push_back(std::move(record));
  }
  if (top.has("large_objects")) {
    manifest.large_objects_recorded = true;
    for (const Fields& o : top.objects("large_objects")) {
      hash::LargeObjectDigest record;
      const std::int64_t oid = o.integer("oid");
      if (oid <= 0 || oid > 0xFFFFFFFFll) throw ManifestError(origin + ": a large object has OID " + std::to_string(oid));
      record.oid = static_cast<std::uint32_t>(oid);
      record.owner = o.string("owner");
      record.size = o.count("size", "large object " + std::to_string(oid) + " has a negative size");
      const auto digest = hash::TableDigest::parse_hex(o.string("hash"));
      if (!digest) throw ManifestError(origin + ": large object " + std::to_string(oid) + " has a malformed hash");
      record.hash = *digest;
      record.acl = o.string_or("acl", "");
      manifest.large_objects.push_back(std::move(record));
    }
  }
  for (const Fields& o : top.objects("schema"))
    manifest.schema.push_back({o.string("kind"), o.string("name"), o.string("detail")});
  manifest.secret_fingerprint = top.string_or("secret_fingerprint", "");
  if (top.has("pre")) {
    const Fields pre = top.object("pre");
    PreRecord record;
    record.status = pre.string("status");
    if (record.status != "pass" && record.status != "fail" && record.status != "error")
      throw ManifestError(origin + ": pre has unknown status '" + record.status + "'");
    for (const Fields& c : pre.objects("checks")) record.checks.emplace_back(c.string("id"), c.string("status"));
    manifest.pre = std::move(record);
  }
  if (top.has("dump")) {
    const Fields dump = top.object("dump");
    dump::DumpIdentity identity;
    identity.path = dump.string("path");
    identity.size = dump.count("size", "the dump has a negative size");
    identity.sha256 = dump.string("sha256");
    manifest.dump = std::move(identity);
  }
  return manifest;
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
