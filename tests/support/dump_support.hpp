#pragma once

// Reading real archives in [server] tests: a live database's large objects as
// hash::hash_large_objects takes them, and the DumpError digest_dump must end in.

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "evidence/dump_digest.hpp"
#include "hash/large_objects.hpp"
#include "hash/table_hasher.hpp"
#include "pg/session.hpp"

namespace pgverify::testing {

// In one repeatable-read transaction, as hash_database reads them.
inline std::vector<hash::LargeObjectDigest> live_large_objects(const std::string& dsn) {
  pg::LibpqConnector connector;
  auto session = connector.connect(dsn);
  hash::prepare_session(*session, hash::OutputSettings::canonical());
  session->execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  auto objects = hash::hash_large_objects(*session);
  session->execute("COMMIT");
  return objects;
}

inline dump::DumpError digest_error(const std::filesystem::path& path, int jobs = 1) {
  DumpDigestOptions options;
  options.jobs = jobs;
  try {
    digest_dump(path, options);
  } catch (const dump::DumpError& e) {
    return e;
  }
  FAIL("expected a DumpError reading " << path);
  throw std::logic_error("unreachable");
}

// The error's kind, and a part of its one-line message.
inline void expect_errc(const dump::DumpError& e, dump::DumpErrc code, const std::string& part) {
  INFO(e.what());
  CHECK(to_string(e.code()) == to_string(code));
  CHECK_THAT(e.what(), Catch::Contains(part));
}

}  // namespace pgverify::testing
