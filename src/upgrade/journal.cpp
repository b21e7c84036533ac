#include "upgrade/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "dump/sha256.hpp"
#include "json/strict.hpp"
#include "text/quote.hpp"
#include "text/timestamp.hpp"

namespace pgverify::upgrade {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::string_view kEvents[] = {"plan", "intent", "done", "failed", "gate", "refused", "finished"};
constexpr std::string_view kKeys[] = {"seq", "step", "event", "at", "evidence", "prev"};
const std::string kFirstPrev(64, '0');

std::string shown(const fs::path& path) { return text::quote_bytes(path.string(), 200, '\''); }

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw JournalError("journal " + shown(path) + ": " + what);
}

[[noreturn]] void fail_errno(const fs::path& path, const std::string& what, int error) {
  fail(path, what + ": " + std::strerror(error));
}

std::string sha256_hex(std::string_view bytes) {
  dump::Sha256 sha;
  sha.update(bytes);
  return sha.hex();
}

void fsync_directory_of(const fs::path& path) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno(path, "cannot open its directory", errno);
  const bool ok = ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!ok) fail_errno(path, "cannot fsync its directory", error);
}

std::string read_all(int fd, const fs::path& path) {
  std::string content;
  char buffer[65536];
  if (::lseek(fd, 0, SEEK_SET) < 0) fail_errno(path, "cannot read", errno);
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path, "cannot read", errno);
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

JournalEntry parse_line(const fs::path& path, std::string_view line, std::uint64_t number, const std::string& prev) {
  const std::string where = "line " + std::to_string(number);
  Json json;
  try {
    json = json::parse(line);
  } catch (const json::SyntaxError& error) {
    fail(path, where + " is not JSON: " + error.what());
  }
  if (!json.is_object() || json.size() != std::size(kKeys)) fail(path, where + " is not a journal line");
  std::size_t i = 0;
  for (const auto& [key, value] : json.items())
    if (key != kKeys[i++]) fail(path, where + " is not a journal line (its keys are not seq, step, event, at, evidence, prev)");
  JournalEntry entry;
  if (!json["seq"].is_number_unsigned() || json["seq"].get<std::uint64_t>() != number)
    fail(path, where + ": seq is not " + std::to_string(number) + " (a line is missing or out of order)");
  entry.seq = number;
  if (!json["step"].is_string() || !is_step_id(json["step"].get<std::string>()))
    fail(path, where + ": not a step id");
  if (!json["event"].is_string() || !is_event(json["event"].get<std::string>())) fail(path, where + ": not an event");
  if (!json["at"].is_string() || !json["evidence"].is_object() || !json["prev"].is_string())
    fail(path, where + " is not a journal line");
  entry.step = json["step"].get<std::string>();
  entry.event = json["event"].get<std::string>();
  entry.at = json["at"].get<std::string>();
  entry.evidence = json["evidence"];
  entry.prev = json["prev"].get<std::string>();
  if (entry.prev != prev) fail(path, where + ": the chain is broken (an earlier line was changed, removed or moved)");
  if ((number == 1) != (entry.event == "plan")) fail(path, where + (number == 1 ? " is not the plan" : ": a second plan"));
  if ((entry.event == "plan" || entry.event == "finished") && entry.step != kPlanStep)
    fail(path, where + ": " + entry.event + " is an event of the run, not of a step");
  entry.line = std::string(line);
  return entry;
}

// The lines of `content` verified; *torn_at is where a last line without its
// newline begins (content.size() when there is none).
std::vector<JournalEntry> parse_all(const fs::path& path, const std::string& content, std::size_t* torn_at) {
  std::vector<JournalEntry> entries;
  std::size_t start = 0;
  std::string prev = kFirstPrev;
  while (start < content.size()) {
    const std::size_t end = content.find('\n', start);
    if (end == std::string::npos) break;
    entries.push_back(parse_line(path, std::string_view(content).substr(start, end - start), entries.size() + 1, prev));
    prev = sha256_hex(entries.back().line);
    start = end + 1;
  }
  *torn_at = start;
  return entries;
}

// PGVERIFY_TEST_KILL_AFTER: the kill matrix's hook (STEP:EVENT or seq:N).
void maybe_kill(const JournalEntry& entry) {
  const char* hook = std::getenv("PGVERIFY_TEST_KILL_AFTER");
  if (!hook || !*hook) return;
  const std::string wanted(hook);
  if (wanted == entry.step + ":" + entry.event || wanted == "seq:" + std::to_string(entry.seq)) ::raise(SIGKILL);
}

// PGVERIFY_TEST_RUN_AFTER / PGVERIFY_TEST_RUN_COMMAND: something done to the
// servers between two lines (a row written while the executor is between its gate and its delete).
void maybe_run(const JournalEntry& entry) {
  const char* hook = std::getenv("PGVERIFY_TEST_RUN_AFTER");
  const char* command = std::getenv("PGVERIFY_TEST_RUN_COMMAND");
  if (!hook || !*hook || !command || !*command) return;
  if (std::string(hook) == entry.step + ":" + entry.event && std::system(command) != 0)
    throw JournalError(std::string("PGVERIFY_TEST_RUN_COMMAND failed after ") + hook);
}

}  // namespace

bool is_event(std::string_view event) {
  return std::find(std::begin(kEvents), std::end(kEvents), event) != std::end(kEvents);
}

bool is_step_id(std::string_view step) {
  if (step == kPlanStep) return true;
  if (!step.starts_with("step.") || step.size() == 5) return false;
  return std::all_of(step.begin() + 5, step.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::vector<StepEvent> last_events(const std::vector<JournalEntry>& entries) {
  std::vector<StepEvent> out;
  for (const auto& entry : entries) {
    auto it = std::find_if(out.begin(), out.end(), [&](const StepEvent& e) { return e.step == entry.step; });
    if (it == out.end())
      out.push_back({entry.step, entry.event, entry.seq});
    else
      *it = {entry.step, entry.event, entry.seq};
  }
  return out;
}

Journal Journal::open(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == ELOOP) fail(path, "is a symbolic link; pgverify writes its journal only to a file of its own");
    fail_errno(path, "cannot open", errno);
  }
  Journal journal(path, fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_errno(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) fail(path, "is not a regular file");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) fail(path, "another pgverify upgrade is running on it");
    fail_errno(path, "cannot lock", errno);
  }
  const std::string content = read_all(fd, path);
  std::size_t torn_at = 0;
  journal.m_entries = parse_all(path, content, &torn_at);
  if (torn_at < content.size()) {
    // A kill in the middle of a write: the line never was; what came before stands.
    if (::ftruncate(fd, static_cast<off_t>(torn_at)) != 0 || ::fsync(fd) != 0)
      fail_errno(path, "cannot cut off its torn last line", errno);
    journal.m_torn_tail_cut = true;
  }
  if (content.empty()) fsync_directory_of(path);
  return journal;
}

std::vector<JournalEntry> Journal::read(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) fail(path, "is a symbolic link; pgverify reads its journal only from a file of its own");
    fail_errno(path, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(path, "is not a regular file");
  }
  std::string content;
  try {
    content = read_all(fd, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  std::size_t torn_at = 0;
  return parse_all(path, content, &torn_at);
}

Journal::Journal(Journal&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_entries(std::move(other.m_entries)),
      m_torn_tail_cut(other.m_torn_tail_cut),
      m_broken(other.m_broken) {}

Journal& Journal::operator=(Journal&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_path = std::move(other.m_path);
    m_fd = std::exchange(other.m_fd, -1);
    m_entries = std::move(other.m_entries);
    m_torn_tail_cut = other.m_torn_tail_cut;
    m_broken = other.m_broken;
  }
  return *this;
}

Journal::~Journal() {
  if (m_fd >= 0) ::close(m_fd);  // the lock goes with the descriptor
}

const JournalEntry& Journal::append(std::string_view step, std::string_view event, Json evidence) {
  if (!is_step_id(step)) fail(m_path, "not a step id: " + text::printable(step));
  if (!is_event(event)) fail(m_path, "not an event: " + text::printable(event));
  if (!evidence.is_object()) fail(m_path, "evidence must be an object");
  if (m_broken) fail(m_path, "an earlier write failed; what is on disk is not known: stop, then --resume");
  if ((m_entries.empty()) != (event == "plan"))
    fail(m_path, m_entries.empty() ? "its first line must be the plan" : "it has its plan already");
  if ((event == "plan" || event == "finished") && step != kPlanStep)
    fail(m_path, std::string(event) + " is an event of the run (" + std::string(kPlanStep) + "), not of a step");
  JournalEntry entry;
  entry.seq = m_entries.size() + 1;
  entry.step = std::string(step);
  entry.event = std::string(event);
  entry.at = utc_timestamp_milliseconds();
  entry.evidence = std::move(evidence);
  entry.prev = m_entries.empty() ? kFirstPrev : sha256_hex(m_entries.back().line);
  Json line = Json::object();
  line["seq"] = entry.seq;
  line["step"] = entry.step;
  line["event"] = entry.event;
  line["at"] = entry.at;
  line["evidence"] = entry.evidence;
  line["prev"] = entry.prev;
  entry.line = json::write_line(line);
  // What is read back must be what was hashed: a byte nlohmann replaced (ill-formed UTF-8) would break the chain.
  entry.evidence = json::parse(entry.line)["evidence"];
  const std::string bytes = entry.line + "\n";
  const off_t before = ::lseek(m_fd, 0, SEEK_END);
  std::string_view left(bytes);
  while (!left.empty()) {
    const ssize_t n = ::write(m_fd, left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // Half a line must not stay for the next line to follow: back to the last whole one.
      const int error = errno;
      if (before < 0 || ::ftruncate(m_fd, before) != 0 || ::fsync(m_fd) != 0) m_broken = true;
      fail_errno(m_path, "cannot write", error);
    }
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(m_fd) != 0) {
    // The line may or may not be on disk: no further line may be chained to either.
    m_broken = true;
    fail_errno(m_path, "cannot fsync", errno);
  }
  fsync_directory_of(m_path);
  m_entries.push_back(std::move(entry));
  maybe_kill(m_entries.back());
  maybe_run(m_entries.back());
  return m_entries.back();
}

}  // namespace pgverify::upgrade
