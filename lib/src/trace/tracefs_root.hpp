// Internal: where tracefs is for this process, and the instance a session
// owns. Only trace/ uses it.
#pragma once

#include <netlab/error.hpp>

#include "base/fd.hpp"

#include <memory>
#include <string>

struct tracefs_instance;

namespace netlab::trace {

// The tracefs this process uses: a mounted one (read from
// /proc/self/mountinfo), or a detached mount made with fsopen/fsmount and
// reached as /proc/self/fd/N while the fd is held. Shared by the sessions of
// one process; the detached mount goes away with the last of them.
class TracefsRoot {
 public:
  static Result<std::shared_ptr<TracefsRoot>> get();
  const std::string& path() const noexcept { return path_; }
  bool detached() const noexcept { return mount_fd_.valid(); }

  TracefsRoot(std::string path, Fd fd) : path_(std::move(path)), mount_fd_(std::move(fd)) {}

 private:
  std::string path_;
  Fd mount_fd_;
};

// The error for a failed tracefs operation on `object`, with the missing
// privilege or property named (EPERM/EACCES, EROFS, ENOENT, ENODEV).
Error tracefs_error(int err, std::string object, bool mounting = false);

// instances/netlab-<pid>-<n>, removed (rmdir) when destroyed. Created after
// the stale ones are gone.
class OwnedInstance {
 public:
  static Result<OwnedInstance> create(const std::shared_ptr<TracefsRoot>& root);
  OwnedInstance(OwnedInstance&& o) noexcept;
  OwnedInstance& operator=(OwnedInstance&&) = delete;
  OwnedInstance(const OwnedInstance&) = delete;
  ~OwnedInstance();

  tracefs_instance* get() const noexcept { return inst_; }
  const std::string& name() const noexcept { return name_; }
  std::string dir() const;  // <root>/instances/<name>
  // Writes `value` to a file of the instance; errno-based Error naming it.
  Result<void> write(const std::string& file, const std::string& value) const;

 private:
  OwnedInstance(std::shared_ptr<TracefsRoot> root, tracefs_instance* inst, std::string name) noexcept
      : root_(std::move(root)), inst_(inst), name_(std::move(name)) {}
  std::shared_ptr<TracefsRoot> root_;
  tracefs_instance* inst_ = nullptr;
  std::string name_;
};

Result<std::size_t> remove_stale(const TracefsRoot& root);

}  // namespace netlab::trace
