// upgrade/estimate: how long each step and the whole downtime should take,
// from what this run measured: the source's sizes (tables, indexes, large
// objects), a sample of its COPY speed, the configured compression on that
// sample, and the target's write and index-build speed in preflight's probe
// (a real server of the target major). `--dry-run` prints it; a real run
// journals it with step.preflight and reports it beside each step's actual
// time, so the next window is planned from measurements, not from the
// runbook's "30-60 minutes".
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dump/codec_speed.hpp"
#include "pg/session.hpp"

namespace pgverify::upgrade {

using EstimateJson = nlohmann::ordered_json;

// What the estimate is made from. Speeds are bytes per second (0: not measured).
struct Measurements {
  std::uint64_t table_bytes = 0;         // heap and TOAST of every user table
  std::uint64_t index_bytes = 0;         // their indexes, rebuilt by the restore
  std::uint64_t large_object_bytes = 0;  // pg_largeobject
  std::uint64_t largest_table_bytes = 0;  // the largest table: one pg_restore job loads it alone
  std::uint64_t tables = 0;
  std::uint64_t indexes = 0;
  std::uint64_t vector_indexes = 0;      // hnsw and ivfflat: their build time is not modelled
  double copy_bytes_per_table_byte = 1;  // COPY text per on-disk byte, from the sample
  double copy_bytes_per_s = 0;           // the source's COPY ... TO STDOUT
  dump::CodecSpeed codec;                // the dump's compression on the sample
  double hash_table_bytes_per_s = 0;     // table bytes the baseline's hash reads a second, one connection
  bool text_hash = false;                // the baseline is hashed in text mode (then it is the dump comparison's)
  int hash_jobs = 1;                     // connections the gates hash with
  double restore_copy_bytes_per_s = 0;   // COPY text the probe loads a second into the largest table's columns
  double load_bytes_per_s = 0;           // the target writing a table (probe; the restore's rate when the above is 0)
  double index_bytes_per_s = 0;          // the target building a btree (probe)
  std::chrono::milliseconds target_setup{0};  // the probe's initdb and start
  int jobs = 1;                          // pg_restore -j (and pg_dump -j for directory dumps)
  bool directory_dump = false;
  std::size_t dependents = 0;

  EstimateJson to_json() const;
  static Measurements from_json(const EstimateJson& json);  // std::invalid_argument when malformed
};

struct StepEstimate {
  std::string step;                // a step id
  std::chrono::milliseconds time{0};
  std::string basis;               // what it is computed from, in words
};

struct Estimate {
  std::vector<StepEstimate> steps;  // every step from step.scale-down to step.health
  std::chrono::milliseconds downtime{0};
  std::uint64_t copy_bytes = 0;     // the COPY text of every table: what the dump holds and the restore loads
  std::uint64_t dump_bytes = 0;     // the dump's expected size: that text compressed as the sample was, plus
                                    // the large objects uncompressed
  std::string caveat;               // what the model leaves out, when it matters ("" otherwise)

  const StepEstimate* find(const std::string& step) const;
};

// The steps whose time is downtime: the dependents are down from the first to the last.
inline constexpr const char* kDowntimeFirst = "step.scale-down";
inline constexpr const char* kDowntimeLast = "step.health";

Estimate estimate_upgrade(const Measurements& measured);

struct MeasureRequest {
  std::string compression = "lz4";  // the dump's codec, as pg_dump will use it
  bool text_hash = false;           // the baseline's hash mode is text
  std::uint64_t sample_bytes = 32u << 20;
};

// Measures the source (sizes, a COPY sample of its largest table of up to
// `sample_bytes` in text and in the hash's mode, the compression on that
// sample) and the probe of the target (the sample loaded into a table of the
// same columns inside a transaction rolled back; a scratch table written and
// indexed, then dropped). PgError when a server does not answer.
Measurements measure(pg::Session& source, pg::Session& probe, const MeasureRequest& request);

}  // namespace pgverify::upgrade
