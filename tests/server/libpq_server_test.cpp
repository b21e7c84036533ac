// Connections as psql makes them: conninfo strings, URIs and libpq's environment.

#include <catch2/catch.hpp>

#include "pg/session.hpp"
#include "support/scoped_env.hpp"
#include "support/servers.hpp"

using namespace pgverify;

TEST_CASE("libpq connections take conninfo strings, URIs and the environment", "[server][pg]") {
  const auto& pg17 = testing::real_server(17);
  pg::LibpqConnector connector;

  auto conninfo = connector.connect(pg17.dsn);
  CHECK(pg::major_of(conninfo->server_version_num()) == 17);
  CHECK(conninfo->describe() == "127.0.0.1:54017/postgres");

  auto uri = connector.connect("postgresql://postgres@127.0.0.1:54017/postgres?application_name=x");
  CHECK(pg::major_of(uri->server_version_num()) == 17);
  CHECK(uri->query("SELECT current_setting('application_name')").at(0, 0) == "x");

  testing::ScopedEnv host("PGHOST", "127.0.0.1"), port("PGPORT", "54017"), user("PGUSER", "postgres"),
      database("PGDATABASE", "template1");
  auto from_env = connector.connect("");
  CHECK(from_env->query("SELECT current_database()").at(0, 0) == "template1");
  CHECK(from_env->describe() == "127.0.0.1:54017/template1");
  // Without an application name of its own, pgverify says who it is.
  CHECK(from_env->query("SELECT current_setting('application_name')").at(0, 0) == "pgverify");
}

TEST_CASE("a query error is one line naming the server", "[server][pg]") {
  const auto& pg18 = testing::real_server(18);
  pg::LibpqConnector connector;
  auto session = connector.connect(pg18.dsn);
  CHECK_THROWS_WITH(session->query("SELECT * FROM no_such_table"),
                    Catch::StartsWith("127.0.0.1:54018/postgres: ERROR:  relation \"no_such_table\" does not exist"));
  CHECK(session->query("SELECT $1::int + 1", {"41"}).at(0, 0) == "42");
}
