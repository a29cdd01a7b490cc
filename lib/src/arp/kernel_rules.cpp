// arp::arp_ignore_decision(): arp_ignore() of net/ipv4/arp.c and the
// inet_confirm_addr()/confirm_addr_indev() it calls (net/ipv4/devinet.c),
// replayed on the address list netlab read.
#include <netlab/arp_kernel.hpp>

#include <linux/rtnetlink.h>

#include <optional>

namespace netlab::arp {
namespace {

// inet_ifa_match(): x in the subnet of the address (its peer for a
// point-to-point address, as ifa_address is).
bool in_subnet(const IpAddr& x, const Address& a) {
  const Prefix net = a.peer ? Prefix{*a.peer, a.local.len()} : a.local;
  return net.contains(x);
}

// confirm_addr_indev(in_dev, dst, local, scope) != 0 for one device: an
// address of scope <= `scope` equal to `local` (any when unset), and an
// address whose subnet holds both `local` and `dst` (each when set).
bool confirm_on_device(const std::vector<const Address*>& dev_addrs, const std::optional<IpAddr>& dst,
                       const std::optional<IpAddr>& local, int scope) {
  std::optional<IpAddr> addr;
  bool same = false;
  for (const Address* ifa : dev_addrs) {
    if (!addr && (!local || ifa->local.addr() == *local) && ifa->scope <= scope) {
      addr = ifa->local.addr();
      if (same) break;
    }
    if (!same) {
      same = (!local || in_subnet(*local, *ifa)) && (!dst || in_subnet(*dst, *ifa));
      if (same && addr) {
        if (local || !dst) break;
        if (in_subnet(*addr, *ifa)) break;
        if (ifa->scope <= scope) {
          addr = ifa->local.addr();
          break;
        }
        same = false;
      }
    }
  }
  return same && addr.has_value();
}

std::vector<const Address*> ipv4_of(const std::vector<Address>& addresses, std::string_view dev) {
  std::vector<const Address*> out;
  for (const auto& a : addresses)
    if (a.family() == Family::Inet && (dev.empty() || a.dev == dev)) out.push_back(&a);
  return out;
}

}  // namespace

IgnoreDecision arp_ignore_decision(long value, const std::vector<Address>& addresses, std::string_view dev,
                                   const IpAddr& sip, const IpAddr& tip) {
  const std::string v = "arp_ignore=" + std::to_string(value);
  const std::string d(dev);
  switch (value) {
    case 1: {
      const bool ok = confirm_on_device(ipv4_of(addresses, dev), std::nullopt, tip, RT_SCOPE_HOST);
      return {!ok, v + (ok ? ": " + tip.to_string() + " is configured on " + d
                            : ": " + tip.to_string() + " is not configured on " + d + ", where the request arrives")};
    }
    case 2: {
      if (!confirm_on_device(ipv4_of(addresses, dev), std::nullopt, tip, RT_SCOPE_HOST))
        return {true, v + ": " + tip.to_string() + " is not configured on " + d + ", where the request arrives"};
      const bool ok = confirm_on_device(ipv4_of(addresses, dev), sip, tip, RT_SCOPE_HOST);
      return {!ok, v + (ok ? ": " + sip.to_string() + " is in the subnet of " + tip.to_string() + " on " + d
                            : ": the sender " + sip.to_string() + " is in no subnet of " + d + " that holds " +
                                  tip.to_string())};
    }
    case 3: {
      // in_dev NULL: every device; scope link at most (host-scope addresses are not answered for).
      bool ok = false;
      for (const auto& a : addresses)
        if (a.family() == Family::Inet && a.local.addr() == tip) ok = ok || a.scope <= RT_SCOPE_LINK;
      return {!ok, v + (ok ? ": " + tip.to_string() + " is not of scope host"
                            : ": " + tip.to_string() + " has scope host, which arp_ignore=3 never answers for")};
    }
    case 8:
      return {true, v + ": the kernel answers no ARP request on " + d};
    default:
      return {false, v + (value >= 4 && value <= 7 ? " (reserved) answers as 0 does" : " answers for any local address")};
  }
}

}  // namespace netlab::arp
