#include <catch2/catch.hpp>

#include "checks/source_port_forward.hpp"
#include "support/check_fixture.hpp"

using namespace pgverify;
using checks::PortForward;

TEST_CASE("kubectl port-forward command lines are recognised", "[checks][source.port-forward]") {
  auto parsed = checks::parse_port_forward(7, {"kubectl", "port-forward", "-n", "qry-app", "svc/postgres", "5432:5432"});
  REQUIRE(parsed);
  CHECK(parsed->pid == 7);
  CHECK(parsed->local_ports == std::vector<std::string>{"5432"});
  parsed = checks::parse_port_forward(8, {"/usr/local/bin/kubectl", "--context", "prod", "port-forward",
                                          "pod/postgres-0", "--address", "127.0.0.1", "15432:5432", ":6379", "8080"});
  REQUIRE(parsed);
  CHECK(parsed->local_ports == std::vector<std::string>{"15432", "", "8080"});
  CHECK_FALSE(checks::parse_port_forward(9, {"kubectl", "get", "pods"}));
  CHECK_FALSE(checks::parse_port_forward(9, {"ssh", "-L", "5432:db:5432", "port-forward"}));
  CHECK_FALSE(checks::parse_port_forward(9, {}));
}

TEST_CASE("source.port-forward warns on a large source behind a port-forward", "[checks][source.port-forward]") {
  testing::CheckFixture f;
  f.tenant.source_dsn = "host=127.0.0.1 port=5432 dbname=qrydb";
  f.connector.add(f.tenant.source_dsn, f.source);
  f.source->answer("pg_database_size", testing::rows({{"2147483648"}}));
  auto forwarded = [] { return std::vector<PortForward>{{4242, {"5432"}}}; };
  SECTION("large: warn") {
    auto result = f.run(checks::SourcePortForward(forwarded));
    CHECK(result.status == Status::warn);
    CHECK(result.summary == "the source (2048 MB) is reached through kubectl port-forward (pid 4242) on port 5432");
    CHECK_THAT(result.findings.at(0).hint, Catch::Contains("kubectl cp"));
  }
  SECTION("small: pass") {
    auto result = f.run(checks::SourcePortForward(forwarded, 4ull * 1024 * 1024 * 1024));
    CHECK(result.status == Status::pass);
    CHECK_THAT(result.summary, Catch::Contains("but its database is only 2048 MB"));
  }
  SECTION("a forward on another port: pass without asking the server") {
    auto result = f.run(checks::SourcePortForward([] { return std::vector<PortForward>{{1, {"6379"}}}; }));
    CHECK(result.status == Status::pass);
    CHECK(f.connector.connections == 0);
  }
}

TEST_CASE("source.port-forward passes for a source reached directly", "[checks][source.port-forward]") {
  testing::CheckFixture f;
  f.tenant.source_dsn = "host=db.internal port=5432 dbname=qrydb";
  auto result = f.run(checks::SourcePortForward([] { return std::vector<PortForward>{{1, {"5432"}}}; }));
  CHECK(result.status == Status::pass);
  CHECK(result.summary == "the source is reached at db.internal, not through a local port");
}
