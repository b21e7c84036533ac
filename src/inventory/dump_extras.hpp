// What a pg_dump of the whole source database writes besides its objects'
// definitions and its tables' data, counted from the catalogs, so that pre can
// tell a dump that holds none of it (taken with --no-privileges,
// --no-publications, --no-comments) from one of a source that has none.
#pragma once

#include <cstdint>

#include "pg/session.hpp"

namespace pgverify::inventory {

struct DumpableExtras {
  // Objects of the user's schemas (relations, columns, schemas, functions,
  // types, languages, foreign data wrappers and servers) whose privileges
  // differ from where pg_dump starts (pg_init_privs, else acldefault): each is
  // an ACL entry of the dump. Not the database's own (pg_dump --create only).
  std::uint64_t privileges = 0;
  // pg_default_acl entries that pg_dump writes (DEFAULT ACL entries).
  std::uint64_t default_privileges = 0;
  std::uint64_t large_object_privileges = 0;
  std::uint64_t publications = 0;
  // Row-level security policies on the user's tables (pg_dump 18 --no-policies leaves them out).
  std::uint64_t policies = 0;
  // Comments as the inventory lists them (inventory "comment"), but not on
  // extensions (CREATE EXTENSION gives them back), subscriptions (pg_dump
  // dumps those only as a superuser) or large objects (counted apart).
  std::uint64_t comments = 0;
  std::uint64_t large_object_comments = 0;
};

// One query, "/* pgverify inventory: dumpable extras */". PgError before
// PostgreSQL 10.
DumpableExtras count_dumpable_extras(pg::Session& session);

}  // namespace pgverify::inventory
