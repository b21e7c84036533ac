#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "checks/registry.hpp"
#include "cli/catalog.hpp"

using namespace pgverify;

namespace {

// The line of `text` that starts with `prefix` ("" when none does).
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

}  // namespace

TEST_CASE("checks and explain show the versions a check applies to", "[cli][catalog]") {
  std::ostringstream text, markdown, fk, psql;
  cli::print_catalog(text, cli::CatalogFormat::text);
  cli::print_catalog(markdown, cli::CatalogFormat::markdown);
  cli::print_explanation(fk, find_check("schema.fk-collations")->info());
  cli::print_explanation(psql, find_check("version.psql")->info());

  CHECK_THAT(line_starting(text.str(), "ID "), Catch::Matches("ID +PHASE +VERSIONS +WHAT"));
  CHECK_THAT(line_starting(text.str(), "schema.fk-collations "),
             Catch::Matches("schema\\.fk-collations +pre +target >= 18 +no foreign key .*"));
  CHECK_THAT(line_starting(text.str(), "version.psql "), Catch::Matches("version\\.psql +pre +any +psql's major .*"));
  CHECK(line_starting(markdown.str(), "| id ") == "| id | phase | versions | what |");
  CHECK_THAT(line_starting(markdown.str(), "| `schema.fk-collations` "),
             Catch::StartsWith("| `schema.fk-collations` | pre | target >= 18 | no foreign key "));
  CHECK_THAT(fk.str(), Catch::Contains("Versions:\n  targets on PostgreSQL 18 and later; skipped on others\n"));
  CHECK_THAT(psql.str(), Catch::Contains("Versions:\n  every source and target major\n"));
}
