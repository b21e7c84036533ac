// Shared by the report tests: one RunReport that exercises every status and
// every escaping hazard, golden-file comparison, and running external validators.
#pragma once

#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "core/result.hpp"
#include "support/golden.hpp"

namespace pgverify::reports::testing {

using namespace std::chrono_literals;

// Every status, findings with quotes, <, &, |, newlines, tabs, unicode, an ESC,
// an invalid UTF-8 byte, a finding with only a message, and checks without findings.
inline RunReport sample_report() {
  RunReport report;
  report.tool_version = "0.1.0";
  report.phase = Phase::post;
  report.tenant = "demo";
  report.config_path = "/etc/pgverify/pgverify.toml";
  report.baseline_path = "pgverify-out/demo/manifest.json";
  report.started = "2026-11-24T18:31:22Z";
  report.finished = "2026-11-24T18:32:31Z";

  report.checks.push_back({"version.pg-dump", Status::pass, "pg_dump 17.2 can dump server 17.2",
                           12ms, {}});
  report.checks.push_back(
      {"driver.asyncpg", Status::warn, "asyncpg 0.27.0 is older than 0.31.0", 3ms,
       {{"backend/requirements.txt", ">= 0.31.0", "0.27.0",
         "asyncpg before 0.31.0 mishandles PostgreSQL 18",
         "Upgrade asyncpg to 0.31.0 or later before moving to PostgreSQL 18."}}});
  report.checks.push_back({"app.health", Status::skip,
                           "no health_url configured for tenant \"demo\"", 0ms, {}});
  report.checks.push_back(
      {"data.row-counts", Status::fail, "2 tables differ: <rows> & \"counts\" | 'quoted'\nsee findings",
       1534ms,
       {{"public.\"weird|table\"", "10000", "9999",
         "row count differs: <lost> & \"found\" 'rows'\nsecond line",
         "Restore again from a complete dump."},
        {"public.café_表", "hash a1b2", "hash c3d4",
         "vector ✓ 🚀 differs\tafter tab; ESC \x1b[31mred\x1b[0m; bad byte \xff here", ""},
        {"", "", "", "one table could not be compared", ""}}});
  report.checks.push_back({"data.sequences", Status::fail, "1 sequence went backwards", 45ms, {}});
  report.checks.push_back(
      {"secrets.fernet", Status::error,
       "could not connect: FATAL:  password authentication failed for user \"postgres\"", 61234ms,
       {{"target", "", "", "connection refused", "Check target_dsn and that the server is up."}}});
  report.checks.push_back({"ext.vector", Status::pass, "vector 0.8.7 installed (source 0.8.0)", 8ms, {}});
  return report;
}

// One failed check whose summary and finding name a table holding a line break,
// a tab, a CR, an ESC sequence, DEL, a C1 control (U+0085), a pipe and a byte
// that is not UTF-8; the finding's message has lines of its own.
inline RunReport hostile_name_report() {
  RunReport report;
  report.tool_version = "0.1.0";
  report.phase = Phase::post;
  report.tenant = "demo";
  const std::string name = "public.\"a\nb\tc\rd\x1b[2J\x7f\xc2\x85|e\xff\"";
  report.checks.push_back({"data.row-counts", Status::fail, "1 table differs: " + name, 3ms,
                           {{name, "2", "1", "two\nlines\r\nand a lone\rCR\tand a tab", ""}}});
  return report;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Compares with tests/golden/reports/NAME (tests/support/golden.hpp).
inline void check_golden(const std::string& name, const std::string& actual) {
  ::pgverify::testing::check_golden("reports/" + name, actual);
}

// A file in the temporary directory, removed when this goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : m_path(std::filesystem::temp_directory_path() /
               ("pgverify-reports-" + std::to_string(::getpid()) + "-" + name)) {
    write_file(m_path, content);
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(m_path, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// Runs a shell command; returns its exit status and standard output.
inline std::pair<int, std::string> run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, output};
  char buffer[4096];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, read);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline bool have_command(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null 2>&1").first == 0;
}

}  // namespace pgverify::reports::testing
