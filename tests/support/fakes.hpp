#pragma once

// Scripted stand-ins for libpq and for running client programs, so checks can
// be tested without servers. Every check is also tested against real servers
// (tests/server/).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec/process.hpp"
#include "pg/session.hpp"

namespace pgverify::testing {

// A server as the fake sees it: its version and the answer to each query,
// matched by a substring of the SQL.
struct FakeServer {
  int version_num = 170012;
  std::string description = "fake:5432/db";
  std::vector<std::pair<std::string, pg::QueryResult>> answers;
  std::vector<std::string> seen;  // every statement run, in order
  // COPY statements answer with these messages, matched like `answers`.
  std::vector<std::pair<std::string, std::vector<std::string>>> copies;
  // COPY statements matching a fragment fail with this server message.
  std::vector<std::pair<std::string, std::string>> copy_errors;
  // The server went away: its sessions fail every statement, connecting is refused.
  bool down = false;
  // Each restart ends the sessions made before it; new ones work.
  int restarts = 0;

  FakeServer& answer(std::string sql_fragment, pg::QueryResult result) {
    answers.emplace_back(std::move(sql_fragment), std::move(result));
    return *this;
  }
};

pg::QueryResult rows(std::vector<std::vector<pg::Cell>> values);

class FakeConnector final : public pg::Connector {
 public:
  // DSNs not registered fail to connect the way libpq does.
  void add(const std::string& dsn, std::shared_ptr<FakeServer> server) { m_servers[dsn] = std::move(server); }
  std::unique_ptr<pg::Session> connect(const std::string& dsn) override;
  int connections = 0;
  std::map<std::string, int> attempts;  // connections tried, by DSN

 private:
  std::map<std::string, std::shared_ptr<FakeServer>> m_servers;
};

class FakeTools final : public exec::ToolRunner {
 public:
  // `program --version` prints this line (e.g. "pg_dump (PostgreSQL) 17.12").
  void version(const std::string& program, const std::string& line) { exited(program, 0, line + "\n"); }
  // `program` prints this and exits with the code.
  void exited(const std::string& program, int code, const std::string& out, const std::string& err = "");
  void result(const std::string& program, exec::ProcessResult result) { m_outputs[program] = result; }
  // Outputs the request streams go to its sinks, as the real runner's would.
  using exec::ToolRunner::run;
  exec::ProcessResult run(const exec::ProcessRequest& request) override;
  std::vector<exec::ProcessRequest> requests;  // every run asked for, in order

 private:
  std::map<std::string, exec::ProcessResult> m_outputs;
};

}  // namespace pgverify::testing
