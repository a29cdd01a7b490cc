// What the guest's components share (component.hpp): who the guest is (its
// options, MAC and addresses), its neighbour cache, its counters and its
// way out (the wire and the line sink). One Shared per run, owned by the
// loop and handed to every component by reference.
#pragma once

#include <netlab/guest.hpp>
#include <netlab/packet.hpp>

#include "guest/component.hpp"
#include "guest/wire.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netlab::guest {

using namespace std::chrono_literals;

constexpr std::size_t kEthernetHeader = 14;
constexpr std::uint32_t kIpv6MinMtu = 1280;  // RFC 8200 5

// One IPv6 address of the guest and where it stands in RFC 4862's life cycle.
struct Address6 {
  enum class State { Tentative, Preferred, Duplicate };
  Prefix prefix;  // the address and its on-link prefix length
  State state = State::Tentative;
  Clock::time_point dad_until{};
  enum class Origin { LinkLocal, Static, Slaac } origin = Origin::Static;
  IpAddr router;  // SLAAC: who advertised the prefix

  const IpAddr& addr() const noexcept { return prefix.addr(); }
  bool usable() const noexcept { return state == State::Preferred; }
};

class Shared {
 public:
  Shared(const Config& cfg, MacAddr mac, Wire& wire, const LineSink& sink);

  const Config& cfg;
  const MacAddr mac;
  IpAddr ip;          // the IPv4 address; unspecified: none (yet: a DHCP client sets it)
  Prefix subnet;      // ip with its prefix length
  std::optional<IpAddr> gateway;  // the IPv4 next hop off the subnet (Config::gateway, or DHCP's router)
  const bool ipv6;    // IPv6 is on (not turned off, and the MTU allows it)
  const LineSink& sink;
  Stats stats;
  std::map<IpAddr, MacAddr> neighbours;  // the ARP and neighbour cache (both families)
  // IPv6 (addresses are appended only, so indexes stay valid).
  std::vector<Address6> addrs6;
  std::vector<Prefix> onlink6;             // on-link prefixes from RAs (L flag)
  std::optional<IpAddr> default_router6;   // the last router with a non-zero lifetime
  std::optional<IpAddr> ping_next_hop;     // a neighbour the ping waits for: learnt when it speaks
  bool finished = false;                   // a component (the ping) ended the run

  bool has_v4() const noexcept { return ip.is_v4(); }
  // The DHCP client took (or lost: an unspecified prefix) its address.
  void set_v4(const Prefix& p, std::optional<IpAddr> router);
  // The guest's IPv4 addresses (and the one it answers for as well).
  bool owns(const IpAddr& a) const noexcept;
  bool router_mode() const noexcept { return cfg.ra_prefix.has_value(); }

  Address6* find6(const IpAddr& a);
  const Address6* link_local() const;
  const Address6* usable_link_local() const;
  bool owns6(const IpAddr& a) const;
  // The destination MACs the NIC filter lets in besides its own and broadcast.
  bool listening(const MacAddr& dst) const;
  // Whether an IPv6 packet's destination is one this guest takes.
  bool for_us6(const IpAddr& dst) const;
  // An ICMP (IPv4) packet for one of the guest's addresses, unfragmented,
  // with good IP and ICMP checksums: what a stack takes.
  bool icmp4_for_us(const Parsed& p) const;
  // An ICMPv6 packet for this guest with a good checksum.
  bool icmp6_for_us(const Parsed& p) const;
  // Records a neighbour's MAC: always when `create`, else only when the
  // entry exists or the ping waits for it.
  void learn6(const IpAddr& addr, const MacAddr& mac, bool create);

  void print_frame(const PacketMeta& meta, std::span<const std::uint8_t> bytes);
  void notice(std::string_view text) { sink(Line::Notice, text); }
  void transmit(const std::vector<std::uint8_t>& frame);
  // A gratuitous ARP for `addr` (at start, and for a DHCP lease).
  void announce_v4(const IpAddr& addr);

  // Tells every component (see Component::on_link_local_ready).
  void link_local_ready(Clock::time_point now);
  void attach(std::vector<Component*> components) { components_ = std::move(components); }

 private:
  Wire& wire_;
  PacketPrinter printer_;
  std::string line_;
  std::vector<Component*> components_;
};

}  // namespace netlab::guest
