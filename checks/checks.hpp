// The checks whose class is no more than its info() and run(), one
// declaration each, in id order; each defines them in checks/AREA_NAME.cpp.
// A check with members or helpers of its own (driver_asyncpg.hpp,
// dump_matches_source.hpp, source_port_forward.hpp) keeps a header of its own.
// scripts/new-check adds a line here.
#pragma once

#include "core/check.hpp"

// A check's class: its CheckInfo and its run(Context&).
#define PGVERIFY_CHECK(NAME)                                                 \
  class NAME final : public ::pgverify::Check {                              \
   public:                                                                   \
    const ::pgverify::CheckInfo& info() const override;                      \
    ::pgverify::CheckResult run(::pgverify::Context& context) const override; \
  }

namespace pgverify::checks {

PGVERIFY_CHECK(AppHealth);
PGVERIFY_CHECK(BaselinePreResult);
PGVERIFY_CHECK(DataLargeObjects);
PGVERIFY_CHECK(DataRowCounts);
PGVERIFY_CHECK(DataSequences);
PGVERIFY_CHECK(DataTableHashes);
PGVERIFY_CHECK(DumpReadable);
PGVERIFY_CHECK(ExtAvailable);
PGVERIFY_CHECK(ExtVector);
PGVERIFY_CHECK(RolesExistOnTarget);
PGVERIFY_CHECK(RolesMd5Passwords);
PGVERIFY_CHECK(SchemaFkCollations);
PGVERIFY_CHECK(SchemaObjects);
PGVERIFY_CHECK(SecretsFernet);
PGVERIFY_CHECK(SecretsFingerprint);
PGVERIFY_CHECK(ServerDataChecksums);
PGVERIFY_CHECK(VersionPgDump);
PGVERIFY_CHECK(VersionPgRestore);
PGVERIFY_CHECK(VersionPsql);

}  // namespace pgverify::checks
