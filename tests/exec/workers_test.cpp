// Worker threads: every failure (a worker's, a progress report's, a thread
// that cannot start) stops the others, and reaches the caller only once every
// thread that started has returned.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "exec/workers.hpp"

using namespace pgverify;
using namespace std::chrono_literals;

namespace {

// A worker that works until asked to stop (at most 20 s, so that a bug fails
// the test instead of hanging it), then counts itself returned.
struct Waiter {
  std::atomic<int> returned{0};
  void operator()(const std::stop_token& stop) {
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    ++returned;
  }
};

}  // namespace

TEST_CASE("run_workers runs every body and reports progress meanwhile", "[exec]") {
  std::atomic<int> sum{0};
  std::atomic<int> ticks{0};
  exec::run_workers(
      4,
      [&](std::stop_token) {
        std::this_thread::sleep_for(50ms);
        ++sum;
      },
      [&] { ++ticks; }, 5ms);
  CHECK(sum == 4);
  CHECK(ticks >= 1);
  exec::run_workers(0, [](std::stop_token) { FAIL("no worker was asked for"); });
}

TEST_CASE("a worker's exception stops the others and reaches the caller", "[exec]") {
  Waiter waiter;
  std::atomic<int> index{0};
  CHECK_THROWS_WITH(exec::run_workers(3,
                                      [&](std::stop_token stop) {
                                        if (index++ == 1) throw std::runtime_error("worker failed");
                                        waiter(stop);
                                      }),
                    "worker failed");
  // The third may not have started: no worker starts once one failed.
  CHECK(waiter.returned == index - 1);
  CHECK(index >= 2);
}

TEST_CASE("a progress report that throws stops the workers and reaches the caller", "[exec]") {
  Waiter waiter;
  CHECK_THROWS_WITH(exec::run_workers(
                        2, [&](std::stop_token stop) { waiter(stop); },
                        [] { throw std::runtime_error("progress line broke"); }, 5ms),
                    "progress line broke");
  CHECK(waiter.returned == 2);
}

TEST_CASE("a thread that cannot start stops those already started; the system_error reaches the caller", "[exec]") {
  Waiter waiter;
  int starts = 0;
  const exec::ThreadStarter refuse_third = [&](std::function<void()> body) {
    if (++starts == 3) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
    return exec::start_thread(std::move(body));
  };
  try {
    exec::run_workers(4, [&](std::stop_token stop) { waiter(stop); }, {}, 200ms, refuse_third);
    FAIL("run_workers returned");
  } catch (const std::system_error& error) {
    CHECK(error.code() == std::errc::resource_unavailable_try_again);
  }
  CHECK(starts == 3);  // no start after the failed one
  CHECK(waiter.returned == 2);
}
