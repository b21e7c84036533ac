// pg/: talking to PostgreSQL. A Session interface the checks use (so unit tests
// can script a fake) and its libpq implementation. The folder depends on exec/
// (client_version) and text/ only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pg/version.hpp"

namespace pgverify::pg {

// A connection or query failure. The message is one line and never holds a password.
class PgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The connection string itself is malformed: the user's mistake, not the server's.
class InvalidDsn : public PgError {
 public:
  using PgError::PgError;
};

using Cell = std::optional<std::string>;  // nullopt is SQL NULL

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;

  bool empty() const { return rows.empty(); }
  // The value at (row, column); PgError when out of range.
  const Cell& at(std::size_t row, std::size_t column) const;
};

// Receives the data of a COPY ... TO STDOUT, one CopyData message at a time
// (libpq hands out one row per message; a binary COPY's first message also
// carries the file header).
class CopySink {
 public:
  virtual ~CopySink() = default;
  virtual void on_copy_data(const char* data, std::size_t size) = 0;
};

class Session {
 public:
  virtual ~Session() = default;
  // Runs statements that return nothing worth keeping (SET, BEGIN), several
  // allowed, over the simple query protocol.
  virtual void execute(std::string_view sql) = 0;
  // Streams a COPY ... TO STDOUT into sink without holding more than one row;
  // returns the bytes received.
  virtual std::uint64_t copy_out(std::string_view sql, CopySink& sink) = 0;
  // Runs a COPY ... FROM STDIN with `data` (whole rows in the COPY's format)
  // as its input. PgError when the server refuses a row or the session cannot COPY in.
  virtual void copy_in(std::string_view sql, std::string_view data);
  // Runs one statement; text parameters $1… are passed out of line, never spliced in.
  virtual QueryResult query(std::string_view sql, const std::vector<std::string>& params = {}) = 0;
  // e.g. 170012 for 17.12
  virtual int server_version_num() const = 0;
  // What the user should read to know which server this is: host:port/dbname, no secrets.
  virtual std::string describe() const = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;
  // Connects with a libpq conninfo string or URI; libpq's environment applies. PgError on failure.
  virtual std::unique_ptr<Session> connect(const std::string& dsn) = 0;
};

// The real thing, over libpq.
class LibpqConnector final : public Connector {
 public:
  std::unique_ptr<Session> connect(const std::string& dsn) override;
};

// The keywords and values LibpqConnector hands PQconnectdbParams (with
// expand_dbname) for `dsn`, in order: pgverify's defaults, which the string
// overrides (fallback_application_name pgverify; connect_timeout 10 unless
// PGCONNECT_TIMEOUT is set, since without one libpq waits indefinitely on a
// server that accepts TCP and never answers; being explicit, it also wins
// over a service file's connect_timeout); the string itself as dbname; then
// client_encoding UTF8, which wins over the string.
std::vector<std::pair<std::string, std::string>> connect_parameters(const std::string& dsn);

// Keywords and values as PQconnectdbParams takes them: NULL-terminated arrays
// pointing into `parameters`, which must outlive them.
struct ParameterArrays {
  std::vector<const char*> keywords, values;
};
ParameterArrays parameter_arrays(const std::vector<std::pair<std::string, std::string>>& parameters);

// Where a conninfo string or URI points, with libpq's environment (PGHOST,
// PGPORT, ...) filling what it leaves out; nullopt when it does not parse.
// host is hostaddr when only that is given, empty for the default socket.
struct DsnEndpoint {
  std::string host, port, dbname, user, service;
};
std::optional<DsnEndpoint> dsn_endpoint(const std::string& dsn);

// host:port/dbname (user) for a conninfo string or URI, with the password left out.
// Fields not in the string come from libpq's environment and defaults.
std::string describe_dsn(const std::string& dsn);

}  // namespace pgverify::pg
