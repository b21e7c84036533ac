#include "checks/registry.hpp"

#include "checks/app_health.hpp"
#include "checks/baseline_pre_result.hpp"
#include "checks/data_large_objects.hpp"
#include "checks/data_row_counts.hpp"
#include "checks/data_sequences.hpp"
#include "checks/data_table_hashes.hpp"
#include "checks/driver_asyncpg.hpp"
#include "checks/dump_matches_source.hpp"
#include "checks/dump_readable.hpp"
#include "checks/ext_available.hpp"
#include "checks/ext_vector.hpp"
#include "checks/roles_exist_on_target.hpp"
#include "checks/roles_md5_passwords.hpp"
#include "checks/schema_fk_collations.hpp"
#include "checks/schema_objects.hpp"
#include "checks/secrets_fernet.hpp"
#include "checks/secrets_fingerprint.hpp"
#include "checks/server_data_checksums.hpp"
#include "checks/source_port_forward.hpp"
#include "checks/version_pg_dump.hpp"
#include "checks/version_pg_restore.hpp"
#include "checks/version_psql.hpp"

namespace pgverify {

namespace {

std::vector<std::unique_ptr<Check>> make_checks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<checks::AppHealth>());
  checks.push_back(std::make_unique<checks::BaselinePreResult>());
  checks.push_back(std::make_unique<checks::DataLargeObjects>());
  checks.push_back(std::make_unique<checks::DataRowCounts>());
  checks.push_back(std::make_unique<checks::DataSequences>());
  checks.push_back(std::make_unique<checks::DataTableHashes>());
  checks.push_back(std::make_unique<checks::DriverAsyncpg>());
  checks.push_back(std::make_unique<checks::DumpMatchesSource>());
  checks.push_back(std::make_unique<checks::DumpReadable>());
  checks.push_back(std::make_unique<checks::ExtAvailable>());
  checks.push_back(std::make_unique<checks::ExtVector>());
  checks.push_back(std::make_unique<checks::RolesExistOnTarget>());
  checks.push_back(std::make_unique<checks::RolesMd5Passwords>());
  checks.push_back(std::make_unique<checks::SchemaFkCollations>());
  checks.push_back(std::make_unique<checks::SchemaObjects>());
  checks.push_back(std::make_unique<checks::SecretsFernet>());
  checks.push_back(std::make_unique<checks::SecretsFingerprint>());
  checks.push_back(std::make_unique<checks::ServerDataChecksums>());
  checks.push_back(std::make_unique<checks::SourcePortForward>());
  checks.push_back(std::make_unique<checks::VersionPgDump>());
  checks.push_back(std::make_unique<checks::VersionPgRestore>());
  checks.push_back(std::make_unique<checks::VersionPsql>());
  return checks;
}

}  // namespace

const std::vector<std::unique_ptr<Check>>& all_checks() {
  static const std::vector<std::unique_ptr<Check>> checks = make_checks();
  return checks;
}

const Check* find_check(std::string_view id) {
  for (const auto& check : all_checks())
    if (check->info().id == id) return check.get();
  return nullptr;
}

}  // namespace pgverify
