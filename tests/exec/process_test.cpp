#include <catch2/catch.hpp>

#include "exec/process.hpp"

using namespace pgverify;

TEST_CASE("run_process captures output and exit status", "[exec]") {
  auto result = exec::run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(result.exit_code == 3);
  CHECK(result.out == "out\n");
  CHECK(result.err == "err\n");
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_process reports a missing program and kills one that hangs", "[exec]") {
  CHECK_THROWS_WITH(exec::run_process({"/nonexistent/pg_dump", "--version"}),
                    "/nonexistent/pg_dump: not found");
  CHECK_THROWS_WITH(exec::run_process({"no-such-program-pgverify"}), "no-such-program-pgverify: not found");
  auto result = exec::run_process({"sleep", "10"}, std::chrono::milliseconds(200));
  CHECK(result.timed_out);
  CHECK(result.exit_code == -1);
}

TEST_CASE("run_process bounds what it keeps of a chatty program", "[exec]") {
  auto result = exec::run_process({"sh", "-c", "head -c 5000000 /dev/zero"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.size() == (1u << 20));
}
