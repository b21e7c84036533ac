#include <catch2/catch.hpp>

#include "pg/client_version.hpp"
#include "pg/session.hpp"

using namespace pgverify;

TEST_CASE("client versions are read from --version output", "[pg]") {
  auto v = pg::parse_client_version("pg_dump (PostgreSQL) 17.12 (Debian 17.12-0+deb13u1)\n");
  REQUIRE(v);
  CHECK(v->program == "pg_dump");
  CHECK(v->major == 17);
  CHECK(v->text == "17.12 (Debian 17.12-0+deb13u1)");
  CHECK(pg::parse_client_version("psql (PostgreSQL) 18beta1")->major == 18);
  CHECK(pg::parse_client_version("pg_restore (PostgreSQL) 9.6.24")->major == 906);
  CHECK_FALSE(pg::parse_client_version("mysqldump  Ver 8.0"));
  CHECK_FALSE(pg::parse_client_version(""));
  CHECK_FALSE(pg::parse_client_version("psql (PostgreSQL) devel"));
}

TEST_CASE("versions give their major", "[pg]") {
  CHECK(pg::parse_major("17.12 (Debian 17.12-0+deb13u1)") == 17);
  CHECK(pg::parse_major("18beta1") == 18);
  CHECK(pg::parse_major("9.6.24") == 906);
  CHECK(pg::parse_major("10.23") == 10);
  CHECK_FALSE(pg::parse_major("devel"));
  CHECK_FALSE(pg::parse_major(""));
  CHECK_FALSE(pg::parse_major("9"));
  CHECK_FALSE(pg::parse_major("0.1"));
}

TEST_CASE("server versions format and give their major", "[pg]") {
  CHECK(pg::format_server_version(170012) == "17.12");
  CHECK(pg::format_server_version(180000) == "18.0");
  CHECK(pg::format_server_version(90624) == "9.6.24");
  CHECK(pg::major_of(180001) == 18);
  CHECK(pg::major_of(90624) == 906);
}

TEST_CASE("DSN descriptions never carry the password", "[pg]") {
  CHECK(pg::describe_dsn("host=db port=5433 dbname=qry user=app password=s3cret") == "db:5433/qry");
  CHECK(pg::describe_dsn("postgresql://app:s3cret@db:5433/qry?sslmode=require") == "db:5433/qry");
  CHECK(pg::describe_dsn("host=db port=5433 dbname=qry password='with space'").find("space") == std::string::npos);
  CHECK(pg::describe_dsn("host=db dbname=") == "db");
  CHECK(pg::describe_dsn("this is not a dsn") == "<invalid connection string>");
}

TEST_CASE("a malformed DSN is reported by libpq's own words without connecting", "[pg]") {
  pg::LibpqConnector connector;
  CHECK_THROWS_WITH(connector.connect("host=db oops"),
                    Catch::StartsWith("invalid connection string: missing \"=\" after \"oops\""));
  // libpq parses this one and refuses it only when connecting: refused before, as a usage error.
  CHECK_THROWS_AS(connector.connect("postgresql://a:b@db:notaport/x"), pg::InvalidDsn);
  CHECK_THROWS_WITH(connector.connect("postgresql://a:b@db:notaport/x"),
                    "invalid connection string: invalid port number: \"notaport\" (a port is a number from 1 to 65535)");
}

TEST_CASE("a refused connection is one line and carries no password", "[pg]") {
  pg::LibpqConnector connector;
  try {
    connector.connect("host=127.0.0.1 port=1 dbname=x user=u password=hunter2 connect_timeout=2");
    FAIL("connected to port 1");
  } catch (const pg::PgError& error) {
    std::string message = error.what();
    CHECK(message.rfind("127.0.0.1:1/x: ", 0) == 0);
    CHECK(message.find("hunter2") == std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}
