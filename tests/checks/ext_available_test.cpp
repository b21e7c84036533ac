#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

TEST_CASE("ext.available compares installed extensions with what the target offers", "[checks][ext.available]") {
  testing::CheckFixture f;
  f.source->answer("pgverify extensions installed",
                   testing::rows({{"pg_trgm", "1.6"}, {"plpgsql", "1.0"}, {"postgis", "3.4.2"}, {"vector", "0.8.0"}}));
  SECTION("one missing, one too old") {
    f.target->answer("pgverify extensions offered",
                     testing::rows({{"plpgsql", "1.0"}, {"pg_trgm", "1.5"}, {"pg_trgm", "1.6"}, {"vector", "0.7.4"}}));
    auto result = f.run(checks::ExtAvailable());
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "2 of 4 extensions of the source are offered by the target");
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "extension postgis");
    CHECK(result.findings[0].actual == "not available");
    CHECK(result.findings[1].object == "extension vector");
    CHECK(result.findings[1].actual == "0.7.4");
  }
  SECTION("all offered, newer is fine") {
    f.target->answer("pgverify extensions offered",
                     testing::rows({{"plpgsql", "1.0"}, {"pg_trgm", "1.6"}, {"postgis", "3.5.0"}, {"vector", "0.8.7"}}));
    CHECK(f.run(checks::ExtAvailable()).status == Status::pass);
  }
}

TEST_CASE("ext.available in post: every baseline extension is installed on the target, not older",
          "[checks][ext.available]") {
  testing::CheckFixture f;
  f.baseline = Manifest{};
  f.baseline->extensions = {{"hstore", "1.8"}, {"plpgsql", "1.0"}, {"vector", "0.8.0"}};
  SECTION("one older, one missing") {
    f.target->answer("pgverify extensions installed", testing::rows({{"hstore", "1.4"}, {"plpgsql", "1.0"}}));
    auto result = f.run(checks::ExtAvailable(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 3 extensions of the baseline are installed on the target at its version or later");
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "extension hstore");
    CHECK(result.findings[0].actual == "1.4");
    CHECK_THAT(result.findings[0].hint, Catch::Contains("ALTER EXTENSION hstore UPDATE"));
    CHECK(result.findings[1].object == "extension vector");
    CHECK(result.findings[1].actual == "not installed");
  }
  SECTION("newer on the target passes; extra extensions are the target's business") {
    f.target->answer("pgverify extensions installed",
                     testing::rows({{"hstore", "1.8"}, {"plpgsql", "1.0"}, {"vector", "0.8.1"}, {"pg_trgm", "1.6"}}));
    CHECK(f.run(checks::ExtAvailable(), Phase::post).status == Status::pass);
  }
}
