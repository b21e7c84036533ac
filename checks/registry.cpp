#include "checks/registry.hpp"

#include "checks/app_health.hpp"
#include "checks/data_row_counts.hpp"
#include "checks/data_sequences.hpp"
#include "checks/data_table_hashes.hpp"
#include "checks/ext_vector.hpp"
#include "checks/schema_objects.hpp"
#include "checks/version_pg_dump.hpp"
#include "checks/version_pg_restore.hpp"
#include "checks/version_psql.hpp"

namespace pgverify {

namespace {

std::vector<std::unique_ptr<Check>> make_checks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.push_back(std::make_unique<checks::AppHealth>());
  checks.push_back(std::make_unique<checks::DataRowCounts>());
  checks.push_back(std::make_unique<checks::DataSequences>());
  checks.push_back(std::make_unique<checks::DataTableHashes>());
  checks.push_back(std::make_unique<checks::ExtVector>());
  checks.push_back(std::make_unique<checks::SchemaObjects>());
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
