#include <catch2/catch.hpp>

#include <string>

#include "hash/catalog.hpp"
#include "hash/table_hasher.hpp"
#include "support/fakes.hpp"

using namespace pgverify;

TEST_CASE("table digests add up in any order and print as 32 hex digits", "[hash]") {
  hash::TableDigest forward, backward, halves, second_half;
  const std::vector<std::string> rows = {"a", "b", "c", "", "a"};
  for (const auto& r : rows) forward.add_row(r.data(), r.size());
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) backward.add_row(it->data(), it->size());
  for (std::size_t i = 0; i < 2; ++i) halves.add_row(rows[i].data(), rows[i].size());
  for (std::size_t i = 2; i < rows.size(); ++i) second_half.add_row(rows[i].data(), rows[i].size());
  halves += second_half;
  CHECK(forward == backward);
  CHECK(forward == halves);
  CHECK(forward.rows == 5);
  CHECK(forward.hex().size() == 32);
  CHECK(hash::TableDigest::parse_hex(forward.hex()) == forward.sum);
  CHECK_FALSE(hash::TableDigest::parse_hex("xyz"));
  CHECK_FALSE(hash::TableDigest::parse_hex(std::string(32, 'G')));
  CHECK(hash::TableDigest{}.hex() == std::string(32, '0'));

  hash::TableDigest other;
  for (const auto& r : std::vector<std::string>{"a", "b", "c", "", "b"}) other.add_row(r.data(), r.size());
  CHECK_FALSE(forward == other);
}

TEST_CASE("text rows are hashed without their newline", "[hash]") {
  hash::TextRowHasher hasher;
  hasher.on_copy_data("1\tx\n", 4);
  hash::TableDigest expected;
  expected.add_row("1\tx", 3);
  CHECK(hasher.digest == expected);
}

TEST_CASE("binary COPY data: header and trailer are skipped, field counts checked", "[hash]") {
  const std::string header = std::string("PGCOPY\n\377\r\n\0", 11) + std::string(8, '\0');
  const std::string row = std::string("\0\1\0\0\0\1x", 7);
  const std::string trailer = "\xff\xff";
  hash::TableDigest expected;
  expected.add_row(row.data(), row.size());

  hash::BinaryRowHasher first_row_carries_header(1);
  std::string first = header + row;
  first_row_carries_header.on_copy_data(first.data(), first.size());
  first_row_carries_header.on_copy_data(trailer.data(), trailer.size());
  CHECK(first_row_carries_header.digest == expected);

  hash::BinaryRowHasher empty_table(1);
  std::string only = header + trailer;
  empty_table.on_copy_data(only.data(), only.size());
  CHECK(empty_table.digest.rows == 0);

  hash::BinaryRowHasher no_signature(1);
  CHECK_THROWS_WITH(no_signature.on_copy_data(row.data(), row.size()),
                    "binary COPY data does not start with the PGCOPY signature");
  hash::BinaryRowHasher wrong_width(2);
  CHECK_THROWS_WITH(wrong_width.on_copy_data(first.data(), first.size()),
                    "binary COPY row has 1 fields, expected 2");
}

TEST_CASE("table filters are globs on schema.table", "[hash]") {
  CHECK(hash::glob_match("public.*", "public.messages"));
  CHECK_FALSE(hash::glob_match("public.*", "audit.messages"));
  CHECK(hash::glob_match("*.log_??", "audit.log_01"));
  CHECK_FALSE(hash::glob_match("*.log_??", "audit.log_1"));
  CHECK(hash::glob_match("*", ""));
  CHECK(hash::glob_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(hash::glob_match("a*b*c", "aXXbYY"));
  hash::TableFilter filter{{"public.*"}, {"public.tmp_*"}};
  CHECK(filter.matches("public.messages"));
  CHECK_FALSE(filter.matches("public.tmp_x"));
  CHECK_FALSE(filter.matches("other.messages"));
  CHECK(hash::TableFilter{}.matches("anything.at_all"));
  // A name copied from a report, quoted as PostgreSQL needs it, selects its table.
  hash::TableFilter quoted{{"public.\"Odd Name\""}, {}};
  CHECK(quoted.matches("public.Odd Name", "public.\"Odd Name\""));
  CHECK_FALSE(quoted.matches("public.Odd Name2", "public.\"Odd Name2\""));
  CHECK(hash::TableFilter{{"public.Odd Name"}, {}}.matches("public.Odd Name", "public.\"Odd Name\""));
}

TEST_CASE("COPY statements read what pg_dump reads", "[hash]") {
  hash::RelationSpec table;
  table.name = "public.\"Messages\"";
  table.columns = {{"id", false}, {"moods", true}, {"e", false}};
  CHECK(hash::copy_statement(table, hash::Mode::text) == "COPY public.\"Messages\" (id, moods, e) TO STDOUT");
  CHECK(hash::copy_statement(table, hash::Mode::binary) ==
        "COPY (SELECT id, moods::text, e FROM ONLY public.\"Messages\") TO STDOUT (FORMAT binary)");
  CHECK(hash::copy_statement(table, hash::Mode::text, 8, 16, true) ==
        "COPY (SELECT id, moods, e FROM ONLY public.\"Messages\" WHERE ctid >= '(8,0)'::pg_catalog.tid AND "
        "ctid < '(16,0)'::pg_catalog.tid) TO STDOUT");
  CHECK(hash::copy_statement(table, hash::Mode::text, 16, 0, true) ==
        "COPY (SELECT id, moods, e FROM ONLY public.\"Messages\" WHERE ctid >= '(16,0)'::pg_catalog.tid) TO STDOUT");
  hash::RelationSpec no_columns;
  no_columns.name = "public.empty";
  CHECK(hash::copy_statement(no_columns, hash::Mode::text) == "COPY public.empty TO STDOUT");
  CHECK(hash::hashed_columns(table, hash::Mode::binary) == std::vector<std::string>{"id", "moods::text", "e"});
  CHECK(hash::hashed_columns(table, hash::Mode::text) == std::vector<std::string>{"id", "moods", "e"});
}

TEST_CASE("an extension's configuration table is read as pg_dump reads it, with its condition", "[hash]") {
  hash::RelationSpec config;
  config.name = "public.spatial_ref_sys";
  config.columns = {{"srid", false, "integer"}, {"auth_name", false, "character varying(256)"}};
  config.extension_config = true;
  config.filter = "WHERE NOT (srid BETWEEN 2000 AND 2180)";
  CHECK(hash::copy_statement(config, hash::Mode::text) ==
        "COPY (SELECT srid, auth_name FROM public.spatial_ref_sys WHERE NOT (srid BETWEEN 2000 AND 2180)) TO STDOUT");
  config.filter.clear();
  CHECK(hash::copy_statement(config, hash::Mode::binary) ==
        "COPY (SELECT srid, auth_name FROM public.spatial_ref_sys) TO STDOUT (FORMAT binary)");
}

TEST_CASE("the target is read with the baseline's columns, by name and in the baseline's order", "[hash]") {
  // pg_restore gives an inheritance child its parent's columns first.
  hash::RelationSpec child;
  child.name = "public.child";
  child.columns = {{"id", false, "integer"}, {"label", false, "text"}, {"note", false, "text"},
                   {"acl", true, "aclitem"}};
  const auto plan = hash::plan_from_select_list({"note", "label", "acl::text", "id"},
                                                {"text", "text", "aclitem", "bigint"});
  SECTION("the same columns in another order") {
    hash::apply_column_plan(child, plan);
    CHECK(hash::hashed_columns(child, hash::Mode::binary) ==
          std::vector<std::string>{"note", "label", "acl::text", "id"});
    CHECK(child.missing_columns.empty());
    CHECK(child.extra_columns.empty());
    CHECK(child.changed_types == std::vector<std::string>{"id: bigint in the baseline, integer here"});
  }
  SECTION("a column missing, another added") {
    child.columns.erase(child.columns.begin() + 2);  // note
    child.columns.push_back({"added", false, "text"});
    hash::apply_column_plan(child, plan);
    CHECK(child.missing_columns == std::vector<std::string>{"note"});
    CHECK(child.extra_columns == std::vector<std::string>{"added"});
    CHECK(hash::hashed_columns(child, hash::Mode::text) == std::vector<std::string>{"label", "acl", "id"});
  }
}

TEST_CASE("tables are split in ctid ranges by their data, TOAST included", "[hash]") {
  hash::HashOptions options;  // 128 MB ranges; tables of 32 MB or more split at least `jobs` ways
  hash::RelationSpec relation;
  constexpr std::uint64_t mb = 1024 * 1024;
  SECTION("a vector table: small heap, most of it in TOAST") {
    relation.pages = 5130;
    relation.bytes = 397 * mb;
    CHECK(hash::ctid_ranges(relation, 1, options) == 1);
    CHECK(hash::ctid_ranges(relation, 2, options) == 4);
    CHECK(hash::ctid_ranges(relation, 8, options) == 8);
  }
  SECTION("a mid-sized table is split once per connection") {
    relation.pages = 6000;
    relation.bytes = 48 * mb;
    CHECK(hash::ctid_ranges(relation, 2, options) == 2);
    CHECK(hash::ctid_ranges(relation, 3, options) == 3);
  }
  SECTION("a small table is read whole") {
    relation.pages = 100;
    relation.bytes = 800 * 1024;
    CHECK(hash::ctid_ranges(relation, 4, options) == 1);
  }
  SECTION("never more ranges than heap pages") {
    relation.pages = 3;
    relation.bytes = 1024 * mb;
    CHECK(hash::ctid_ranges(relation, 2, options) == 3);
    relation.pages = 1;
    CHECK(hash::ctid_ranges(relation, 2, options) == 1);
  }
}

TEST_CASE("a column the server refuses to send is named with its table", "[hash]") {
  auto server = std::make_shared<testing::FakeServer>();
  server->answer("server_encoding", testing::rows({{"UTF8"}}));
  server->answer("current_setting('TimeZone')", testing::rows({{"UTC"}}));
  server->answer("c.relpersistence",
                 testing::rows({{"1000", "public.gadgets", "public.gadgets", "r", "f", std::nullopt, "1", "8192", "t",
                                 std::nullopt}}));
  server->answer("quote_ident(u.attname)",
                 testing::rows({{"1000", "id", "f", "integer"}, {"1000", "w", "f", "public.widget"}}));
  server->copy_errors.emplace_back("public.gadgets",
                                   "ERROR:  no binary output function available for type public.widget");
  testing::FakeConnector connector;
  connector.add("host=fake", server);
  hash::HashOptions options;
  options.mode = hash::Mode::binary;
  options.output = hash::OutputSettings::canonical();
  CHECK_THROWS_WITH(hash::hash_database(connector, "host=fake", options),
                    Catch::Contains("cannot read table public.gadgets in binary mode; the server names column w "
                                    "(public.widget)") &&
                        Catch::Contains("no binary output function available for type public.widget"));
}
