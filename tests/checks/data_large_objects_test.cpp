#include <catch2/catch.hpp>

#include <xxhash.h>

#include "checks/common.hpp"
#include "checks/checks.hpp"
#include "support/check_fixture.hpp"
#include "support/fake_tables.hpp"

using namespace pgverify;

namespace {

hash::uint128 xxh128(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return (static_cast<hash::uint128>(h.high64) << 64) | h.low64;
}

hash::LargeObjectDigest object(std::uint32_t oid, std::string_view bytes, std::string owner = "postgres",
                               std::string acl = "") {
  hash::LargeObjectDigest o;
  o.oid = oid;
  o.owner = std::move(owner);
  o.size = bytes.size();
  o.hash = xxh128(bytes);
  o.acl = std::move(acl);
  return o;
}

// A target whose large objects are listed as given and each read back (lo_get) as `bytes`.
void serve_objects(testing::FakeServer& server, std::vector<std::vector<pg::Cell>> listed, const std::string& bytes_hex) {
  testing::serve_tables(server, {});
  server.answers.erase(std::remove_if(server.answers.begin(), server.answers.end(),
                                      [](const auto& a) { return a.first == "pgverify large objects"; }),
                       server.answers.end());
  server.answer("pgverify large objects", testing::rows(std::move(listed)));
  server.answer("has_table_privilege", testing::rows({{"f"}}));
  server.answer("lo_get", testing::rows({{bytes_hex}}));
}

struct Fixture : testing::CheckFixture {
  Fixture() {
    baseline = testing::baseline_of({});
    baseline->large_objects_recorded = true;
    baseline->large_objects = {object(16400, "A"), object(16401, "A", "pgv_owner",
                                                          "pgv_reader SELECT granted by pgv_owner")};
  }
};

}  // namespace

TEST_CASE("data.large-objects passes when every object is there with its bytes, owner and privileges",
          "[checks][data.large-objects]") {
  Fixture f;
  serve_objects(*f.target, {{"16400", "postgres", std::nullopt}, {"16401", "pgv_owner", "pgv_reader SELECT granted by pgv_owner"}},
                "41");
  auto result = f.run(checks::DataLargeObjects(), Phase::post);
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "2 of 2 large objects (2 bytes) match the baseline");
}

TEST_CASE("data.large-objects fails a lost, changed, re-owned or re-granted object, naming it",
          "[checks][data.large-objects]") {
  Fixture f;
  SECTION("lost (lo_unlink)") {
    serve_objects(*f.target, {{"16401", "pgv_owner", "pgv_reader SELECT granted by pgv_owner"}}, "41");
    auto result = f.run(checks::DataLargeObjects(), Phase::post);
    CHECK(result.status == Status::fail);
    CHECK(result.summary == "1 of 2 large objects (2 bytes) match the baseline; 1 missing, 0 differ");
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "large object 16400");
    CHECK(result.findings[0].message == "the large object is missing on the target");
  }
  SECTION("one byte changed (lo_put)") {
    serve_objects(*f.target, {{"16400", "postgres", std::nullopt}, {"16401", "pgv_owner", "pgv_reader SELECT granted by pgv_owner"}},
                  "42");
    auto result = f.run(checks::DataLargeObjects(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 2);
    CHECK(result.findings[0].object == "large object 16400");
    CHECK(result.findings[0].message == "the large object's bytes differ although its size is the same");
  }
  SECTION("owned by the restoring user, its grant gone (the role was missing)") {
    serve_objects(*f.target, {{"16400", "postgres", std::nullopt}, {"16401", "postgres", std::nullopt}}, "41");
    auto result = f.run(checks::DataLargeObjects(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "large object 16401");
    CHECK(result.findings[0].message == "the large object is owned by postgres instead of pgv_owner");
  }
  SECTION("a grant revoked") {
    serve_objects(*f.target, {{"16400", "postgres", std::nullopt}, {"16401", "pgv_owner", std::nullopt}}, "41");
    auto result = f.run(checks::DataLargeObjects(), Phase::post);
    CHECK(result.status == Status::fail);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].message ==
          "the large object's privileges differ: pgv_reader lost SELECT (granted by pgv_owner)");
  }
}

TEST_CASE("data.large-objects warns on an extra object and skips an older baseline", "[checks][data.large-objects]") {
  Fixture f;
  SECTION("extra") {
    serve_objects(*f.target,
                  {{"16400", "postgres", std::nullopt},
                   {"16401", "pgv_owner", "pgv_reader SELECT granted by pgv_owner"},
                   {"16500", "postgres", std::nullopt}},
                  "41");
    auto result = f.run(checks::DataLargeObjects(), Phase::post);
    CHECK(result.status == Status::warn);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].object == "large object 16500");
  }
  SECTION("a format 1 baseline did not record them") {
    f.baseline->large_objects_recorded = false;
    auto result = f.run(checks::DataLargeObjects(), Phase::post);
    CHECK(result.status == Status::skip);
    CHECK_THAT(result.summary, Catch::Contains("run pgverify pre again"));
  }
}

TEST_CASE("data.large-objects keeps a report readable when thousands are lost", "[checks][data.large-objects]") {
  Fixture f;
  for (std::uint32_t oid = 20000; oid < 25000; ++oid) f.baseline->large_objects.push_back(object(oid, "A"));
  serve_objects(*f.target, {{"16400", "postgres", std::nullopt}, {"16401", "pgv_owner", "pgv_reader SELECT granted by pgv_owner"}},
                "41");
  auto result = f.run(checks::DataLargeObjects(), Phase::post);
  CHECK(result.status == Status::fail);
  CHECK(result.summary == "2 of 5002 large objects (5002 bytes) match the baseline; 5000 missing, 0 differ");
  REQUIRE(result.findings.size() == checks::FindingList::kLimit + 1);
  CHECK(result.findings.back().message == "and 4800 more like these, not listed");
}
