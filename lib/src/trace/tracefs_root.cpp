// Finding tracefs without touching the host's mount tree, and owning one
// instance directory in it.
//
// Why a detached mount and not unshare(CLONE_NEWNS) + mount: unshare moves
// the whole calling thread (and, in the CLI, the process) into another mount
// namespace for the rest of its life, which a library must not do to its
// caller; a detached mount (fsopen/fsmount, Linux 5.2) is attached to no tree
// at all, is seen by nobody else, and disappears when its fd is closed.
// tracefs is one superblock per kernel, so instances made through it are the
// same instances every other tracefs mount shows (which is what tracing is).
#include "trace/tracefs_root.hpp"

#include "trace/tracefs_c.hpp"

#include <cerrno>
#include <dirent.h>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <vector>

namespace netlab::trace {

namespace {

std::mutex g_root_mutex;
std::weak_ptr<TracefsRoot> g_root;
std::atomic<unsigned> g_next_instance{0};

// The first tracefs mount point of this process's mount namespace whose
// events/ directory can be opened; "" when none.
std::string mounted_tracefs() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "tracefs") continue;
    std::istringstream head(line.substr(0, dash));
    std::string id, parent, dev, root, mountpoint;
    head >> id >> parent >> dev >> root >> mountpoint;
    if (root != "/") continue;
    // mountinfo escapes space, tab, newline and backslash as \ooo.
    std::string path;
    for (std::size_t i = 0; i < mountpoint.size(); ++i) {
      if (mountpoint[i] == '\\' && i + 3 < mountpoint.size()) {
        path += static_cast<char>(std::stoi(mountpoint.substr(i + 1, 3), nullptr, 8));
        i += 3;
      } else {
        path += mountpoint[i];
      }
    }
    struct stat st {};
    if (::stat((path + "/events").c_str(), &st) == 0) return path;
  }
  return {};
}

// A tracefs mount attached nowhere; errors name the capability.
Result<std::shared_ptr<TracefsRoot>> detached_tracefs() {
  Fd fs{::fsopen("tracefs", FSOPEN_CLOEXEC)};
  if (!fs) {
    int err = errno;
    if (err == ENODEV) {
      Error e{Errc::Unsupported, ENODEV, "tracefs", "this kernel has no tracefs (CONFIG_TRACING)", {}, {}};
      return e;
    }
    return tracefs_error(err, "tracefs (not mounted; mounting a private one)", true);
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    return tracefs_error(errno, "tracefs (not mounted; mounting a private one)", true);
  Fd mnt{::fsmount(fs.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)};
  if (!mnt) return tracefs_error(errno, "tracefs (not mounted; mounting a private one)", true);
  std::string path = "/proc/self/fd/" + std::to_string(mnt.get());
  return std::make_shared<TracefsRoot>(std::move(path), std::move(mnt));
}

}  // namespace

Error tracefs_error(int err, std::string object, bool mounting) {
  Error e = Error::from_errno(err, std::move(object));
  e.hint.clear();
  switch (err) {
    case EPERM:
    case EACCES:
      e.reason += mounting ? " (mounting tracefs needs CAP_SYS_ADMIN)"
                           : " (tracefs files are root's: needs root or CAP_DAC_OVERRIDE)";
      break;
    case EROFS: e.reason = "tracefs is mounted read-only"; break;
    case ENOENT:
      e.kind = Errc::Unsupported;
      e.reason = "does not exist in this kernel's tracefs";
      break;
    default: break;
  }
  return e;
}

Result<std::shared_ptr<TracefsRoot>> TracefsRoot::get() {
  std::lock_guard lock(g_root_mutex);
  if (auto r = g_root.lock()) return r;
  std::shared_ptr<TracefsRoot> root;
  if (std::string p = mounted_tracefs(); !p.empty()) {
    root = std::make_shared<TracefsRoot>(std::move(p), Fd{});
  } else {
    auto d = detached_tracefs();
    if (!d) return std::move(d).error();
    root = std::move(*d);
  }
  // libtracefs would otherwise look for tracefs itself and, finding none,
  // mount it on /sys/kernel/tracing (the host's tree): point it here first.
  std::string dir = root->path();
  if (tracefs_set_tracing_dir(dir.data()) < 0) return tracefs_error(errno, "tracefs " + dir);
  g_root = root;
  return root;
}

// ---- The instance ---------------------------------------------------------------

Result<OwnedInstance> OwnedInstance::create(const std::shared_ptr<TracefsRoot>& root) {
  const std::string instances = root->path() + "/instances";
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::string name = "netlab-" + std::to_string(::getpid()) + "-" + std::to_string(g_next_instance++);
    const std::string dir = instances + "/" + name;
    // mkdir ourselves (not tracefs_instance_create): EEXIST must mean "pick
    // another name", never "share someone's instance".
    if (::mkdir(dir.c_str(), 0750) < 0) {
      int err = errno;
      if (err == EEXIST) continue;
      return tracefs_error(err, "tracefs instance " + dir);
    }
    tracefs_instance* inst = tracefs_instance_alloc(root->path().c_str(), name.c_str());
    if (!inst) {
      int err = errno ? errno : ENOMEM;
      ::rmdir(dir.c_str());
      return tracefs_error(err, "tracefs instance " + name);
    }
    return OwnedInstance(root, inst, std::move(name));
  }
  return Error::from_errno(EEXIST, "tracefs instances", "64 instance names of this process are taken");
}

OwnedInstance::OwnedInstance(OwnedInstance&& o) noexcept
    : root_(std::move(o.root_)), inst_(std::exchange(o.inst_, nullptr)), name_(std::move(o.name_)) {}

OwnedInstance::~OwnedInstance() {
  if (!inst_) return;
  // rmdir disables the instance's events and frees its buffers; the kernel
  // refuses (EBUSY) while a file of it is open, so the session closes its
  // per-CPU fds before this runs.
  ::rmdir(dir().c_str());
  tracefs_instance_free(inst_);
}

std::string OwnedInstance::dir() const { return root_->path() + "/instances/" + name_; }

Result<void> OwnedInstance::write(const std::string& file, const std::string& value) const {
  const std::string path = dir() + "/" + file;
  Fd fd{::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC)};
  if (!fd) return tracefs_error(errno, "tracefs " + name_ + "/" + file);
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    return tracefs_error(errno, "tracefs " + name_ + "/" + file + " (writing \"" + value + "\")");
  return {};
}

Result<std::size_t> remove_stale(const TracefsRoot& root) {
  // Read the folder ourselves: libtracefs 1.6's tracefs_instances() never
  // frees the regex it compiles (LeakSanitizer sees it in every session), and
  // it lists the default tracing dir, not necessarily the root we use.
  const std::string instances = root.path() + "/instances";
  std::vector<std::string> names;
  if (DIR* d = ::opendir(instances.c_str())) {
    while (const dirent* e = ::readdir(d))
      if (std::strncmp(e->d_name, "netlab-", 7) == 0) names.emplace_back(e->d_name);
    ::closedir(d);
  }
  std::size_t removed = 0;
  for (const std::string& name : names) {
    // netlab-<pid>-<n> exactly; anything else is not ours.
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + 7, &end, 10);
    if (pid <= 0 || *end != '-' || !end[1] || std::strspn(end + 1, "0123456789") != std::strlen(end + 1)) continue;
    if (pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    // A netlab in another pid namespace has a pid we cannot see; while it
    // runs its instance has open files and rmdir fails with EBUSY.
    if (::rmdir((instances + "/" + name).c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace netlab::trace
