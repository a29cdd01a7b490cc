#include <netlab/netns.hpp>

#include "base/privilege.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netlab {

Result<Netns> Netns::named(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    return Error::usage("netns \"" + std::string(name) + "\"", "is not a valid namespace name");
  Netns ns;
  ns.path_ = "/run/netns/" + std::string(name);
  ns.label_ = std::string(name);
  return ns;
}

Netns Netns::at_path(std::string path) {
  Netns ns;
  ns.label_ = path;
  ns.path_ = std::move(path);
  return ns;
}

Netns Netns::of_pid(pid_t pid) { return at_path("/proc/" + std::to_string(pid) + "/ns/net"); }

Result<Netns> Netns::from_arg(std::string_view arg) {
  if (arg.find('/') != std::string_view::npos) return at_path(std::string(arg));
  return named(arg);
}

std::string Netns::describe() const { return is_current() ? std::string() : "netns " + label_; }

Result<NetnsScope> NetnsScope::enter(const Netns& ns) {
  if (ns.is_current()) return NetnsScope{-1};
  int target = ::open(ns.path().c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int err = errno;
    if (err == ENOENT) return Error::not_found(ns.describe(), "does not exist");
    return Error::from_errno(err, ns.describe());
  }
  int saved = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (saved < 0) {
    int err = errno;
    ::close(target);
    return Error::from_errno(err, "current netns", "cannot open /proc/thread-self/ns/net");
  }
  if (::setns(target, CLONE_NEWNET) != 0) {
    int err = errno;
    ::close(target);
    ::close(saved);
    auto e = Error::from_errno(err, ns.describe(),
                           err == EINVAL ? "is not a network namespace" : std::string());
    return needs_capability(std::move(e), Capability::SysAdmin);
  }
  ::close(target);
  return NetnsScope{saved};
}

NetnsScope::NetnsScope(NetnsScope&& other) noexcept : saved_fd_(other.saved_fd_) { other.saved_fd_ = -1; }

NetnsScope::~NetnsScope() {
  if (saved_fd_ < 0) return;
  // Going back can only fail if the original namespace vanished, which a held fd prevents.
  (void)::setns(saved_fd_, CLONE_NEWNET);
  ::close(saved_fd_);
}

Result<bool> in_initial_netns() {
  // The kernel gives the initial network namespace a fixed inode number
  // (PROC_NET_INIT_INO). Inside a container the "host" namespace is the one
  // PID 1 (or kthreadd, PID 2) is in; either may be unreadable, which is
  // fine: any match means initial, and the fixed inode is always checked.
  constexpr ino_t kInitNetInode = 0xEFFFFFF9U;
  struct stat self{};
  if (::stat("/proc/thread-self/ns/net", &self) != 0) return Error::from_errno(errno, "/proc/thread-self/ns/net");
  if (self.st_ino == kInitNetInode) return true;
  for (const char* other : {"/proc/1/ns/net", "/proc/2/ns/net"}) {
    struct stat st{};
    if (::stat(other, &st) == 0 && st.st_ino == self.st_ino && st.st_dev == self.st_dev) return true;
  }
  return false;
}

}  // namespace netlab
