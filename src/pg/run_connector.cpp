#include "pg/run_connector.hpp"

#include <exception>
#include <map>
#include <mutex>

namespace pgverify::pg {

// Per DSN: the session given back last, ready for the next borrower, or the
// failure connecting met. Borrowed sessions keep the pool alive, so one may
// outlive the connector.
class RunConnector::Pool : public std::enable_shared_from_this<Pool> {
 public:
  explicit Pool(Connector& inner) : m_inner(inner) {}

  std::unique_ptr<Session> borrow(const std::string& dsn);
  void give_back(const std::string& dsn, std::unique_ptr<Session> session);

 private:
  struct Server {
    std::unique_ptr<Session> idle;
    std::exception_ptr failure;
  };
  std::unique_ptr<Session> reuse_idle(const std::string& dsn);

  Connector& m_inner;
  std::mutex m_mutex;
  std::map<std::string, Server> m_servers;
};

namespace {

// A session borrowed from the pool: given back when its borrower is done with
// it, unless a COPY failed on it, which can leave it inside the COPY (only
// reading the rest of the table would get it out).
class BorrowedSession final : public Session {
 public:
  BorrowedSession(std::shared_ptr<RunConnector::Pool> pool, std::string dsn, std::unique_ptr<Session> session)
      : m_pool(std::move(pool)), m_dsn(std::move(dsn)), m_session(std::move(session)) {}
  ~BorrowedSession() override {
    if (!m_reusable) return;
    try {
      m_pool->give_back(m_dsn, std::move(m_session));
    } catch (...) {  // out of memory: the session is closed instead
    }
  }
  BorrowedSession(const BorrowedSession&) = delete;
  BorrowedSession& operator=(const BorrowedSession&) = delete;

  void execute(std::string_view sql) override { m_session->execute(sql); }
  std::uint64_t copy_out(std::string_view sql, CopySink& sink) override {
    try {
      return m_session->copy_out(sql, sink);
    } catch (...) {
      m_reusable = false;
      throw;
    }
  }
  QueryResult query(std::string_view sql, const std::vector<std::string>& params) override {
    return m_session->query(sql, params);
  }
  int server_version_num() const override { return m_session->server_version_num(); }
  std::string describe() const override { return m_session->describe(); }

 private:
  std::shared_ptr<RunConnector::Pool> m_pool;
  std::string m_dsn;
  std::unique_ptr<Session> m_session;
  bool m_reusable = true;
};

}  // namespace

std::unique_ptr<Session> RunConnector::Pool::reuse_idle(const std::string& dsn) {
  std::unique_ptr<Session> session;
  {
    std::lock_guard lock(m_mutex);
    session = std::move(m_servers[dsn].idle);
  }
  if (!session) return nullptr;
  // As a new connection would be: the last borrower may have left a
  // transaction open (ROLLBACK only warns when there is none), settings,
  // prepared statements or temporary tables; DISCARD ALL cannot run inside
  // a transaction block, hence two statements.
  try {
    session->execute("ROLLBACK");
    session->execute("DISCARD ALL");
  } catch (const PgError&) {
    return nullptr;  // lost while idle: a new connection replaces it
  }
  return session;
}

std::unique_ptr<Session> RunConnector::Pool::borrow(const std::string& dsn) {
  std::unique_ptr<Session> session = reuse_idle(dsn);
  if (!session) {
    {
      std::lock_guard lock(m_mutex);
      if (const auto& failure = m_servers[dsn].failure) std::rethrow_exception(failure);
    }
    try {
      session = m_inner.connect(dsn);
    } catch (const PgError&) {
      std::lock_guard lock(m_mutex);
      auto& failure = m_servers[dsn].failure;
      if (!failure) failure = std::current_exception();
      throw;
    }
  }
  return std::make_unique<BorrowedSession>(shared_from_this(), dsn, std::move(session));
}

void RunConnector::Pool::give_back(const std::string& dsn, std::unique_ptr<Session> session) {
  {
    std::lock_guard lock(m_mutex);
    auto& idle = m_servers[dsn].idle;
    // One idle session per server is enough for checks that run one after
    // another; the others (parallel hashing workers) are closed.
    if (!idle) idle = std::move(session);
  }
  // A session not kept is closed here, outside the lock.
}

RunConnector::RunConnector(Connector& inner) : m_pool(std::make_shared<Pool>(inner)) {}

RunConnector::~RunConnector() = default;

std::unique_ptr<Session> RunConnector::connect(const std::string& dsn) { return m_pool->borrow(dsn); }

}  // namespace pgverify::pg
