// Network namespaces. Every library call takes a Netns: the caller's own
// (default), a named one (/run/netns/NAME, as `ip -n`), or any nsfs path such
// as /proc/PID/ns/net. Netlink sockets and /proc/sys/net files belong to the
// namespace of the thread that opens them, so the library enters the target
// with NetnsScope, opens what it needs, and returns to where it was.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>

#include <string>
#include <string_view>
#include <sys/types.h>

namespace netlab {

class NETLAB_API Netns {
 public:
  Netns() = default;  // the calling thread's namespace
  // NAME as `ip netns add NAME` made it; rejected if it holds '/' or is empty.
  static Result<Netns> named(std::string_view name);
  static Netns at_path(std::string path);
  static Netns of_pid(pid_t pid);
  // A word from the command line: a path if it contains '/', else a name.
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
class NETLAB_API NetnsScope {
 public:
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
// network. Tests refuse to run then.
NETLAB_API Result<bool> in_initial_netns();

}  // namespace netlab
