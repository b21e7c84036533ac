#include "cli/table_listing.hpp"

#include <algorithm>

#include "reports/reporter.hpp"
#include "text/quote.hpp"

namespace pgverify::cli {

void print_listing(std::ostream& out, const TableListing& listing) {
  // Names come from the database or the archive: each on its one line, whatever it holds.
  std::vector<std::string> names;
  std::size_t width = 5;
  for (const auto& t : listing.tables) {
    names.push_back(text::printable(t.name));
    width = std::max(width, names.back().size());
  }
  out << "TABLE" << std::string(width - 5 + 2, ' ') << "ROWS        HASH (" << listing.mode << ")\n";
  for (std::size_t i = 0; i < listing.tables.size(); ++i) {
    const ListedTable& t = listing.tables[i];
    out << names[i] << std::string(width - names[i].size() + 2, ' ');
    if (!t.digest) {
      out << "-           " << t.note << '\n';
      continue;
    }
    const std::string rows = std::to_string(t.digest->rows);
    out << rows << std::string(rows.size() < 12 ? 12 - rows.size() : 1, ' ') << t.digest->hex();
    if (t.kind == "partitioned") out << "  (sum of partitions)";
    // A restore places these rows anew (an enum hashes by OID): compare the table above.
    if (!t.placed_by.empty()) out << "  (rows placed by the restore: compare " << text::printable(t.placed_by) << ")";
    out << '\n';
  }
  if (listing.large_objects) {
    const hash::LargeObjectSummary& objects = *listing.large_objects;
    out << "large objects: " << objects.count << " (" << objects.bytes << " bytes), hash " << objects.digest.hex()
        << '\n';
  }
}

void add_listing_json(nlohmann::ordered_json& root, const TableListing& listing) {
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  for (const ListedTable& t : listing.tables) {
    if (!t.in_json) continue;
    nlohmann::ordered_json entry;
    entry["table"] = reports::text_value(t.name);
    entry["rows"] = t.digest ? nlohmann::ordered_json(t.digest->rows) : nlohmann::ordered_json(nullptr);
    entry["hash"] = t.digest ? nlohmann::ordered_json(t.digest->hex()) : nlohmann::ordered_json(nullptr);
    entry["mode"] = t.mode;
    if (!t.kind.empty()) entry["kind"] = t.kind;
    if (!t.placed_by.empty()) entry["placed_by"] = reports::text_value(t.placed_by);
    tables.push_back(std::move(entry));
  }
  root["tables"] = std::move(tables);
  if (listing.large_objects) {
    const hash::LargeObjectSummary& objects = *listing.large_objects;
    root["large_objects"] = {{"count", objects.count}, {"bytes", objects.bytes}, {"hash", objects.digest.hex()}};
  }
}

}  // namespace pgverify::cli
