#pragma once

#include <string>
#include <vector>

#include "cli/table_listing.hpp"

namespace pgverify::hash {
struct DatabaseHash;
}

namespace pgverify::cli {

struct HashCommandOptions {
  std::string dsn;
  std::vector<std::string> tables;  // glob patterns on schema.table
  std::string mode = "binary";
  // A baseline manifest: read each table as post reads the target, with the
  // baseline's mode, settings and columns by name, so the output compares
  // with the baseline and with a hash of the other server taken alike.
  std::string baseline;
  int jobs = 1;
  bool json = false;
};

// `pgverify hash`: per-table row count and content hash of a live database.
int run_hash_command(const HashCommandOptions& options);

// What `hash --json` prints (without its final newline).
// A database's hashes for the listing pgverify dump verify shares.
TableListing hash_listing(const hash::DatabaseHash& result);

std::string hash_json(const hash::DatabaseHash& result);

}  // namespace pgverify::cli
