#include <catch2/catch.hpp>

#include "upgrade/estimate.hpp"
#include "upgrade/steps.hpp"

namespace pgverify::upgrade {

namespace {

using std::chrono::milliseconds;

Measurements sample_measurements() {
  Measurements m;
  m.table_bytes = 100'000'000;  // 100 MB on disk
  m.index_bytes = 20'000'000;
  m.tables = 4;
  m.indexes = 4;
  m.copy_bytes_per_table_byte = 2;  // 200 MB of COPY text
  m.copy_bytes_per_s = 100e6;
  m.codec = {"lz4", 200e6, 400e6, 0.5};
  m.load_bytes_per_s = 50e6;
  m.index_bytes_per_s = 10e6;
  m.target_setup = milliseconds(3000);
  m.jobs = 1;
  m.dependents = 2;
  return m;
}

}  // namespace

TEST_CASE("the estimate covers every downtime step in plan order and adds them up", "[upgrade][estimate]") {
  const Estimate estimate = estimate_upgrade(sample_measurements());
  std::vector<std::string> expected;
  bool inside = false;
  for (const auto& step : standard_steps()) {
    if (step.id == kDowntimeFirst) inside = true;
    if (inside) expected.emplace_back(step.id);
    if (step.id == kDowntimeLast) inside = false;
  }
  std::vector<std::string> got;
  milliseconds sum{0};
  for (const auto& step : estimate.steps) {
    got.push_back(step.step);
    sum += step.time;
    CHECK_FALSE(step.basis.empty());
  }
  CHECK(got == expected);
  CHECK(estimate.downtime == sum);
  CHECK(estimate.copy_bytes == 200'000'000);
  CHECK(estimate.caveat.empty());
}

TEST_CASE("the estimate's arithmetic: COPY text read and compressed, loaded and indexed, hashed", "[upgrade][estimate]") {
  const Estimate estimate = estimate_upgrade(sample_measurements());
  // 200 MB read at 100 MB/s while pg_dump compresses it at 200 MB/s: the slower one's pace.
  CHECK(estimate.find("step.dump")->time == milliseconds(2000));
  // 200 MB decompressed at 400 MB/s, parsed at 1.5 GB/s, the source hashed as
  // text at 100 MB/s, then for the baseline (binary, unmeasured: at the COPY
  // speed, 50 MB of table a second), and the catalog captured.
  CHECK(estimate.find("step.verify-dump")->time == milliseconds(500 + 134 + 2000 + 2000 + 500));
  // 100 MB written at 50 MB/s, 20 MB of index at 10 MB/s.
  CHECK(estimate.find("step.restore")->time == milliseconds(2000 + 2000));
  CHECK(estimate.find("step.deploy-target")->time + estimate.find("step.start-target")->time == milliseconds(3000));
  CHECK(estimate.find("step.scale-down")->time == milliseconds(500));
  CHECK(estimate.find("step.post")->time == milliseconds(2000 + 500));
  CHECK(estimate.find("step.preflight") == nullptr);
  // The dump: 200 MB of text at the sample's ratio 0.5; large objects are not compressed.
  CHECK(estimate.dump_bytes == 100'000'000);
  Measurements with_objects = sample_measurements();
  with_objects.large_object_bytes = 7'000'000;
  CHECK(estimate_upgrade(with_objects).dump_bytes == 107'000'000);
}

TEST_CASE("the estimate uses what the probe and the hash measured where they did", "[upgrade][estimate]") {
  Measurements m = sample_measurements();
  // The probe loaded COPY text at 100 MB/s: 200 MB of it.
  m.restore_copy_bytes_per_s = 100e6;
  CHECK(estimate_upgrade(m).find("step.restore")->time == milliseconds(2000 + 2000));
  m.restore_copy_bytes_per_s = 0;
  // The baseline's binary hash read 200 MB of table a second: half a second for post.
  m.hash_table_bytes_per_s = 200e6;
  CHECK(estimate_upgrade(m).find("step.post")->time == milliseconds(500 + 500));
  CHECK(estimate_upgrade(m).find("step.verify-dump")->time == milliseconds(500 + 134 + 2000 + 500 + 500));
  // Two hashing connections halve the hashing; a text baseline is the dump comparison's own.
  m.hash_jobs = 2;
  CHECK(estimate_upgrade(m).find("step.verify-dump")->time == milliseconds(500 + 134 + 1000 + 250 + 500));
  m.text_hash = true;
  CHECK(estimate_upgrade(m).find("step.verify-dump")->time == milliseconds(500 + 134 + 1000 + 500));
}

TEST_CASE("the estimate follows what a user configures: jobs, compression, a directory dump", "[upgrade][estimate]") {
  const Measurements one_job = sample_measurements();
  Measurements two_jobs = one_job;
  two_jobs.jobs = 2;
  CHECK(estimate_upgrade(two_jobs).find("step.restore")->time == milliseconds(2000));
  // A custom dump is one pg_dump process whatever the jobs; a directory one shares the tables.
  CHECK(estimate_upgrade(two_jobs).find("step.dump")->time == milliseconds(2000));
  two_jobs.directory_dump = true;
  CHECK(estimate_upgrade(two_jobs).find("step.dump")->time == milliseconds(1000));
  two_jobs.directory_dump = false;
  // The largest table is one job's: 80 MB of the 100 MB leave the second job idle.
  Measurements skewed = two_jobs;
  skewed.largest_table_bytes = 80'000'000;
  CHECK(estimate_upgrade(skewed).find("step.restore")->time == milliseconds(1600 + 1000));
  // Jobs beyond the table count do nothing: pg_restore never splits a table.
  Measurements one_table = one_job;
  one_table.tables = 1;
  one_table.indexes = 1;
  one_table.jobs = 8;
  CHECK(estimate_upgrade(one_table).find("step.restore")->time == milliseconds(4000));
  // gzip at 20 MB/s: pg_dump is the slower one, ten seconds.
  Measurements gzip = one_job;
  gzip.codec = {"gzip", 20e6, 200e6, 0.35};
  CHECK(estimate_upgrade(gzip).find("step.dump")->time == milliseconds(10000));
  CHECK(estimate_upgrade(gzip).downtime > estimate_upgrade(one_job).downtime);
  Measurements none = one_job;
  none.codec = {"none", 0, 0, 1};
  CHECK(estimate_upgrade(none).find("step.dump")->time == milliseconds(2000));
}

TEST_CASE("an unmeasured speed adds nothing rather than infinity, and vector indexes get a caveat", "[upgrade][estimate]") {
  Measurements m;
  m.table_bytes = 1'000'000;
  const Estimate estimate = estimate_upgrade(m);
  CHECK(estimate.find("step.dump")->time == milliseconds(0));
  CHECK(estimate.find("step.restore")->time == milliseconds(0));
  CHECK(estimate.downtime < milliseconds(10000));
  Measurements with_hnsw = sample_measurements();
  with_hnsw.vector_indexes = 1;
  CHECK_THAT(estimate_upgrade(with_hnsw).caveat, Catch::Contains("hnsw"));
}

TEST_CASE("measurements go through the journal unchanged; malformed ones are refused", "[upgrade][estimate]") {
  const Measurements m = sample_measurements();
  const Measurements back = Measurements::from_json(m.to_json());
  CHECK(back.to_json() == m.to_json());
  CHECK(estimate_upgrade(back).downtime == estimate_upgrade(m).downtime);
  auto broken = m.to_json();
  broken.erase("copy_bytes_per_s");
  CHECK_THROWS_AS(Measurements::from_json(broken), std::invalid_argument);
  broken = m.to_json();
  broken["jobs"] = "two";
  CHECK_THROWS_AS(Measurements::from_json(broken), std::invalid_argument);
}

}  // namespace pgverify::upgrade
