#include "evidence/baseline.hpp"

#include "inventory/schema_inventory.hpp"
#include "secrets/fingerprint.hpp"
#include "secrets/secret_source.hpp"
#include "text/timestamp.hpp"

namespace pgverify {

hash::HashOptions hash_options_for(const TenantConfig& tenant, hash::Mode mode) {
  hash::HashOptions options;
  options.mode = mode;
  options.jobs = tenant.hash.jobs;
  options.filter.include = tenant.hash.include;
  options.filter.exclude = tenant.hash.exclude;
  // Two live servers are compared in settings that read alike on both.
  options.output = hash::OutputSettings::canonical();
  return options;
}

hash::Mode baseline_mode(const Manifest& baseline) {
  return !baseline.tables.empty() && baseline.tables.front().mode == "text" ? hash::Mode::text : hash::Mode::binary;
}

void read_like_baseline(const Manifest& baseline, hash::HashOptions& options) {
  options.mode = baseline_mode(baseline);
  options.output = {baseline.setting("TimeZone"), baseline.setting("bytea_output"), baseline.setting("client_encoding")};
  for (const TableRecord& table : baseline.tables)
    options.column_plans[table.name] = hash::plan_from_select_list(table.columns, table.column_types);
}

std::vector<TableRecord> table_records(const hash::DatabaseHash& hashed) {
  std::vector<TableRecord> records;
  for (const auto& r : hashed.relations) {
    TableRecord record;
    record.name = r.relation.name;
    record.kind = std::string(to_string(r.relation.kind));
    record.parent = r.relation.parent;
    record.mode = std::string(to_string(hashed.mode));
    record.columns = hash::hashed_columns(r.relation, hashed.mode);
    for (const auto& column : r.relation.columns) record.column_types.push_back(column.type);
    record.populated = r.relation.populated;
    record.placed_by = r.relation.placed_by;
    record.rows = r.digest.rows;
    record.hash = r.digest.hex();
    records.push_back(std::move(record));
  }
  return records;
}

Manifest capture_baseline(pg::Connector& connector, const TenantConfig& tenant,
                          const std::function<void(const hash::Progress&)>& on_progress,
                          const hash::DatabaseHash* already_hashed) {
  auto source = connector.connect(tenant.source_dsn);
  Manifest manifest;
  manifest.tenant = tenant.name;
  manifest.tool_version = PGVERIFY_VERSION;
  manifest.created = utc_timestamp();
  manifest.source = source->describe();
  manifest.server_version_num = source->server_version_num();
  manifest.server_version =
      source->query("SELECT pg_catalog.current_setting('server_version')").at(0, 0).value_or("");
  auto extensions =
      source->query("SELECT extname, extversion FROM pg_catalog.pg_extension ORDER BY extname");
  for (const auto& row : extensions.rows)
    manifest.extensions.push_back({row[0].value_or(""), row[1].value_or("")});
  manifest.sequences = inventory::capture_sequences(*source);
  manifest.schema = inventory::capture_schema(*source);

  // The secret is fingerprinted, never stored; when it cannot be read,
  // secrets.fingerprint says why and post skips the comparison.
  if (!tenant.fernet.secret_env.empty() || !tenant.fernet.secret_file.empty()) {
    try {
      manifest.secret_fingerprint =
          secrets::fingerprint(secrets::read_secrets(tenant.fernet.secret_env, tenant.fernet.secret_file).current());
    } catch (const secrets::SecretError&) {
    }
  }

  const hash::Mode mode = tenant.hash.mode == "text" ? hash::Mode::text : hash::Mode::binary;
  hash::DatabaseHash hashed;
  // A text-mode hash taken for the dump comparison is read as pg_dump reads
  // (the source's TimeZone and bytea_output, the dump's encoding); it serves
  // as the baseline when that is also how post will read the target.
  const hash::OutputSettings canonical = hash::OutputSettings::canonical();
  const bool reusable = already_hashed && already_hashed->mode == mode && already_hashed->settings.size() >= 3 &&
                        already_hashed->settings[0].second == canonical.time_zone &&
                        already_hashed->settings[1].second == canonical.bytea_output &&
                        already_hashed->settings[2].second == canonical.client_encoding;
  if (reusable) {
    hashed = *already_hashed;
  } else {
    hash::HashOptions options = hash_options_for(tenant, mode);
    options.on_progress = on_progress;
    hashed = hash::hash_database(connector, tenant.source_dsn, options);
  }
  manifest.settings = hashed.settings;
  manifest.tables = table_records(hashed);
  manifest.large_objects_recorded = hashed.large_objects_hashed;
  manifest.large_objects = hashed.large_objects;
  return manifest;
}

}  // namespace pgverify
