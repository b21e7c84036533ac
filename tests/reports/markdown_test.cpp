#include <algorithm>
#include <sstream>

#include "reports/reporter.hpp"
#include "tests/reports/support.hpp"

namespace pgverify::reports {

namespace {

std::string render_to_string(const RunReport& report) {
  std::ostringstream out;
  render_markdown(report, out);
  return out.str();
}

}  // namespace

TEST_CASE("the Markdown table has one intact row per check", "[reports][markdown]") {
  const RunReport report = testing::sample_report();
  const std::string text = render_to_string(report);
  CHECK(text.rfind("## pgverify post · tenant demo · 💥 **error**\n", 0) == 0);
  std::istringstream in(text);
  std::size_t rows = 0;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "| Status | Check | Summary | Time |") {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (line.empty()) break;
    if (line.rfind("|---", 0) == 0) continue;
    ++rows;
    // Exactly five unescaped pipes: the summary's '|' and line break stay inside their cell.
    std::size_t pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++pipes;
    INFO(line);
    CHECK(pipes == 5);
  }
  CHECK(rows == report.checks.size());
  CHECK(text.find("2 tables differ: \\<rows\\> \\& \"counts\" \\| 'quoted'<br>see findings") !=
        std::string::npos);
}

TEST_CASE("the Markdown findings section covers checks with findings only", "[reports][markdown]") {
  const std::string text = render_to_string(testing::sample_report());
  CHECK(text.find("#### driver.asyncpg") != std::string::npos);
  CHECK(text.find("#### data.row-counts") != std::string::npos);
  CHECK(text.find("#### secrets.fernet") != std::string::npos);
  CHECK(text.find("#### data.sequences") == std::string::npos);
  CHECK(text.find("#### version.pg-dump") == std::string::npos);
  CHECK(text.find("- **public.\"weird\\|table\"**: row count differs") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("the Markdown report stays small when a check has many findings", "[reports][markdown]") {
  RunReport report;
  CheckResult check{"data.row-counts", Status::fail, "many", std::chrono::milliseconds(1), {}};
  for (int i = 0; i < 120; ++i)
    check.findings.push_back({"public.t" + std::to_string(i), "1", "0", "rows missing", ""});
  report.checks.push_back(check);
  const std::string text = render_to_string(report);
  CHECK(text.find("public.t49") != std::string::npos);
  CHECK(text.find("public.t50") == std::string::npos);
  CHECK(text.find("and 70 more findings") != std::string::npos);
}

}  // namespace pgverify::reports

namespace pgverify::reports {

TEST_CASE("the Markdown report keeps a hostile name inside its cell and list item", "[reports][markdown]") {
  const std::string text = render_to_string(testing::hostile_name_report());
  CHECK(text.find("| ❌ **fail** | data.row-counts | 1 table differs: public.\"a<br>b\\x09c<br>d\\x1b\\[2J\\x7f\\u0085\\|e\\xff\" "
                  "| 3 ms |\n") != std::string::npos);
  CHECK(text.find("- **public.\"a<br>b\\x09c<br>d\\x1b\\[2J\\x7f\\u0085\\|e\\xff\"**: two<br>lines<br>and a lone<br>CR\\x09and "
                  "a tab\n") != std::string::npos);
  CHECK(std::none_of(text.begin(), text.end(),
                     [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == '\x7f'; }));
}

}  // namespace pgverify::reports
