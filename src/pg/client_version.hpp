#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "exec/process.hpp"
#include "pg/version.hpp"

namespace pgverify::pg {

// What `pg_dump --version` (or pg_restore, psql) says about itself.
struct ClientVersion {
  std::string program;  // "pg_dump"
  int major = 0;        // 17; 906 for 9.6 (pre-10 majors had two parts)
  std::string text;     // "17.12 (Debian 17.12-0+deb13u1)"
};

// Parses "pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)"; nullopt when it is not that.
std::optional<ClientVersion> parse_client_version(std::string_view output);

// Runs `PROGRAM --version`. Throws exec::ProcessError with a one-line reason when the
// program cannot be run or does not answer like a PostgreSQL client.
ClientVersion probe_client_version(exec::ToolRunner& runner, const std::string& program);

}  // namespace pgverify::pg
