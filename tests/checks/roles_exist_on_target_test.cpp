#include <catch2/catch.hpp>

#include "checks/roles_exist_on_target.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("roles.exist-on-target fails naming each role the target lacks", "[checks][roles.exist-on-target]") {
  testing::CheckFixture f;
  f.source->answer("pgverify roles used", testing::rows({{"app", "12", "0"}, {"postgres", "3", "0"}, {"reader", "0", "4"}}));
  SECTION("missing") {
    f.target->answer("pgverify roles present", testing::rows({{"postgres"}}));
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 3 roles the source uses exist on the target; 2 missing");
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "role app");
    CHECK_THAT(result.findings[0].message, Catch::StartsWith("owns 12 and is granted privileges on 0 objects"));
    CHECK(result.findings[1].object == "role reader");
    CHECK_THAT(result.findings[1].hint, Catch::Contains("--no-owner --no-privileges"));
  }
  SECTION("all there") {
    f.target->answer("pgverify roles present", testing::rows({{"app"}, {"postgres"}, {"reader"}, {"other"}}));
    auto result = f.run(checks::RolesExistOnTarget());
    CHECK(result.status == Status::pass);
    CHECK(result.summary == "3 of 3 roles the source uses exist on the target");
  }
}
