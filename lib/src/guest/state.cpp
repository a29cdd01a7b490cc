// The guest's shared state (state.hpp): address ownership, the NIC filter,
// the neighbour cache and the one way frames go out (printed, then sent).
#include "guest/state.hpp"

#include <fmt/format.h>
#include <pcap/dlt.h>

#include <algorithm>

namespace netlab::guest {
namespace {

PrintOptions packet_options() {
  PrintOptions po;
  po.link_header = true;  // the MACs are half of what ARP trouble is about
  return po;
}

}  // namespace

Shared::Shared(const Config& c, MacAddr m, Wire& wire, const LineSink& s)
    : cfg(c), mac(m), ip(c.address.addr()), subnet(c.address), gateway(c.gateway), ipv6(c.ipv6 && c.mtu >= kIpv6MinMtu), sink(s), wire_(wire),
      printer_(packet_options(), DLT_EN10MB, c.iface) {
  stats.mac = m;
}

bool Shared::owns(const IpAddr& a) const noexcept {
  return has_v4() && (a == ip || (cfg.also && a == *cfg.also));
}

void Shared::set_v4(const Prefix& p, std::optional<IpAddr> router) {
  ip = p.addr();
  subnet = p;
  gateway = router;
}

Address6* Shared::find6(const IpAddr& a) {
  for (auto& x : addrs6)
    if (x.addr() == a) return &x;
  return nullptr;
}

const Address6* Shared::link_local() const {
  for (const auto& x : addrs6)
    if (x.origin == Address6::Origin::LinkLocal) return &x;
  return nullptr;
}

const Address6* Shared::usable_link_local() const {
  const Address6* ll = link_local();
  return ll && ll->usable() ? ll : nullptr;
}

bool Shared::owns6(const IpAddr& a) const {
  return std::any_of(addrs6.begin(), addrs6.end(), [&](const Address6& x) { return x.usable() && x.addr() == a; });
}

// Multicast groups the guest's NIC filter lets in: all-nodes, the
// solicited-node group of each address (tentative ones too, to hear
// another station's DAD), all-routers when it is a router.
bool Shared::listening(const MacAddr& dst) const {
  if (!ipv6 || !dst.is_multicast()) return false;
  if (dst == frames::multicast_mac(frames::all_nodes())) return true;
  if (router_mode() && dst == frames::multicast_mac(frames::all_routers())) return true;
  for (const auto& a : addrs6)
    if (a.state != Address6::State::Duplicate && dst == frames::multicast_mac(frames::solicited_node(a.addr())))
      return true;
  return false;
}

bool Shared::for_us6(const IpAddr& dst) const {
  if (dst == frames::all_nodes()) return true;
  if (router_mode() && dst == frames::all_routers()) return true;
  for (const auto& a : addrs6) {
    if (a.state == Address6::State::Duplicate) continue;
    if (dst == a.addr() || dst == frames::solicited_node(a.addr())) return true;
  }
  return false;
}

bool Shared::icmp4_for_us(const Parsed& p) const {
  if (!p.ipv4 || !p.icmp) return false;
  const frames::Ipv4& ip4 = *p.ipv4;
  if (!owns(ip4.dst) || ip4.more_fragments || ip4.fragment_offset != 0) return false;
  // A stack drops what fails its checksums; the printed line shows why.
  const auto frame = p.frame;
  if (frame.size() < kEthernetHeader + 20) return false;
  const std::size_t ihl = std::size_t(frame[kEthernetHeader] & 0x0f) * 4;
  if (ihl < 20 || frame.size() < kEthernetHeader + ihl) return false;
  if (frames::internet_checksum(frame.subspan(kEthernetHeader, ihl)) != 0) return false;
  return p.l3_payload.size() >= 8 && frames::internet_checksum(p.l3_payload) == 0;
}

// The guest speaks ICMPv6 only; a stack drops what fails its checksum (the
// printed line shows it) and what is not addressed to it.
bool Shared::icmp6_for_us(const Parsed& p) const {
  return ipv6 && p.ipv6 && p.icmpv6 && p.icmpv6->checksum_ok == true && for_us6(p.ipv6->dst);
}

void Shared::learn6(const IpAddr& addr, const MacAddr& m, bool create) {
  if (addr.is_multicast() || !addr.is_v6() || addr == frames::ipv6_any()) return;
  auto it = neighbours.find(addr);
  if (it != neighbours.end()) it->second = m;
  else if (create || (ping_next_hop && addr == *ping_next_hop)) neighbours.emplace(addr, m);
}

void Shared::print_frame(const PacketMeta& meta, std::span<const std::uint8_t> bytes) {
  if (cfg.quiet) return;
  line_.clear();
  printer_.print(meta, bytes, line_);
  while (!line_.empty() && line_.back() == '\n') line_.pop_back();
  sink(Line::Packet, line_);
}

void Shared::transmit(const std::vector<std::uint8_t>& frame) {
  print_frame(meta_now(frame.size()), frame);
  if (auto sent = wire_.send(frame); !sent) {
    ++stats.send_errors;
    notice(fmt::format("netlab guest: interface {}: cannot send: {}", cfg.iface, sent.error().reason));
    return;
  }
  ++stats.frames_out;
}

// Gratuitous ARP as Linux sends it: a broadcast request with sender and
// target both the announced address and an all-zero target MAC.
void Shared::announce_v4(const IpAddr& addr) {
  frames::Arp a;
  a.op = frames::kArpRequest;
  a.sha = mac;
  a.spa = addr;
  a.tpa = addr;
  transmit(frames::arp(frames::broadcast_mac(), mac, a));
}

void Shared::link_local_ready(Clock::time_point now) {
  for (Component* c : components_) c->on_link_local_ready(now);
}

}  // namespace netlab::guest
