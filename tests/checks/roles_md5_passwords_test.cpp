#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("roles.md5-passwords warns on login roles with MD5 hashes, never showing them", "[checks][roles.md5-passwords]") {
  testing::CheckFixture f;
  f.source->answer("pgverify md5 access", testing::rows({{"t"}}));
  f.source->answer("pgverify md5 roles", testing::rows({{"legacy_app"}}));
  auto result = f.run(checks::RolesMd5Passwords(), Phase::pre);
  CHECK(result.status == Status::warn);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].object == "role legacy_app");
  CHECK(result.findings[0].actual == "md5 password");
  // The query never selects the hash itself.
  for (const auto& sql : f.source->seen) CHECK(sql.find("SELECT rolname, rolpassword") == std::string::npos);
}

TEST_CASE("roles.md5-passwords looks at the target in post and passes without MD5", "[checks][roles.md5-passwords]") {
  testing::CheckFixture f;
  f.target->answer("pgverify md5 access", testing::rows({{"t"}}));
  f.target->answer("pgverify md5 roles", testing::rows({}));
  auto result = f.run(checks::RolesMd5Passwords(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(f.source->seen.empty());
}

TEST_CASE("roles.md5-passwords is skipped when pg_authid is not readable", "[checks][roles.md5-passwords]") {
  testing::CheckFixture f;
  f.source->answer("pgverify md5 access", testing::rows({{"f"}}));
  auto result = f.run(checks::RolesMd5Passwords(), Phase::pre);
  CHECK(result.status == Status::skip);
  CHECK_THAT(result.summary, Catch::Contains("connect as a superuser"));
}
