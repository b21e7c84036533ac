// pg/dsn_edit: connection strings derived from the tenant's: the same server
// and credentials, another database (the executor creates the tenant's
// database from `postgres`), or another port (a throwaway probe cluster).
// libpq parses (PQconninfoParse: keyword strings and URIs alike); the result
// is always a keyword string. It may hold a password: never print it (dsn_mask).
#pragma once

#include <optional>
#include <string>

namespace pgverify::pg {

// The database a connection string names; nullopt when it names none (libpq
// then takes the user name). InvalidDsn when it does not parse.
std::optional<std::string> dbname_of(const std::string& dsn);
// The port it names, when it names exactly one; nullopt otherwise.
std::optional<int> port_of(const std::string& dsn);

// `dsn` without its password, and the password ("" when it names none): a
// program is given the first on its command line and the second in its
// environment (PGPASSWORD), which other users cannot read.
struct SplitPassword {
  std::string dsn;
  std::string password;
};
SplitPassword split_password(const std::string& dsn);

// `dsn` with dbname (or port) replaced; every other option kept.
std::string with_dbname(const std::string& dsn, const std::string& dbname);
std::string with_port(const std::string& dsn, int port);

}  // namespace pgverify::pg
