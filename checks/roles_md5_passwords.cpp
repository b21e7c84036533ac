#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

const CheckInfo& RolesMd5Passwords::info() const {
  static const CheckInfo info{
      .id = "roles.md5-passwords",
      .phases = {Phase::pre, Phase::post},
      .summary = "no login role has an MD5 password (deprecated in PostgreSQL 18)",
      .rationale =
          "PostgreSQL 18 deprecates MD5 passwords: setting one draws a warning and a later major "
          "removes them. Roles copied with pg_dumpall keep their MD5 hashes, and clients whose "
          "server asks for SCRAM while the role only has an MD5 hash cannot log in once "
          "password_encryption or pg_hba.conf move on.",
      .remediation =
          "Set password_encryption = 'scram-sha-256' and reset each named role's password "
          "(ALTER ROLE ... PASSWORD ...), then use scram-sha-256 in pg_hba.conf.",
      .options = "pre: source_dsn; post: target_dsn (reading pg_authid needs a superuser)",
      .applies_to = "roles that can log in; pre looks at the source cluster, post at the target",
  };
  return info;
}

CheckResult RolesMd5Passwords::run(Context& context) const {
  const bool pre = context.phase == Phase::pre;
  auto session = pre ? connect_source(context) : connect_target(context);
  const std::string server = describe_server(pre ? "the source" : "the target", *session);
  // Only a superuser may read pg_authid; other roles see no password hashes at all.
  const auto allowed = session->query(
      "/* pgverify md5 access */ SELECT pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT')");
  if (allowed.at(0, 0).value_or("f") != "t")
    return make_result(Status::skip, "the connecting role may not read pg_authid on " + server +
                                         "; connect as a superuser to check password hashes");
  auto md5 = session->query(
      "/* pgverify md5 roles */ SELECT rolname FROM pg_catalog.pg_authid "
      " WHERE rolcanlogin AND rolpassword LIKE 'md5%' ORDER BY rolname");
  if (md5.rows.empty()) return make_result(Status::pass, "no login role of " + server + " has an MD5 password");
  std::vector<Finding> findings;
  for (const auto& row : md5.rows)
    findings.push_back({"role " + row.at(0).value_or(""), "scram-sha-256 password", "md5 password",
                        "the role logs in with an MD5 password, deprecated in PostgreSQL 18",
                        "SET password_encryption = 'scram-sha-256'; then ALTER ROLE ... PASSWORD with its password."});
  const std::string summary = std::to_string(findings.size()) + " login roles of " + server + " have MD5 passwords";
  return make_result(Status::warn, summary, std::move(findings));
}

}  // namespace pgverify::checks
