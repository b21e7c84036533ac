#include "checks/checks.hpp"

#include <map>

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

std::string describe(const hash::LargeObjectDigest& object) {
  return std::to_string(object.size) + " bytes, hash " + object.hex() + ", owner " + object.owner;
}

}  // namespace

const CheckInfo& DataLargeObjects::info() const {
  static const CheckInfo info{
      .id = "data.large-objects",
      .phases = {Phase::post},
      .summary = "every large object of the baseline is on the target with the same bytes, owner and privileges",
      .rationale =
          "Large objects live outside the tables that reference them by OID: pg_dump -B or a "
          "--table/--schema dump leaves them out, a restore cut short loses the last ones, and a "
          "restore without the owning role leaves them owned by the restoring user and without "
          "their GRANTs. The rows that point at them still look fine.",
      .remediation =
          "Restore the large objects again from a dump that holds them (pg_dump without -B, "
          "pg_restore --data-only restores only data, large objects included); create missing "
          "roles first so owners and GRANTs come back.",
      .options = "target_dsn; the baseline manifest",
      .applies_to = "every large object (pg_largeobject_metadata); OID, size, XXH3-128 of the bytes, owner, ACL",
      .needs_baseline = true,
  };
  return info;
}

CheckResult DataLargeObjects::run(Context& context) const {
  const Manifest& baseline = *context.baseline;
  if (!baseline.large_objects_recorded)
    return make_result(Status::skip,
                       "the baseline records no large objects (an older manifest); run pgverify pre again to record them");
  const hash::DatabaseHash& target = context.evidence.target_hash();
  std::map<std::uint32_t, const hash::LargeObjectDigest*> actual;
  for (const auto& object : target.large_objects) actual[object.oid] = &object;

  FindingList findings;
  std::size_t missing = 0, different = 0, matching = 0;
  std::uint64_t bytes = 0;
  for (const auto& expected : baseline.large_objects) {
    bytes += expected.size;
    const std::string object = "large object " + std::to_string(expected.oid);
    auto found = actual.find(expected.oid);
    if (found == actual.end()) {
      ++missing;
      findings.add({object, describe(expected), "missing", "the large object is missing on the target",
                    "Restore it from a dump that holds large objects (pg_dump without -B)."});
      continue;
    }
    const hash::LargeObjectDigest& now = *found->second;
    actual.erase(found);
    if (now.size != expected.size || now.hash != expected.hash) {
      ++different;
      findings.add({object, describe(expected), describe(now),
                    now.size != expected.size ? "the large object's size differs"
                                              : "the large object's bytes differ although its size is the same",
                    "Restore it again from the dump; if the dump has the source's bytes, the target was "
                    "written to after the restore."});
      continue;
    }
    if (now.owner != expected.owner) {
      ++different;
      findings.add({object, "owner " + expected.owner, "owner " + now.owner,
                    "the large object is owned by " + now.owner + " instead of " + expected.owner,
                    "ALTER LARGE OBJECT " + std::to_string(expected.oid) + " OWNER TO " + expected.owner +
                        "; if the role was missing during the restore, its GRANTs were lost too."});
      continue;
    }
    if (now.acl != expected.acl) {
      ++different;
      findings.add({object, expected.acl.empty() ? "default privileges" : expected.acl,
                    now.acl.empty() ? "default privileges" : now.acl,
                    "the large object's privileges differ: " + describe_acl_change(expected.acl, now.acl),
                    "Grant them again on the target (GRANT ... ON LARGE OBJECT " + std::to_string(expected.oid) +
                        "); a GRANT to a role the target lacked is dropped by pg_restore."});
      continue;
    }
    ++matching;
  }
  for (const auto& [oid, object] : actual)
    findings.add({"large object " + std::to_string(oid), "not in the baseline", describe(*object),
                  "the target has a large object the source did not have",
                  "Check whether it belongs to this tenant; a restore does not add large objects of its own."});
  const std::size_t extra = actual.size();
  const std::string counted =
      baseline.large_objects.empty()
          ? std::string("the baseline holds no large objects")
          : std::to_string(matching) + " of " + std::to_string(baseline.large_objects.size()) + " large objects (" +
                std::to_string(bytes) + " bytes) match the baseline";
  return compared_with_baseline(counted, {{missing, "missing"}, {different, "differ"}}, extra, findings.take());
}

}  // namespace pgverify::checks
