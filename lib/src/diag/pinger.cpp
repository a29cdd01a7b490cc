// The diagnosis's echo probe (pinger.hpp).
#include "diag/pinger.hpp"

#include <netlab/frames.hpp>

#include "base/privilege.hpp"
#include "proto/byte_reader.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <random>

namespace netlab::diag {

Result<Pinger> Pinger::open(const Netns& ns, Family family, int scope_id) {
  std::optional<NetnsScope> scope;
  if (!ns.is_current()) {
    auto sc = NetnsScope::enter(ns);
    if (!sc) return std::move(sc).error();
    scope.emplace(std::move(*sc));
  }
  const bool v6 = family == Family::Inet6;
  const int protocol = v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    Error e = Error::from_errno(errno, v6 ? "ICMPv6 socket" : "ICMP socket", "cannot open");
    return needs_capability(std::move(e), Capability::NetRaw);
  }
  Pinger p{Fd(fd)};
  p.v6_ = v6;
  p.scope_id_ = scope_id;
  if (v6) {
    int dontfrag = 1;  // a datagram larger than the path is refused, not fragmented
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &dontfrag, sizeof dontfrag);
    int pmtu = IPV6_PMTUDISC_PROBE;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof pmtu);
  } else {
    int pmtu = IP_PMTUDISC_PROBE;  // DF set, and the route's cached PMTU ignored
    ::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  }
  std::random_device rd;
  p.id_ = static_cast<std::uint16_t>(rd());
  return p;
}

void Pinger::send(const IpAddr& target, std::uint32_t ip_size, std::vector<EchoResult>& echoes,
                  Clock::time_point now) {
  EchoResult r;
  r.size = ip_size;
  r.dont_fragment = true;
  const auto seq = static_cast<std::uint16_t>(echoes.size());
  const std::uint32_t l3 = v6_ ? 40 : 20;
  std::vector<std::uint8_t> icmp(ip_size > header_size() ? ip_size - l3 : 8, 0);
  icmp[0] = v6_ ? 128 : frames::kIcmpEchoRequest;
  icmp[4] = static_cast<std::uint8_t>(id_ >> 8);
  icmp[5] = static_cast<std::uint8_t>(id_ & 0xff);
  icmp[6] = static_cast<std::uint8_t>(seq >> 8);
  icmp[7] = static_cast<std::uint8_t>(seq & 0xff);
  for (std::size_t i = 8; i < icmp.size(); ++i) icmp[i] = static_cast<std::uint8_t>(i);
  ssize_t rc;
  if (v6_) {
    // The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets.
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    std::memcpy(&to.sin6_addr, target.bytes().data(), 16);
    if (target.is_link_local()) to.sin6_scope_id = static_cast<std::uint32_t>(scope_id_);
    rc = ::sendto(fd_.get(), icmp.data(), icmp.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  } else {
    const auto sum = frames::internet_checksum(icmp);
    icmp[2] = static_cast<std::uint8_t>(sum >> 8);
    icmp[3] = static_cast<std::uint8_t>(sum & 0xff);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    std::memcpy(&to.sin_addr, target.bytes().data(), 4);
    rc = ::sendto(fd_.get(), icmp.data(), icmp.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  if (rc < 0) r.send_error = std::strerror(errno);
  echoes.push_back(r);
  sent_at_.push_back(now);
}

void Pinger::receive(const IpAddr& target, std::vector<EchoResult>& echoes, Clock::time_point now) {
  std::uint8_t buf[2048];
  for (;;) {
    sockaddr_storage from{};
    socklen_t fl = sizeof from;
    const auto n = ::recvfrom(fd_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    if (n <= 0) return;
    try {
      proto::ByteReader r(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
      IpAddr src;
      if (v6_) {
        // Raw ICMPv6 sockets deliver the ICMPv6 message alone.
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&from);
        src = IpAddr::from_bytes(std::span<const std::uint8_t>(sin6->sin6_addr.s6_addr, 16));
      } else {
        const auto ihl = std::size_t(r.peek8(0) & 0x0f) * 4;
        r.skip(12);
        src = IpAddr::from_bytes(r.bytes(4));
        r.skip(ihl - 16);
      }
      const auto type = r.u8();
      r.skip(3);
      const auto id = r.be16();
      const auto seq = r.be16();
      const std::uint8_t reply_type = v6_ ? 129 : frames::kIcmpEchoReply;
      if (type != reply_type || id != id_ || !(src == target) || seq >= echoes.size()) continue;
      auto& e = echoes[seq];
      if (e.answered) continue;
      e.answered = true;
      e.rtt_ms = std::chrono::duration<double, std::milli>(now - sent_at_[seq]).count();
    } catch (const proto::Truncated&) {
    }
  }
}

}  // namespace netlab::diag
