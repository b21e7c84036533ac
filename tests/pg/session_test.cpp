#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <memory>

#include "pg/session.hpp"
#include "support/scoped_env.hpp"

using namespace pgverify;

namespace {

// What libpq makes of connect_parameters(dsn): the value of `keyword` on a
// connection started with them (to a port where nothing listens: only the
// options are looked at, never a server).
std::string effective(const std::string& dsn, const char* keyword) {
  const auto parameters = pg::connect_parameters(dsn);
  const pg::ParameterArrays arrays = pg::parameter_arrays(parameters);
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
      PQconnectStartParams(arrays.keywords.data(), arrays.values.data(), 1), &PQfinish);
  REQUIRE(conn);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfo(conn.get()), &PQconninfoFree);
  REQUIRE(options);
  for (PQconninfoOption* option = options.get(); option->keyword; ++option)
    if (std::string_view(option->keyword) == keyword) return option->val ? option->val : "";
  FAIL("libpq has no option " << keyword);
  return "";
}

}  // namespace

TEST_CASE("a connection string without connect_timeout waits 10 s at most, one with its own waits that", "[pg]") {
  testing::ScopedEnv no_env_timeout("PGCONNECT_TIMEOUT", std::nullopt);
  CHECK(effective("host=127.0.0.1 port=1 dbname=x", "connect_timeout") == "10");
  CHECK(effective("postgresql://u@127.0.0.1:1/x", "connect_timeout") == "10");
  CHECK(effective("host=127.0.0.1 port=1 connect_timeout=3", "connect_timeout") == "3");
  CHECK(effective("postgresql://u@127.0.0.1:1/x?connect_timeout=4", "connect_timeout") == "4");
  // The user's string is read by libpq, not spliced: a value that looks like
  // a keyword stays a value.
  CHECK(effective("host=127.0.0.1 port=1 application_name='a connect_timeout=99'", "connect_timeout") == "10");
  {
    testing::ScopedEnv env_timeout("PGCONNECT_TIMEOUT", "7");
    CHECK(effective("host=127.0.0.1 port=1 dbname=x", "connect_timeout") == "7");
    CHECK(effective("host=127.0.0.1 port=1 connect_timeout=3", "connect_timeout") == "3");
  }
  // What pgverify reads is UTF-8 whatever the string asks; it says who it is
  // when neither the string nor PGAPPNAME names an application.
  CHECK(effective("host=127.0.0.1 port=1 client_encoding=LATIN1", "client_encoding") == "UTF8");
  CHECK(effective("host=127.0.0.1 port=1", "fallback_application_name") == "pgverify");
}
