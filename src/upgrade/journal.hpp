// upgrade/journal: the executor's memory, OUT/upgrade-journal.jsonl. Append-only
// JSON lines {"seq","step","event","at","evidence","prev"}, each chained to the
// one before by the SHA-256 of its bytes, the file and its directory fsync'd
// after every line, an exclusive lock held while an upgrade runs. A line torn
// by a kill (no newline) is cut off when the journal is opened again; any
// other damage (an edited, missing or reordered line) is an error naming the
// line. The evidence is what the executor passes, nothing added: it never
// holds a secret (the executor passes none).
//
// For the kill matrix of the tests, PGVERIFY_TEST_KILL_AFTER=STEP:EVENT (or
// seq:N) ends the process with SIGKILL right after that line is on disk; for
// the tests of what happens between two lines, PGVERIFY_TEST_RUN_AFTER=
// STEP:EVENT runs the shell command PGVERIFY_TEST_RUN_COMMAND there and waits
// for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgverify::upgrade {

// The step of the lines about the whole run: the plan (first line) and finished.
inline constexpr std::string_view kPlanStep = "upgrade";

// plan, intent, done, failed, gate, refused, finished.
bool is_event(std::string_view event);
// "upgrade", or "step." and [a-z0-9-]+.
bool is_step_id(std::string_view step);

// One printable line naming the journal and what is wrong with it.
class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JournalEntry {
  std::uint64_t seq = 0;            // 1, 2, 3 ... without gaps
  std::string step;
  std::string event;
  std::string at;                   // ISO 8601 UTC with milliseconds
  nlohmann::ordered_json evidence;  // an object
  std::string prev;                 // SHA-256 (hex) of the previous line's bytes; 64 zeros on the first
  std::string line;                 // the line as written, without its newline
};

// The last event of each step, steps in the order they first appear.
struct StepEvent {
  std::string step;
  std::string event;
  std::uint64_t seq = 0;
};
std::vector<StepEvent> last_events(const std::vector<JournalEntry>& entries);

class Journal {
 public:
  // Creates the journal (0600, never through a symbolic link; its directory
  // must exist) or opens it to append: takes the lock (JournalError when
  // another pgverify holds it), reads and verifies every line, cuts off a torn
  // last line.
  static Journal open(const std::filesystem::path& path);
  // Reads and verifies, changing nothing and taking no lock (--status); a torn
  // last line is left out.
  static std::vector<JournalEntry> read(const std::filesystem::path& path);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&& other) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  const std::vector<JournalEntry>& entries() const { return m_entries; }
  bool torn_tail_cut() const { return m_torn_tail_cut; }
  const std::filesystem::path& path() const { return m_path; }

  // Writes the line, fsyncs the file and the directory; the entry written.
  const JournalEntry& append(std::string_view step, std::string_view event, nlohmann::ordered_json evidence);

 private:
  Journal(std::filesystem::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}

  std::filesystem::path m_path;
  int m_fd = -1;
  std::vector<JournalEntry> m_entries;
  bool m_torn_tail_cut = false;
  bool m_broken = false;  // a write or fsync failed: nothing more is appended
};

}  // namespace pgverify::upgrade
