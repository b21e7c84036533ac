#include "platform/programs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <sstream>

#include "pg/dsn_edit.hpp"
#include "pg/dsn_mask.hpp"
#include "pg/session.hpp"
#include "platform/platform.hpp"
#include "text/masking.hpp"
#include "text/quote.hpp"
#include "text/shell.hpp"

namespace pgverify::platform {

namespace {

std::string masked(std::string text, const std::vector<std::string>& dsns) {
  for (const auto& dsn : dsns) {
    if (dsn.empty()) continue;
    text = pg::mask_dsn_secrets(text, dsn);
  }
  return text;
}

}  // namespace

std::string shown_command(const std::vector<std::string>& argv, const std::vector<std::string>& dsns) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    line += text::shell_word(text::mask_secret_assignments(word));
  }
  return masked(line, dsns);
}

std::string last_line(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return text::printable(last);
}

exec::ProcessRequest hide_passwords(exec::ProcessRequest request, const std::vector<std::string>& dsns) {
  for (const auto& dsn : dsns) {
    if (dsn.empty()) continue;
    pg::SplitPassword split;
    try {
      split = pg::split_password(dsn);
    } catch (const pg::PgError&) {
      continue;  // not a DSN libpq reads: the program will say so
    }
    if (split.password.empty()) continue;
    for (auto& word : request.argv)
      if (word == dsn) word = split.dsn;
    request.set_env("PGPASSWORD", split.password);
  }
  return request;
}

exec::ProcessResult run_checked(exec::ToolRunner& runner, exec::ProcessRequest request, const std::string& what,
                                const std::vector<std::string>& dsns) {
  exec::ProcessResult result;
  try {
    result = runner.run(hide_passwords(request, dsns));
  } catch (const exec::ProcessError& error) {
    throw PlatformError(what + " failed: " + masked(error.what(), dsns));
  }
  if (result.end == exec::ProcessEnd::exited && result.exit_code == 0) return result;
  std::string message = what + " failed: " + shown_command(request.argv, dsns) + " " + exec::describe_end(result);
  const std::string said = last_line(result.err.empty() ? result.out : result.err);
  if (!said.empty()) message += ": " + said;
  throw PlatformError(masked(message, dsns));
}

std::string sibling_program(const std::string& program, const std::string& name) {
  if (program.find('/') == std::string::npos) return name;
  return (std::filesystem::path(program).parent_path() / name).string();
}

int apply_roles(exec::ToolRunner& runner, const std::string& psql, const std::string& dsn,
                const std::string& roles_file) {
  exec::ProcessRequest request;
  request.argv = {psql, "-X", "-q", "-v", "ON_ERROR_STOP=0", "-d", dsn, "-f", roles_file};
  request.unset_env("PSQLRC");
  request.timeout = std::chrono::minutes(10);
  exec::ProcessResult result;
  try {
    result = runner.run(hide_passwords(request, {dsn}));
  } catch (const exec::ProcessError& error) {
    throw PlatformError("applying the source's roles failed: " + pg::mask_dsn_secrets(error.what(), dsn));
  }
  if (result.end != exec::ProcessEnd::exited)
    throw PlatformError("applying the source's roles failed: psql " + exec::describe_end(result));
  int existing = 0;
  std::istringstream in(result.err);
  std::string line;
  while (std::getline(in, line)) {
    const auto at = line.find("ERROR:");
    if (at == std::string::npos) continue;
    if (line.find("already exists", at) != std::string::npos && line.find("role \"", at) != std::string::npos) {
      ++existing;
      continue;
    }
    throw PlatformError("applying the source's roles failed: " + pg::mask_dsn_secrets(text::printable(line), dsn));
  }
  if (result.exit_code != 0 && existing == 0)
    throw PlatformError("applying the source's roles failed: psql " + exec::describe_end(result) + ": " +
                        pg::mask_dsn_secrets(last_line(result.err), dsn));
  return existing;
}

void dump_roles(exec::ToolRunner& runner, const std::string& pg_dump, const std::string& dsn,
                const std::string& roles_file) {
  // Role password hashes are in it: readable by the operator only, from its
  // first byte (pg_dumpall -f truncates the file and keeps its mode).
  const int fd = ::open(roles_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw PlatformError("cannot create " + text::printable(roles_file) + ": " + std::strerror(error));
  }
  ::close(fd);
  exec::ProcessRequest request;
  request.argv = {sibling_program(pg_dump, "pg_dumpall"), "--roles-only", "-d", dsn, "-f", roles_file};
  request.timeout = std::chrono::minutes(10);
  run_checked(runner, request, "dumping the source's roles", {dsn});
}

std::string effective_dump_compression(const std::string& configured, int pg_dump_major, std::string* note) {
  if (pg_dump_major >= 16 || configured == "gzip" || configured == "none") return configured;
  if (note) *note = "pg_dump " + std::to_string(pg_dump_major) + " knows only gzip: dumping with gzip, not " + configured;
  return "gzip";
}

}  // namespace pgverify::platform
