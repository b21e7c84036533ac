// inventory/: what a database's schema holds and where its sequences stand, read
// from the PostgreSQL catalogs (10 to 18) so that pre can record the source and
// post can compare the target with it. Depends on pg/ only.
#pragma once

#include <vector>

#include "inventory/records.hpp"
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
//   view       view|materialized view owner=ROLE, options, the tables, columns and
//              user functions its query reads
//   view query pg_get_viewdef as printed (not canonical): see align_view_queries
//   column     schema.table.column: type, collation, not null, identity, default
//              or generation expression
//   index      pg_get_indexdef
//   constraint schema.table.name: pg_get_constraintdef
//   function   schema.name(identity args): function|procedure|aggregate|window
//              function, result type, owner, language, volatility, strict,
//              security definer, leakproof, parallel, cost, rows, SET options
//              (secret-named values left out), an aggregate's support functions
//              and states, MD5 of the body in UTF-8 (not of a SQL-standard body)
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
//   acl        "TYPE IDENTITY" as pg_identify_object names it ("table public.t",
//              "table column public.t.c", "function public.f(integer)", "schema
//              app", "language plpgsql", "server s"; the current database as
//              "database"): its effective privileges as ACL items (pg/acl_sql.hpp),
//              "(none)" when empty; an extension's member only when its
//              privileges differ from the defaults
//   default acl "for role R[ in schema S] on tables|sequences|functions|types|schemas": items
//   policy     schema.table.name: permissive|restrictive, command, roles, USING, WITH CHECK
//   row security schema.table: "enabled[, forced for the owner]" (only tables with either flag)
//   user mapping "ROLE on server S": option names (never their values: passwords)
//   rule       schema.table.name: pg_get_ruledef and its enabled state (not views' _RETURN)
//   statistics schema.name: pg_get_statisticsobjdef, owner
//   publication name: owner, what it publishes, its tables (columns, row filters) and schemas
//   event trigger name: event, function, tags, enabled state, owner
//   comment    "TYPE IDENTITY" of the object commented: the text
//   foreign data wrapper / server: handler, validator or wrapper, owner, options
//              (values of options named like secrets left out)
//   subscription name: owner, publications (never the connection string)
//   database setting "NAME" or "role R: NAME" of this database: the value
//              (values of settings named like secrets left out)
//
// Names and definitions are in canonical spelling (pg/ident.hpp), so a name
// that became a keyword in a newer major reads alike on both sides.
//
// Each query starts with the comment "/* pgverify inventory: KIND */" so a
// scripted session can answer it.
std::vector<SchemaObject> capture_schema(pg::Session& session);

// Makes a target's inventory comparable with a baseline taken on an older
// major, for what the newer one adds by itself: PostgreSQL 17's MAINTAIN
// privilege on relations (part of an owner's defaults and of GRANT ALL),
// which a source before 17 cannot have had.
void align_with_source(std::vector<SchemaObject>& target_objects, int source_version_num);

// A view's query ("view query": pg_get_viewdef, as the source printed it) is
// printed by each major its own way. Where the target's differs from the
// baseline's, the baseline's text is deparsed again on the target (a
// temporary view, in a transaction rolled back): when that reads as the
// target's own view does, the target's entry takes the baseline's text, so
// only a really different query is reported. Returns a note when the target
// role cannot create temporary views and the queries were not compared.
std::string align_view_queries(pg::Session& target, const std::vector<SchemaObject>& baseline,
                               std::vector<SchemaObject>& target_objects);

// Every kind capture_schema reads, in the order it reads them.
const std::vector<std::string>& schema_kinds();

}  // namespace pgverify::inventory
