#include <catch2/catch.hpp>

#include "platform/programs.hpp"

namespace pgverify::platform {

namespace {

const std::string* env_value(const exec::ProcessRequest& request, const std::string& name) {
  for (const auto& change : request.environment)
    if (change.name == name && change.value) return &*change.value;
  return nullptr;
}

}  // namespace

TEST_CASE("hide_passwords moves a DSN's password from the command line into PGPASSWORD", "[platform]") {
  const std::string dsn = "host=db port=5432 user=app password=s3cret dbname=qrydb";
  exec::ProcessRequest request;
  request.argv = {"pg_dump", "-Fc", "-d", dsn, "-f", "/tmp/x"};
  const auto hidden = hide_passwords(request, {dsn});
  for (const auto& word : hidden.argv) CHECK(word.find("s3cret") == std::string::npos);
  CHECK(hidden.argv.at(3).find("dbname='qrydb'") != std::string::npos);
  REQUIRE(env_value(hidden, "PGPASSWORD") != nullptr);
  CHECK(*env_value(hidden, "PGPASSWORD") == "s3cret");
  // Without a password nothing changes, and no PGPASSWORD is set.
  request.argv[3] = "host=db dbname=qrydb";
  const auto plain = hide_passwords(request, {request.argv[3]});
  CHECK(plain.argv == request.argv);
  CHECK(env_value(plain, "PGPASSWORD") == nullptr);
}

TEST_CASE("a shown command masks DSN passwords and a configured command's secrets", "[platform]") {
  const std::string dsn = "host=db user=app password=s3cret dbname=qrydb";
  const std::string shown = shown_command({"/bin/sh", "-c", "PGPASSWORD=hunter2 systemctl stop qry-backend"}, {dsn});
  CHECK(shown.find("hunter2") == std::string::npos);
  CHECK(shown.find("systemctl stop qry-backend") != std::string::npos);
  const std::string with_dsn = shown_command({"pg_dump", "-d", dsn}, {dsn});
  CHECK(with_dsn.find("s3cret") == std::string::npos);
  CHECK(with_dsn.find("dbname=qrydb") != std::string::npos);
}

}  // namespace pgverify::platform
