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

Finding unrunnable_client(const std::string& config_key, const std::string& program,
                          const std::string& reason, std::optional<int> wanted_major) {
  Finding finding;
  finding.object = config_key;
  finding.actual = program;
  finding.message = reason;
  finding.hint = "Point " + config_key + " at a working " +
                 config_key.substr(config_key.rfind('.') + 1) +
                 (wanted_major ? " of PostgreSQL " + std::to_string(*wanted_major) : std::string()) +
                 " (for example /usr/lib/postgresql/" +
                 (wanted_major ? std::to_string(*wanted_major) : std::string("N")) + "/bin/" +
                 config_key.substr(config_key.rfind('.') + 1) + ").";
  return finding;
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
