// The executor's journal: chained, verified line by line, a torn last line
// cut, one holder at a time, and the kill hook of the tests.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>

#include "dump/sha256.hpp"
#include "support/servers.hpp"
#include "upgrade/journal.hpp"

namespace fs = std::filesystem;
using namespace pgverify;
using upgrade::Journal;
using upgrade::JournalError;

namespace {

std::string sha(const std::string& text) {
  dump::Sha256 digest;
  digest.update(text);
  return digest.hex();
}

void write_three(const fs::path& path) {
  auto journal = Journal::open(path);
  journal.append(upgrade::kPlanStep, "plan", {{"run_id", "r"}});
  journal.append("step.dump", "intent", nlohmann::ordered_json::object());
  journal.append("step.dump", "done", {{"sha256", "x"}});
}

std::string expect_error(const fs::path& path) {
  try {
    (void)Journal::read(path);
  } catch (const JournalError& e) {
    return e.what();
  }
  FAIL("the journal was read as good");
  return "";
}

}  // namespace

TEST_CASE("journal lines are chained by the SHA-256 of the line before and read back as written", "[journal]") {
  testing::TempDir dir("journal-chain");
  const fs::path path = dir.path() / "j.jsonl";
  write_three(path);
  const auto entries = Journal::read(path);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].prev == std::string(64, '0'));
  CHECK(entries[1].prev == sha(entries[0].line));
  CHECK(entries[2].prev == sha(entries[1].line));
  CHECK(entries[2].seq == 3);
  CHECK(entries[2].evidence.at("sha256") == "x");
  CHECK(entries[0].line.starts_with("{\"seq\":1,\"step\":\"upgrade\",\"event\":\"plan\",\"at\":\""));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto last = upgrade::last_events(entries);
  REQUIRE(last.size() == 2);
  CHECK(last[1].step == "step.dump");
  CHECK(last[1].event == "done");
  // Opened again, the chain goes on.
  auto journal = Journal::open(path);
  CHECK(journal.append("step.restore", "intent", nlohmann::ordered_json::object()).prev == sha(entries[2].line));
}

TEST_CASE("a journal changed after it was written is refused, naming the line", "[journal]") {
  testing::TempDir dir("journal-tamper");
  const fs::path path = dir.path() / "j.jsonl";
  write_three(path);
  const std::string good = testing::read_file(path);
  const auto lines_of = [&] {
    std::vector<std::string> lines;
    std::istringstream in(good);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  };
  const auto write_lines = [&](const std::vector<std::string>& lines) {
    std::ofstream out(path, std::ios::trunc);
    for (const auto& line : lines) out << line << '\n';
  };
  auto lines = lines_of();
  SECTION("an edited byte") {
    lines[1].replace(lines[1].find("intent"), 6, "failed");
    write_lines(lines);
    CHECK_THAT(expect_error(path), Catch::Contains("line 3") && Catch::Contains("chain is broken"));
  }
  SECTION("a line removed") {
    lines.erase(lines.begin() + 1);
    write_lines(lines);
    CHECK_THAT(expect_error(path), Catch::Contains("line 2"));
  }
  SECTION("two lines swapped") {
    std::swap(lines[1], lines[2]);
    write_lines(lines);
    CHECK_THAT(expect_error(path), Catch::Contains("line 2"));
  }
  SECTION("not a journal line") {
    lines[2] = "{\"seq\":3}";
    write_lines(lines);
    CHECK_THAT(expect_error(path), Catch::Contains("line 3"));
  }
  CHECK_THROWS_AS(Journal::open(path), JournalError);
}

TEST_CASE("a last line torn by a kill is cut when the journal is opened, left out when it is read", "[journal]") {
  testing::TempDir dir("journal-torn");
  const fs::path path = dir.path() / "j.jsonl";
  write_three(path);
  { std::ofstream(path, std::ios::app) << "{\"seq\":4,\"step\":\"step.rest"; }
  CHECK(Journal::read(path).size() == 3);
  auto journal = Journal::open(path);
  CHECK(journal.torn_tail_cut());
  CHECK(journal.entries().size() == 3);
  journal.append("step.restore", "intent", nlohmann::ordered_json::object());
  CHECK(Journal::read(path).size() == 4);
}

TEST_CASE("one pgverify at a time holds a journal; a link is never followed", "[journal]") {
  testing::TempDir dir("journal-lock");
  const fs::path path = dir.path() / "j.jsonl";
  auto first = Journal::open(path);
  first.append(upgrade::kPlanStep, "plan", nlohmann::ordered_json::object());
  CHECK_THROWS_WITH(Journal::open(path), Catch::Contains("another pgverify upgrade is running"));
  const fs::path link = dir.path() / "link.jsonl";
  fs::create_symlink(path, link);
  CHECK_THROWS_WITH(Journal::open(link), Catch::Contains("symbolic link"));
  CHECK_THROWS_WITH(Journal::read(link), Catch::Contains("symbolic link"));
  CHECK_THROWS_AS(first.append("not a step", "done", nlohmann::ordered_json::object()), JournalError);
  CHECK_THROWS_AS(first.append("step.dump", "maybe", nlohmann::ordered_json::object()), JournalError);
  CHECK_THROWS_AS(first.append("step.dump", "done", nlohmann::ordered_json::array()), JournalError);
}

TEST_CASE("PGVERIFY_TEST_KILL_AFTER kills the process right after that line is on disk", "[journal]") {
  testing::TempDir dir("journal-kill");
  for (const char* hook : {"step.dump:intent", "seq:2"}) {
    INFO(hook);
    const fs::path path = dir.path() / (std::string(hook).substr(0, 3) + ".jsonl");
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::setenv("PGVERIFY_TEST_KILL_AFTER", hook, 1);
      try {
        write_three(path);
      } catch (...) {
      }
      ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    const auto entries = Journal::read(path);
    REQUIRE(entries.size() == 2);
    CHECK(entries.back().step == "step.dump");
  }
}

TEST_CASE("the plan is the first line and only the first; plan and finished belong to the run", "[journal]") {
  testing::TempDir dir("journal-plan");
  auto journal = Journal::open(dir.path() / "j.jsonl");
  CHECK_THROWS_WITH(journal.append("step.dump", "intent", nlohmann::ordered_json::object()),
                    Catch::Contains("first line must be the plan"));
  CHECK_THROWS_WITH(journal.append("step.dump", "plan", nlohmann::ordered_json::object()), Catch::Contains("of the run"));
  journal.append(upgrade::kPlanStep, "plan", nlohmann::ordered_json::object());
  CHECK_THROWS_WITH(journal.append(upgrade::kPlanStep, "plan", nlohmann::ordered_json::object()),
                    Catch::Contains("plan already"));
  CHECK_THROWS_WITH(journal.append("step.dump", "finished", nlohmann::ordered_json::object()),
                    Catch::Contains("of the run"));
  CHECK(journal.entries().size() == 1);
}
