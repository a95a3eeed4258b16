// Errors as values at I/O and protocol boundaries (DESIGN §7).
#pragma once

#include <cassert>
#include <cstdint>
#include <source_location>
#include <string>
#include <utility>
#include <variant>

namespace pillarbox {

#if defined(__cpp_lib_source_location)
using SourceLocation = std::source_location;
#else
// clang 14 (the fuzzing compiler on Debian 12) lacks the builtin libstdc++ 12's
// std::source_location needs; errors then carry no location.
struct SourceLocation {
  static constexpr SourceLocation current() noexcept { return {}; }
  constexpr const char* file_name() const noexcept { return "?"; }
  constexpr std::uint_least32_t line() const noexcept { return 0; }
};
#endif

/// What kind of failure an Error is; the protocol layers map it to an RFC 5530 response code.
enum class Errc {
  not_found,       ///< [NONEXISTENT]
  already_exists,  ///< [ALREADYEXISTS]
  invalid,         ///< bad argument from a client or administrator
  no_perm,         ///< [NOPERM]
  too_big,         ///< [TOOBIG] / 552
  over_quota,      ///< [OVERQUOTA]
  in_use,          ///< [INUSE]
  unavailable,     ///< [UNAVAILABLE]: temporary, retry later (database busy)
  storage_full,    ///< [UNAVAILABLE] / LMTP 452 4.3.1: the server's disk is full; temporary
  io,              ///< [SERVERBUG]-class storage/system failure
  internal,        ///< a bug
};

/// A failure: a code, text safe to show a client, detail for the server log, and where it arose.
struct Error {
  Errc code = Errc::internal;
  std::string text;    ///< client-safe, one line, no CR/LF
  std::string detail;  ///< for the log only (paths, SQL errors)
  SourceLocation where = SourceLocation::current();
};

/// Builds an Error, recording the caller's source location.
inline Error make_error(Errc code, std::string text, std::string detail = {},
                        SourceLocation where = SourceLocation::current()) {
  return Error{code, std::move(text), std::move(detail), where};
}

/// Either a T or an Error. Access the value only after checking ok().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}    // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace pillarbox
