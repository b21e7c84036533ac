#pragma once

// Fake servers that hold tables, for unit tests of the data checks: the
// catalog answers hash_database asks for and each table's text COPY rows.

#include <string>
#include <vector>

#include "evidence/manifest.hpp"
#include "hash/digest.hpp"
#include "support/fakes.hpp"

namespace pgverify::testing {

struct FakeTable {
  std::string name;  // public.t (unquoted is fine for simple names)
  std::vector<std::string> rows;  // text COPY lines, without the newline
};

inline void serve_tables(FakeServer& server, const std::vector<FakeTable>& tables) {
  // A source without privileges, publications or comments that a dump must
  // hold; first, as its query holds fragments the others answer.
  server.answer("pgverify inventory: dumpable extras", rows({{"0", "0", "0", "0", "0", "0", "0"}}));
  server.answer("server_encoding", rows({{"UTF8"}}));
  server.answer("current_setting('TimeZone')", rows({{"UTC"}}));
  server.answer("current_setting('bytea_output')", rows({{"hex"}}));
  std::vector<std::vector<pg::Cell>> relations, columns;
  int oid = 1000;
  for (const auto& t : tables) {
    const std::string id = std::to_string(oid++);
    relations.push_back({id, t.name, t.name, "r", "f", std::nullopt, "1", "8192", "t", std::nullopt});
    columns.push_back({id, "c", "f", "text"});
    std::vector<std::string> messages;
    for (const auto& r : t.rows) messages.push_back(r + "\n");
    server.copies.emplace_back("COPY " + t.name + " (c)", messages);
  }
  server.answer("c.relpersistence", rows(relations));
  server.answer("quote_ident(u.attname)", rows(columns));
  server.answer("pgverify large objects", rows({}));
}

// What pre would have recorded for the table, in text mode.
inline TableRecord baseline_record(const FakeTable& table) {
  hash::TableDigest digest;
  for (const auto& r : table.rows) digest.add_row(r.data(), r.size());
  TableRecord record;
  record.name = table.name;
  record.kind = "table";
  record.mode = "text";
  record.columns = {"c"};
  record.column_types = {"text"};
  record.rows = digest.rows;
  record.hash = digest.hex();
  return record;
}

inline Manifest baseline_of(const std::vector<FakeTable>& tables) {
  Manifest manifest;
  manifest.tenant = "demo";
  manifest.settings = {{"TimeZone", "UTC"}, {"bytea_output", "hex"}, {"client_encoding", "UTF8"}};
  for (const auto& t : tables) manifest.tables.push_back(baseline_record(t));
  return manifest;
}

}  // namespace pgverify::testing
