#include <catch2/catch.hpp>

#include "checks/checks.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;

namespace {

Manifest baseline_with(std::vector<SequenceRecord> sequences) {
  Manifest manifest;
  manifest.tenant = "demo";
  manifest.sequences = std::move(sequences);
  return manifest;
}

// Rows of (name, last_value[, increment, cycle]); ascending, not cycling unless given.
void serve_sequences(testing::FakeServer& server, std::vector<std::vector<pg::Cell>> values) {
  for (auto& row : values)
    if (row.size() == 2) row.insert(row.end(), {"1", "f"});
  server.answer("pgverify sequence values", testing::rows(std::move(values)));
}

}  // namespace

TEST_CASE("data.sequences passes when every sequence is at or past the baseline", "[checks][data.sequences]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"public.a_id_seq", 10}, {"public.b_seq", 5}, {"public.unused", std::nullopt}});
  serve_sequences(*f.target, {{"public.a_id_seq", "10"}, {"public.b_seq", "7"}, {"public.unused", std::nullopt}});
  auto result = f.run(checks::DataSequences(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "3 of 3 sequences are at or past the baseline");
  CHECK(result.findings.empty());
}

TEST_CASE("data.sequences fails on a lowered sequence with a setval hint", "[checks][data.sequences]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"public.a_id_seq", 1000}, {"\"Odd\".\"it's\"", 3}});
  SECTION("lowered") {
    serve_sequences(*f.target, {{"public.a_id_seq", "1"}, {"\"Odd\".\"it's\"", "3"}});
    auto result = f.run(checks::DataSequences(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 2 sequences are at or past the baseline; 1 behind, 0 missing");
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "public.a_id_seq");
    CHECK(result.findings[0].expected == "last_value 1000");
    CHECK(result.findings[0].actual == "last_value 1");
    CHECK_THAT(result.findings[0].hint, Catch::Contains("SELECT pg_catalog.setval('public.a_id_seq', 1000);"));
  }
  SECTION("never set, and the name's quote doubled in the hint") {
    serve_sequences(*f.target, {{"public.a_id_seq", "1000"}, {"\"Odd\".\"it's\"", std::nullopt}});
    auto result = f.run(checks::DataSequences(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].actual == "never used");
    CHECK_THAT(result.findings[0].message, Catch::Contains("restarts from its first value"));
    CHECK_THAT(result.findings[0].hint, Catch::Contains("setval('\"Odd\".\"it''s\"', 3)"));
  }
}

TEST_CASE("data.sequences judges a descending sequence by its direction", "[checks][data.sequences]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"public.down", -42, -1, false}, {"public.down_by_5", -100, -5, true}});
  SECTION("further down is ahead; the same value is where the restore put it") {
    serve_sequences(*f.target, {{"public.down", "-50", "-1", "f"}, {"public.down_by_5", "-100", "-5", "t"}});
    auto result = f.run(checks::DataSequences(), Phase::post);
    CHECK(result.status == Status::pass);
    CHECK(result.findings.empty());
  }
  SECTION("back up is behind: ids -2 .. -42 would be issued again; the hint moves it down, never up") {
    serve_sequences(*f.target, {{"public.down", "-1", "-1", "f"}, {"public.down_by_5", "-100", "-5", "t"}});
    auto result = f.run(checks::DataSequences(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "public.down");
    CHECK(result.findings[0].expected == "last_value -42");
    CHECK(result.findings[0].actual == "last_value -1");
    CHECK_THAT(result.findings[0].message, Catch::Contains("behind the baseline (it counts down, by -1)"));
    CHECK_THAT(result.findings[0].hint, Catch::Contains("SELECT pg_catalog.setval('public.down', -42);"));
  }
}

TEST_CASE("data.sequences fails on a missing sequence and warns on an extra one", "[checks][data.sequences]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"public.a_id_seq", 10}});
  SECTION("missing") {
    serve_sequences(*f.target, {});
    auto result = f.run(checks::DataSequences(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].message == "the sequence is missing on the target");
  }
  SECTION("extra") {
    serve_sequences(*f.target, {{"public.a_id_seq", "10"}, {"public.new_seq", "1"}});
    auto result = f.run(checks::DataSequences(), Phase::post);
    CHECK(result.status == Status::warn);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "public.new_seq");
  }
}

TEST_CASE("data.sequences refuses an unreadable last_value", "[checks][data.sequences]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"public.a_id_seq", 10}});
  serve_sequences(*f.target, {{"public.a_id_seq", "ten"}});
  CHECK_THROWS_WITH(f.run(checks::DataSequences(), Phase::post), Catch::Contains("unreadable last_value 'ten'"));
}

TEST_CASE("an unconfigured target_dsn is an error, never libpq's defaults", "[checks][data.sequences]") {
  testing::CheckFixture f;
  f.baseline = baseline_with({{"public.a_id_seq", 10}});
  f.tenant.target_dsn.clear();
  f.connector.add("", f.source);  // what libpq's defaults would reach
  CHECK_THROWS_WITH(f.run(checks::DataSequences(), Phase::post), "target_dsn is not configured for tenant 'demo'");
  CHECK(f.connector.connections == 0);
}
