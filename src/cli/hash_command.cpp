#include "cli/hash_command.hpp"

#include <iostream>

#include "cli/progress.hpp"
#include "cli/table_listing.hpp"
#include "cli/usage_error.hpp"
#include "evidence/baseline.hpp"
#include "evidence/manifest.hpp"
#include "core/exit_codes.hpp"
#include "hash/table_hasher.hpp"
#include "json/strict.hpp"
#include "reports/reporter.hpp"
#include "text/quote.hpp"

namespace pgverify::cli {

TableListing hash_listing(const hash::DatabaseHash& result) {
  TableListing listing;
  listing.mode = std::string(to_string(result.mode));
  for (const auto& r : result.relations) {
    ListedTable table;
    table.name = r.relation.name;
    table.mode = listing.mode;
    if (r.relation.kind != hash::RelationKind::table) table.kind = std::string(to_string(r.relation.kind));
    table.placed_by = r.relation.placed_by;
    if (r.skipped.empty()) {
      table.digest = r.digest;
    } else {
      table.note = "(" + r.skipped + ")";
      table.in_json = false;
    }
    listing.tables.push_back(std::move(table));
  }
  if (result.large_objects_hashed) listing.large_objects = hash::summarize(result.large_objects);
  return listing;
}

std::string hash_json(const hash::DatabaseHash& result) {
  nlohmann::ordered_json root;
  add_listing_json(root, hash_listing(result));
  return json::write(root);
}

int run_hash_command(const HashCommandOptions& options) {
  hash::HashOptions hash_options;
  hash_options.mode = options.mode == "text" ? hash::Mode::text : hash::Mode::binary;
  hash_options.jobs = options.jobs;
  hash_options.filter.include = options.tables;
  // What reads alike on any two servers, so two outputs compare by hand.
  hash_options.output = hash::OutputSettings::canonical();
  if (!options.baseline.empty()) {
    Manifest baseline;
    try {
      baseline = read_manifest_of_any_tenant(options.baseline);
    } catch (const ManifestError& error) {
      throw UsageError(error.what());
    }
    read_like_baseline(baseline, hash_options);
  }
  // Large objects belong to no table: hashed when the whole database is.
  hash_options.large_objects = options.tables.empty();
  ProgressLine progress;
  if (progress.enabled())
    hash_options.on_progress = [&](const hash::Progress& p) {
      progress.update(p.tables_done, p.tables_total, "tables", p.bytes_read, p.bytes_estimated);
    };

  pg::LibpqConnector connector;
  hash::DatabaseHash result = hash::hash_database(connector, options.dsn, hash_options);
  progress.finish();

  if (!options.tables.empty() && result.relations.empty()) {
    std::cerr << "pgverify: error: no table matches --table";
    for (const auto& t : options.tables) std::cerr << " '" << text::printable(t) << "'";
    std::cerr << '\n';
    return to_int(ExitCode::usage);
  }

  if (options.json) {
    std::cout << hash_json(result) << '\n';
    return to_int(ExitCode::ok);
  }

  print_listing(std::cout, hash_listing(result));
  return to_int(ExitCode::ok);
}

}  // namespace pgverify::cli
