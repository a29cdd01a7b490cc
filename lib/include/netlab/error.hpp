// One error type for the whole library: what was attempted, on which object,
// why it failed (errno, libnl or pcap text, the kernel's extended ack) and,
// when we know one, a hint for the user. The library never prints and never
// exits; callers get Result<T> and decide.
//
// How the pieces fit: every fallible call returns Result<T> (or Result<void>)
// holding either the value or one Error; NETLAB_TRY passes an Error up from
// a function that itself returns a Result. A caller that reports errors
// prints Error::message() as one line (plus `hint` when it is not empty) and
// exits with Error::exit_status().
//
// The errors every call that talks to the kernel can return, documented once
// here and referred to from the other headers as "the common errors":
//   - namespace entry (any call taking a Netns other than the current one):
//     NotFound (sys_errno ENOENT) when the nsfs path or /run/netns/NAME does
//     not exist; System with EPERM and the hint "needs CAP_SYS_ADMIN" when
//     setns() is refused; System with EINVAL "is not a network namespace".
//   - netlink: Netlink with the kernel's errno in sys_errno, strerror() as
//     reason and the kernel's extended-ack text in `extack`; ENODEV becomes
//     NotFound; EPERM/EACCES carry the hint "needs CAP_NET_ADMIN: run as
//     root"; EOPNOTSUPP without an extack becomes Unsupported. A dump the
//     kernel interrupted (tables changing under it) gives EAGAIN: link
//     dumps are retried first, address/neighbour/route dumps are not (their
//     headers say so). libnl's own failures (socket allocation,
//     connect, send, receive) are Netlink with sys_errno ENOMEM, EPERM or EIO.
//   - a device named by the caller that the link dump does not have:
//     NotFound "link DEV: no such device" (sys_errno ENOENT).
// Errors never carry ownership of anything: an Error is a plain value.
#pragma once

#include <netlab/export.hpp>

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace netlab {

// What kind of failure an Error is; exit_status() and callers branch on it.
enum class Errc {
  System,       // a system call failed; sys_errno says why
  Netlink,      // the kernel answered a netlink request with an error
  Pcap,         // libpcap reported an error
  Usage,        // the caller's input is invalid (bad address, name, keyword)
  NotFound,     // the named object does not exist
  Unsupported,  // the kernel or this build lacks the feature
};

// A copyable value; all members are public so a caller may refine them
// (add a hint, rename the object) before passing the error on.
struct NETLAB_API Error {
  Errc kind = Errc::System;
  int sys_errno = 0;      // errno, 0 when none applies
  std::string object;     // "link mirtap0", "address 192.0.2.1/24 on tap7"
  std::string reason;     // strerror, our words, or the kernel's own text
  std::string extack;     // the kernel's extended-ack message, when it sent one
  std::string hint;       // "needs CAP_NET_ADMIN: run as root"

  // Errc::System with sys_errno = err; reason defaults to strerror(err).
  // EPERM and EACCES get the hint "needs CAP_NET_ADMIN: run as root".
  static Error from_errno(int err, std::string object, std::string reason = {});
  // Errc::Usage with sys_errno EINVAL: the caller's input was wrong.
  static Error usage(std::string object, std::string reason);
  // Errc::NotFound with sys_errno ENOENT.
  static Error not_found(std::string object, std::string reason = "does not exist");

  // "link mirtap0: Operation not permitted (kernel: ...)": one line, no prefix.
  std::string message() const;
  // The process exit status this error maps to: 2 for usage errors, else 1.
  int exit_status() const noexcept;
};

// A minimal std::expected<T, Error> with the same member names, so it can be
// swapped for the standard type once we build as C++23. It owns its value or
// its Error. Calling value()/operator* on an error, or error() on a value, is
// a precondition violation (an assert in debug builds, undefined otherwise):
// test has_value() or operator bool first. [[nodiscard]]: ignoring a Result
// is a warning (an error with NETLAB_WERROR).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { assert(!has_value()); return std::get<1>(v_); }
  Error&& error() && { assert(!has_value()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// The Result of a call that returns nothing on success: it holds only the
// Error, or nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}
  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const { assert(ok_); }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace netlab

// Propagate an error from an expression returning Result<...>: evaluates
// expr once and, when it failed, returns its Error from the enclosing
// function (which must return a Result or an Error). The value, if any, is
// discarded: use an explicit `auto r = ...; if (!r) return ...` to keep it.
#define NETLAB_TRY(expr)                                   \
  do {                                                     \
    if (auto netlab_try_result_ = (expr); !netlab_try_result_) \
      return std::move(netlab_try_result_).error();        \
  } while (0)
