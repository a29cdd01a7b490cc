// The UDP sockets and listening TCP sockets of a network namespace, as
// `ss -ulpn` / `ss -tlpn` show them: read from the kernel's socket tables
// over NETLINK_SOCK_DIAG (inet_diag, IPv4 and IPv6), with the processes
// that hold each socket found through /proc/PID/fd (only processes in the
// same namespace). The DHCP diagnosis asks "does anything listen on UDP 67
// on this device?".
//
// Reading the tables needs no privilege; seeing other users' processes'
// file descriptors needs CAP_SYS_PTRACE (root), otherwise `owners` is empty
// for them. Errors: the common errors of error.hpp (namespace entry,
// netlink); a Usage error for port 0.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netlab {

struct NETLAB_API SocketOwner {
  pid_t pid = 0;
  std::string comm;  // /proc/PID/comm
  int fd = -1;
};

struct NETLAB_API InetSocket {
  enum class Proto : std::uint8_t { Udp, Tcp } proto = Proto::Udp;
  IpAddr local;          // the bound address (0.0.0.0 / :: for the wildcard)
  std::uint16_t port = 0;
  IpAddr peer;           // connected UDP sockets only; else unspecified
  std::uint16_t peer_port = 0;
  std::string state;     // "UNCONN", "ESTAB", "LISTEN" as ss spells them
  int dev_index = 0;     // SO_BINDTODEVICE / bind-interfaces: the bound device, 0 none
  std::string dev;       // its name ("" when none or when it vanished)
  std::uint32_t uid = 0;
  std::uint64_t inode = 0;
  std::vector<SocketOwner> owners;
};

namespace sockets {

// Which sockets: UDP (every state, as `ss -u -a`) or TCP listeners; port 0
// means every port.
struct Filter {
  InetSocket::Proto proto = InetSocket::Proto::Udp;
  std::uint16_t port = 0;
};

NETLAB_API Result<std::vector<InetSocket>> list(const Netns& ns, const Filter& filter);
// The UDP sockets bound to `port` (1-65535; Usage error for 0).
NETLAB_API Result<std::vector<InetSocket>> udp_listeners(const Netns& ns, std::uint16_t port);

}  // namespace sockets
}  // namespace netlab
