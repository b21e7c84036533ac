#include "checks/common.hpp"

#include <stdexcept>

namespace pgverify::checks {

KnownMajor target_major(Context& context) {
  if (context.tenant.target_major)
    return {*context.tenant.target_major, "target_major in the configuration"};
  if (context.tenant.target_dsn.empty())
    throw std::runtime_error("neither target_major nor target_dsn is configured for tenant '" +
                             context.tenant.name + "'");
  auto session = context.connector.connect(context.tenant.target_dsn);
  return {pg::major_of(session->server_version_num()), describe_server("the target server", *session)};
}

std::string describe_server(const std::string& role, const pg::Session& session) {
  return role + " (PostgreSQL " + pg::format_server_version(session.server_version_num()) + " at " +
         session.describe() + ")";
}

std::string client_key(const Context& context, const std::string& tool) {
  return "tenants." + context.tenant.name + ".clients." + tool;
}

ProbedClient probe_client(Context& context, const std::string& tool, int wanted_major) {
  const ClientsConfig& clients = context.tenant.clients;
  const std::string& program = tool == "pg_dump"      ? clients.pg_dump
                               : tool == "pg_restore" ? clients.pg_restore
                                                      : clients.psql;
  ProbedClient probed;
  try {
    probed.version = pg::probe_client_version(context.tools, program);
  } catch (const exec::ProcessError& error) {
    const std::string major = std::to_string(wanted_major);
    Finding finding;
    finding.object = client_key(context, tool);
    finding.actual = program;
    finding.message = error.what();
    finding.hint = "Point " + finding.object + " at a working " + tool + " of PostgreSQL " + major +
                   " (for example /usr/lib/postgresql/" + major + "/bin/" + tool + ").";
    probed.failure = make_result(Status::fail, tool + " cannot be run", {finding});
  }
  return probed;
}

std::string describe_client(const pg::ClientVersion& version) {
  return version.program + " " + version.text.substr(0, version.text.find(' '));
}

}  // namespace pgverify::checks

namespace pgverify::checks {

int compare_dotted_versions(std::string_view a, std::string_view b) {
  auto next = [](std::string_view& text) {
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    return part;
  };
  auto numeric = [](std::string_view part) {
    return !part.empty() && part.size() < 10 &&
           part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  while (!a.empty() || !b.empty()) {
    std::string_view x = next(a), y = next(b);
    if (numeric(x) && numeric(y)) {
      long vx = std::stol(std::string(x)), vy = std::stol(std::string(y));
      if (vx != vy) return vx < vy ? -1 : 1;
    } else if (x != y) {
      if (x.empty()) return -1;
      if (y.empty()) return 1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

}  // namespace pgverify::checks
