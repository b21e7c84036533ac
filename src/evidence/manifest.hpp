#pragma once

// The baseline manifest: what `pre` records about the source so `post` can
// compare the target with it. Written as OUT/manifest.json.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dump/identity.hpp"
#include "hash/large_objects.hpp"
#include "inventory/records.hpp"

namespace pgverify {

// The manifest cannot be used: missing, truncated, another tenant's, unknown format.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ExtensionVersion {
  std::string name;
  std::string version;
};

// One table's content as pre hashed it, and how, so post hashes the target the same way.
struct TableRecord {
  std::string name;    // schema-qualified, identifiers quoted where PostgreSQL needs it
  std::string kind;    // table | partition | partitioned | matview
  std::string parent;  // for a partition: its partitioned table
  std::string mode;    // text | binary
  std::vector<std::string> columns;  // the select list hashed, in order
  // Each column's type (format_type), parallel to columns; empty in a
  // format 1 manifest.
  std::vector<std::string> column_types;
  std::uint64_t rows = 0;
  std::string hash;    // 32 hex digits: sum of XXH3-128 row hashes mod 2^128
  bool populated = true;  // a materialized view created WITH NO DATA (rows 0, never read)
  // Below a table hash-partitioned on an enum: its rows are compared through
  // that table (hash::RelationSpec::placed_by); empty otherwise.
  std::string placed_by;
};

// What pre concluded when it wrote the baseline, so post can tell a baseline
// of a run that passed from one of a run that did not.
struct PreRecord {
  std::string status;  // pass | fail | error: the run as a whole
  // Every check pre ran, in order, with its status (pass, warn, skip, fail, error).
  std::vector<std::pair<std::string, std::string>> checks;
};

struct Manifest {
  // Version 1: server facts, settings, extensions, tables, sequences, schema.
  // Version 2: also column types, unpopulated materialized views, each
  // sequence's increment, and large objects.
  // Version 3: also pre's result and the dump it checked.
  // Versions 1 and 2 are still read.
  static constexpr int format_version = 3;
  static constexpr int oldest_format_version = 1;

  std::string tenant;
  std::string tool_version;
  std::string created;  // ISO 8601 UTC
  std::string source;   // host:port/dbname, never a password
  int server_version_num = 0;
  std::string server_version;  // SHOW server_version
  std::vector<ExtensionVersion> extensions;
  // The session settings the text-mode hashes were taken with (TimeZone,
  // bytea_output, client_encoding, extra_float_digits, DateStyle, IntervalStyle).
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<TableRecord> tables;
  std::vector<SequenceRecord> sequences;
  std::vector<SchemaObject> schema;
  // Every large object (OID order); false in a format 1 manifest, which did not record them.
  bool large_objects_recorded = false;
  std::vector<hash::LargeObjectDigest> large_objects;
  // A salted, slow, one-way fingerprint of the Fernet secret pre saw
  // (secrets/fingerprint.hpp); empty when no secret was configured.
  std::string secret_fingerprint;
  // pre's result; nullopt in a manifest before format 3.
  std::optional<PreRecord> pre;
  // The dump pre checked; nullopt when it had none (or before format 3).
  std::optional<dump::DumpIdentity> dump;

  const ExtensionVersion* extension(std::string_view name) const;
  const TableRecord* table(std::string_view name) const;
  std::string setting(std::string_view name) const;  // empty when not recorded
};

std::string to_json(const Manifest& manifest);
// Parses and validates; `origin` names the file in errors; `tenant` must match.
Manifest parse_manifest(std::string_view text, const std::string& origin, const std::string& tenant);

void write_manifest(const Manifest& manifest, const std::filesystem::path& path);
Manifest read_manifest(const std::filesystem::path& path, const std::string& tenant);
// Any tenant's manifest (pgverify hash --baseline reads a table as post does).
Manifest read_manifest_of_any_tenant(const std::filesystem::path& path);

}  // namespace pgverify
