#include "pg/client_version.hpp"

#include <cctype>

namespace pgverify::pg {

std::optional<ClientVersion> parse_client_version(std::string_view output) {
  // First line only: "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)".
  output = output.substr(0, output.find('\n'));
  constexpr std::string_view marker = " (PostgreSQL) ";
  std::size_t at = output.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  ClientVersion version;
  version.program = std::string(output.substr(0, at));
  version.text = std::string(output.substr(at + marker.size()));
  while (!version.text.empty() && std::isspace(static_cast<unsigned char>(version.text.back())))
    version.text.pop_back();
  auto major = parse_major(version.text);
  if (!major) return std::nullopt;
  version.major = *major;
  return version;
}

ClientVersion probe_client_version(exec::ToolRunner& runner, const std::string& program) {
  exec::ProcessResult result = runner.run({program, "--version"});
  if (result.end == exec::ProcessEnd::timed_out) throw exec::ProcessError(program + " --version did not finish");
  if (result.end == exec::ProcessEnd::cancelled) throw exec::ProcessError(program + " --version was cancelled");
  auto version = parse_client_version(result.out);
  if (result.exit_code != 0 || !version) {
    std::string said = result.err.empty() ? result.out : result.err;
    said = said.substr(0, said.find('\n'));
    if (said.size() > 200) said.resize(200);
    throw exec::ProcessError(program + " --version " +
                             (result.exit_code != 0 ? exec::describe_end(result) : "did not report a PostgreSQL version") +
                             (said.empty() ? "" : ": " + said));
  }
  return *version;
}

}  // namespace pgverify::pg
