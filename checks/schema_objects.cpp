#include "checks/schema_objects.hpp"

#include <map>
#include <tuple>

#include "checks/common.hpp"
#include "inventory/schema_inventory.hpp"

namespace pgverify::checks {

const CheckInfo& SchemaObjects::info() const {
  static const CheckInfo info{
      .id = "schema.objects",
      .phases = {Phase::post},
      .summary = "the target's schema holds every object of the baseline's inventory, defined the same",
      .rationale =
          "pg_restore carries on past errors by default: an index whose definition the new major "
          "refuses, a constraint on a missing function, an extension created in another schema "
          "or a role that does not exist leave the data in place and the schema quietly short. "
          "Missing indexes show up later as slow queries, missing constraints as bad data.",
      .remediation =
          "Read pg_restore's output for the error about the named object, fix its cause (a "
          "missing role or extension, a definition the new major rejects) and create the object "
          "on the target with the definition shown as expected.",
      .options = "target_dsn; the baseline manifest",
      .applies_to =
          "schemas, tables, views, columns with types and defaults, indexes, constraints, functions, "
          "triggers, extensions, sequences and types of the user's schemas, with their owners",
      .needs_baseline = true,
  };
  return info;
}

CheckResult SchemaObjects::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  if (baseline.schema.empty())
    return make_result(Status::skip, "the baseline holds no schema inventory; run pgverify pre again to record one");

  auto target = connect_target(context);
  std::map<std::pair<std::string, std::string>, std::string> actual;
  for (auto& object : inventory::capture_schema(*target))
    actual[{object.kind, object.name}] = std::move(object.detail);

  std::vector<Finding> findings;
  std::size_t missing = 0, different = 0;
  for (const SchemaObject& expected : baseline.schema) {
    auto found = actual.find({expected.kind, expected.name});
    const std::string object = expected.kind + " " + expected.name;
    if (found == actual.end()) {
      ++missing;
      findings.push_back({object, expected.detail, "missing", "the " + expected.kind + " is missing on the target",
                          "Look for the error about it in pg_restore's output, fix the cause and create it."});
      continue;
    }
    if (found->second != expected.detail) {
      ++different;
      findings.push_back({object, expected.detail, found->second,
                          "the " + expected.kind + " is defined differently on the target",
                          "Compare the two definitions; recreate it as the source had it unless the "
                          "difference is intended."});
    }
    actual.erase(found);
  }
  for (const auto& [key, detail] : actual)
    findings.push_back(extra_on_target(key.first + " " + key.second, key.first, detail));
  const std::size_t extra = actual.size();

  const std::size_t total = baseline.schema.size();
  const std::string counted =
      std::to_string(total - missing - different) + " of " + std::to_string(total) + " schema objects match";
  return compared_with_baseline(counted, {{missing, "missing"}, {different, "differ"}}, extra, std::move(findings));
}

}  // namespace pgverify::checks
