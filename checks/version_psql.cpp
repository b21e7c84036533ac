#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& VersionPsql::info() const {
  static const CheckInfo info{
      .id = "version.psql",
      .phases = {Phase::pre},
      .summary = "psql's major equals the target server's",
      .rationale =
          "The procedure uses psql against the new server (CREATE EXTENSION vector, checks, plain "
          "SQL restores). An older psql misreads a newer server's catalogs (\\d fails on PG18) and "
          "a plain dump restored with it may stop half way.",
      .remediation =
          "Use the psql of the target major: set clients.psql to "
          "/usr/lib/postgresql/<target major>/bin/psql, or run it inside the new Postgres pod.",
      .options = "target_major (or target_dsn), clients.psql",
      .applies_to = "any target major",
  };
  return info;
}

CheckResult VersionPsql::run(Context& context) const {
  const std::string key = client_key(context, "psql");
  const KnownMajor target = target_major(context);

  ProbedClient probed = probe_client(context, "psql", target.major);
  if (!probed.version) return probed.failure;
  const pg::ClientVersion& client = *probed.version;
  if (client.major == target.major)
    return make_result(Status::pass, describe_client(client) + " matches the target major " +
                                         std::to_string(target.major));

  Finding finding;
  finding.object = key;
  finding.expected = "psql " + std::to_string(target.major);
  finding.actual = describe_client(client) + " (" + context.tenant.clients.psql + ")";
  finding.message = describe_client(client) + " is not the target's major " +
                    std::to_string(target.major) + " (from " + target.from + ")";
  finding.hint = "Use psql " + std::to_string(target.major) + ", e.g. /usr/lib/postgresql/" +
                 std::to_string(target.major) + "/bin/psql or the one in the new Postgres pod.";
  return make_result(Status::fail,
                     describe_client(client) + " does not match the target major " +
                         std::to_string(target.major),
                     {finding});
}

}  // namespace pgverify::checks
