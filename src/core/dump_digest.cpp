#include "core/dump_digest.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace pgverify {

namespace {

// Stops the other readers once one has failed.
struct Cancelled {};

// Sums rows into the digest of the relation each entry belongs to.
class DigestSink final : public dump::RowSink {
 public:
  DigestSink(const hash::TableFilter& filter, const std::atomic<bool>* cancelled = nullptr)
      : m_filter(filter), m_cancelled(cancelled) {}
  void begin_table(const dump::TocEntry& entry) override {
    m_current = nullptr;
    if (!m_filter.matches(entry.plain_name())) return;  // read past, not hashed
    DumpTable& table = tables[entry.relation()];
    if (table.name.empty()) {
      table.name = entry.relation();
      table.plain_name = entry.plain_name();
    }
    m_current = &table;
  }
  void row(std::string_view row) override {
    if (m_cancelled && (++m_rows & 1023) == 0 && m_cancelled->load(std::memory_order_relaxed)) throw Cancelled{};
    if (m_current) m_current->digest.add_row(row.data(), row.size());
  }
  void end_table(const dump::TocEntry&) override {
    if (m_current) ++m_current->entries;
    m_current = nullptr;
  }
  std::map<std::string, DumpTable> tables;

 private:
  const hash::TableFilter& m_filter;
  const std::atomic<bool>* m_cancelled;
  DumpTable* m_current = nullptr;
  std::uint64_t m_rows = 0;
};

void merge_into(std::map<std::string, DumpTable>& into, std::map<std::string, DumpTable>&& from) {
  for (auto& [name, table] : from) {
    DumpTable& target = into[name];
    if (target.name.empty()) {
      target.name = table.name;
      target.plain_name = table.plain_name;
    }
    target.digest += table.digest;
    target.entries += table.entries;
  }
}

// How many stored bytes each entry's data takes, as far as the format tells
// without reading it: the gap to the next data block of a custom archive, the
// file size in a directory archive; 0 when unknown (tar).
std::vector<std::uint64_t> stored_sizes(const dump::ArchiveToc& toc, const std::vector<const dump::TocEntry*>& entries) {
  std::vector<std::uint64_t> sizes(entries.size(), 0);
  if (toc.header.format == dump::ArchiveFormat::directory) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      std::error_code error;
      const auto dir = toc.path;
      for (const char* suffix : {"", ".gz", ".lz4", ".zst"}) {
        const auto size = std::filesystem::file_size(dir / (entries[i]->filename + suffix), error);
        if (!error) {
          sizes[i] = size;
          break;
        }
      }
    }
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

}  // namespace

const DumpTable* DumpDigest::table(std::string_view name) const {
  auto it = std::lower_bound(tables.begin(), tables.end(), name,
                             [](const DumpTable& t, std::string_view n) { return t.name < n; });
  return it != tables.end() && it->name == name ? &*it : nullptr;
}

std::uint64_t DumpDigest::rows() const {
  std::uint64_t total = 0;
  for (const auto& t : tables) total += t.digest.rows;
  return total;
}

bool tables_readable_apart(const dump::ArchiveToc& toc) {
  switch (toc.header.format) {
    case dump::ArchiveFormat::directory:
    case dump::ArchiveFormat::tar: return true;
    case dump::ArchiveFormat::plain: return false;
    case dump::ArchiveFormat::custom:
      // Written to a pipe, pg_dump records no offsets: only one pass in order finds the blocks.
      for (const dump::TocEntry* entry : toc.tables_with_data())
        if (entry->offset.state != dump::DataOffsetState::set) return false;
      return true;
  }
  return false;
}

DumpDigest digest_dump(const std::filesystem::path& path, const DumpDigestOptions& options) {
  DumpDigest result;
  result.toc = dump::read_archive_toc(path);
  // Every table's data is read, also of tables the filter leaves out: the
  // archive must prove readable to its last byte; those are just not hashed.
  std::vector<const dump::TocEntry*> entries = result.toc.tables_with_data();

  std::map<std::string, DumpTable> tables;
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
  } else {
    result.jobs_used = jobs;
    // Largest first, so one big table does not start last and run alone.
    const auto sizes = stored_sizes(result.toc, entries);
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    std::vector<const dump::TocEntry*> sorted;
    for (std::size_t i : order) sorted.push_back(entries[i]);
    entries = std::move(sorted);
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<std::uint64_t> bytes{0};
    const std::uint64_t total = dump::archive_bytes(result.toc, entries);
    std::atomic<bool> cancelled{false};
    std::exception_ptr failure;
    std::mutex mutex;
    std::condition_variable finished;
    int running = jobs;
    std::vector<std::thread> workers;
    for (int w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        DigestSink sink(options.filter, &cancelled);
        try {
          for (std::size_t i; !cancelled && (i = next++) < entries.size();) {
            // The reader reports positions in the archive; what was read is their advance.
            std::uint64_t last = 0;
            bool started = false;
            dump::DataReadOptions read;
            read.on_progress = [&](const dump::ReadProgress& p) {
              // The last report of an entry jumps to the end of the archive; not read here.
              if (p.bytes_read >= p.bytes_total) return;
              if (started && p.bytes_read > last) bytes += p.bytes_read - last;
              last = p.bytes_read;
              started = true;
            };
            dump::read_entry_data(result.toc, *entries[i], sink, read);
            ++done;
          }
        } catch (const Cancelled&) {
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!failure) failure = std::current_exception();
          cancelled = true;
        }
        std::lock_guard lock(mutex);
        merge_into(tables, std::move(sink.tables));
        --running;
        finished.notify_all();
      });
    }
    auto report = [&] {
      if (!options.on_progress) return;
      dump::ReadProgress p;
      p.bytes_read = std::min(bytes.load(), total);
      p.bytes_total = total;
      p.tables_done = done.load();
      p.tables_total = entries.size();
      options.on_progress(p);
    };
    {
      std::unique_lock lock(mutex);
      while (running > 0) {
        finished.wait_for(lock, std::chrono::milliseconds(200));
        lock.unlock();
        report();
        lock.lock();
      }
    }
    for (auto& worker : workers) worker.join();
    if (failure) std::rethrow_exception(failure);
    result.bytes_total = total;
    bytes = total;
    report();
  }

  for (auto& [name, table] : tables) result.tables.push_back(std::move(table));
  return result;
}

}  // namespace pgverify
