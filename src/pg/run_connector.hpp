// One run's connections. A server that accepts TCP and never answers costs a
// whole connect timeout per connection attempt; a run of checks that each
// connected on their own paid it once per check. RunConnector connects to
// each server as few times as the run allows: a failure is remembered, and a
// session a check is done with serves the next one.
#pragma once

#include <memory>
#include <string>

#include "pg/session.hpp"

namespace pgverify::pg {

class RunConnector final : public Connector {
 public:
  // `inner` makes the real connections; it must outlive this connector.
  explicit RunConnector(Connector& inner);
  ~RunConnector() override;
  RunConnector(const RunConnector&) = delete;
  RunConnector& operator=(const RunConnector&) = delete;

  // A session on `dsn`, given back to the run when it is destroyed. It is
  // the one an earlier caller gave back, reset (ROLLBACK, DISCARD ALL) to be
  // as a new connection would be, or a new connection when there is none, it
  // is in use, or it was lost meanwhile (a session lost while in use fails
  // its caller's queries; the next caller connects again). Once connecting
  // to `dsn` failed, every later call rethrows that failure at once, the same
  // type and message, instead of trying again. Thread-safe: parallel hashing
  // workers each get a session of their own.
  std::unique_ptr<Session> connect(const std::string& dsn) override;

  class Pool;  // in run_connector.cpp

 private:
  std::shared_ptr<Pool> m_pool;
};

}  // namespace pgverify::pg
