#include "exec/workers.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <vector>

namespace pgverify::exec {

std::thread start_thread(std::function<void()> body) { return std::thread(std::move(body)); }

void run_workers(std::size_t count, const std::function<void(std::stop_token)>& body,
                 const std::function<void()>& tick, std::chrono::milliseconds interval,
                 const ThreadStarter& start) {
  std::stop_source stop;
  std::mutex mutex;
  std::condition_variable returned;
  std::size_t running = 0;
  std::exception_ptr failure;
  auto fail = [&](std::exception_ptr error) {
    {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::move(error);
    }
    stop.request_stop();
  };

  std::vector<std::thread> threads;
  try {
    threads.reserve(count);
    for (std::size_t i = 0; i < count && !stop.stop_requested(); ++i) {
      {
        std::lock_guard lock(mutex);
        ++running;
      }
      try {
        threads.push_back(start([&, token = stop.get_token()] {
          try {
            body(token);
          } catch (...) {
            fail(std::current_exception());
          }
          std::lock_guard lock(mutex);
          --running;
          returned.notify_all();
        }));
      } catch (...) {
        std::lock_guard lock(mutex);
        --running;  // this one never started
        throw;
      }
    }
  } catch (...) {
    fail(std::current_exception());
  }

  while (true) {
    {
      std::unique_lock lock(mutex);
      if (returned.wait_for(lock, interval, [&] { return running == 0; })) break;
    }
    if (!tick || stop.stop_requested()) continue;
    try {
      tick();
    } catch (...) {
      fail(std::current_exception());
    }
  }
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace pgverify::exec
