// Runs a blocking call (store, password hash) on a worker pool and resumes the awaiting
// coroutine on its own executor (its strand), so no I/O thread ever waits on disk or CPU-heavy
// work (DESIGN §1).
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <asio/use_awaitable.hpp>

#include <exception>
#include <type_traits>
#include <utility>

#include "base/result.h"

namespace pillarbox::session {

namespace detail {
template <class R>
R capture_exception(const std::exception& e) {
  if constexpr (std::is_same_v<R, Status> || std::is_constructible_v<R, Error>) {
    return R(make_error(Errc::internal, "Internal error", e.what()));
  } else {
    throw;
  }
}
}  // namespace detail

/// co_await on_pool(pool, fn): calls fn() on a pool thread and returns its result to the
/// awaiting coroutine, resumed on that coroutine's executor. `fn` must return a movable value;
/// an exception from fn becomes an Errc::internal error for Result/Status return types.
template <class F>
auto on_pool(asio::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F f) {
        auto work = asio::make_work_guard(asio::get_associated_executor(handler));
        asio::post(pool, [handler = std::move(handler), f = std::move(f), work = std::move(work)]() mutable {
          R result = [&]() -> R {
            try {
              return f();
            } catch (const std::exception& e) {
              return detail::capture_exception<R>(e);
            }
          }();
          auto ex = work.get_executor();
          asio::post(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

}  // namespace pillarbox::session
