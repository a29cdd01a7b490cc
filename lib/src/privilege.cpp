#include "privilege.hpp"

#include <cerrno>

#include <linux/capability.h>
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
  }
  return CAP_SYS_ADMIN;
}

}  // namespace

const char* capability_name(Capability c) noexcept {
  switch (c) {
    case Capability::NetAdmin: return "CAP_NET_ADMIN";
    case Capability::NetRaw: return "CAP_NET_RAW";
    case Capability::SysAdmin: return "CAP_SYS_ADMIN";
    case Capability::Setuid: return "CAP_SETUID";
  }
  return "CAP_SYS_ADMIN";
}

bool has_capability(Capability c) noexcept {
  // No libcap: the raw syscall with the 64-bit (version 3) layout.
  __user_cap_header_struct head{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &head, data) != 0) return false;
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

}  // namespace netlab
