#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "checks/registry.hpp"
#include "cli/catalog.hpp"

using namespace pgverify;

TEST_CASE("check ids are unique, sorted, dashed and documented", "[registry]") {
  const auto& checks = all_checks();
  REQUIRE_FALSE(checks.empty());
  std::set<std::string_view> seen;
  std::string_view previous;
  for (const auto& check : checks) {
    const CheckInfo& info = check->info();
    INFO(info.id);
    CHECK(seen.insert(info.id).second);
    CHECK(previous < info.id);
    previous = info.id;
    CHECK(info.id.find('.') != std::string_view::npos);
    CHECK(info.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string_view::npos);
    CHECK_FALSE(info.phases.empty());
    CHECK_FALSE(info.summary.empty());
    CHECK_FALSE(info.rationale.empty());
    CHECK_FALSE(info.remediation.empty());
    CHECK_FALSE(info.options.empty());
    CHECK_FALSE(info.applies_to.empty());
    CHECK(find_check(info.id) == check.get());
  }
}

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// data.row-counts -> DataRowCounts
std::string class_name_of(std::string_view id) {
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (c == '.' || c == '-') {
      upper = true;
    } else {
      name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return name;
}

}  // namespace

TEST_CASE("each check has its files named after its id and one declaration", "[registry]") {
  namespace fs = std::filesystem;
  const fs::path root(PGVERIFY_SOURCE_DIR);
  const std::string declarations = read_text(root / "checks" / "checks.hpp");
  std::vector<std::string> declared_in_order;
  for (const auto& check : all_checks()) {
    std::string stem(check->info().id);
    std::replace(stem.begin(), stem.end(), '.', '_');
    std::replace(stem.begin(), stem.end(), '-', '_');
    const std::string name = class_name_of(check->info().id);
    INFO(stem << " (class " << name << ")");
    CHECK(fs::exists(root / "checks" / (stem + ".cpp")));
    CHECK(fs::exists(root / "tests" / "checks" / (stem + "_test.cpp")));
    // Declared in one place: a line of checks/checks.hpp, or a header of its
    // own when it declares more than info() and run().
    const bool in_checks_hpp = declarations.find("\nPGVERIFY_CHECK(" + name + ");\n") != std::string::npos;
    CHECK(in_checks_hpp != fs::exists(root / "checks" / (stem + ".hpp")));
    if (in_checks_hpp) declared_in_order.push_back(name);
  }
  // checks/checks.hpp declares registered checks only, in id order.
  std::vector<std::string> lines;
  std::istringstream in(declarations);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("PGVERIFY_CHECK(", 0) == 0) lines.push_back(line.substr(15, line.size() - 17));
  CHECK(lines == declared_in_order);
}

TEST_CASE("no check's texts are still the TODO scripts/new-check wrote", "[registry]") {
  for (const auto& check : all_checks()) {
    const CheckInfo& info = check->info();
    const std::pair<const char*, std::string_view> texts[] = {{"summary", info.summary},
                                                              {"rationale", info.rationale},
                                                              {"remediation", info.remediation},
                                                              {"options", info.options},
                                                              {"applies_to", info.applies_to}};
    for (const auto& [field, text] : texts) {
      INFO(info.id << "'s " << field << " is still TODO: write it in the check's CheckInfo, then run "
                   "scripts/new-check --readme");
      CHECK(text.find("TODO") == std::string_view::npos);
    }
  }
}

TEST_CASE("the README's check list is the one 'pgverify checks --markdown' prints", "[registry]") {
  std::ostringstream table;
  cli::print_catalog(table, cli::CatalogFormat::markdown);
  std::ifstream readme(std::filesystem::path(PGVERIFY_SOURCE_DIR) / "README.md");
  std::stringstream text;
  text << readme.rdbuf();
  INFO("regenerate the README's list with: pgverify checks --markdown");
  CHECK_THAT(text.str(), Catch::Contains(table.str()));
}
