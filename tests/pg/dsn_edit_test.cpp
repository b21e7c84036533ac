#include <catch2/catch.hpp>

#include "pg/dsn_edit.hpp"
#include "pg/session.hpp"

namespace pgverify::pg {

TEST_CASE("dbname_of and port_of read keyword strings and URIs alike", "[pg][dsn]") {
  CHECK(dbname_of("host=/tmp port=5433 dbname=qrydb") == "qrydb");
  CHECK(dbname_of("postgresql://u:secret@db.example:5433/qrydb?sslmode=require") == "qrydb");
  CHECK(dbname_of("host=/tmp port=5433") == std::nullopt);
  CHECK(dbname_of("postgresql://db.example") == std::nullopt);
  CHECK(dbname_of("dbname='my db'") == "my db");
  CHECK(port_of("host=/tmp port=5433 dbname=qrydb") == 5433);
  CHECK(port_of("postgresql://db.example:6543/x") == 6543);
  CHECK(port_of("host=/tmp dbname=x") == std::nullopt);
  // Two hosts, two ports: not one port to replace.
  CHECK(port_of("host=a,b port=5432,5433") == std::nullopt);
  CHECK_THROWS_AS(dbname_of("host='unterminated"), InvalidDsn);
}

TEST_CASE("with_dbname and with_port replace one option and keep the others, password included", "[pg][dsn]") {
  const std::string uri = "postgresql://app:s3cret@db.example:5433/qrydb?sslmode=require&application_name=x";
  const std::string other = with_dbname(uri, "postgres");
  CHECK(dbname_of(other) == "postgres");
  CHECK(port_of(other) == 5433);
  CHECK(other.find("sslmode='require'") != std::string::npos);
  CHECK(other.find("s3cret") != std::string::npos);  // the same credentials: it connects as the tenant does
  const std::string moved = with_port("host=/tmp port=5433 dbname=qrydb user=postgres", 6000);
  CHECK(port_of(moved) == 6000);
  CHECK(dbname_of(moved) == "qrydb");
  CHECK(moved.find("user='postgres'") != std::string::npos);
  // A value that needs quoting survives the round trip.
  CHECK(dbname_of(with_dbname("host=/tmp", "it's a db")) == "it's a db");
  CHECK(dbname_of(with_dbname("host=/tmp dbname=a", "b")) == "b");
}

TEST_CASE("split_password takes the password out of keyword strings and URIs alike", "[pg][dsn]") {
  const auto uri = split_password("postgresql://app:s3cr%27et@db.example:5433/qrydb?sslmode=require");
  CHECK(uri.password == "s3cr'et");
  CHECK(uri.dsn.find("s3cr") == std::string::npos);
  CHECK(dbname_of(uri.dsn) == "qrydb");
  CHECK(port_of(uri.dsn) == 5433);
  CHECK(uri.dsn.find("user='app'") != std::string::npos);
  const auto keywords = split_password("host=/tmp password='a b\\'c' dbname=x");
  CHECK(keywords.password == "a b'c");
  CHECK(keywords.dsn.find("password") == std::string::npos);
  CHECK(dbname_of(keywords.dsn) == "x");
  CHECK(keywords.dsn.find("host='/tmp'") != std::string::npos);
  const auto none = split_password("host=/tmp dbname=x");
  CHECK(none.password.empty());
  CHECK(dbname_of(none.dsn) == "x");
  CHECK_THROWS_AS(split_password("host='unterminated"), InvalidDsn);
}

}  // namespace pgverify::pg
