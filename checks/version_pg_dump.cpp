#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& VersionPgDump::info() const {
  static const CheckInfo info{
      .id = "version.pg-dump",
      .phases = {Phase::pre},
      .summary = "pg_dump's major is at least the source server's (the runbook wants them equal)",
      .rationale =
          "pg_dump refuses to dump a server newer than itself (\"server version mismatch\"), and a "
          "pg_dump newer than the source is not what the runbook was proven with. The dump is the "
          "only copy once the old volume is deleted, so it must be taken with the right client.",
      .remediation =
          "Use the pg_dump of the source server's major: in-cluster, `kubectl exec` into the old "
          "Postgres pod and run its own pg_dump; locally, set clients.pg_dump to "
          "/usr/lib/postgresql/<source major>/bin/pg_dump.",
      .options = "source_dsn, clients.pg_dump",
      .applies_to = "any source major (PostgreSQL 10 and later use one-number majors)",
  };
  return info;
}

CheckResult VersionPgDump::run(Context& context) const {
  const std::string key = client_key(context, "pg_dump");
  if (context.tenant.source_dsn.empty())
    return make_result(Status::error, "source_dsn is not configured for tenant '" +
                                          context.tenant.name + "'");
  auto source = context.connector.connect(context.tenant.source_dsn);
  const int server_major = pg::major_of(source->server_version_num());
  const std::string server = describe_server("the source server", *source);

  ProbedClient probed = probe_client(context, "pg_dump", server_major);
  if (!probed.version) return probed.failure;
  const pg::ClientVersion& client = *probed.version;

  Finding finding;
  finding.object = key;
  finding.expected = "pg_dump " + std::to_string(server_major);
  finding.actual = describe_client(client) + " (" + context.tenant.clients.pg_dump + ")";
  if (client.major < server_major) {
    finding.message = describe_client(client) + " cannot dump " + server +
                      ": pg_dump refuses servers newer than itself (server version mismatch)";
    finding.hint = "Use pg_dump " + std::to_string(server_major) +
                   ", the source server's major, e.g. /usr/lib/postgresql/" +
                   std::to_string(server_major) + "/bin/pg_dump or the old Postgres pod's own.";
    return make_result(Status::fail,
                       describe_client(client) + " is older than the source server (" +
                           std::to_string(server_major) + ")",
                       {finding});
  }
  if (client.major > server_major) {
    finding.message = describe_client(client) + " is newer than " + server +
                      "; it works, but the runbook dumps with the source's own major";
    finding.hint = "Prefer pg_dump " + std::to_string(server_major) + " to match the source server.";
    return make_result(Status::warn,
                       describe_client(client) + " is newer than the source server (" +
                           std::to_string(server_major) + ")",
                       {finding});
  }
  return make_result(Status::pass,
                     describe_client(client) + " matches the source server (PostgreSQL " +
                         pg::format_server_version(source->server_version_num()) + ")");
}

}  // namespace pgverify::checks
