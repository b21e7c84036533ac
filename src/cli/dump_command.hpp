#pragma once

#include <optional>
#include <string>

#include "cli/table_listing.hpp"
#include "core/result.hpp"

namespace pgverify {
struct DumpDigest;
}

namespace pgverify::cli {

struct DumpVerifyOptions {
  std::string path;
  std::optional<std::string> against;  // a live source DSN to compare with
  int jobs = 1;
  bool json = false;
};

// `pgverify dump verify`: reads a pg_dump archive to its end and prints what it
// holds (per-table rows and text-mode hashes); with --against, compares them
// with the live database as dump.matches-source does. Exit 0 readable (and
// matching), 1 unreadable or different, 2 usage, 3 the database could not be read.
int run_dump_verify(const DumpVerifyOptions& options);

// A dump's tables for the listing pgverify hash shares.
TableListing dump_listing(const DumpDigest& digest);

// What `dump verify --json` prints (without its final newline); `matched` is
// the --against comparison, when there was one.
std::string dump_verify_json(const DumpDigest& digest, const std::optional<CheckResult>& matched);

}  // namespace pgverify::cli
