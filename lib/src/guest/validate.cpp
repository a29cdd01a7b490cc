// The guest's configuration rules (validate) and its random MAC; pure, no
// host state touched.
#include <netlab/guest.hpp>

#include <netlab/frames.hpp>

#include "guest/state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <string>
#include <sys/random.h>
#include <unistd.h>

namespace netlab::guest {
namespace {

Error usage(const std::string& object, std::string reason) { return Error::usage(object, std::move(reason)); }

Result<void> require_v4(const IpAddr& a, const std::string& what) {
  if (!a.is_v4()) return usage(what + " " + a.to_string(), "must be an IPv4 address (IPv4 only)");
  return {};
}

// A unicast IPv6 address the guest may hold or talk to: not ::, ::1, an
// IPv4-mapped address or multicast.
bool is_unicast6(const IpAddr& a) {
  if (!a.is_v6() || a.is_multicast()) return false;
  const auto b = a.bytes();
  const bool low_zero = std::all_of(b.begin(), b.begin() + 15, [](std::uint8_t x) { return x == 0; });
  if (low_zero && (b[15] == 0 || b[15] == 1)) return false;  // :: and ::1
  const bool mapped = std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) && b[10] == 0xff &&
                      b[11] == 0xff;
  return !mapped;
}

Result<void> validate_ipv6(const Config& c) {
  if (!c.ipv6) {
    if (c.address6) return usage("ip6 " + c.address6->to_string(), "cannot go with no-ipv6");
    if (c.ra_prefix) return usage("ra " + c.ra_prefix->to_string(), "cannot go with no-ipv6");
    if (c.ping && c.ping->target.is_v6()) return usage("ping6 " + c.ping->target.to_string(), "cannot go with no-ipv6");
    return {};
  }
  if (c.address6) {
    const std::string object = "ip6 " + c.address6->to_string();
    if (!c.address6->addr().is_v6()) return usage(object, "must be an IPv6 address");
    if (!is_unicast6(c.address6->addr())) return usage(object, "is not a unicast host address");
    if (c.address6->len() == 0) return usage(object, "needs a prefix length from 1 to 128");
  }
  if (c.ra_prefix) {
    const std::string object = "ra " + c.ra_prefix->to_string();
    const IpAddr& a = c.ra_prefix->addr();
    if (!a.is_v6()) return usage(object, "must be an IPv6 prefix");
    if (a.is_multicast() || a.is_link_local()) return usage(object, "is not a global or unique-local prefix");
    if (c.ra_prefix->len() == 0) return usage(object, "needs a prefix length from 1 to 128");
    if (!(std::isfinite(c.ra_interval_s) && c.ra_interval_s >= 0.05 && c.ra_interval_s <= 1800))
      return usage("ra-interval", "must be between 0.05 and 1800 seconds");
  }
  return {};
}

std::uint32_t u32(const IpAddr& a) {
  const auto b = a.bytes();
  return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
}

bool unicast4(const IpAddr& a) {
  return a.is_v4() && !(a == frames::ipv4_any()) && !a.is_multicast() && a.bytes()[0] != 127 && a.bytes()[0] < 240;
}

constexpr std::uint32_t kMaxPool = 65536;      // addresses: bounds the server's memory
constexpr std::uint32_t kMaxLease = 31536000;  // a year

// The DHCP client takes its address from the lease; the server hands out
// addresses of its own subnet.
Result<void> validate_dhcp(const Config& c) {
  const bool v4 = !c.address.addr().is_unspecified();
  if (c.dhcp) {
    if (v4) return usage("dhcp", "cannot go with ip " + c.address.to_string() + ": the address comes from the lease");
    if (c.gateway) return usage("gateway " + c.gateway->to_string(), "cannot go with dhcp: the router comes from the lease");
    if (c.dhcp_server) return usage("dhcp-server", "cannot go with dhcp: a server needs a static address (ip CIDR)");
  }
  if (!c.dhcp_server) return {};
  const DhcpServer& d = *c.dhcp_server;
  const std::string pool = "dhcp-server " + d.first.to_string() + "-" + d.last.to_string();
  if (!v4) return usage(pool, "needs the guest's own IPv4 address (ip CIDR)");
  if (!unicast4(d.first) || !unicast4(d.last)) return usage(pool, "is not a range of unicast IPv4 addresses");
  if (u32(d.first) > u32(d.last)) return usage(pool, "is reversed: the first address is above the last");
  const Prefix net = c.address.network();
  if (!c.address.contains(d.first) || !c.address.contains(d.last))
    return usage(pool, "is not inside the guest's subnet " + net.to_string());
  if (net.len() < 31) {
    const std::uint32_t base = u32(net.addr()), bcast = base | (~std::uint32_t(0) >> net.len());
    if (u32(d.first) == base || u32(d.last) == bcast)
      return usage(pool, "holds the subnet's network or broadcast address");
  }
  const std::uint32_t own = u32(c.address.addr());
  if (own >= u32(d.first) && own <= u32(d.last)) return usage(pool, "holds the guest's own address " + c.address.addr().to_string());
  if (u32(d.last) - u32(d.first) >= kMaxPool) return usage(pool, fmt::format("has more than {} addresses", kMaxPool));
  if (d.lease_s < 1 || d.lease_s > kMaxLease)
    return usage("lease " + std::to_string(d.lease_s), fmt::format("must be between 1 and {} seconds", kMaxLease));
  if (d.router && !unicast4(*d.router)) return usage("router " + d.router->to_string(), "is not a unicast IPv4 address");
  if (d.dns && !unicast4(*d.dns)) return usage("dns " + d.dns->to_string(), "is not a unicast IPv4 address");
  return {};
}

}  // namespace

MacAddr random_mac() {
  std::array<std::uint8_t, 6> b{};
  if (::getrandom(b.data(), b.size(), 0) != static_cast<ssize_t>(b.size())) {
    // No entropy source: the clock and pid still make collisions unlikely in a lab.
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    std::uint64_t x = static_cast<std::uint64_t>(ts.tv_nsec) * 0x9e3779b97f4a7c15ULL ^
                      static_cast<std::uint64_t>(::getpid()) << 17 ^ static_cast<std::uint64_t>(ts.tv_sec);
    for (auto& byte : b) {
      byte = static_cast<std::uint8_t>(x);
      x >>= 8;
    }
  }
  b[0] = static_cast<std::uint8_t>((b[0] & 0xfc) | 0x02);  // unicast, locally administered
  return MacAddr(b);
}

Result<void> validate(const Config& c) {
  if (auto n = IfName::parse(c.iface); !n) return std::move(n).error();
  const IpAddr& ip = c.address.addr();
  const bool v4 = !ip.is_unspecified();
  if (!v4 && !c.ipv6 && !c.dhcp) return usage("guest " + c.iface, "needs an IPv4 address (or dhcp) when IPv6 is off");
  NETLAB_TRY(validate_dhcp(c));
  const bool some_v4 = v4 || c.dhcp;  // a static address, or one to come from DHCP
  if (v4) {
    NETLAB_TRY(require_v4(ip, "address"));
    if (ip == frames::ipv4_any() || ip.is_multicast() || ip.bytes()[0] == 127 || ip.bytes()[0] >= 240)
      return usage("address " + ip.to_string(), "is not a unicast host address");
  }
  if (c.mtu < 68 || c.mtu > 65535) return usage("mtu " + std::to_string(c.mtu), "must be between 68 and 65535");
  // Below IPv6's minimum the guest turns IPv6 off, as Linux does, unless asked for IPv6 explicitly.
  const bool explicit_v6 = c.address6 || c.ra_prefix || (c.ping && c.ping->target.is_v6()) || !some_v4;
  if (c.ipv6 && c.mtu < kIpv6MinMtu && explicit_v6)
    return usage("mtu " + std::to_string(c.mtu), fmt::format("IPv6 needs at least {} (RFC 8200)", kIpv6MinMtu));
  auto need_v4 = [&](const char* what, const IpAddr& a) -> Result<void> {
    if (!some_v4)
      return usage(std::string(what) + " " + a.to_string(), "needs an IPv4 address for the guest (ip CIDR or dhcp)");
    return {};
  };
  if (c.gateway) {
    NETLAB_TRY(require_v4(*c.gateway, "gateway"));
    NETLAB_TRY(need_v4("gateway", *c.gateway));
    if (!c.address.contains(*c.gateway))
      return usage("gateway " + c.gateway->to_string(), "is not on the guest's subnet " + c.address.network().to_string());
    if (*c.gateway == ip) return usage("gateway " + c.gateway->to_string(), "is the guest's own address");
  }
  if (c.also) {
    NETLAB_TRY(require_v4(*c.also, "address"));
    NETLAB_TRY(need_v4("also", *c.also));
    if (*c.also == ip) return usage("also " + c.also->to_string(), "is the guest's own address");
  }
  if (c.reply_sender) NETLAB_TRY(require_v4(*c.reply_sender, "reply-sender"));
  if (c.duration_s && !(std::isfinite(*c.duration_s) && *c.duration_s > 0 && *c.duration_s <= 1e7))
    return usage("duration", "must be a positive number of seconds");
  NETLAB_TRY(validate_ipv6(c));
  if (c.ping) {
    const PingSpec& p = *c.ping;
    if (p.target.is_v6()) {
      const std::string object = "ping6 " + p.target.to_string();
      if (!is_unicast6(p.target)) return usage(object, "is not a unicast address");
      if (c.address6 && p.target == c.address6->addr()) return usage(object, "is the guest's own address");
      if (p.size + 48 > c.mtu)
        return usage("size " + std::to_string(p.size),
                     fmt::format("needs an mtu of at least {} (the guest's mtu is {})", p.size + 48, c.mtu));
    } else {
      const std::string object = "ping " + p.target.to_string();
      NETLAB_TRY(require_v4(p.target, "ping"));
      NETLAB_TRY(need_v4("ping", p.target));
      if (p.target == ip || (c.also && p.target == *c.also)) return usage(object, "is the guest's own address");
      if (p.target.is_multicast() || p.target == frames::ipv4_any())
        return usage(object, "is not a unicast address");
      if (v4 && !c.address.contains(p.target) && !c.gateway)
        return usage(object, "is outside " + c.address.network().to_string() + " and no gateway is given");
      if (p.size + 28 > c.mtu)
        return usage("size " + std::to_string(p.size),
                     fmt::format("needs an mtu of at least {} (the guest's mtu is {})", p.size + 28, c.mtu));
    }
    if (!(std::isfinite(p.interval_s) && p.interval_s >= 0.001 && p.interval_s <= 3600))
      return usage("interval", "must be between 0.001 and 3600 seconds");
    if (p.size > 65507) return usage("size " + std::to_string(p.size), "must be at most 65507 bytes");
  }
  return {};
}

}  // namespace netlab::guest
