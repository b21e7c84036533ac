#include "cli/dump_command.hpp"

#include <filesystem>
#include <iostream>

#include "checks/dump_matches_source.hpp"
#include "cli/progress.hpp"
#include "cli/table_listing.hpp"
#include "evidence/dump_digest.hpp"
#include "core/exit_codes.hpp"
#include "hash/large_objects.hpp"
#include "hash/table_hasher.hpp"
#include "inventory/dump_extras.hpp"
#include "json/strict.hpp"
#include "pg/dsn_mask.hpp"
#include "dump/archive_header.hpp"
#include "cli/usage_error.hpp"
#include "reports/reporter.hpp"
#include "text/quote.hpp"

namespace pgverify::cli {

// A dump's tables as pgverify hash lists a live database's (text mode, as
// pg_dump read them), so the two compare by eye and by program.
TableListing dump_listing(const DumpDigest& digest) {
  TableListing listing;
  listing.mode = "text";
  for (const auto& t : digest.tables) {
    ListedTable table;
    table.name = t.name;
    // pg_dump --inserts: read to the end, but no rows to count or hash.
    if (t.as_statements) {
      table.mode = "inserts";
      table.note = "INSERT statements, not hashed";
    } else {
      table.mode = "text";
      table.digest = t.digest;
    }
    listing.tables.push_back(std::move(table));
  }
  listing.large_objects = hash::summarize(digest.large_objects);
  return listing;
}

namespace {

nlohmann::ordered_json header_json(const dump::ArchiveHeader& header) {
  nlohmann::ordered_json archive;
  archive["format"] = std::string(to_string(header.format));
  archive["archive_version"] = header.version ? header.version->str() : std::string();
  archive["compression"] = std::string(to_string(header.compression));
  archive["pg_dump_version"] = reports::text_value(header.pg_dump_version);
  archive["server_version"] = reports::text_value(header.server_version);
  archive["database"] = reports::text_value(header.database);
  archive["dump_time"] = reports::text_value(header.dump_time);
  return archive;
}

void print_header(const DumpDigest& digest) {
  // Everything below comes from the archive, which may be hostile: each on its one line.
  auto safe = [](std::string_view value) { return text::printable(value); };
  const dump::ArchiveHeader& h = digest.toc.header;
  std::cout << "archive:  " << to_string(h.format);
  if (h.version) std::cout << " " << h.version->str();
  std::cout << ", compression " << to_string(h.compression) << ", " << format_bytes(digest.bytes_total)
            << " read to the end\n";
  std::cout << "made by:  pg_dump " << (h.pg_dump_version.empty() ? "?" : safe(h.pg_dump_version))
            << " from PostgreSQL " << (h.server_version.empty() ? "?" : safe(h.server_version)) << "\n";
  if (!h.database.empty() || !h.dump_time.empty())
    std::cout << "database: " << (h.database.empty() ? "?" : safe(h.database))
              << (h.dump_time.empty() ? "" : ", dumped " + safe(h.dump_time)) << "\n";
  const std::size_t as_statements = digest.tables_as_statements();
  std::cout << "holds:    " << digest.toc.entries.size() << " TOC entries, " << digest.tables.size()
            << " tables with data"
            << (as_statements ? " (" + std::to_string(as_statements) + " as INSERT statements)" : std::string())
            << ", " << digest.rows() << " rows, " << digest.toc.extensions().size()
            << " extensions, " << digest.toc.sequences_set().size() << " sequence values\n\n";
  print_listing(std::cout, dump_listing(digest));
}

}  // namespace

std::string dump_verify_json(const DumpDigest& digest, const std::optional<CheckResult>& matched) {
  nlohmann::ordered_json root;
  root["archive"] = header_json(digest.toc.header);
  add_listing_json(root, dump_listing(digest));
  if (matched) root["matches_source"] = reports::check_value(*matched);
  return json::write(root);
}

int run_dump_verify(const DumpVerifyOptions& options) {
  // A wrong path is the caller's mistake (exit 2), found before anything reads
  // it: a FIFO would block the reader, /dev/zero never end.
  if (auto wrong = dump::validate_dump_path(options.path)) throw UsageError("dump verify: " + *wrong);
  // So is a connection string that cannot be used: say so before reading the dump, not after.
  if (options.against)
    if (auto why = pg::dsn_parse_error(*options.against))
      throw pg::InvalidDsn("--against: invalid connection string: " + *why);

  ProgressLine progress;
  DumpDigestOptions digest_options;
  digest_options.jobs = options.jobs;
  if (progress.enabled())
    digest_options.on_progress = [&](const dump::ReadProgress& p) {
      progress.update(p.tables_done, p.tables_total, "tables read", p.bytes_read, p.bytes_total);
    };
  std::optional<DumpDigest> digest;
  try {
    digest = digest_dump(options.path, digest_options);
  } catch (const dump::DumpError& e) {
    progress.finish();
    std::cerr << "pgverify: error: the dump cannot be read to its end: " << text::printable(e.what()) << '\n';
    return to_int(ExitCode::check_failed);
  }
  progress.finish();

  std::optional<CheckResult> matched;
  if (options.against) {
    // The comparison dump.matches-source makes, of this dump and database.
    hash::HashOptions hash_options;
    hash_options.jobs = options.jobs;
    hash_options = hashed_as_dumped(hash_options, digest->toc.encoding());
    ProgressLine hashing;
    if (hashing.enabled())
      hash_options.on_progress = [&](const hash::Progress& p) {
        hashing.update(p.tables_done, p.tables_total, "source tables hashed", p.bytes_read, p.bytes_estimated);
      };
    pg::LibpqConnector connector;
    const hash::DatabaseHash source = hash::hash_database(connector, *options.against, hash_options);
    hashing.finish();
    matched = checks::compare_dump_with_source(*digest, source, [&] {
      return inventory::count_dumpable_extras(*connector.connect(*options.against));
    });
    matched->id = std::string(checks::DumpMatchesSource().info().id);
  }

  if (options.json) {
    std::cout << dump_verify_json(*digest, matched) << '\n';
  } else {
    print_header(*digest);
    if (matched) {
      std::cout << "\nagainst " << pg::describe_dsn(*options.against) << ": " << to_string(matched->status) << ": "
                << reports::terminal_text(matched->summary) << '\n';
      for (const auto& f : matched->findings)
        std::cout << "  - " << text::printable(f.object) << ": "
                  << reports::terminal_text(f.message + " (expected " + f.expected + ", actual " + f.actual + ")", 4)
                  << "\n";
    }
  }
  if (matched && matched->status == Status::fail) return to_int(ExitCode::check_failed);
  // Tables it could not compare (INSERT statements) prove nothing: not 0.
  if (matched && matched->status == Status::error) return to_int(ExitCode::check_error);
  return to_int(ExitCode::ok);
}

}  // namespace pgverify::cli
