#include "cli/hash_command.hpp"

#include <iostream>

#include "cli/progress.hpp"
#include "cli/usage_error.hpp"
#include "evidence/baseline.hpp"
#include "evidence/manifest.hpp"
#include "core/exit_codes.hpp"
#include "hash/table_hasher.hpp"
#include "json/strict.hpp"
#include "reports/reporter.hpp"
#include "text/quote.hpp"

namespace pgverify::cli {

std::string hash_json(const hash::DatabaseHash& result) {
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  for (const auto& r : result.relations) {
    if (!r.skipped.empty()) continue;
    nlohmann::ordered_json entry;
    entry["table"] = reports::text_value(r.relation.name);
    entry["rows"] = r.digest.rows;
    entry["hash"] = r.digest.hex();
    entry["mode"] = std::string(to_string(result.mode));
    if (r.relation.kind != hash::RelationKind::table) entry["kind"] = std::string(to_string(r.relation.kind));
    if (!r.relation.placed_by.empty()) entry["placed_by"] = reports::text_value(r.relation.placed_by);
    tables.push_back(std::move(entry));
  }
  nlohmann::ordered_json root;
  root["tables"] = std::move(tables);
  if (result.large_objects_hashed) {
    const hash::LargeObjectSummary summary = hash::summarize(result.large_objects);
    root["large_objects"] = {{"count", summary.count}, {"bytes", summary.bytes}, {"hash", summary.digest.hex()}};
  }
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

  // Names come from the database: each on its one line, whatever it holds.
  std::vector<std::string> names;
  std::size_t width = 5;
  for (const auto& r : result.relations) {
    names.push_back(text::printable(r.relation.name));
    width = std::max(width, names.back().size());
  }
  std::cout << "TABLE" << std::string(width - 5 + 2, ' ') << "ROWS        HASH ("
            << to_string(result.mode) << ")\n";
  for (std::size_t i = 0; i < result.relations.size(); ++i) {
    const auto& r = result.relations[i];
    std::string rows = std::to_string(r.digest.rows);
    std::cout << names[i] << std::string(width - names[i].size() + 2, ' ');
    if (!r.skipped.empty()) {
      std::cout << "-           (" << r.skipped << ")\n";
      continue;
    }
    std::cout << rows << std::string(rows.size() < 12 ? 12 - rows.size() : 1, ' ') << r.digest.hex();
    if (r.relation.kind == hash::RelationKind::partitioned) std::cout << "  (sum of partitions)";
    // A restore places these rows anew (an enum hashes by OID): compare the table above.
    if (!r.relation.placed_by.empty())
      std::cout << "  (rows placed by the restore: compare " << text::printable(r.relation.placed_by) << ")";
    std::cout << '\n';
  }
  if (result.large_objects_hashed) {
    const hash::LargeObjectSummary summary = hash::summarize(result.large_objects);
    std::cout << "large objects: " << summary.count << " (" << summary.bytes << " bytes), hash "
              << summary.digest.hex() << '\n';
  }
  return to_int(ExitCode::ok);
}

}  // namespace pgverify::cli
