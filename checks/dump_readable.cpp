#include "checks/checks.hpp"

#include "checks/common.hpp"

namespace pgverify::checks {

namespace {

std::string hint_for(dump::DumpErrc code) {
  switch (code) {
    case dump::DumpErrc::io_error:
    case dump::DumpErrc::empty_file:
      return "Check the path and that the dump was copied completely (kubectl cp, not a port-forward).";
    case dump::DumpErrc::not_a_file:
      return "Give pgverify the file (or directory) pg_dump wrote, copied out of the pod: a pipe or a device is no "
             "dump it can verify.";
    case dump::DumpErrc::unsupported_version:
      return "The archive is newer than this pgverify reads; check version.pg-restore and update pgverify.";
    case dump::DumpErrc::unrecognized_format:
    case dump::DumpErrc::cluster_dump:
    case dump::DumpErrc::compressed_archive:
      return "Give pgverify the file pg_dump wrote (-Fc, -Fd, -Ft or -Fp), not pg_dumpall output or a re-compressed copy.";
    default:
      return "The dump is damaged or cut short: take it again inside the cluster (kubectl exec pg_dump, then "
             "kubectl cp; never through port-forward) before deleting the old volume.";
  }
}

std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t mb = 1024 * 1024;
  if (bytes < mb) return std::to_string((bytes + 1023) / 1024) + " KB";
  return std::to_string(bytes / mb) + "." + std::to_string(bytes % mb * 10 / mb) + " MB";
}

}  // namespace

const CheckInfo& DumpReadable::info() const {
  static const CheckInfo info{
      .id = "dump.readable",
      .phases = {Phase::pre},
      .summary = "header, TOC and every data block decode to the end (custom, directory, tar, plain; "
                 "none/gzip/lz4/zstd)",
      .rationale =
          "Once the old volume is deleted the dump is the only copy. A dump cut short by a "
          "dropped port-forward, a full disk or an interrupted copy still has a valid header and "
          "restores its first tables without complaint. pgverify reads the whole archive natively, "
          "without pg_restore, and decompresses every data block and every large object to its "
          "last byte, checking the TOC the way pg_restore relies on it. A table whose data pg_dump "
          "wrote as INSERT statements (--inserts, --column-inserts) is read to its end as well, "
          "and must end where a statement ends; its rows are not counted (dump.matches-source "
          "cannot compare them).",
      .remediation =
          "Take the dump again inside the cluster (kubectl exec pg_dump, kubectl cp the file) and "
          "run pre again; do not delete the old volume until this passes.",
      .options = "--dump or tenants.X.dump_path; [tenants.X.hash] jobs (tables read in parallel)",
      .applies_to = "custom (also written to a pipe), directory, tar and plain SQL archives (plain also "
                    "gzip/lz4/zstd-compressed), archive versions 1.12-1.16 (pg_dump 10-18)",
  };
  return info;
}

CheckResult DumpReadable::run(Context& context) const {
  if (!context.dump_path)
    return make_result(Status::skip, "no dump given (--dump or tenants." + context.tenant.name + ".dump_path)");
  try {
    const DumpDigest& digest = context.evidence.dump_digest();
    const dump::ArchiveHeader& header = digest.toc.header;
    std::string what = std::string(to_string(header.format)) + " archive";
    if (header.version) what += " " + header.version->str();
    if (header.compression != dump::Compression::none) what += " (" + std::string(to_string(header.compression)) + ")";
    if (!header.pg_dump_version.empty()) what += " by pg_dump " + header.pg_dump_version;
    if (!header.database.empty()) what += " of " + header.database;
    if (!header.dump_time.empty()) what += " at " + header.dump_time;
    std::string objects;
    if (digest.holds_large_objects) {
      std::uint64_t bytes = 0;
      for (const auto& object : digest.large_objects) bytes += object.size;
      objects = std::to_string(digest.large_objects.size()) + " large objects (" + size_text(bytes) + "), ";
    }
    // pg_dump --inserts: readable, but its rows are SQL, not counted here
    // (dump.matches-source says it cannot compare them).
    const std::size_t as_statements = digest.tables_as_statements();
    const std::string statements =
        as_statements ? " (" + std::to_string(as_statements) + " as INSERT statements, rows not counted)" : "";
    return make_result(Status::pass, what + ": " + std::to_string(digest.toc.tables_with_data().size()) +
                                         " tables with data" + statements + ", " + std::to_string(digest.rows()) +
                                         " rows, " + objects + size_text(digest.bytes_total) + " read to the end");
  } catch (const dump::DumpError& error) {
    return make_result(Status::fail, "the dump cannot be read to its end: " + error.reason(),
                       {{error.path().string(), "readable to its last byte", std::string(to_string(error.code())),
                         error.what(), hint_for(error.code())}});
  }
}

}  // namespace pgverify::checks
