// Socket tables over NETLINK_SOCK_DIAG: one inet_diag dump per address
// family, filtered here by port (a kernel bytecode filter would save
// nothing at lab sizes). The owners come from /proc: the kernel has no
// netlink view of which process holds a socket, ss reads /proc the same way.
#include <netlab/sockets.hpp>

#include "nl/attr.hpp"
#include "nl/link_names.hpp"
#include "nl/socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netlab::sockets {
namespace {

// ss's names for the TCP states (include/net/tcp_states.h); UDP uses
// ESTABLISHED (connected) and CLOSE (unconnected).
const char* state_word(std::uint8_t s, bool udp) {
  static constexpr const char* kTcp[] = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
                                         "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"};
  if (s == 7) return udp ? "UNCONN" : "CLOSE";
  return s < std::size(kTcp) ? kTcp[s] : "UNKNOWN";
}

IpAddr address(std::uint8_t family, const __be32 (&words)[4]) {
  std::uint8_t b[16];
  std::memcpy(b, words, sizeof b);
  return IpAddr::from_bytes(std::span<const std::uint8_t>(b, family == AF_INET ? 4 : 16));
}

// The namespace's identity (device and inode of its nsfs file), to pick
// the processes that live in it.
Result<std::pair<dev_t, ino_t>> netns_identity(const Netns& ns) {
  const std::string path = ns.is_current() ? "/proc/thread-self/ns/net" : ns.path();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error::from_errno(errno, "netns " + path);
  return std::pair{st.st_dev, st.st_ino};
}

std::string read_comm(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/comm");
  std::string comm;
  std::getline(f, comm);
  return comm;
}

// Every process of the namespace whose fd table holds one of the inodes.
void find_owners(std::vector<InetSocket>& socks, std::pair<dev_t, ino_t> ns) {
  if (socks.empty()) return;
  std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) return;
  while (dirent* de = ::readdir(proc.get())) {
    const std::string pid = de->d_name;
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    struct stat st {};
    if (::stat(("/proc/" + pid + "/ns/net").c_str(), &st) != 0) continue;  // gone, or not ours to see
    if (st.st_dev != ns.first || st.st_ino != ns.second) continue;
    const std::string fd_dir = "/proc/" + pid + "/fd";
    std::unique_ptr<DIR, int (*)(DIR*)> fds(::opendir(fd_dir.c_str()), ::closedir);
    if (!fds) continue;
    std::string comm;
    while (dirent* fe = ::readdir(fds.get())) {
      if (fe->d_name[0] == '.') continue;
      char target[64];
      ssize_t n = ::readlink((fd_dir + "/" + fe->d_name).c_str(), target, sizeof target - 1);
      if (n <= 8) continue;
      target[n] = 0;
      unsigned long long inode = 0;
      if (std::sscanf(target, "socket:[%llu]", &inode) != 1) continue;
      for (InetSocket& s : socks) {
        if (s.inode != inode) continue;
        if (comm.empty()) comm = read_comm(pid);
        s.owners.push_back(SocketOwner{static_cast<pid_t>(std::stol(pid)), comm, std::atoi(fe->d_name)});
      }
    }
  }
}

}  // namespace

Result<std::vector<InetSocket>> list(const Netns& ns, const Filter& filter) {
  const bool udp = filter.proto == InetSocket::Proto::Udp;
  const std::string object = udp ? "udp sockets" : "tcp sockets";
  auto route = nl::Socket::open(ns);
  if (!route) return std::move(route).error();
  auto names = nl::LinkNames::load(*route);
  if (!names) return std::move(names).error();
  auto diag = nl::Socket::open(ns, NETLINK_SOCK_DIAG);
  if (!diag) return std::move(diag).error();

  std::vector<InetSocket> out;
  for (std::uint8_t family : {std::uint8_t{AF_INET}, std::uint8_t{AF_INET6}}) {
    inet_diag_req_v2 req{};
    req.sdiag_family = family;
    req.sdiag_protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
    // UDP: every state (unconnected sockets are TCP_CLOSE); TCP: listeners.
    req.idiag_states = udp ? 0xffffffffu : (1u << 10);
    auto msg = nl::new_message(SOCK_DIAG_BY_FAMILY, 0, req);
    if (!msg) return nl::build_error(object);
    NETLAB_TRY(diag->dump(msg.get(), object, [&](const nlmsghdr* h) {
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) return;
      const auto* m = nl::header<inet_diag_msg>(h);
      if (!m || (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)) return;
      InetSocket s;
      s.proto = filter.proto;
      s.port = ntohs(m->id.idiag_sport);
      if (filter.port != 0 && s.port != filter.port) return;
      s.local = address(m->idiag_family, m->id.idiag_src);
      s.peer_port = ntohs(m->id.idiag_dport);
      if (s.peer_port != 0) s.peer = address(m->idiag_family, m->id.idiag_dst);
      s.state = state_word(m->idiag_state, udp);
      s.dev_index = static_cast<int>(m->id.idiag_if);
      if (s.dev_index != 0) s.dev = names->name(s.dev_index);
      s.uid = m->idiag_uid;
      s.inode = m->idiag_inode;
      out.push_back(std::move(s));
    }));
  }
  auto id = netns_identity(ns);
  if (!id) return std::move(id).error();
  find_owners(out, *id);
  return out;
}

Result<std::vector<InetSocket>> udp_listeners(const Netns& ns, std::uint16_t port) {
  if (port == 0) return Error::usage("udp port 0", "is not a port to listen on (1-65535)");
  return list(ns, Filter{InetSocket::Proto::Udp, port});
}

}  // namespace netlab::sockets
