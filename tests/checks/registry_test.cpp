#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

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

TEST_CASE("each check has its file pair named after its id", "[registry]") {
  namespace fs = std::filesystem;
  for (const auto& check : all_checks()) {
    std::string stem(check->info().id);
    std::replace(stem.begin(), stem.end(), '.', '_');
    std::replace(stem.begin(), stem.end(), '-', '_');
    INFO(stem);
    CHECK(fs::exists(fs::path(PGVERIFY_SOURCE_DIR) / "checks" / (stem + ".hpp")));
    CHECK(fs::exists(fs::path(PGVERIFY_SOURCE_DIR) / "checks" / (stem + ".cpp")));
    CHECK(fs::exists(fs::path(PGVERIFY_SOURCE_DIR) / "tests" / "checks" / (stem + "_test.cpp")));
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
