// inventory/: what a database's schema holds and where its sequences stand, read
// from the PostgreSQL catalogs (10 to 18) so that pre can record the source and
// post can compare the target with it. Depends on pg/ and core/manifest.hpp only.
#pragma once

#include <vector>

#include "core/manifest.hpp"
#include "pg/session.hpp"

namespace pgverify::inventory {

// Every sequence of the user's schemas (not pg_catalog, information_schema,
// pg_toast*, temporary schemas; not those an extension owns), named
// schema.sequence with identifiers quoted as PostgreSQL needs them, with
// pg_sequences.last_value (nullopt: never called, or unreadable for the
// connecting role). Sorted by name, bytewise. PgError before PostgreSQL 10.
std::vector<SequenceRecord> capture_sequences(pg::Session& session);

// A stable inventory of the user's schema, sorted bytewise by kind then name.
// Kinds and what their detail holds:
//   schema     owner=ROLE
//   table      [unlogged ]table|partitioned table|foreign table owner=ROLE, the
//              partition key, "partition of PARENT BOUND", "inherits PARENTS"
//   view       view|materialized view owner=ROLE (never the definition)
//   column     schema.table.column: type, collation, not null, identity, default
//              or generation expression
//   index      pg_get_indexdef
//   constraint schema.table.name: pg_get_constraintdef
//   function   schema.name(identity args): function|procedure|aggregate|window
//              function, result type, owner
//   trigger    schema.table.name: pg_get_triggerdef, and its state when not enabled
//   extension  schema=SCHEMA (never the version: ext.vector compares versions)
//   sequence   data type, owner
//   type       enum labels in order, composite attributes, domain base type and
//              constraints, range subtype; owner
// Extension members and objects PostgreSQL derives from others (array types,
// table row types, multirange types, range constructors, constraints and
// triggers cloned onto partitions, NOT NULL constraints of PostgreSQL 18) are
// left out. Definitions are printed with an empty search_path, so every name
// outside pg_catalog is schema-qualified whatever the connection's settings;
// the session's search_path is put back afterwards. PgError before PostgreSQL 10.
//
// Each query starts with the comment "/* pgverify inventory: KIND */" so a
// scripted session can answer it.
std::vector<SchemaObject> capture_schema(pg::Session& session);

}  // namespace pgverify::inventory
