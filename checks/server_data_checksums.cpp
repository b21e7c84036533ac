#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& ServerDataChecksums::info() const {
  static const CheckInfo info{
      .id = "server.data-checksums",
      .phases = {Phase::pre, Phase::post},
      .summary = "whether the target runs with data checksums (on by default from PostgreSQL 18): informational",
      .rationale =
          "Data checksums make PostgreSQL notice a page corrupted on disk instead of returning "
          "wrong data. PostgreSQL 18's initdb turns them on by default, so a new PG18 volume "
          "normally has them; a target without them was made with --no-data-checksums or by an "
          "older initdb. A dump and restore does not care either way, which is why this only warns.",
      .remediation =
          "To turn them on, stop the target and run pg_checksums --enable on its data directory, "
          "or recreate the volume with PostgreSQL 18's default initdb before the restore.",
      .options = "target_dsn",
      .applies_to = "the target server",
  };
  return info;
}

CheckResult ServerDataChecksums::run(Context& context) const {
  auto target = connect_target(context);
  const std::string server = describe_server("the target", *target);
  const std::string value =
      target->query("SELECT pg_catalog.current_setting('data_checksums')").at(0, 0).value_or("");
  if (value == "on") return make_result(Status::pass, server + " runs with data checksums");
  return make_result(Status::warn, server + " runs without data checksums",
                     {{"setting data_checksums", "on", value,
                       "corruption on the target's disk would go unnoticed",
                       "Stop the target and run pg_checksums --enable, or recreate it with PostgreSQL 18's initdb."}});
}

}  // namespace pgverify::checks
