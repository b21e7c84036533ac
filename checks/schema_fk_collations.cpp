#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

// Foreign keys whose referencing and referenced key columns use different
// collations, at least one of them nondeterministic (PostgreSQL 12 added
// those; before, none can exist).
constexpr const char* mismatched_sql = R"SQL(
/* pgverify fk collations */
SELECT pg_catalog.format('%I.%I.%I', n.nspname, c.relname, co.conname),
       pg_catalog.format('%I.%I', cn.nspname, ac.collname), pg_catalog.format('%I.%I', fn.nspname, fc.collname),
       pg_catalog.format('%I', a.attname), pg_catalog.format('%I.%I.%I', rn.nspname, rc.relname, fa.attname)
  FROM pg_catalog.pg_constraint co
  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid
  JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
  CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(co.conkey), pg_catalog.unnest(co.confkey)) AS k(attnum, fattnum)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
  JOIN pg_catalog.pg_attribute fa ON fa.attrelid = co.confrelid AND fa.attnum = k.fattnum
  JOIN pg_catalog.pg_collation ac ON ac.oid = a.attcollation
  JOIN pg_catalog.pg_namespace cn ON cn.oid = ac.collnamespace
  JOIN pg_catalog.pg_collation fc ON fc.oid = fa.attcollation
  JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.collnamespace
 WHERE co.contype = 'f' AND a.attcollation <> fa.attcollation
   AND (NOT ac.collisdeterministic OR NOT fc.collisdeterministic)
 ORDER BY 1, 4
)SQL";

}  // namespace

const CheckInfo& SchemaFkCollations::info() const {
  static const CheckInfo info{
      .id = "schema.fk-collations",
      .phases = {Phase::pre},
      .summary = "no foreign key joins columns of different collations where one is nondeterministic "
                 "(PostgreSQL 18 refuses them)",
      .rationale =
          "PostgreSQL 18 requires a foreign key's referencing and referenced columns to use "
          "either deterministic collations or the same nondeterministic one: with a "
          "case-insensitive column on one side only, one row could reference two. The restore "
          "of a dump fails on such a foreign key, so the new database lacks it.",
      .remediation =
          "Before the dump, give both columns the same collation (ALTER TABLE ... ALTER COLUMN "
          "... TYPE text COLLATE ...), or recreate the foreign key after changing one side.",
      .options = "source_dsn; target_major or target_dsn",
      .applies_to = "foreign keys of sources on PostgreSQL 12 or later (nondeterministic collations start "
                    "there; an older source passes)",
      // PostgreSQL 18 starts refusing them; earlier targets accept them.
      .target = {.min = 18},
  };
  return info;
}

CheckResult SchemaFkCollations::run(Context& context) const {
  const KnownMajor target = target_major(context);
  auto source = connect_source(context);
  if (source->server_version_num() < 120000)
    return make_result(Status::pass, "the source predates nondeterministic collations");
  auto mismatched = source->query(mismatched_sql);
  std::vector<Finding> findings;
  for (const auto& row : mismatched.rows)
    findings.push_back({"foreign key " + row.at(0).value_or(""), "the same collation on both sides",
                        row.at(3).value_or("") + " uses " + row.at(1).value_or("") + ", " + row.at(4).value_or("") +
                            " uses " + row.at(2).value_or(""),
                        "PostgreSQL " + std::to_string(target.major) +
                            " refuses this foreign key: its key columns' collations differ and one is nondeterministic",
                        "Give both columns the same collation before the dump, or the restore leaves this "
                        "foreign key out."});
  if (!findings.empty()) {
    const std::string summary = std::to_string(findings.size()) +
                                " foreign key columns would be refused by PostgreSQL " + std::to_string(target.major);
    return make_result(Status::fail, summary, std::move(findings));
  }
  return make_result(Status::pass, "no foreign key mixes a nondeterministic collation with another");
}

}  // namespace pgverify::checks
