// platform/programs: running the programs a platform's steps are made of,
// each ending in a PlatformError that says which program, how it ended and
// its last words on stderr, with any password of a connection string masked.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "exec/process.hpp"

namespace pgverify::platform {

// A run that must succeed: anything but exit 0 is a PlatformError
// "WHAT failed: COMMAND exited with status 1: LAST STDERR LINE". `dsns` are
// masked wherever they appear in the message.
// The request with every DSN of `dsns` on its command line given without its
// password, the password going in PGPASSWORD instead: /proc/PID/cmdline is
// readable by every local user, a process's environment only by its own.
exec::ProcessRequest hide_passwords(exec::ProcessRequest request, const std::vector<std::string>& dsns);

exec::ProcessResult run_checked(exec::ToolRunner& runner, exec::ProcessRequest request, const std::string& what,
                                const std::vector<std::string>& dsns = {});

// The command as one line a shell reads back, passwords of `dsns` masked.
std::string shown_command(const std::vector<std::string>& argv, const std::vector<std::string>& dsns = {});

// The last non-empty line of a program's stderr (printable), or "".
std::string last_line(const std::string& output);

// A sibling program of `program` (pg_dumpall beside pg_dump): in the same
// directory when `program` names one, else looked up on PATH.
std::string sibling_program(const std::string& program, const std::string& name);

// psql -f ROLES into `dsn`, going on after errors; every error must be one
// that says a role already exists (the target's own superuser, a role an
// earlier attempt created), else PlatformError naming the first other one.
// Returns how many roles were already there.
int apply_roles(exec::ToolRunner& runner, const std::string& psql, const std::string& dsn,
                const std::string& roles_file);

// pg_dumpall --roles-only of the server `dsn` names into `roles_file` (0600).
void dump_roles(exec::ToolRunner& runner, const std::string& pg_dump, const std::string& dsn,
                const std::string& roles_file);

// The -Z method a pg_dump of `pg_dump_major` uses for the configured one:
// pg_dump 16 added lz4 and zstd; 15 compresses with gzip only (then `note`,
// when given, says so).
std::string effective_dump_compression(const std::string& configured, int pg_dump_major, std::string* note = nullptr);

}  // namespace pgverify::platform
