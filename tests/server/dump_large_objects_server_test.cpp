// Large objects in real archives: pg_dump 15, 16, 17 and 18 in custom, directory,
// tar and plain format with every compression each offers. Every object
// (empty, one byte, 3 MB, 64 kB of incompressible bytes, an OID beyond 2^31,
// several owners) must come out of the dump with the digest
// hash::hash_large_objects takes of it on the live source; each damage must
// end in its own DumpErrc; pg_restore 18 shows what it makes of the same damage.

#include <catch2/catch.hpp>

#include <fstream>

#include "checks/checks.hpp"
#include "checks/dump_matches_source.hpp"
#include "evidence/dump_digest.hpp"
#include "json/strict.hpp"
#include "hash/table_hasher.hpp"
#include "support/dump_support.hpp"
#include "support/servers.hpp"

using namespace pgverify;
using testing::real_server;
namespace fs = std::filesystem;

namespace {

constexpr const char* kRolesSql =
    "DO $$ BEGIN CREATE ROLE pgv_dr_lo_a; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
    "DO $$ BEGIN CREATE ROLE pgv_dr_lo_b; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;";

constexpr const char* kObjectsSql = R"SQL(
CREATE TABLE notes (id int, body text);
INSERT INTO notes VALUES (1, 'one'), (2, 'two');
SELECT lo_from_bytea(424201, '');
SELECT lo_from_bytea(424202, '\x41');
SELECT lo_from_bytea(424203, decode(repeat('00ff7f80', 786432), 'hex'));
SELECT lo_from_bytea(424204, (SELECT string_agg(decode(md5(g::text), 'hex'), ''::bytea) FROM generate_series(1, 4000) g));
SELECT lo_from_bytea(3000000000, '\x4243');
ALTER LARGE OBJECT 424202 OWNER TO pgv_dr_lo_a;
ALTER LARGE OBJECT 424204 OWNER TO pgv_dr_lo_a;
ALTER LARGE OBJECT 3000000000 OWNER TO pgv_dr_lo_b;
)SQL";

std::string describe(const std::vector<hash::LargeObjectDigest>& objects) {
  std::string out;
  for (const auto& o : objects)
    out += std::to_string(o.oid) + " " + std::to_string(o.size) + " " + o.hex() + " " + o.owner + "\n";
  return out;
}

struct Source {
  const testing::RealServer& server;
  testing::ScratchDatabase db;
  testing::TempDir dir;
  std::vector<hash::LargeObjectDigest> live;

  explicit Source(int major)
      : server(real_server(major)),
        db(server, "pgv_dr_lo_" + std::to_string(major)),
        dir("dump-lo-" + std::to_string(major)) {
    db.exec(kRolesSql);
    db.exec(kObjectsSql);
    live = testing::live_large_objects(db.dsn());
  }

  fs::path dump(const std::string& name, std::vector<std::string> args, bool through_pipe = false) {
    const fs::path path = dir.path() / name;
    if (through_pipe) {
      std::string joined;
      for (const auto& a : args) joined += " " + a;
      testing::run_ok({"sh", "-c", "\"$0\"" + joined + " -d \"$1\" | cat > \"$2\"", server.tool("pg_dump"), db.dsn(),
                       path.string()});
      return path;
    }
    args.insert(args.begin(), server.tool("pg_dump"));
    args.insert(args.end(), {"-f", path.string(), "-d", db.dsn()});
    testing::run_ok(args);
    return path;
  }
};

DumpDigest digest_of(const fs::path& path, int jobs = 1) {
  DumpDigestOptions options;
  options.jobs = jobs;
  return digest_dump(path, options);
}

dump::DumpError read_error(const fs::path& path, int jobs = 1) { return testing::digest_error(path, jobs); }

void expect(const dump::DumpError& e, dump::DumpErrc code, const std::string& part) { testing::expect_errc(e, code, part); }

exec::ProcessResult pg_restore_18(const std::vector<std::string>& args) {
  std::vector<std::string> argv{real_server(18).tool("pg_restore")};
  argv.insert(argv.end(), args.begin(), args.end());
  return exec::run_process(argv, std::chrono::minutes(2));
}

fs::path copy_of(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
  return to;
}

std::string read_all(const fs::path& path) { return testing::read_file(path); }

void write_all(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// The blobs TOC file of the BLOBS entry holding 424203: blobs.toc before pg_dump 17.
fs::path blobs_toc_of_424203(const fs::path& dir) {
  for (const auto& file : fs::directory_iterator(dir)) {
    const std::string name = file.path().filename().string();
    if (name.rfind("blobs", 0) == 0 && read_all(file.path()).find("424203 ") != std::string::npos) return file.path();
  }
  FAIL("no blobs TOC lists 424203 in " << dir);
  return {};
}

}  // namespace

TEST_CASE("large objects of real archives hash like the live source's, in every format and compression",
          "[server][dump][large-objects]") {
  const int major = GENERATE(15, 16, 17, 18);
  INFO("pg_dump " << major);
  Source s(major);
  REQUIRE(s.live.size() == 5);
  CHECK(s.live[0].size == 0);
  CHECK(s.live[2].size == 3u * 1024 * 1024);
  CHECK(s.live[4].oid == 3000000000u);
  CHECK(s.live[4].owner == "pgv_dr_lo_b");

  std::vector<std::pair<std::string, std::vector<std::string>>> cases{
      {"custom.dump", {"-Fc"}},       {"custom-none.dump", {"-Fc", "-Z", "0"}}, {"directory", {"-Fd"}},
      {"directory-none", {"-Fd", "-Z", "0"}}, {"archive.tar", {"-Ft"}},           {"plain.sql", {"-Fp"}},
  };
  if (major >= 16) {  // --compress=METHOD came with pg_dump 16
    for (const char* method : {"lz4", "zstd"}) {
      cases.push_back({std::string("custom-") + method + ".dump", {"-Fc", std::string("--compress=") + method}});
      cases.push_back({std::string("directory-") + method, {"-Fd", std::string("--compress=") + method}});
    }
    cases.push_back({"plain.sql.lz4", {"-Fp", "--compress=lz4"}});
  }
  for (const auto& [name, args] : cases) {
    INFO(name);
    const fs::path path = s.dump(name, args);
    for (int jobs : {1, 3}) {
      INFO("jobs " << jobs);
      DumpDigest digest;
      try {
        digest = digest_of(path, jobs);
      } catch (const dump::DumpError& e) {
        FAIL(e.what());
      }
      CHECK(digest.holds_large_objects);
      CHECK(describe(digest.large_objects) == describe(s.live));
      CHECK(digest.large_objects == s.live);  // acl is left empty; these objects have their owner's default
      REQUIRE(digest.table("public.notes"));
      CHECK(digest.table("public.notes")->digest.rows == 2);
    }
  }
  SECTION("written to a pipe: no data offsets, read in one pass") {
    const fs::path path = s.dump("pipe.dump", {"-Fc"}, true);
    CHECK(describe(digest_of(path, 2).large_objects) == describe(s.live));
  }
  SECTION("pg_dump -B: no large objects at all") {
    const DumpDigest digest = digest_of(s.dump("no-blobs.dump", {"-Fc", "-B"}));
    CHECK_FALSE(digest.holds_large_objects);
    CHECK(digest.large_objects.empty());
  }
}

TEST_CASE("damaged large objects in real archives end in their own DumpErrc; pg_restore 18 fails too, or loses them",
          "[server][dump][large-objects]") {
  const int major = GENERATE(15, 18);
  INFO("pg_dump " << major);
  Source s(major);
  using dump::DumpErrc;

  SECTION("a custom archive cut inside a large object") {
    const fs::path whole = s.dump("whole.dump", {"-Fc"});
    const std::string bytes = read_all(whole);
    const fs::path cut = s.dir.path() / "cut.dump";
    // pg_dump writes the BLOBS blocks last: the last object's end of chunks and
    // the block's OID 0 are the final 10 bytes.
    write_all(cut, bytes.substr(0, bytes.size() - 7));
    expect(read_error(cut), DumpErrc::truncated, "of large object ");
    CHECK(pg_restore_18({"-f", "/dev/null", cut.string()}).exit_code != 0);
  }
  SECTION("a directory archive without a blob file") {
    const fs::path dir = copy_of(s.dump("directory", {"-Fd"}), s.dir.path() / "lost-file");
    fs::remove(dir / "blob_424203.dat.gz");
    expect(read_error(dir), DumpErrc::missing_large_object_file, "large object 424203");
    CHECK(pg_restore_18({"-f", "/dev/null", dir.string()}).exit_code != 0);
  }
  SECTION("a directory archive without its blobs TOC (blobs.toc, blobs_NNN.toc from pg_dump 17)") {
    const fs::path dir = copy_of(s.dump("directory", {"-Fd"}), s.dir.path() / "lost-toc");
    const fs::path list = blobs_toc_of_424203(dir);
    if (major < 17) CHECK(list.filename() == "blobs.toc");
    else CHECK(list.filename().string().rfind("blobs_", 0) == 0);
    fs::remove(list);
    expect(read_error(dir, 2), DumpErrc::missing_large_object_toc, list.filename().string());
    const auto restored = pg_restore_18({"-f", "/dev/null", dir.string()});
    CHECK(restored.exit_code != 0);
    CHECK_THAT(restored.err, Catch::Contains("could not open large object TOC file"));
  }
  SECTION("a blobs TOC line that does not parse, an object listed twice, an OID of 0") {
    const fs::path dir = copy_of(s.dump("directory", {"-Fd"}), s.dir.path() / "bad-lines");
    const fs::path list = blobs_toc_of_424203(dir);
    const std::string text = read_all(list);
    write_all(list, text + "not a line\n");
    expect(read_error(dir), DumpErrc::bad_large_object_toc_line, "\"not a line\"");
    const auto restored = pg_restore_18({"-f", "/dev/null", dir.string()});
    CHECK(restored.exit_code != 0);
    CHECK_THAT(restored.err, Catch::Contains("invalid line in large object TOC file"));
    write_all(list, text + "424203 blob_424203.dat\n");
    expect(read_error(dir), DumpErrc::duplicate_large_object, "large object 424203 is stored twice");
    write_all(list, text + "0 blob_424203.dat\n");
    expect(read_error(dir), DumpErrc::bad_large_object_oid, "names large object \"0\"");
    write_all(list, text + "4294967296 blob_424203.dat\n");
    expect(read_error(dir), DumpErrc::bad_large_object_oid, "\"4294967296\"");
  }
  SECTION("a line lost from the blobs TOC: pg_restore 18 exits 0 and restores the object empty") {
    const fs::path dir = copy_of(s.dump("directory", {"-Fd"}), s.dir.path() / "lost-line");
    const fs::path list = blobs_toc_of_424203(dir);
    std::string text = read_all(list);
    const auto at = text.find("424203 ");
    text.erase(at, text.find('\n', at) + 1 - at);
    write_all(list, text);
    expect(read_error(dir), DumpErrc::missing_large_object, "large object 424203 is listed by entry");
    const auto restored = pg_restore_18({"-f", "-", dir.string()});
    CHECK(restored.exit_code == 0);
    CHECK_THAT(restored.out, Catch::Contains("lo_create('424203')"));
    CHECK_THAT(restored.out, !Catch::Contains("lo_open('424203'"));
  }
  SECTION("a blob file cut short") {
    const fs::path dir = copy_of(s.dump("directory", {"-Fd"}), s.dir.path() / "cut-file");
    const std::string gz = read_all(dir / "blob_424204.dat.gz");
    write_all(dir / "blob_424204.dat.gz", gz.substr(0, gz.size() / 2));
    expect(read_error(dir), DumpErrc::incomplete_compressed_stream, "large object 424204");
  }
  SECTION("a tar archive without a blob member: pg_restore 18 exits 0 and loses the object") {
    const fs::path tar = s.dump("archive.tar", {"-Ft"});
    std::string bytes = read_all(tar);
    // Rename the member: the archive stays a valid tar, the object's bytes are gone.
    const std::string member = "blob_424203.dat";
    auto at = bytes.find(member);
    REQUIRE(at != std::string::npos);
    REQUIRE(at % 512 == 0);
    bytes.replace(at, member.size(), "zzzz_424203.dat");
    unsigned long sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(bytes[at + i]);
    char checksum[8];
    std::snprintf(checksum, sizeof checksum, "%06lo", sum);
    bytes.replace(at + 148, 7, std::string(checksum, 6) + '\0');
    const fs::path damaged = s.dir.path() / "no-member.tar";
    write_all(damaged, bytes);
    expect(read_error(damaged), DumpErrc::missing_large_object_member, "\"blob_424203.dat\" holding the data of large object 424203");
    const auto restored = pg_restore_18({"-f", "-", damaged.string()});
    CHECK(restored.exit_code == 0);
    CHECK_THAT(restored.out, !Catch::Contains("lo_open('424203'"));
  }
}

TEST_CASE("dump.matches-source compares large objects: -B fails, changed bytes and owners are named",
          "[server][dump-checks][large-objects]") {
  Source s(17);
  TenantConfig tenant;
  tenant.name = "demo";
  tenant.source_dsn = s.db.dsn();
  pg::LibpqConnector connector;
  exec::SystemToolRunner tools;
  auto run = [&](const fs::path& path, auto check) {
    Context context{Phase::pre, tenant, connector, tools, path, nullptr};
    return check.run(context);
  };
  auto findings = [](const CheckResult& r) {
    std::string out;
    for (const auto& f : r.findings) out += f.object + ": " + f.message + "\n";
    return out;
  };

  const fs::path whole = s.dump("whole.dump", {"-Fc"});
  const auto readable = run(whole, checks::DumpReadable());
  CHECK(readable.status == Status::pass);
  CHECK_THAT(readable.summary, Catch::Contains("2 rows, 5 large objects (3.0 MB)"));
  const auto matches = run(whole, checks::DumpMatchesSource());
  INFO(findings(matches));
  CHECK(matches.status == Status::pass);
  CHECK(matches.summary ==
        "1 of 1 source tables are in the dump with the same rows (text mode), 5 of 5 source large objects with the "
        "same bytes");

  SECTION("a dump taken with -B") {
    const auto result = run(s.dump("no-blobs.dump", {"-Fc", "-B"}), checks::DumpMatchesSource());
    CHECK(result.status == Status::fail);
    CHECK_THAT(result.summary, Catch::EndsWith("0 large objects differ, 5 large objects missing"));
    CHECK(findings(result) ==
          "large objects: the dump holds none of the source's 5 large objects (was it taken with pg_dump -B / "
          "--no-large-objects?)\n");
  }
  SECTION("the source changed after the dump") {
    s.db.exec("SELECT lo_put(424203, 1000, '\\xffff'); ALTER LARGE OBJECT 424201 OWNER TO pgv_dr_lo_b;"
              "SELECT lo_from_bytea(424299, 'new'); SELECT lo_unlink(424202);");
    const auto result = run(whole, checks::DumpMatchesSource());
    CHECK(result.status == Status::fail);
    CHECK(findings(result) ==
          "large object 424201: the dump records another owner than the source has\n"
          "large object 424202: the dump holds a large object the live source does not have\n"
          "large object 424203: the dump holds as many bytes as the source, but different ones\n"
          "large object 424299: the large object is not in the dump\n");
    CHECK_THAT(result.summary, Catch::EndsWith("2 large objects differ, 1 large objects missing"));
  }
  SECTION("pgverify dump verify prints them, and --against compares them") {
    const auto json = testing::run_pgverify({"dump", "verify", whole.string(), "--json"});
    REQUIRE(json.exit_code == 0);
    const nlohmann::ordered_json root = json::parse(json.out);
    const nlohmann::ordered_json& objects = root.at("large_objects");
    CHECK(objects.at("count") == 5);
    CHECK(objects.at("bytes") == hash::summarize(s.live).bytes);
    CHECK(objects.at("hash") == hash::summarize(s.live).digest.hex());
    const auto console = testing::run_pgverify({"dump", "verify", whole.string(), "--against", s.db.dsn()});
    CHECK(console.exit_code == 0);
    const hash::LargeObjectSummary live = hash::summarize(s.live);
    CHECK_THAT(console.out, Catch::Contains("large objects: 5 (" + std::to_string(live.bytes) + " bytes), hash " +
                                            live.digest.hex()));
    CHECK_THAT(console.out, Catch::Contains("5 of 5 source large objects with the same bytes"));
  }
}
