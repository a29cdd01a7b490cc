// Network namespaces. Every library call takes a Netns: the caller's own
// (default), a named one (/run/netns/NAME, as `ip -n`), or any nsfs path such
// as /proc/PID/ns/net. Netlink sockets and /proc/sys/net files belong to the
// namespace of the thread that opens them, so the library enters the target
// with NetnsScope, opens what it needs, and returns to where it was.
//
// Thread safety: entering a namespace (setns) moves only the calling thread,
// and every library call opens its own sockets and files inside the call;
// the library keeps no global state. So several threads may call the library
// at once, each for any namespace. A Netns is a plain value (a path), cheap to
// copy; it holds nothing open, so a named namespace deleted after a Netns was
// made fails at the next call that enters it (NotFound).
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>

#include <string>
#include <string_view>
#include <sys/types.h>

namespace netlab {

// Which network namespace a library call acts in. Constructing one checks
// nothing on the system: a path that does not exist or is not a network
// namespace is reported by the first call that enters it (the common errors,
// error.hpp).
class NETLAB_API Netns {
 public:
  Netns() = default;  // the calling thread's namespace
  // NAME as `ip netns add NAME` made it (/run/netns/NAME); a Usage error if it
  // holds '/', is empty, or is "." or "..".
  static Result<Netns> named(std::string_view name);
  // Any nsfs path (/proc/PID/ns/net, /proc/self/fd/N, a bind mount).
  static Netns at_path(std::string path);
  // /proc/PID/ns/net: the namespace of that process, as long as it runs.
  static Netns of_pid(pid_t pid);
  // A word from the command line: a path if it contains '/', else a name.
  // Errors as named().
  static Result<Netns> from_arg(std::string_view arg);

  bool is_current() const noexcept { return path_.empty(); }
  const std::string& path() const noexcept { return path_; }
  // "netns lab1" / "netns /proc/42/ns/net" / "" for the current one.
  std::string describe() const;

 private:
  std::string path_;
  std::string label_;
};

// Moves the calling thread into a namespace until destroyed. Not copyable.
// Move-only: the destructor of the last owner moves the thread back to the
// namespace it was in when enter() was called and closes the saved fd.
// Sockets opened while inside stay bound to the target namespace after the
// scope ends; that is how the library uses it. Destroy it on the thread that
// entered (it changes only the calling thread).
class NETLAB_API NetnsScope {
 public:
  // For the current namespace (Netns{}) nothing happens and nothing is saved.
  // Errors: NotFound when the path does not exist; System EPERM with the hint
  // "needs CAP_SYS_ADMIN" when setns() is refused; System EINVAL "is not a
  // network namespace" for another kind of file; System errno when
  // /proc/thread-self/ns/net cannot be opened.
  static Result<NetnsScope> enter(const Netns& ns);
  NetnsScope(NetnsScope&& other) noexcept;
  NetnsScope& operator=(NetnsScope&&) = delete;
  NetnsScope(const NetnsScope&) = delete;
  ~NetnsScope();

 private:
  explicit NetnsScope(int saved_fd) noexcept : saved_fd_(saved_fd) {}
  int saved_fd_ = -1;  // -1: nothing to restore (already in the target)
};

// True when the calling thread is in the kernel's initial network namespace
// (or shares one with PID 1 or 2): changes would touch the host's own
// network. Tests refuse to run then. Error: System errno when
// /proc/thread-self/ns/net cannot be stat()ed (no /proc).
NETLAB_API Result<bool> in_initial_netns();

}  // namespace netlab
