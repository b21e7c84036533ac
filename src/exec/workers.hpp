// Worker threads that cannot outlive their caller or take the process down:
// the parallel readers of hash/ (ctid ranges) and of a dump's entries
// (evidence/dump_digest). A worker that throws, a progress report that throws, or
// a thread that cannot start (std::system_error) asks every worker to stop,
// waits until all that started have returned, and the first of those
// exceptions reaches the caller. No joinable std::thread is ever destroyed
// (which would be std::terminate).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <stop_token>
#include <thread>

namespace pgverify::exec {

// How a worker thread starts; a test passes one that fails.
using ThreadStarter = std::function<std::thread(std::function<void()>)>;
std::thread start_thread(std::function<void()> body);

// Runs `body` on `count` threads at once. The calling thread meanwhile calls
// `tick` about every `interval` (progress reports), until every body returned
// or one failed. Each body receives a stop_token to look at between pieces of
// work: a stop is requested once anything failed. Returns (or throws the first
// failure) when every thread that started has returned.
void run_workers(std::size_t count, const std::function<void(std::stop_token)>& body,
                 const std::function<void()>& tick = {},
                 std::chrono::milliseconds interval = std::chrono::milliseconds(200),
                 const ThreadStarter& start = start_thread);

}  // namespace pgverify::exec
