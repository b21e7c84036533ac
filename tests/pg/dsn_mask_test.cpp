#include <catch2/catch.hpp>

#include "pg/dsn_mask.hpp"

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
