#include "evidence/dump_digest.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>

#include "dump/byte_source.hpp"
#include "dump/tar_member.hpp"
#include "exec/workers.hpp"
#include "pg/ident.hpp"

namespace pgverify {

namespace {

// Stops the other readers once one has failed.
struct Cancelled {};

// Sums rows into the digest of the relation each entry belongs to, and hashes
// each large object's bytes as they stream by.
class DigestSink final : public dump::RowSink {
 public:
  explicit DigestSink(const hash::TableFilter& filter, std::stop_token stop = {})
      : m_filter(filter), m_stop(std::move(stop)) {}
  void begin_table(const dump::TocEntry& entry) override {
    m_current = nullptr;
    if (!m_filter.matches(entry.plain_name(), entry.relation())) return;  // read past, not hashed
    DumpTable& table = tables[entry.relation()];
    if (table.name.empty()) {
      table.name = entry.relation();
      table.plain_name = entry.plain_name();
      if (auto columns = entry.copy_columns()) {
        table.copy_columns.emplace();
        for (const auto& column : *columns) table.copy_columns->push_back(pg::canonical_ident(column));
      }
    }
    if (entry.data_as_statements()) table.as_statements = true;
    m_current = &table;
  }
  void row(std::string_view row) override {
    if ((++m_rows & 1023) == 0 && m_stop.stop_requested()) throw Cancelled{};
    if (m_current) m_current->digest.add_row(row.data(), row.size());
  }
  void end_table(const dump::TocEntry&) override {
    if (m_current) ++m_current->entries;
    m_current = nullptr;
  }
  void begin_large_object(const dump::TocEntry&, std::uint32_t oid) override {
    if (m_stop.stop_requested()) throw Cancelled{};
    m_object.reset();
    m_oid = oid;
  }
  void large_object_data(std::string_view bytes) override {
    if ((++m_pieces & 63) == 0 && m_stop.stop_requested()) throw Cancelled{};
    m_object.update(bytes.data(), bytes.size());
  }
  void end_large_object() override {
    hash::LargeObjectDigest digest;
    digest.oid = m_oid;
    digest.size = m_object.size();
    digest.hash = m_object.digest();
    large_objects.push_back(std::move(digest));
  }
  std::map<std::string, DumpTable> tables;
  std::vector<hash::LargeObjectDigest> large_objects;

 private:
  const hash::TableFilter& m_filter;
  std::stop_token m_stop;
  DumpTable* m_current = nullptr;
  std::uint64_t m_rows = 0;
  hash::ObjectHasher m_object;
  std::uint32_t m_oid = 0;
  std::uint64_t m_pieces = 0;
};

void merge_into(std::map<std::string, DumpTable>& into, std::map<std::string, DumpTable>&& from) {
  for (auto& [name, table] : from) {
    DumpTable& target = into[name];
    if (target.name.empty()) {
      target.name = table.name;
      target.plain_name = table.plain_name;
    }
    if (!target.copy_columns) target.copy_columns = std::move(table.copy_columns);
    target.as_statements = target.as_statements || table.as_statements;
    target.digest += table.digest;
    target.entries += table.entries;
  }
}

// How many stored bytes each entry's data takes, as far as the format tells
// without reading it: the gap to the next data block of a custom archive, the
// files in a directory archive; 0 when unknown (tar).
std::vector<std::uint64_t> stored_sizes(const dump::ArchiveToc& toc, const std::vector<const dump::TocEntry*>& entries) {
  std::vector<std::uint64_t> sizes(entries.size(), 0);
  if (toc.header.format == dump::ArchiveFormat::directory) {
    const std::uint64_t toc_dat = dump::archive_bytes(toc, {});
    for (std::size_t i = 0; i < entries.size(); ++i) sizes[i] = dump::archive_bytes(toc, {entries[i]}) - toc_dat;
  } else if (toc.header.format == dump::ArchiveFormat::custom) {
    std::vector<std::uint64_t> starts;
    for (const auto& entry : toc.entries)
      if (entry.offset.state == dump::DataOffsetState::set) starts.push_back(entry.offset.value);
    std::sort(starts.begin(), starts.end());
    std::error_code error;
    const std::uint64_t end = std::filesystem::file_size(toc.path, error);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::uint64_t start = entries[i]->offset.value;
      const auto next = std::upper_bound(starts.begin(), starts.end(), start);
      const std::uint64_t stop = next != starts.end() ? *next : (error ? start : end);
      sizes[i] = stop > start ? stop - start : 0;
    }
  }
  return sizes;
}

// The work one reader takes at a time: a table, a BLOBS entry, or, in a tar
// archive, every BLOBS entry together (their members are found with one walk
// over the archive, which each entry apart would repeat).
std::vector<std::vector<const dump::TocEntry*>> work_items(const dump::ArchiveToc& toc,
                                                           const std::vector<const dump::TocEntry*>& entries) {
  std::vector<std::vector<const dump::TocEntry*>> items;
  std::vector<const dump::TocEntry*> tar_blobs;
  for (const dump::TocEntry* e : entries) {
    if (e->is_large_objects() && toc.header.format == dump::ArchiveFormat::tar) tar_blobs.push_back(e);
    else items.push_back({e});
  }
  if (!tar_blobs.empty()) items.push_back(std::move(tar_blobs));
  return items;
}

// Owners from the TOC, then OID order.
void finish_large_objects(const dump::ArchiveToc& toc, std::vector<hash::LargeObjectDigest>& objects) {
  for (auto& object : objects)
    if (const dump::ListedLargeObject* listed = toc.listed_large_object(object.oid)) object.owner = listed->owner;
  std::sort(objects.begin(), objects.end(),
            [](const hash::LargeObjectDigest& a, const hash::LargeObjectDigest& b) { return a.oid < b.oid; });
}

}  // namespace

const DumpTable* DumpDigest::table(std::string_view name) const {
  auto it = std::lower_bound(tables.begin(), tables.end(), name,
                             [](const DumpTable& t, std::string_view n) { return t.name < n; });
  return it != tables.end() && it->name == name ? &*it : nullptr;
}

const hash::LargeObjectDigest* DumpDigest::large_object(std::uint32_t oid) const {
  auto it = std::lower_bound(large_objects.begin(), large_objects.end(), oid,
                             [](const hash::LargeObjectDigest& o, std::uint32_t v) { return o.oid < v; });
  return it != large_objects.end() && it->oid == oid ? &*it : nullptr;
}

std::uint64_t DumpDigest::rows() const {
  std::uint64_t total = 0;
  for (const auto& t : tables) total += t.digest.rows;
  return total;
}

std::size_t DumpDigest::tables_as_statements() const {
  return static_cast<std::size_t>(
      std::count_if(tables.begin(), tables.end(), [](const DumpTable& t) { return t.as_statements; }));
}

bool tables_readable_apart(const dump::ArchiveToc& toc) {
  switch (toc.header.format) {
    case dump::ArchiveFormat::directory:
    case dump::ArchiveFormat::tar: return true;
    case dump::ArchiveFormat::plain: return false;
    case dump::ArchiveFormat::custom:
      // Written to a pipe, pg_dump records no offsets: only one pass in order finds the blocks.
      for (const dump::TocEntry* entry : toc.entries_with_data())
        if (entry->offset.state != dump::DataOffsetState::set) return false;
      return true;
  }
  return false;
}

DumpDigest digest_dump(const std::filesystem::path& path, const DumpDigestOptions& options) {
  DumpDigest result;
  result.toc = dump::read_archive_toc(path);
  result.holds_large_objects = result.toc.holds_large_objects();
  // Every table's data is read, also of tables the filter leaves out: the
  // archive must prove readable to its last byte; those are just not hashed.
  std::vector<const dump::TocEntry*> entries = result.toc.entries_with_data();

  std::map<std::string, DumpTable> tables;
  std::vector<hash::LargeObjectDigest> objects;
  const int jobs = std::clamp<int>(options.jobs, 1, static_cast<int>(std::max<std::size_t>(1, entries.size())));
  if (jobs == 1 || !tables_readable_apart(result.toc)) {
    // One pass in archive order; the reader's own progress is exact.
    DigestSink sink(options.filter);
    dump::DataReadOptions read;
    read.on_progress = [&](const dump::ReadProgress& p) {
      result.bytes_total = p.bytes_total;
      if (options.on_progress) options.on_progress(p);
    };
    dump::read_table_data(result.toc, sink, read);
    tables = std::move(sink.tables);
    objects = std::move(sink.large_objects);
  } else {
    result.jobs_used = jobs;
    // Largest first, so one big table does not start last and run alone.
    const auto sizes = stored_sizes(result.toc, entries);
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    std::vector<const dump::TocEntry*> sorted;
    for (std::size_t i : order) sorted.push_back(entries[i]);
    const auto items = work_items(result.toc, sorted);
    const std::size_t tables_total = result.toc.tables_with_data().size();
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<std::uint64_t> bytes{0};
    const std::uint64_t total = dump::archive_bytes(result.toc, entries);
    std::mutex mutex;
    std::vector<std::uint32_t> oids_read;
    // One walk over a tar archive's headers for every reader, not one a table.
    std::optional<dump::FileSource> tar_file;
    std::optional<dump::TarMembers> tar_members;
    if (result.toc.header.format == dump::ArchiveFormat::tar) {
      tar_file.emplace(result.toc.path);
      tar_members.emplace(*tar_file);
    }
    auto read_items = [&](std::stop_token stop) {
      DigestSink sink(options.filter, stop);
      std::vector<std::uint32_t> oids;
      try {
        for (std::size_t i; !stop.stop_requested() && (i = next++) < items.size();) {
          // The reader reports positions in the archive; what was read is their advance.
          std::uint64_t last = 0;
          bool started = false;
          dump::DataReadOptions read;
          read.tar_members = tar_members ? &*tar_members : nullptr;
          read.on_progress = [&](const dump::ReadProgress& p) {
            // The last report of an entry jumps to the end of the archive; not read here.
            if (p.bytes_read >= p.bytes_total) return;
            if (started && p.bytes_read > last) bytes += p.bytes_read - last;
            last = p.bytes_read;
            started = true;
          };
          auto read_oids = dump::read_entries_data(result.toc, items[i], sink, read);
          oids.insert(oids.end(), read_oids.begin(), read_oids.end());
          for (const dump::TocEntry* e : items[i])
            if (e->is_table_data()) ++done;
        }
      } catch (const Cancelled&) {
        return;  // another reader failed: its exception is the one that counts
      }
      std::lock_guard lock(mutex);
      merge_into(tables, std::move(sink.tables));
      objects.insert(objects.end(), sink.large_objects.begin(), sink.large_objects.end());
      oids_read.insert(oids_read.end(), oids.begin(), oids.end());
    };
    auto report = [&] {
      if (!options.on_progress) return;
      dump::ReadProgress p;
      p.bytes_read = std::min(bytes.load(), total);
      p.bytes_total = total;
      p.tables_done = done.load();
      p.tables_total = tables_total;
      options.on_progress(p);
    };
    exec::run_workers(static_cast<std::size_t>(jobs), read_items, report);
    // Each entry was read apart: what only all of them together show.
    dump::check_large_objects(result.toc, std::move(oids_read));
    result.bytes_total = total;
    bytes = total;
    report();
  }

  for (auto& [name, table] : tables) result.tables.push_back(std::move(table));
  finish_large_objects(result.toc, objects);
  result.large_objects = std::move(objects);
  return result;
}

hash::HashOptions hashed_as_dumped(hash::HashOptions options, std::string_view dump_encoding) {
  options.mode = hash::Mode::text;
  options.output = {"", "", std::string(dump_encoding)};
  return options;
}

}  // namespace pgverify
