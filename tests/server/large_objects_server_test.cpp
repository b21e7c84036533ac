// Large objects hashed on real servers: superusers read pg_largeobject's pages,
// other roles lo_get; both must give each object's exact bytes (holes as
// zeros), and a pg_dump 17 -> pg_restore 18 round trip must hash alike.

#include <catch2/catch.hpp>

#include <xxhash.h>

#include "hash/large_objects.hpp"
#include "hash/table_hasher.hpp"
#include "support/dump_support.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;

namespace {

constexpr const char* objects_sql = R"SQL(
SELECT lo_from_bytea(424201, '');
SELECT lo_from_bytea(424202, '\x41');
SELECT lo_from_bytea(424203, decode(repeat('00ff7f80', 786432), 'hex'));  -- 3 MB
-- a sparse object: bytes at 0 and far beyond the first pages, a hole between
SELECT lo_from_bytea(424204, '\x0102');
SELECT lo_put(424204, 100000, '\x0304');
-- a page left short before the next one (written at 2040..2041, then 4100)
SELECT lo_from_bytea(424205, '\x');
SELECT lo_put(424205, 2040, '\xaabb');
SELECT lo_put(424205, 4100, '\xcc');
)SQL";

// The object's bytes as the server gives them whole, hashed here.
hash::uint128 expected_hash(const testing::ScratchDatabase& db, std::uint32_t oid, std::uint64_t& size) {
  pg::LibpqConnector connector;
  auto session = connector.connect(db.dsn());
  session->execute("SET bytea_output = hex");
  const std::string hex = session->query("SELECT lo_get($1::oid)", {std::to_string(oid)}).at(0, 0).value_or("");
  std::string bytes;
  for (std::size_t i = 2; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  size = bytes.size();
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return (static_cast<hash::uint128>(h.high64) << 64) | h.low64;
}

}  // namespace

TEST_CASE("large objects hash to their exact bytes through both read paths, and survive a restore",
          "[server][hash][large-objects]") {
  const auto& pg17 = real_server(17);
  const auto& pg18 = real_server(18);
  testing::ScratchDatabase source(pg17, "pgv_lo_src");
  source.exec(objects_sql);
  const std::string reader_role =
      "DO $$ BEGIN CREATE ROLE pgv_lo_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;";
  source.exec(reader_role + "GRANT SELECT ON LARGE OBJECT 424202, 424203, 424204, 424205 TO pgv_lo_reader;");

  const auto as_superuser = testing::live_large_objects(source.dsn());
  REQUIRE(as_superuser.size() == 5);
  for (const auto& object : as_superuser) {
    std::uint64_t size = 0;
    const hash::uint128 expected = expected_hash(source, object.oid, size);
    INFO("large object " << object.oid);
    CHECK(object.hash == expected);
    CHECK(object.size == size);
    CHECK(object.owner == "postgres");
  }
  CHECK(as_superuser[0].size == 0);
  CHECK(as_superuser[2].size == 3u * 1024 * 1024);
  CHECK(as_superuser[3].size == 100002);
  CHECK(as_superuser[4].size == 4101);
  CHECK(as_superuser[0].acl.empty());
  CHECK_THAT(as_superuser[1].acl, Catch::Contains("pgv_lo_reader SELECT granted by postgres"));

  SECTION("pgverify hash shows them, and leaves them out when --table picks tables") {
    auto whole = testing::run_pgverify({"hash", "--dsn", source.dsn(), "--json"});
    INFO(whole.err);
    REQUIRE(whole.exit_code == 0);
    const auto summary = hash::summarize(as_superuser);
    CHECK_THAT(whole.out, Catch::Contains("\"count\": 5") && Catch::Contains("\"bytes\": " + std::to_string(summary.bytes)) &&
                              Catch::Contains("\"hash\": \"" + summary.digest.hex() + "\""));
    source.exec("CREATE TABLE refs (id oid)");
    auto tables = testing::run_pgverify({"hash", "--dsn", source.dsn(), "--table", "public.refs"});
    CHECK(tables.exit_code == 0);
    CHECK_THAT(tables.out, !Catch::Contains("large objects"));
  }

  SECTION("a role that cannot read pg_largeobject gets the same digests through lo_get") {
    source.exec("GRANT SELECT ON LARGE OBJECT 424201 TO pgv_lo_reader;");
    auto expected = as_superuser;
    expected[0].acl = "pgv_lo_reader SELECT granted by postgres; postgres SELECT granted by postgres; "
                      "postgres UPDATE granted by postgres";
    const auto as_reader = testing::live_large_objects(source.dsn() + " user=pgv_lo_reader");
    CHECK(as_reader == expected);
  }

  SECTION("pg_dump 17 -> pg_restore 18 keeps every object's digest; one changed byte shows") {
    testing::ScratchDatabase target(pg18, "pgv_lo_dst");
    target.exec(reader_role);
    testing::TempDir dir("lo");
    const auto dump = dir.path() / "lo.dump";
    testing::run_ok({pg17.tool("pg_dump"), "-Fc", "-f", dump.string(), "-d", source.dsn()});
    testing::run_ok({pg18.tool("pg_restore"), "-d", target.dsn(), dump.string()});
    auto restored = testing::live_large_objects(target.dsn());
    CHECK(restored == as_superuser);
    CHECK(hash::summarize(restored).digest == hash::summarize(as_superuser).digest);

    target.exec("SELECT lo_put(424203, 1000000, '\\x01');");
    restored = testing::live_large_objects(target.dsn());
    REQUIRE(restored.size() == 5);
    CHECK(restored[2].hash != as_superuser[2].hash);
    CHECK(restored[2].size == as_superuser[2].size);
    CHECK_FALSE(hash::summarize(restored).digest == hash::summarize(as_superuser).digest);
  }
}
