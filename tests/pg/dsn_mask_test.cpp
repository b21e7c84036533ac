#include <catch2/catch.hpp>

#include "pg/dsn_mask.hpp"
#include "pg/session.hpp"

using namespace pgverify;

namespace {

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("libpq's complaint about a connection string never shows its password", "[pg][dsn]") {
  struct Case {
    std::string dsn, secret;
  };
  const std::vector<Case> cases{
      {"postgresql://postgres:Pw0rd%zz@127.0.0.1:54017/x", "Pw0rd"},
      {"postgresql://postgres:Pw0rd@[::1/x", "Pw0rd"},
      {"host=127.0.0.1 password=Pw0rd LEAKY", "LEAKY"},
      {"host=127.0.0.1 password=Pw0rd LEAKY", "Pw0rd"},
      {"host=127.0.0.1 password = 'Se cret\\' dbname=x", "Se cret"},
      {"host=127.0.0.1 password='unterminated", "unterminated"},
      {"postgresql://u@h/db?password=Pw0rd%zz", "Pw0rd"},
      {"postgres://u:S3cr%E9t@h/db?sslmode=bogus&x", "S3cr"},
  };
  for (const auto& c : cases) {
    INFO(c.dsn);
    const auto message = pg::dsn_parse_error(c.dsn);
    REQUIRE(message);
    INFO(*message);
    CHECK_FALSE(has(*message, c.secret));
    CHECK_FALSE(message->empty());
  }
}

TEST_CASE("what is not secret in libpq's complaint stays readable", "[pg][dsn]") {
  CHECK(pg::dsn_parse_error("hostt=x") == std::optional<std::string>("invalid connection option \"hostt\""));
  CHECK(pg::dsn_parse_error("host=127.0.0.1 password=abc hostt=x") ==
        std::optional<std::string>("invalid connection option \"hostt\""));
  CHECK_FALSE(pg::dsn_parse_error("host=127.0.0.1 password=x dbname=y"));
  CHECK(pg::dsn_secret_parts("host=h password='a b' dbname=d") ==
        std::vector<std::string>{"'a b'", "a b", "a", "b"});
}

TEST_CASE("mask_dsn_secrets masks a password wherever libpq repeats it", "[pg][dsn]") {
  const std::string dsn = "postgresql://app:hunter22@db:5432/x";
  CHECK(pg::mask_dsn_secrets("could not connect with \"hunter22\"", dsn) == "could not connect with \"****\"");
  CHECK(pg::mask_dsn_secrets("password hunter22 rejected", dsn) == "password **** rejected");
  CHECK(pg::mask_dsn_secrets("FATAL: password authentication failed for user \"app\"", dsn) ==
        "FATAL: password authentication failed for user \"app\"");
}

TEST_CASE("a connection string libpq parses but cannot connect with is refused without connecting", "[pg][dsn]") {
  const auto error = [](const std::string& dsn) { return pg::dsn_parse_error(dsn).value_or(""); };
  const std::string bad_port = " (a port is a number from 1 to 65535)";
  // Ports, in conninfo and URI form, one host or several.
  CHECK(error("host=127.0.0.1 port=notaport") == "invalid port number: \"notaport\"" + bad_port);
  CHECK(error("postgresql://u:Pw0rdX@127.0.0.1:notaport/db") == "invalid port number: \"notaport\"" + bad_port);
  CHECK(error("postgresql://u:p@127.0.0.1:notaport/db") == "invalid port number: \"notaport\"" + bad_port);
  CHECK(error("postgresql://h1:5432,h2:x/db") == "invalid port number: \"x\"" + bad_port);
  CHECK(error("host=h1,h2 port=5432,x") == "invalid port number: \"x\"" + bad_port);
  CHECK(error("port=0") == "invalid port number: \"0\"" + bad_port);
  CHECK(error("port=65536") == "invalid port number: \"65536\"" + bad_port);
  CHECK(error("port=99999999999") == "invalid port number: \"99999999999\"" + bad_port);
  CHECK(error("host=a,b port=1,2,3") == "could not match 3 port numbers to 2 hosts");
  // Addresses and the hosts they go with.
  CHECK(error("hostaddr=db.example") == "invalid hostaddr \"db.example\" (an IPv4 or IPv6 address; a host name goes in host)");
  CHECK(error("host=a hostaddr=127.0.0.1,127.0.0.2") == "could not match 1 host names to 2 hostaddr values");
  // Integers and choices libpq reads only when it connects.
  CHECK(error("host=h connect_timeout=10s") == "invalid integer value \"10s\" for connection option \"connect_timeout\"");
  CHECK(error("host=h keepalives=") == "invalid integer value \"\" for connection option \"keepalives\"");
  CHECK(error("postgresql://h/db?sslmode=requir") ==
        "invalid sslmode value: \"requir\" (one of disable, allow, prefer, require, verify-ca, verify-full)");
  CHECK(error("host=h sslmode=Require").starts_with("invalid sslmode value: \"Require\""));
  CHECK(error("host=h target_session_attrs=primary-only").starts_with("invalid target_session_attrs value"));

  for (const std::string usable : {"host=127.0.0.1 port=5432", "postgresql://u:p@127.0.0.1:5432/db", "port=",
                                   "host=h port=' 5432 '", "postgresql://h1:5432,h2/db", "host=a,b,c port=5433",
                                   "host=a,b port=1,2", "postgresql://[::1]:5432,127.0.0.1:5433/db",
                                   "hostaddr=127.0.0.1,::1 host=a,b", "host=h connect_timeout=5 sslmode=verify-full",
                                   "postgresql://h/db?target_session_attrs=read-write&sslmode=disable", "dbname=x"}) {
    INFO(usable);
    CHECK_FALSE(pg::dsn_parse_error(usable));
  }
}

TEST_CASE("a port holding part of a mistyped URI password is not shown", "[pg][dsn]") {
  // libpq ends the userinfo at the first '@': the password's rest becomes host and port.
  const auto message = pg::dsn_parse_error("postgresql://app:p@ss:w0rdy@db/x");
  REQUIRE(message);
  CHECK_FALSE(has(*message, "w0rd"));
  CHECK(*message == "invalid port number: \"****\" (a port is a number from 1 to 65535)");
}

TEST_CASE("a URI password holding '@', '/', '?' or a percent-encoded key is masked wherever libpq shows it",
          "[pg][dsn]") {
  struct Case {
    std::string dsn, secret;
  };
  const std::vector<Case> cases{
      {"postgresql://u:pa?ssWORD%zz@h/db", "ssWORD"},
      {"postgresql://u:pa?ssWORD@[::1/db", "ssWORD"},
      {"postgresql://h/db?pass%77ord=SecretVal%zz", "SecretVal"},
  };
  for (const auto& c : cases) {
    INFO(c.dsn);
    const auto error = pg::dsn_parse_error(c.dsn);
    REQUIRE(error);
    CHECK_FALSE(has(*error, c.secret));
  }
  // libpq takes the host of "postgres:hunter2@secret@127.0.0.1" to be
  // "secret@127.0.0.1": the description it leads to hides that piece.
  const std::string spill = "postgresql://postgres:hunter2@secret@127.0.0.1:54017/db";
  CHECK_FALSE(has(pg::describe_dsn(spill), "secret"));
  CHECK_FALSE(has(pg::describe_dsn("postgresql://postgres:5432/SlashPw99@127.0.0.1:54017/db"), "SlashPw99"));
  CHECK_FALSE(has(pg::mask_dsn_secrets("host secret@127.0.0.1 refused", spill), "secret"));
}
