#include "checks/checks.hpp"

#include <filesystem>

#include "checks/common.hpp"
#include "dump/archive_header.hpp"

namespace pgverify::checks {

const CheckInfo& VersionPgRestore::info() const {
  static const CheckInfo info{
      .id = "version.pg-restore",
      .phases = {Phase::pre},
      .summary = "pg_restore can read the dump's archive version and is at least the target's major",
      .rationale =
          "Each pg_dump major writes an archive version that older pg_restore cannot read "
          "(pg_restore 15 on a pg_dump 17 archive: \"unsupported version (1.16) in file header\"), "
          "and a pg_restore older than the target server emits SQL made for an older server. "
          "Finding out after the old volume is gone leaves a dump nobody can restore.",
      .remediation =
          "Use the pg_restore of the target major (it reads every older archive version): set "
          "clients.pg_restore to /usr/lib/postgresql/<target major>/bin/pg_restore or run it in "
          "the new Postgres pod.",
      .options = "target_major (or target_dsn), dump_path (or --dump), clients.pg_restore",
      .applies_to = "archive versions 1.12-1.16 (pg_dump 10-18); plain SQL dumps go through psql",
  };
  return info;
}

CheckResult VersionPgRestore::run(Context& context) const {
  const std::string key = client_key(context, "pg_restore");
  const KnownMajor target = target_major(context);

  ProbedClient probed = probe_client(context, "pg_restore", target.major);
  if (!probed.version) return probed.failure;
  const pg::ClientVersion& client = *probed.version;

  std::vector<Finding> findings;
  Status status = Status::pass;
  auto raise = [&status](Status to) {
    if (static_cast<int>(to) > static_cast<int>(status)) status = to;
  };

  if (client.major < target.major) {
    Finding finding;
    finding.object = key;
    finding.expected = "pg_restore >= " + std::to_string(target.major);
    finding.actual = describe_client(client);
    finding.message = describe_client(client) + " is older than the target major " +
                      std::to_string(target.major) + " (from " + target.from + ")";
    finding.hint = "Use pg_restore " + std::to_string(target.major) + ", e.g. /usr/lib/postgresql/" +
                   std::to_string(target.major) + "/bin/pg_restore.";
    findings.push_back(std::move(finding));
    raise(Status::fail);
  }

  std::string dump_note;
  if (!context.dump_path) {
    dump_note = "; no dump configured, archive version not checked";
    raise(Status::warn);
    findings.push_back({"dump_path", "", "", "no dump is configured (dump_path or --dump), so its archive version was not checked",
                        "Run pre again with --dump PATH once the dump is taken."});
  } else if (std::error_code ec; !std::filesystem::exists(*context.dump_path, ec)) {
    raise(Status::warn);
    findings.push_back({context.dump_path->string(), "", "", "the dump does not exist yet, so its archive version was not checked",
                        "Run pre again once the dump is taken; dump.readable verifies it."});
    dump_note = "; dump not taken yet";
  } else {
    try {
      dump::ArchiveHeader header = dump::read_archive_header(*context.dump_path);
      // "17.12" of "17.12 (Debian 17.12-0+deb13u1)", to keep summaries short.
      const std::string short_pg_dump = header.pg_dump_version.substr(0, header.pg_dump_version.find(' '));
      if (!header.version) {
        dump_note = "; plain SQL dump (restored with psql, not pg_restore)";
      } else {
        auto readable = dump::max_archive_version_for_pg_restore(client.major);
        if (!readable || *readable < *header.version) {
          Finding finding;
          finding.object = context.dump_path->string();
          finding.expected = "archive version pg_restore " + std::to_string(client.major) + " reads (up to " +
                             (readable ? readable->str() : std::string("none")) + ")";
          finding.actual = "archive version " + header.version->str() + " (pg_dump " +
                           short_pg_dump + ")";
          finding.message = describe_client(client) + " cannot read this dump: unsupported version (" +
                            header.version->str() + ") in file header";
          finding.hint = "Restore with pg_restore " + std::to_string(target.major) +
                         " (the target major); it reads every older archive version.";
          findings.push_back(std::move(finding));
          raise(Status::fail);
        } else {
          dump_note = "; reads the dump's archive version " + header.version->str() + " (pg_dump " +
                      short_pg_dump + ")";
        }
      }
    } catch (const dump::DumpError& error) {
      findings.push_back({context.dump_path->string(), "", "",
                          std::string("cannot read the dump header: ") + error.what(),
                          "See dump.readable; take the dump again if it is damaged."});
      raise(Status::fail);
    }
  }

  std::string summary;
  if (status == Status::fail)
    summary = describe_client(client) + " cannot restore this dump into PostgreSQL " +
              std::to_string(target.major);
  else
    summary = describe_client(client) + " suits target major " + std::to_string(target.major) + dump_note;
  return make_result(status, summary, std::move(findings));
}

}  // namespace pgverify::checks
