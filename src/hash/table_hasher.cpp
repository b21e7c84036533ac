#include "hash/table_hasher.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include "exec/workers.hpp"
#include "hash/binary_copy.hpp"

namespace pgverify::hash {

namespace {

using detail::kBinarySignature;
using detail::kBinarySignatureSize;
using detail::read_be32;

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// One COPY to run: a whole relation or a ctid range of it.
struct WorkUnit {
  std::size_t relation = 0;  // index into the relations
  std::string sql;
  std::uint64_t weight = 0;  // bytes, for scheduling the largest first
  bool last_of_relation = false;
};

// Counts bytes for progress without an atomic operation per row.
class CountingSink final : public pg::CopySink {
 public:
  CountingSink(pg::CopySink& inner, std::atomic<std::uint64_t>& bytes) : m_inner(inner), m_bytes(bytes) {}
  ~CountingSink() override { flush(); }
  CountingSink(const CountingSink&) = delete;
  CountingSink& operator=(const CountingSink&) = delete;
  void on_copy_data(const char* data, std::size_t size) override {
    m_inner.on_copy_data(data, size);
    m_pending += size;
    if (m_pending >= (1u << 20)) flush();
  }
  void flush() {
    m_bytes.fetch_add(m_pending, std::memory_order_relaxed);
    m_pending = 0;
  }

 private:
  pg::CopySink& m_inner;
  std::atomic<std::uint64_t>& m_bytes;
  std::uint64_t m_pending = 0;
};

// "table public.t (column c of type ks_nosend?): ERROR ...": the table, and
// the columns whose type the server's message names, so a user knows which
// column to exclude or report.
std::string describe_read_failure(const RelationSpec& relation, Mode mode, const std::string& message) {
  std::string suspects;
  for (const auto& column : relation.columns) {
    std::string type = column.type.substr(0, column.type.find('('));
    if (type.empty() || message.find(type) == std::string::npos) continue;
    suspects += (suspects.empty() ? "" : ", ") + column.ident + " (" + column.type + ")";
  }
  return "cannot read " + std::string(to_string(relation.kind)) + " " + relation.name + " in " +
         std::string(to_string(mode)) + " mode" + (suspects.empty() ? "" : "; the server names column " + suspects) +
         ": " + message;
}

}  // namespace

void TextRowHasher::on_copy_data(const char* data, std::size_t size) {
  // A text COPY row ends in a newline; the row is what comes before it.
  if (size && data[size - 1] == '\n') --size;
  digest.add_row(data, size);
}

void BinaryRowHasher::on_copy_data(const char* data, std::size_t size) {
  if (!m_header_seen) {
    // The file header rides in the first message: signature, flags, extension area.
    if (size < kBinarySignatureSize + 8 || std::memcmp(data, kBinarySignature, kBinarySignatureSize) != 0)
      throw pg::PgError("binary COPY data does not start with the PGCOPY signature");
    std::uint32_t extension = read_be32(data + kBinarySignatureSize + 4);
    std::size_t header = kBinarySignatureSize + 8 + extension;
    if (header > size) throw pg::PgError("binary COPY header is longer than its message");
    m_header_seen = true;
    data += header;
    size -= header;
    if (size == 0) return;
  }
  if (size == 2 && static_cast<unsigned char>(data[0]) == 0xFF && static_cast<unsigned char>(data[1]) == 0xFF) {
    m_trailer_seen = true;
    return;
  }
  if (m_trailer_seen) throw pg::PgError("binary COPY data continues after its trailer");
  if (size < 2) throw pg::PgError("binary COPY row shorter than its field count");
  std::size_t fields = (static_cast<std::size_t>(static_cast<unsigned char>(data[0])) << 8) |
                       static_cast<unsigned char>(data[1]);
  if (fields != m_columns)
    throw pg::PgError("binary COPY row has " + std::to_string(fields) + " fields, expected " +
                      std::to_string(m_columns));
  digest.add_row(data, size);
}

std::vector<std::pair<std::string, std::string>> prepare_session(pg::Session& session, const OutputSettings& output) {
  // What pg_dump sets before it reads data (pg_dump.c, setup_connection), so a
  // live table hashes like its rows inside a dump; TimeZone, bytea_output and
  // client_encoding, which pg_dump inherits or takes from -E, as `output` says.
  auto current = [&](const char* name) {
    return session.query(std::string("SELECT pg_catalog.current_setting('") + name + "')").at(0, 0).value_or("");
  };
  const std::string encoding = output.client_encoding.empty() ? current("server_encoding") : output.client_encoding;
  const std::string zone = output.time_zone.empty() ? current("TimeZone") : output.time_zone;
  const std::string bytea = output.bytea_output.empty() ? current("bytea_output") : output.bytea_output;
  session.execute(
      "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; "
      "SELECT pg_catalog.set_config('search_path', '', false); SET row_security = off; SET statement_timeout = 0; "
      "SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET synchronize_seqscans = off; "
      "SET bytea_output = " + quote_literal(bytea) + "; SET client_encoding = " + quote_literal(encoding) +
      "; SET TimeZone = " + quote_literal(zone));
  return {{"TimeZone", zone},
          {"bytea_output", bytea},
          {"client_encoding", encoding},
          {"extra_float_digits", "3"},
          {"DateStyle", "ISO"},
          {"IntervalStyle", "postgres"}};
}

std::uint64_t ctid_ranges(const RelationSpec& relation, int jobs, const HashOptions& options) {
  if (jobs <= 1 || relation.pages < 2) return 1;
  constexpr std::uint64_t page_size = 8192;
  const std::uint64_t chunk_bytes = std::max<std::uint64_t>(1, options.chunk_pages) * page_size;
  std::uint64_t ranges = (relation.bytes + chunk_bytes - 1) / chunk_bytes;
  if (relation.bytes >= options.split_min_pages * page_size)
    ranges = std::max<std::uint64_t>(ranges, static_cast<std::uint64_t>(jobs));
  return std::clamp<std::uint64_t>(ranges, 1, relation.pages);
}

DatabaseHash hash_database(pg::Connector& connector, const std::string& dsn, const HashOptions& options) {
  const int jobs = std::max(1, options.jobs);
  DatabaseHash result;
  result.mode = options.mode;

  auto coordinator = connector.connect(dsn);
  result.settings = prepare_session(*coordinator, options.output);
  // The workers apply exactly what the coordinator did.
  const OutputSettings applied{result.settings[0].second, result.settings[1].second, result.settings[2].second};
  // One snapshot for everything: REPEATABLE READ here, exported to the workers.
  coordinator->execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  std::string snapshot;
  if (jobs > 1)
    snapshot = coordinator->query("SELECT pg_catalog.pg_export_snapshot()").at(0, 0).value_or("");

  std::vector<RelationSpec> relations = discover_relations(*coordinator, options.filter);
  for (RelationSpec& relation : relations)
    if (auto plan = options.column_plans.find(relation.name); plan != options.column_plans.end())
      apply_column_plan(relation, plan->second);
  const bool tid_range_scans = coordinator->server_version_num() >= 140000;
  std::vector<WorkUnit> units;
  Progress progress;
  for (std::size_t i = 0; i < relations.size(); ++i) {
    const RelationSpec& relation = relations[i];
    if (relation.kind == RelationKind::partitioned || !relation.populated) continue;
    ++progress.tables_total;
    progress.bytes_estimated += relation.bytes;
    // Before PostgreSQL 14 a ctid range is a filter on a whole sequential
    // scan, so each range would read the entire table: whole tables only.
    // An extension configuration table is read whole, with its condition.
    const std::uint64_t ranges =
        tid_range_scans && !relation.extension_config ? ctid_ranges(relation, jobs, options) : 1;
    if (ranges > 1) {
      const std::uint64_t step = (relation.pages + ranges - 1) / ranges;
      for (std::uint64_t first = 0; first < relation.pages; first += step) {
        const bool last = first + step >= relation.pages;
        // The last range is open-ended: pages added after discovery still
        // belong to the table (their rows are invisible to the snapshot anyway).
        units.push_back({i, copy_statement(relation, options.mode, first, last ? 0 : first + step, true),
                         relation.bytes / ranges, last});
      }
    } else {
      units.push_back({i, copy_statement(relation, options.mode), relation.bytes, true});
    }
  }
  std::stable_sort(units.begin(), units.end(),
                   [](const WorkUnit& a, const WorkUnit& b) { return a.weight > b.weight; });

  std::vector<TableDigest> digests(relations.size());
  std::vector<std::size_t> units_left(relations.size(), 0);
  for (const auto& unit : units) ++units_left[unit.relation];
  std::mutex mutex;
  std::size_t next_unit = 0;
  std::atomic<std::uint64_t> bytes_read{0};
  std::atomic<std::size_t> tables_done{0};

  auto work = [&](pg::Session& session, const std::stop_token& stop) {
    for (;;) {
      std::size_t index;
      {
        std::lock_guard lock(mutex);
        if (stop.stop_requested() || next_unit == units.size()) return;
        index = next_unit++;
      }
      const WorkUnit& unit = units[index];
      const RelationSpec& relation = relations[unit.relation];
      TableDigest digest;
      try {
        if (options.mode == Mode::text) {
          TextRowHasher hasher;
          CountingSink counting(hasher, bytes_read);
          session.copy_out(unit.sql, counting);
          digest = hasher.digest;
        } else {
          BinaryRowHasher hasher(relation.columns.size());
          CountingSink counting(hasher, bytes_read);
          session.copy_out(unit.sql, counting);
          digest = hasher.digest;
        }
      } catch (const pg::PgError& error) {
        throw pg::PgError(describe_read_failure(relation, options.mode, error.what()));
      }
      std::lock_guard lock(mutex);
      digests[unit.relation] += digest;
      if (--units_left[unit.relation] == 0) tables_done.fetch_add(1);
    }
  };

  // Report progress from this thread while the workers read.
  auto report = [&] {
    if (!options.on_progress) return;
    progress.bytes_read = bytes_read.load(std::memory_order_relaxed);
    progress.tables_done = tables_done.load();
    options.on_progress(progress);
  };
  const std::size_t workers = jobs == 1 ? 1 : std::min(static_cast<std::size_t>(jobs), units.size());
  exec::run_workers(workers, [&](std::stop_token stop) {
    if (jobs == 1) return work(*coordinator, stop);
    auto session = connector.connect(dsn);
    prepare_session(*session, applied);
    session->execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT " +
                     quote_literal(snapshot));
    work(*session, stop);
  }, report);
  report();
  if (options.large_objects) {
    result.large_objects = hash_large_objects(*coordinator);
    result.large_objects_hashed = true;
  }
  coordinator->execute("COMMIT");

  // Partitioned tables hold no rows: each sums its partitions, at every level.
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < relations.size(); ++i) by_name[relations[i].name] = i;
  for (std::size_t i = 0; i < relations.size(); ++i) {
    if (relations[i].kind == RelationKind::partitioned) continue;
    std::string parent = relations[i].parent;
    for (int depth = 0; !parent.empty() && depth < 64; ++depth) {
      auto it = by_name.find(parent);
      if (it == by_name.end()) break;
      digests[it->second] += digests[i];
      parent = relations[it->second].parent;
    }
  }

  for (std::size_t i = 0; i < relations.size(); ++i) {
    RelationDigest entry{std::move(relations[i]), digests[i], ""};
    if (!entry.relation.populated) entry.skipped = "materialized view is not populated";
    result.relations.push_back(std::move(entry));
  }
  return result;
}

}  // namespace pgverify::hash
