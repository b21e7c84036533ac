#include "pg/session.hpp"

#include "pg/dsn_mask.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <libpq-fe.h>

namespace pgverify::pg {

namespace {

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
struct ConninfoDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;
using ConninfoPtr = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

// libpq messages end in newlines and sometimes span lines (DETAIL, HINT);
// reports want one line.
std::string one_line(const char* message) {
  std::string text = message ? message : "";
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class LibpqSession final : public Session {
 public:
  LibpqSession(ConnPtr conn, std::string description)
      : m_conn(std::move(conn)), m_description(std::move(description)) {}

  QueryResult query(std::string_view sql, const std::vector<std::string>& params) override {
    std::string statement(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    ResultPtr result(PQexecParams(m_conn.get(), statement.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.empty() ? nullptr : values.data(), nullptr,
                                  nullptr, 0));
    if (!result) throw PgError(m_description + ": " + one_line(PQerrorMessage(m_conn.get())));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      throw PgError(m_description + ": " + one_line(PQresultErrorMessage(result.get())));

    QueryResult out;
    int columns = PQnfields(result.get());
    int rows = PQntuples(result.get());
    for (int c = 0; c < columns; ++c) out.columns.emplace_back(PQfname(result.get(), c));
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      std::vector<Cell> row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(result.get(), r, c))
          row.emplace_back(std::nullopt);
        else
          row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                       static_cast<std::size_t>(PQgetlength(result.get(), r, c))));
      }
      out.rows.push_back(std::move(row));
    }
    return out;
  }

  void execute(std::string_view sql) override {
    std::string statement(sql);
    ResultPtr result(PQexec(m_conn.get(), statement.c_str()));
    if (!result) throw PgError(m_description + ": " + one_line(PQerrorMessage(m_conn.get())));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw PgError(m_description + ": " + one_line(PQresultErrorMessage(result.get())));
  }

  std::uint64_t copy_out(std::string_view sql, CopySink& sink) override {
    start_copy(sql, PGRES_COPY_OUT);
    std::uint64_t bytes = 0;
    for (;;) {
      char* buffer = nullptr;
      int size = PQgetCopyData(m_conn.get(), &buffer, 0);
      if (size > 0) {
        bytes += static_cast<std::uint64_t>(size);
        // Freed even when the sink throws (the session is then abandoned mid-COPY).
        std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
        sink.on_copy_data(buffer, static_cast<std::size_t>(size));
        continue;
      }
      if (size == -1) break;
      throw PgError(m_description + ": COPY failed: " + one_line(PQerrorMessage(m_conn.get())));
    }
    finish_copy();
    return bytes;
  }

  void copy_in(std::string_view sql, std::string_view data) override {
    start_copy(sql, PGRES_COPY_IN);
    constexpr std::size_t kChunk = 1u << 20;
    bool sent = true;
    for (std::size_t at = 0; sent && at < data.size(); at += kChunk) {
      const std::size_t size = std::min(kChunk, data.size() - at);
      sent = PQputCopyData(m_conn.get(), data.data() + at, static_cast<int>(size)) == 1;
    }
    if (!sent || PQputCopyEnd(m_conn.get(), nullptr) != 1)
      throw PgError(m_description + ": COPY failed: " + one_line(PQerrorMessage(m_conn.get())));
    finish_copy();
  }

  int server_version_num() const override { return PQserverVersion(m_conn.get()); }
  std::string describe() const override { return m_description; }

 private:
  void start_copy(std::string_view sql, ExecStatusType expected) {
    std::string statement(sql);
    ResultPtr start(PQexec(m_conn.get(), statement.c_str()));
    if (!start || PQresultStatus(start.get()) != expected)
      throw PgError(m_description + ": " +
                    one_line(start ? PQresultErrorMessage(start.get()) : PQerrorMessage(m_conn.get())));
  }

  // The COPY's own outcome, and any error the server reported at its end.
  void finish_copy() {
    for (;;) {
      ResultPtr result(PQgetResult(m_conn.get()));
      if (!result) break;
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
        throw PgError(m_description + ": " + one_line(PQresultErrorMessage(result.get())));
    }
  }

  ConnPtr m_conn;
  std::string m_description;
};

}  // namespace

void Session::copy_in(std::string_view, std::string_view) {
  throw PgError(describe() + ": this session cannot COPY FROM STDIN");
}

const Cell& QueryResult::at(std::size_t row, std::size_t column) const {
  if (row >= rows.size() || column >= rows[row].size())
    throw PgError("query result has no cell (" + std::to_string(row) + ", " +
                  std::to_string(column) + ")");
  return rows[row][column];
}

std::vector<std::pair<std::string, std::string>> connect_parameters(const std::string& dsn) {
  std::vector<std::pair<std::string, std::string>> parameters{{"fallback_application_name", "pgverify"}};
  if (!std::getenv("PGCONNECT_TIMEOUT")) parameters.emplace_back("connect_timeout", "10");
  parameters.emplace_back("dbname", dsn);
  // After dbname, so it wins over the string: everything pgverify reads
  // (names, comments, definitions) goes into UTF-8 manifests and reports;
  // hashing sessions set the encoding they read rows in themselves.
  parameters.emplace_back("client_encoding", "UTF8");
  return parameters;
}

ParameterArrays parameter_arrays(const std::vector<std::pair<std::string, std::string>>& parameters) {
  ParameterArrays arrays;
  for (const auto& [keyword, value] : parameters) {
    arrays.keywords.push_back(keyword.c_str());
    arrays.values.push_back(value.c_str());
  }
  arrays.keywords.push_back(nullptr);
  arrays.values.push_back(nullptr);
  return arrays;
}

std::unique_ptr<Session> LibpqConnector::connect(const std::string& dsn) {
  // Validate first so a malformed string gets libpq's precise complaint, not a
  // confusing connection failure.
  if (auto message = dsn_parse_error(dsn)) throw InvalidDsn("invalid connection string: " + *message);

  const auto parameters = connect_parameters(dsn);
  const ParameterArrays arrays = parameter_arrays(parameters);
  std::string description = describe_dsn(dsn);
  ConnPtr conn(PQconnectdbParams(arrays.keywords.data(), arrays.values.data(), 1));
  if (!conn) throw PgError(description + ": out of memory while connecting");
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw PgError(description + ": " + mask_dsn_secrets(one_line(PQerrorMessage(conn.get())), dsn));
  // Server notices would land on stderr between report lines; checks read what they need.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return std::make_unique<LibpqSession>(std::move(conn), description);
}

std::optional<DsnEndpoint> dsn_endpoint(const std::string& dsn) {
  char* parse_error = nullptr;
  ConninfoPtr parsed(PQconninfoParse(dsn.c_str(), &parse_error));
  if (!parsed) {
    PQfreemem(parse_error);
    return std::nullopt;
  }
  DsnEndpoint endpoint;
  std::string hostaddr;
  for (PQconninfoOption* option = parsed.get(); option->keyword; ++option) {
    if (!option->val) continue;
    std::string_view keyword(option->keyword);
    if (keyword == "host") endpoint.host = option->val;
    else if (keyword == "hostaddr") hostaddr = option->val;
    else if (keyword == "port") endpoint.port = option->val;
    else if (keyword == "dbname") endpoint.dbname = option->val;
    else if (keyword == "user") endpoint.user = option->val;
    else if (keyword == "service") endpoint.service = option->val;
  }
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (endpoint.host.empty()) endpoint.host = hostaddr.empty() ? env("PGHOST") : hostaddr;
  if (endpoint.port.empty()) endpoint.port = env("PGPORT");
  if (endpoint.dbname.empty()) endpoint.dbname = env("PGDATABASE");
  if (endpoint.user.empty()) endpoint.user = env("PGUSER");
  if (endpoint.service.empty()) endpoint.service = env("PGSERVICE");
  return endpoint;
}

std::string describe_dsn(const std::string& dsn) {
  const auto endpoint = dsn_endpoint(dsn);
  if (!endpoint) return "<invalid connection string>";
  std::string out = endpoint->host.empty() ? std::string("local socket") : endpoint->host;
  if (!endpoint->port.empty()) out += ":" + endpoint->port;
  if (!endpoint->dbname.empty()) out += "/" + endpoint->dbname;
  if (!endpoint->service.empty()) out += " (service " + endpoint->service + ")";
  // A URI password holding '@' or '/' spills into what libpq takes for the host
  // or port: what it shows of it is masked too.
  return mask_dsn_secrets(out, dsn);
}

}  // namespace pgverify::pg
