#include "upgrade/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "pg/ident.hpp"
#include "reports/text.hpp"

namespace pgverify::upgrade {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What the model takes as given where nothing is measured: the dump reader's
// parse-and-hash speed (bench/dump-bench: 1.9 GB/s of COPY text from an lz4
// dump on 2 cores) and the steps that only run a few commands.
constexpr double kDumpParseBytesPerS = 1.5e9;
// The fixed parts are bench/upgrade-bench's (2026-12-03): a dependent stops
// or starts in 30-120 ms, the source stops in 0.8 s, the catalog checks of
// post take 0.2 s; each is given some room.
constexpr milliseconds kPerDependent{250};
constexpr milliseconds kServerStop{1000};
constexpr milliseconds kFewStatements{200};
constexpr milliseconds kCatalogCapture{500};
constexpr milliseconds kPostCatalogChecks{500};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

milliseconds at_rate(double bytes, double bytes_per_s) {
  if (bytes <= 0 || bytes_per_s <= 0) return milliseconds(0);
  return milliseconds(static_cast<std::int64_t>(std::ceil(bytes / bytes_per_s * 1000.0)));
}

std::string mb(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MB", bytes / 1e6);
  return buffer;
}

std::string mb_per_s(double rate) { return rate > 0 ? mb(rate) + "/s" : "unmeasured"; }

std::uint64_t cell_u64(const pg::QueryResult& result, std::size_t row, std::size_t column) {
  const auto value = result.at(row, column);
  if (!value || value->empty()) return 0;
  return static_cast<std::uint64_t>(std::stod(*value));
}

// Counts the COPY data and its rows (libpq hands out one row a message) and
// keeps whole rows of its first bytes: the codec's sample and the probe's load.
class SampleSink final : public pg::CopySink {
 public:
  explicit SampleSink(std::size_t keep) : m_keep(keep) {}
  void on_copy_data(const char* data, std::size_t size) override {
    bytes += size;
    ++rows;
    if (kept.size() + size <= m_keep) kept.append(data, size);
  }
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
  std::string kept;

 private:
  std::size_t m_keep;
};

}  // namespace

EstimateJson Measurements::to_json() const {
  return EstimateJson{{"table_bytes", table_bytes},
                      {"index_bytes", index_bytes},
                      {"large_object_bytes", large_object_bytes},
                      {"largest_table_bytes", largest_table_bytes},
                      {"tables", tables},
                      {"indexes", indexes},
                      {"vector_indexes", vector_indexes},
                      {"copy_bytes_per_table_byte", copy_bytes_per_table_byte},
                      {"copy_bytes_per_s", copy_bytes_per_s},
                      {"compression", codec.method},
                      {"compress_bytes_per_s", codec.compress_bytes_per_s},
                      {"decompress_bytes_per_s", codec.decompress_bytes_per_s},
                      {"compression_ratio", codec.ratio},
                      {"hash_table_bytes_per_s", hash_table_bytes_per_s},
                      {"text_hash", text_hash},
                      {"hash_jobs", hash_jobs},
                      {"restore_copy_bytes_per_s", restore_copy_bytes_per_s},
                      {"load_bytes_per_s", load_bytes_per_s},
                      {"index_bytes_per_s", index_bytes_per_s},
                      {"target_setup_ms", target_setup.count()},
                      {"jobs", jobs},
                      {"directory_dump", directory_dump},
                      {"dependents", dependents}};
}

Measurements Measurements::from_json(const EstimateJson& json) {
  try {
    Measurements m;
    m.table_bytes = json.at("table_bytes").get<std::uint64_t>();
    m.index_bytes = json.at("index_bytes").get<std::uint64_t>();
    m.large_object_bytes = json.at("large_object_bytes").get<std::uint64_t>();
    m.largest_table_bytes = json.at("largest_table_bytes").get<std::uint64_t>();
    m.tables = json.at("tables").get<std::uint64_t>();
    m.indexes = json.at("indexes").get<std::uint64_t>();
    m.vector_indexes = json.at("vector_indexes").get<std::uint64_t>();
    m.copy_bytes_per_table_byte = json.at("copy_bytes_per_table_byte").get<double>();
    m.copy_bytes_per_s = json.at("copy_bytes_per_s").get<double>();
    m.codec.method = json.at("compression").get<std::string>();
    m.codec.compress_bytes_per_s = json.at("compress_bytes_per_s").get<double>();
    m.codec.decompress_bytes_per_s = json.at("decompress_bytes_per_s").get<double>();
    m.codec.ratio = json.at("compression_ratio").get<double>();
    m.hash_table_bytes_per_s = json.at("hash_table_bytes_per_s").get<double>();
    m.text_hash = json.at("text_hash").get<bool>();
    m.hash_jobs = json.at("hash_jobs").get<int>();
    m.restore_copy_bytes_per_s = json.at("restore_copy_bytes_per_s").get<double>();
    m.load_bytes_per_s = json.at("load_bytes_per_s").get<double>();
    m.index_bytes_per_s = json.at("index_bytes_per_s").get<double>();
    m.target_setup = milliseconds(json.at("target_setup_ms").get<std::int64_t>());
    m.jobs = json.at("jobs").get<int>();
    m.directory_dump = json.at("directory_dump").get<bool>();
    m.dependents = json.at("dependents").get<std::size_t>();
    return m;
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(std::string("the journaled measurements are malformed: ") + error.what());
  }
}

const StepEstimate* Estimate::find(const std::string& step) const {
  for (const auto& estimate : steps)
    if (estimate.step == step) return &estimate;
  return nullptr;
}

Estimate estimate_upgrade(const Measurements& m) {
  Estimate out;
  const double ratio = m.copy_bytes_per_table_byte;
  const double table_bytes = static_cast<double>(m.table_bytes);
  const double copy_text = table_bytes * ratio;
  out.copy_bytes = static_cast<std::uint64_t>(copy_text);
  const double lo = static_cast<double>(m.large_object_bytes);
  out.dump_bytes = static_cast<std::uint64_t>(copy_text * std::max(m.codec.ratio, 0.0) + lo);
  const double jobs = std::max(1, m.jobs);
  const double hash_jobs = std::max(1, m.hash_jobs);
  // pg_restore -j (and pg_dump -Fd -j) share tables among jobs, never one
  // table: the largest is one job's work however many there are.
  const double table_jobs = std::clamp<double>(static_cast<double>(m.tables), 1.0, jobs);
  const double index_jobs = std::clamp<double>(static_cast<double>(m.indexes), 1.0, jobs);
  const double largest = std::min(static_cast<double>(m.largest_table_bytes), table_bytes);
  const double per_job_table_bytes = std::max(largest, table_bytes / table_jobs);
  const auto add = [&out](const char* step, milliseconds time, std::string basis) {
    out.steps.push_back({step, time, std::move(basis)});
  };
  const auto jobs_text = [](double n) { return n > 1 ? ", " + std::to_string(static_cast<int>(n)) + " jobs" : std::string(); };
  const milliseconds dependents = kPerDependent * static_cast<std::int64_t>(std::max<std::size_t>(m.dependents, 1));
  // The source's table bytes hashed in the baseline's mode (text: its COPY text at the COPY speed).
  const double hash_rate = m.hash_table_bytes_per_s > 0 ? m.hash_table_bytes_per_s
                           : ratio > 0                  ? m.copy_bytes_per_s / ratio
                                                        : 0;

  add("step.scale-down", dependents, std::to_string(m.dependents) + " dependent(s) to stop, their sessions to end");

  // The server writes the COPY text and pg_dump compresses it: two processes, at the slower one's pace.
  const double dump_jobs = m.directory_dump ? table_jobs : 1.0;
  const double dumped = (m.directory_dump ? per_job_table_bytes * ratio : copy_text) + lo / dump_jobs;
  const milliseconds dump_time = std::max(at_rate(dumped, m.copy_bytes_per_s), at_rate(dumped, m.codec.compress_bytes_per_s));
  add("step.dump", dump_time,
      mb(copy_text + lo) + " of COPY text at " + mb_per_s(m.copy_bytes_per_s) + ", " + m.codec.method +
          " at " + (m.codec.method == "none" ? "no cost" : mb_per_s(m.codec.compress_bytes_per_s)) + jobs_text(dump_jobs));

  // dump.readable and dump.matches-source read the whole dump and hash the
  // live source in text mode; the baseline hashes it again unless it is text too.
  const milliseconds verify_time =
      at_rate(copy_text + lo, m.codec.decompress_bytes_per_s) + at_rate(copy_text + lo, kDumpParseBytesPerS) +
      at_rate(copy_text / hash_jobs, m.copy_bytes_per_s) +
      (m.text_hash ? milliseconds(0) : at_rate(table_bytes / hash_jobs, hash_rate)) + kCatalogCapture;
  add("step.verify-dump", verify_time,
      "the dump read back (" + m.codec.method + " decompressed at " +
          (m.codec.method == "none" ? "no cost" : mb_per_s(m.codec.decompress_bytes_per_s)) +
          "), the source hashed as text at " + mb_per_s(m.copy_bytes_per_s) +
          (m.text_hash ? "" : " and for the baseline at " + mb_per_s(hash_rate) + " of table") + jobs_text(hash_jobs));

  add("step.delete-volume", kServerStop, "the source stopped, its volume moved aside");
  const milliseconds deploy = m.target_setup * 2 / 3;
  add("step.deploy-target", deploy, "the probe's initdb and start took " + reports::text::human_duration(m.target_setup));
  add("step.start-target", m.target_setup - deploy, "as the probe's start");
  add("step.create-database", kFewStatements, "roles and CREATE DATABASE");
  add("step.create-extension", kFewStatements, "CREATE EXTENSION");

  // The restore parses the COPY text into the target's tables (the probe
  // loaded the sample into the same columns), then builds the indexes.
  const bool parsed_rate = m.restore_copy_bytes_per_s > 0;
  const milliseconds load = parsed_rate ? at_rate(per_job_table_bytes * ratio, m.restore_copy_bytes_per_s)
                                        : at_rate(per_job_table_bytes, m.load_bytes_per_s);
  const milliseconds build = at_rate(static_cast<double>(m.index_bytes) / index_jobs, m.index_bytes_per_s) +
                             at_rate(lo, m.load_bytes_per_s);
  add("step.restore", load + build,
      (parsed_rate ? mb(copy_text) + " of COPY text loaded at " + mb_per_s(m.restore_copy_bytes_per_s) + " (the probe's, in the largest table's columns)"
                   : mb(table_bytes) + " written at " + mb_per_s(m.load_bytes_per_s) + " (the probe's)") +
          " and " + mb(static_cast<double>(m.index_bytes)) + " of " + std::to_string(m.indexes) + " index(es) built at " +
          mb_per_s(m.index_bytes_per_s) + ", " + std::to_string(static_cast<int>(jobs)) + " job(s)");

  add("step.post", at_rate(table_bytes / hash_jobs, hash_rate) + kPostCatalogChecks,
      "every table hashed at the source's speed (" + mb_per_s(hash_rate) + " of table" + jobs_text(hash_jobs) +
          "), then the catalog compared");
  add("step.scale-up", dependents, std::to_string(m.dependents) + " dependent(s) to start");
  add("step.health", kFewStatements, "one request to the health URL");

  for (const auto& step : out.steps) out.downtime += step.time;
  if (m.vector_indexes > 0)
    out.caveat = std::to_string(m.vector_indexes) +
                 " hnsw/ivfflat index(es): their build in step.restore can take far longer than a btree's and is not "
                 "in the estimate";
  return out;
}

namespace {

// Loads the sample's rows into a table of the largest table's columns on the
// probe (with the extensions their types come from), inside a transaction
// rolled back: the target's parse-and-write speed for this data. 0 when the
// columns cannot be made there (a type of the tenant's own schema).
double probe_load_rate(pg::Session& source, pg::Session& probe, const std::string& table, const std::string& rows) {
  if (rows.empty()) return 0;
  const auto columns = source.query(
      "SELECT pg_catalog.string_agg(pg_catalog.quote_ident(attname) || ' ' || pg_catalog.format_type(atttypid, "
      "atttypmod), ', ' ORDER BY attnum) FROM pg_catalog.pg_attribute WHERE attrelid = $1::pg_catalog.regclass "
      "AND attnum > 0 AND NOT attisdropped",
      {table});
  const auto extensions = source.query(
      "SELECT DISTINCT e.extname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass "
      "AND d.objid IN (t.oid, t.typelem) AND d.deptype = 'e' JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid "
      "WHERE a.attrelid = $1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped",
      {table});
  const std::string list = columns.at(0, 0).value_or("");
  if (list.empty()) return 0;
  probe.execute("BEGIN");
  double rate = 0;
  try {
    for (const auto& row : extensions.rows)
      probe.execute("CREATE EXTENSION IF NOT EXISTS " + pg::quote_always(row[0].value_or("")));
    probe.execute("CREATE TABLE pgverify_estimate_load (" + list + ")");
    const auto started = Clock::now();
    probe.copy_in("COPY pgverify_estimate_load FROM STDIN", rows);
    rate = static_cast<double>(rows.size()) / std::max(seconds_since(started), 1e-6);
  } catch (const pg::PgError&) {
    rate = 0;  // the restore falls back to the probe's write speed
  }
  probe.execute("ROLLBACK");
  return rate;
}

}  // namespace

Measurements measure(pg::Session& source, pg::Session& probe, const MeasureRequest& request) {
  Measurements m;
  m.text_hash = request.text_hash;
  constexpr const char* kUserRelations =
      " n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
      "AND n.nspname NOT LIKE 'pg_temp%' ";
  const auto sizes = source.query(
      std::string("SELECT count(*), coalesce(sum(pg_table_size(c.oid)), 0) FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND") +
      kUserRelations);
  m.tables = cell_u64(sizes, 0, 0);
  m.table_bytes = cell_u64(sizes, 0, 1);
  const auto indexes = source.query(
      std::string("SELECT count(*), coalesce(sum(pg_relation_size(c.oid)), 0), "
                  "count(*) FILTER (WHERE am.amname IN ('hnsw', 'ivfflat')) FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam "
                  "WHERE c.relkind = 'i' AND") +
      kUserRelations);
  m.indexes = cell_u64(indexes, 0, 0);
  m.index_bytes = cell_u64(indexes, 0, 1);
  m.vector_indexes = cell_u64(indexes, 0, 2);
  m.large_object_bytes = cell_u64(source.query("SELECT pg_relation_size('pg_catalog.pg_largeobject')"), 0, 0);

  // A sample of the largest table's COPY: its speed, its text per on-disk
  // byte, its speed in the hash's mode, the codec on it and the probe's load of it.
  const auto largest = source.query(
      std::string("SELECT n.nspname, c.relname, pg_table_size(c.oid), CASE WHEN c.reltuples > 0 THEN "
                  "c.reltuples::bigint ELSE pg_stat_get_live_tuples(c.oid) END FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND") +
      kUserRelations + "ORDER BY 3 DESC LIMIT 1");
  SampleSink sample(8u << 20);
  if (!largest.rows.empty()) {
    const double size = static_cast<double>(cell_u64(largest, 0, 2));
    m.largest_table_bytes = cell_u64(largest, 0, 2);
    const double tuples = static_cast<double>(std::max<std::int64_t>(std::stoll(largest.at(0, 3).value_or("0")), 0));
    // Rows enough for about sample_bytes of the table (the row count from
    // ANALYZE, else the statistics' live rows); with neither, the whole table
    // when it is no larger than the sample, else a hundred rows: a source is
    // never read for gigabytes to plan its downtime.
    const double wanted = static_cast<double>(request.sample_bytes);
    std::uint64_t limit = size <= wanted ? 100000 : 100;
    if (tuples > 0 && size > 0) limit = static_cast<std::uint64_t>(std::max(1.0, std::ceil(tuples * wanted / size)));
    const std::string table = pg::quote_always(largest.at(0, 0).value_or("")) + "." +
                              pg::quote_always(largest.at(0, 1).value_or(""));
    const std::string rows_sql = "(SELECT * FROM " + table + " LIMIT " + std::to_string(limit) + ")";
    auto started = Clock::now();
    source.copy_out("COPY " + rows_sql + " TO STDOUT", sample);
    const double elapsed = seconds_since(started);
    const std::uint64_t rows = sample.rows;
    if (sample.bytes > 0) m.copy_bytes_per_s = static_cast<double>(sample.bytes) / std::max(elapsed, 1e-6);
    if (rows > 0 && size > 0) {
      // The whole table was read when it returned fewer rows than asked for.
      const double table_rows = rows < limit ? static_cast<double>(rows) : std::max(tuples, static_cast<double>(rows));
      m.copy_bytes_per_table_byte = static_cast<double>(sample.bytes) / static_cast<double>(rows) * table_rows / size;
      const double sampled_table_bytes = size * static_cast<double>(rows) / table_rows;
      if (request.text_hash) {
        m.hash_table_bytes_per_s = sampled_table_bytes / std::max(elapsed, 1e-6);
      } else {
        SampleSink binary(0);
        started = Clock::now();
        source.copy_out("COPY " + rows_sql + " TO STDOUT (FORMAT binary)", binary);
        m.hash_table_bytes_per_s = sampled_table_bytes / std::max(seconds_since(started), 1e-6);
      }
    }
    m.restore_copy_bytes_per_s = probe_load_rate(source, probe, table, sample.kept);
  }
  m.codec = dump::measure_codec(request.compression, sample.kept);

  // The target's write and btree build speed, on a scratch table of about 24 MB.
  probe.execute("DROP TABLE IF EXISTS pgverify_estimate; CREATE TABLE pgverify_estimate (id bigint, body text)");
  auto started = Clock::now();
  probe.execute(
      "INSERT INTO pgverify_estimate SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 100000) g");
  const double write_s = seconds_since(started);
  m.load_bytes_per_s = static_cast<double>(cell_u64(probe.query("SELECT pg_table_size('pgverify_estimate')"), 0, 0)) /
                       std::max(write_s, 1e-6);
  started = Clock::now();
  probe.execute("CREATE INDEX pgverify_estimate_body ON pgverify_estimate (body)");
  const double index_s = seconds_since(started);
  m.index_bytes_per_s =
      static_cast<double>(cell_u64(probe.query("SELECT pg_relation_size('pgverify_estimate_body')"), 0, 0)) /
      std::max(index_s, 1e-6);
  probe.execute("DROP TABLE pgverify_estimate");
  return m;
}

}  // namespace pgverify::upgrade
