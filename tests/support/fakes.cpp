#include "support/fakes.hpp"

namespace pgverify::testing {

namespace {

class FakeSession final : public pg::Session {
 public:
  explicit FakeSession(std::shared_ptr<FakeServer> server) : m_server(std::move(server)), m_born(m_server->restarts) {}

  pg::QueryResult query(std::string_view sql, const std::vector<std::string>&) override {
    run(sql);
    for (const auto& [fragment, result] : m_server->answers)
      if (sql.find(fragment) != std::string_view::npos) return result;
    throw pg::PgError(m_server->description + ": ERROR: fake has no answer for: " + std::string(sql));
  }
  void execute(std::string_view sql) override { run(sql); }

  std::uint64_t copy_out(std::string_view sql, pg::CopySink& sink) override {
    run(sql);
    for (const auto& [fragment, message] : m_server->copy_errors)
      if (sql.find(fragment) != std::string_view::npos) throw pg::PgError(m_server->description + ": " + message);
    for (const auto& [fragment, messages] : m_server->copies) {
      if (sql.find(fragment) == std::string_view::npos) continue;
      std::uint64_t bytes = 0;
      for (const auto& message : messages) {
        sink.on_copy_data(message.data(), message.size());
        bytes += message.size();
      }
      return bytes;
    }
    throw pg::PgError(m_server->description + ": ERROR: fake has no COPY answer for: " + std::string(sql));
  }

  int server_version_num() const override { return m_server->version_num; }
  std::string describe() const override { return m_server->description; }

 private:
  void run(std::string_view sql) {
    if (m_server->down || m_born != m_server->restarts)
      throw pg::PgError(m_server->description + ": server closed the connection unexpectedly");
    m_server->seen.emplace_back(sql);
  }

  std::shared_ptr<FakeServer> m_server;
  int m_born;  // the server's restarts when this session was made
};

}  // namespace

pg::QueryResult rows(std::vector<std::vector<pg::Cell>> values) {
  pg::QueryResult result;
  if (!values.empty())
    for (std::size_t i = 0; i < values.front().size(); ++i) result.columns.push_back("c" + std::to_string(i));
  result.rows = std::move(values);
  return result;
}

std::unique_ptr<pg::Session> FakeConnector::connect(const std::string& dsn) {
  ++connections;
  ++attempts[dsn];
  auto it = m_servers.find(dsn);
  if (it == m_servers.end() || it->second->down)
    throw pg::PgError(pg::describe_dsn(dsn) +
                      ": connection to server failed: Connection refused");
  return std::make_unique<FakeSession>(it->second);
}

void FakeTools::exited(const std::string& program, int code, const std::string& out, const std::string& err) {
  exec::ProcessResult result;
  result.exit_code = code;
  result.out = out;
  result.err = err;
  m_outputs[program] = result;
}

exec::ProcessResult FakeTools::run(const exec::ProcessRequest& request) {
  requests.push_back(request);
  auto it = m_outputs.find(request.argv.at(0));
  if (it == m_outputs.end()) throw exec::ProcessError(request.argv.at(0) + ": not found");
  exec::ProcessResult result = it->second;
  for (auto [output, text] : {std::pair{&request.out, &result.out}, std::pair{&request.err, &result.err}})
    if (output->sink) {
      output->sink->write(*text);
      text->clear();
    }
  return result;
}

}  // namespace pgverify::testing
