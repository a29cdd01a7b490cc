#include "base/privilege.hpp"

#include <netlab/privileges.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace netlab {
namespace {

int capability_number(Capability c) noexcept {
  switch (c) {
    case Capability::NetAdmin: return CAP_NET_ADMIN;
    case Capability::NetRaw: return CAP_NET_RAW;
    case Capability::SysAdmin: return CAP_SYS_ADMIN;
    case Capability::Setuid: return CAP_SETUID;
    case Capability::Setgid: return CAP_SETGID;
  }
  return CAP_SYS_ADMIN;
}

// No libcap: the raw syscalls with the 64-bit (version 3) layout.
struct CapSets {
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
};

bool cap_get(CapSets& s) noexcept {
  __user_cap_header_struct head{_LINUX_CAPABILITY_VERSION_3, 0};
  return ::syscall(SYS_capget, &head, s.data) == 0;
}

bool cap_set(const CapSets& s) noexcept {
  __user_cap_header_struct head{_LINUX_CAPABILITY_VERSION_3, 0};
  return ::syscall(SYS_capset, &head, s.data) == 0;
}

}  // namespace

const char* capability_name(Capability c) noexcept {
  switch (c) {
    case Capability::NetAdmin: return "CAP_NET_ADMIN";
    case Capability::NetRaw: return "CAP_NET_RAW";
    case Capability::SysAdmin: return "CAP_SYS_ADMIN";
    case Capability::Setuid: return "CAP_SETUID";
    case Capability::Setgid: return "CAP_SETGID";
  }
  return "CAP_SYS_ADMIN";
}

bool has_capability(Capability c) noexcept {
  CapSets s;
  if (!cap_get(s)) return false;
  const auto* data = s.data;
  const int n = capability_number(c);
  return (data[n / 32].effective >> (n % 32)) & 1u;
}

Error needs_capability(Error e, Capability c) {
  if (e.sys_errno != EPERM && e.sys_errno != EACCES) return e;
  // With the capability in hand the refusal has another cause (a tap owned
  // by someone else, a namespace of another user namespace): naming the
  // capability would send the user the wrong way.
  if (has_capability(c)) return e;
  e.reason += std::string(" (needs ") + capability_name(c) + ")";
  e.hint.clear();
  return e;
}

Result<UserIds> lookup_user(const std::string& user) {
  const std::string object = "user " + user;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc = ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc == 0 && !found) {
    // A number names a uid, as tcpdump's -Z does not but chown(1) does.
    unsigned long uid = 0;
    auto [end, ec] = std::from_chars(user.data(), user.data() + user.size(), uid);
    if (ec == std::errc() && end == user.data() + user.size() && !user.empty())
      rc = ::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &found);
  }
  if (rc != 0) return Error::from_errno(rc, object, "cannot read the password database");
  if (!found) return Error::usage(object, "no such user");
  return UserIds{pw.pw_name, pw.pw_uid, pw.pw_gid};
}

Result<void> drop_privileges(const UserIds& user) {
  const std::string object = "capture -Z " + user.name;
  auto fail = [&](const char* step, Capability c) {
    const int err = errno;
    return needs_capability(Error::from_errno(err, object, std::string(step) + ": " + std::strerror(err)), c);
  };
  const bool same_user = ::getuid() == user.uid && ::geteuid() == user.uid;
  if (!same_user) {
    if (::initgroups(user.name.c_str(), user.gid) != 0) return fail("initgroups", Capability::Setgid);
    if (::setresgid(user.gid, user.gid, user.gid) != 0) return fail("setgid", Capability::Setgid);
    if (::setresuid(user.uid, user.uid, user.uid) != 0) return fail("setuid", Capability::Setuid);
  }
  if (user.uid != 0) {
    // Leaving uid 0 clears the capability sets, but a binary with file
    // capabilities run by a non-root user keeps them across setuid: clear
    // every set ourselves, ambient too, so nothing privileged is left.
    (void)::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (!cap_set(CapSets{})) return fail("capset", Capability::Setuid);
  }

  // Trust, but verify (as tcpdump's droproot does not): read it all back.
  uid_t r = 0, e = 0, s = 0;
  gid_t gr = 0, ge = 0, gs = 0;
  bool ids = ::getresuid(&r, &e, &s) == 0 && ::getresgid(&gr, &ge, &gs) == 0 && r == user.uid && e == user.uid &&
             s == user.uid && (same_user || (gr == user.gid && ge == user.gid && gs == user.gid));
  if (!ids) return Error::from_errno(EPERM, object, "the user and group ids did not change as asked");
  if (user.uid != 0) {
    if (::setuid(0) == 0) return Error::from_errno(EPERM, object, "setuid(0) still succeeds after dropping");
    CapSets left;
    if (!cap_get(left)) return Error::from_errno(errno, object, "capget");
    for (const auto& d : left.data)
      if (d.effective || d.permitted || d.inheritable)
        return Error::from_errno(EPERM, object, "capabilities remain after dropping");
  }
  return {};
}

}  // namespace netlab
