#pragma once

// Taking the baseline: what pre records of the source, and the hashing
// settings pre and post share so both sides are read the same way.

#include <functional>
#include <string>

#include "config/config.hpp"
#include "evidence/manifest.hpp"
#include "hash/table_hasher.hpp"
#include "pg/session.hpp"

namespace pgverify {

// The tenant's hashing options ([tenants.X.hash]) in the given mode.
hash::HashOptions hash_options_for(const TenantConfig& tenant, hash::Mode mode);

// Makes `options` read a database as the baseline was read: its mode, its
// session settings, and each table's columns by name in the baseline's order
// (pg_restore may order a table's columns otherwise: an inheritance child
// gets its parents' first).
void read_like_baseline(const Manifest& baseline, hash::HashOptions& options);
hash::Mode baseline_mode(const Manifest& baseline);

// What the manifest records of each relation (unpopulated materialized views
// with populated = false and no rows).
std::vector<TableRecord> table_records(const hash::DatabaseHash& hashed);

// Server facts, extensions, settings, every table's digest, sequences and the
// schema inventory of the source. `already_hashed`, when it was taken in the
// tenant's mode (dump.matches-source hashes the source in text mode), is used
// instead of reading every table again. Throws pg::PgError when the source
// cannot be read.
Manifest capture_baseline(pg::Connector& connector, const TenantConfig& tenant,
                          const std::function<void(const hash::Progress&)>& on_progress,
                          const hash::DatabaseHash* already_hashed = nullptr);

}  // namespace pgverify
