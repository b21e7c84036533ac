#include "checks/registry.hpp"

#include "checks/checks.hpp"
#include "checks/driver_asyncpg.hpp"
#include "checks/dump_matches_source.hpp"
#include "checks/source_port_forward.hpp"

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
