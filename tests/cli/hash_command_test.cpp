// `pgverify hash --json`: the bytes scripts compare, pinned by golden files.
#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>

#include "cli/hash_command.hpp"
#include "hash/table_hasher.hpp"
#include "support/golden.hpp"

using namespace pgverify;

namespace {

hash::RelationDigest relation(std::string name, hash::RelationKind kind, std::uint64_t rows, hash::uint128 sum) {
  hash::RelationDigest r;
  r.relation.name = std::move(name);
  r.relation.kind = kind;
  r.digest.rows = rows;
  r.digest.sum = sum;
  return r;
}

// Every kind, a name that needs escaping, one the restore places, one skipped,
// the largest row count an int64 holds, and large objects.
hash::DatabaseHash sample_hash() {
  hash::DatabaseHash result;
  result.mode = hash::Mode::binary;
  result.relations.push_back(relation("public.\"Odd \"\"name\"\"\"", hash::RelationKind::table, 3,
                                      (static_cast<hash::uint128>(0x0123456789abcdefull) << 64) | 0x1ull));
  result.relations.push_back(relation("public.café_表\\x", hash::RelationKind::table, 9223372036854775807ull, 42));
  result.relations.push_back(relation("public.orders", hash::RelationKind::partitioned, 5, 7));
  auto part = relation("public.orders_1", hash::RelationKind::partition, 5, 7);
  part.relation.placed_by = "public.orders";
  result.relations.push_back(part);
  auto view = relation("public.mv", hash::RelationKind::matview, 0, 0);
  view.skipped = "not populated";
  result.relations.push_back(view);
  result.relations.push_back(relation("public.esc\x1b[31m\ttab \xff", hash::RelationKind::matview, 1, 1));
  result.large_objects_hashed = true;
  hash::LargeObjectDigest object;
  object.oid = 4294967295u;
  object.size = 1ull << 40;
  object.hash = 5;
  result.large_objects.push_back(object);
  object.oid = 16385;
  object.size = 0;
  object.hash = 9;
  result.large_objects.push_back(object);
  return result;
}

}  // namespace

TEST_CASE("hash --json matches its golden files", "[cli][golden]") {
  testing::check_golden("cli/hash.json", cli::hash_json(sample_hash()) + "\n");
  hash::DatabaseHash empty;
  testing::check_golden("cli/hash-empty.json", cli::hash_json(empty) + "\n");
}

TEST_CASE("hash prints its table listing as its golden file shows", "[cli][golden]") {
  hash::DatabaseHash hashed = sample_hash();
  hash::RelationDigest skipped = hashed.relations.front();
  skipped.relation.name = "public.unreadable";
  skipped.skipped = "permission denied";
  hashed.relations.push_back(skipped);
  std::ostringstream out;
  cli::print_listing(out, cli::hash_listing(hashed));
  testing::check_golden("cli/hash.txt", out.str());
}
