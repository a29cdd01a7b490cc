// Shared pieces of ndp probe and ndp rs; see wire.hpp.
#include "ndp/wire.hpp"

#include <algorithm>
#include <cerrno>

#include <linux/if_addr.h>
#include <net/if_arp.h>

namespace netlab::ndp::detail {

Result<Link> ethernet_link_up(const Netns& ns, std::string_view iface) {
  auto link = link::get(ns, iface);
  if (!link) return std::move(link).error();
  const std::string object = "link " + std::string(iface);
  if (link->link_type != ARPHRD_ETHER || !link->mac())
    return Error::usage(object, "is not an Ethernet interface (link type " + link->link_type_name() + ")");
  if (!link->is_up()) {
    Error e = Error::from_errno(ENETDOWN, object, "is down");
    e.hint = "bring it up with `netlab link set " + std::string(iface) + " up`";
    return e;
  }
  return link;
}

Result<std::vector<Address>> usable_addresses(const Netns& ns, std::string_view iface) {
  addr::Filter f;
  f.dev = std::string(iface);
  f.family = Family::Inet6;
  auto all = addr::list(ns, f);
  if (!all) return std::move(all).error();
  std::vector<Address> out;
  for (auto& a : *all) {
    if (a.flags & IFA_F_DADFAILED) continue;
    if ((a.flags & IFA_F_TENTATIVE) && !(a.flags & IFA_F_OPTIMISTIC)) continue;
    out.push_back(std::move(a));
  }
  return out;
}

namespace {

unsigned common_prefix_bits(const IpAddr& a, const IpAddr& b) {
  const auto x = a.bytes(), y = b.bytes();
  unsigned bits = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const unsigned diff = static_cast<unsigned>(x[i] ^ y[i]);
    if (diff == 0) {
      bits += 8;
      continue;
    }
    for (unsigned mask = 0x80; mask && !(diff & mask); mask >>= 1) ++bits;
    break;
  }
  return bits;
}

}  // namespace

IpAddr pick_source(const std::vector<Address>& usable, const IpAddr& target) {
  const IpAddr* best = nullptr;
  unsigned best_score = 0;
  for (const auto& a : usable) {
    const IpAddr& ip = a.local.addr();
    if (!ip.is_v6() || ip.is_multicast()) continue;
    // Scope first (RFC 6724 rule 2, roughly): a link-local target is asked
    // from our link-local, any other from a wider address when there is one.
    const unsigned score = (ip.is_link_local() == target.is_link_local() ? 1000u : 0u) + common_prefix_bits(ip, target);
    if (!best || score > best_score) {
      best = &ip;
      best_score = score;
    }
  }
  return best ? *best : frames::ipv6_any();
}

std::vector<std::string> validity_problems(const frames::Parsed& p) {
  std::vector<std::string> out;
  if (!p.ipv6 || !p.icmpv6 || !p.ndp) {
    out.emplace_back("not a complete neighbour discovery message");
    return out;
  }
  if (p.ipv6->hop_limit != 255)
    out.push_back("hop limit " + std::to_string(p.ipv6->hop_limit) + ", not 255 (it may have crossed a router)");
  if (p.icmpv6->code != 0) out.push_back("ICMPv6 code " + std::to_string(p.icmpv6->code) + ", not 0");
  if (p.icmpv6->checksum_ok && !*p.icmpv6->checksum_ok) out.emplace_back("bad ICMPv6 checksum");
  if (p.ndp->options_malformed) out.emplace_back("an option has length 0 or runs past the message");
  if (p.ndp->type == frames::kNdNeighborAdvert) {
    if (p.ndp->target.is_multicast()) out.emplace_back("the target is a multicast address");
    if (p.ndp->solicited && p.ipv6->dst.is_multicast())
      out.emplace_back("solicited flag set on an advertisement to a multicast group");
  }
  if (p.ndp->type == frames::kNdRouterAdvert && !p.ipv6->src.is_link_local())
    out.push_back("source " + p.ipv6->src.to_string() + " is not link-local");
  return out;
}

Result<LinkTap> open_icmp6_receiver(const Netns& ns, std::string_view iface) {
  LinkTapOptions opts;
  opts.filter = "icmp6";
  opts.direction = Direction::In;
  return LinkTap::open(ns, iface, opts);
}

}  // namespace netlab::ndp::detail
