#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("server.data-checksums passes with checksums and warns without", "[checks][server.data-checksums]") {
  testing::CheckFixture f;
  SECTION("on") {
    f.target->answer("data_checksums", testing::rows({{"on"}}));
    auto result = f.run(checks::ServerDataChecksums(), Phase::post);
    CHECK(result.status == Status::pass);
    CHECK_THAT(result.summary, Catch::EndsWith("runs with data checksums"));
  }
  SECTION("off") {
    f.target->answer("data_checksums", testing::rows({{"off"}}));
    auto result = f.run(checks::ServerDataChecksums(), Phase::pre);
    CHECK(result.status == Status::warn);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].actual == "off");
  }
}
