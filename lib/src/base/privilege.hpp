// Which capability a privileged operation needs, said in one place: every
// path that can fail with EPERM/EACCES for lack of privilege (netlink
// writes, tun ioctls, packet sockets, setns) tags its error through here, so
// the user reads "... Operation not permitted (needs CAP_NET_RAW)" on one line.
#pragma once

#include <netlab/error.hpp>

namespace netlab {

enum class Capability {
  NetAdmin,  // netlink changes, tun/tap ioctls, /proc/sys/net writes
  NetRaw,    // packet and raw sockets: live capture, probes, diagnosis
  SysAdmin,  // setns into another network namespace
  Setuid,    // capture -Z: change to another user...
  Setgid,    // ...and its groups
};

// "CAP_NET_ADMIN".
const char* capability_name(Capability c) noexcept;

// True when the calling thread has c in its effective set (capget).
bool has_capability(Capability c) noexcept;

// When e failed with EPERM or EACCES and the process lacks c, appends
// " (needs CAP_...)" to the reason and clears any older hint, so the error
// stays one line. Errors of another errno are returned unchanged.
Error needs_capability(Error e, Capability c);

}  // namespace netlab
