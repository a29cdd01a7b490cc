// The guest's one poll loop (guest.hpp's run()): attach the wire, start the
// components (parts.hpp) in order, then read frames, apply the NIC's checks,
// parse each frame once and hand it to every component, and sleep until the
// earliest deadline a component asked for, at most 100 ms so a stop request
// or the end of the duration is seen at once.
#include <netlab/guest.hpp>

#include <netlab/link.hpp>

#include "guest/parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <poll.h>
#include <vector>

namespace netlab::guest {
namespace {

constexpr auto kLoopCeiling = 100ms;    // longest poll: bounds how late a stop is seen
constexpr std::size_t kMaxBurst = 256;  // frames read before timers are looked at again

// The one "attached as" line, after the addresses' first frames and before
// the BPDU's and the ping's.
class ReadyLine final : public Component {
 public:
  explicit ReadyLine(Shared& s) : s_(s) {}
  void start(Clock::time_point) override {
    s_.sink(Line::Ready, fmt::format("netlab guest: {} attached as {} ({})", s_.cfg.iface, address().to_string(),
                                     s_.mac.to_string()));
  }

 private:
  // IPv4 when there is one (the IPv4 contract), else the static IPv6
  // address, else the link-local one; a DHCP client with no IPv6 says
  // 0.0.0.0 (its lease line follows).
  IpAddr address() const {
    if (s_.has_v4()) return s_.ip;
    if (s_.cfg.dhcp && !s_.ipv6) return frames::ipv4_any();
    if (s_.cfg.address6) return s_.cfg.address6->addr();
    const Address6* ll = s_.link_local();
    return ll ? ll->addr() : IpAddr{};
  }
  Shared& s_;
};

Error interface_error(Error e, const std::string& iface) {
  e.object = "interface " + iface;
  return e;
}

class Loop {
 public:
  Loop(const Config& cfg, MacAddr mac, Wire& wire, const LineSink& sink) : s_(cfg, mac, wire, sink), wire_(wire) {
    // Registration order is start() order, which the output shows.
    parts_.push_back(make_arp(s_));
    parts_.push_back(make_addresses6(s_));
    parts_.push_back(std::make_unique<ReadyLine>(s_));
    if (cfg.dhcp) parts_.push_back(make_dhcp_client(s_));
    if (cfg.dhcp_server) parts_.push_back(make_dhcp_server(s_));
    if (cfg.bpdu) parts_.push_back(make_bpdu(s_));
    parts_.push_back(make_echo(s_));
    parts_.push_back(make_nd(s_));
    parts_.push_back(make_ra(s_));
    parts_.push_back(make_mld(s_));
    if (cfg.ping) parts_.push_back(make_ping(s_));
    std::vector<Component*> all;
    for (auto& p : parts_) all.push_back(p.get());
    s_.attach(std::move(all));
  }

  Result<Stats> run(const std::atomic<bool>& stop) {
    const auto start = Clock::now();
    const auto deadline = s_.cfg.duration_s
                              ? start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(*s_.cfg.duration_s))
                              : Clock::time_point::max();
    for (auto& p : parts_) p->start(Clock::now());
    while (!stop.load()) {
      const auto now = Clock::now();
      if (now >= deadline) break;
      auto wake = std::min(deadline, now + kLoopCeiling);
      for (auto& p : parts_) wake = std::min(wake, p->tick(now));
      if (s_.finished) break;
      const auto timeout = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
      pollfd pfd{wire_.fd(), POLLIN, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(std::max<decltype(timeout)>(0, timeout)));
      if (ready < 0 && errno != EINTR) return Error::from_errno(errno, "interface " + s_.cfg.iface, "poll");
      if (ready <= 0) continue;
      if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) return went_away();
      NETLAB_TRY(read_burst());
    }
    for (auto& p : parts_) p->finish();
    return s_.stats;
  }

 private:
  // The device went away under us (deleted, or moved to another namespace).
  Error went_away() const {
    Error e;
    e.kind = Errc::System;
    e.sys_errno = EIO;
    e.reason = "the device went away";
    return interface_error(std::move(e), s_.cfg.iface);
  }

  Result<void> read_burst() {
    for (std::size_t n = 0; n < kMaxBurst; ++n) {
      auto got = wire_.receive();
      if (!got) return interface_error(std::move(got).error(), s_.cfg.iface);
      if (!*got) break;
      on_frame(**got);
    }
    return {};
  }

  // The NIC's part: count and print every frame, drop what is too long,
  // tagged, or not for one of its MACs; then every component sees the parse.
  void on_frame(const Frame& f) {
    ++s_.stats.frames_in;
    s_.print_frame(f.meta, f.bytes);
    const std::size_t wire_len = std::max<std::size_t>(f.meta.len, f.bytes.size());
    if (wire_len > s_.cfg.mtu + kEthernetHeader) {
      ++s_.stats.dropped_mtu;
      s_.notice(fmt::format("netlab guest: dropped a {}-byte frame: longer than mtu {} + {}", wire_len, s_.cfg.mtu,
                            kEthernetHeader));
      return;
    }
    auto parsed = frames::parse(f.bytes);
    if (!parsed || parsed->vlan) return;  // a guest without VLAN support ignores tagged frames
    // A NIC takes frames to its own address and broadcasts; other multicast
    // groups it has not joined, and unicast to other stations, are filtered.
    if (!(parsed->eth_dst == s_.mac) && !parsed->eth_dst.is_broadcast() && !s_.listening(parsed->eth_dst)) return;
    const Parsed p{std::move(*parsed), f.bytes};
    for (auto& part : parts_) part->on_frame(p);
  }

  Shared s_;
  Wire& wire_;
  std::vector<std::unique_ptr<Component>> parts_;
};

}  // namespace

Result<Stats> run(const Netns& ns, const Config& config, const std::atomic<bool>& stop, const LineSink& sink) {
  NETLAB_TRY(validate(config));
  auto link = link::get(ns, config.iface);
  if (!link) {
    Error e = std::move(link).error();
    if (e.kind == Errc::NotFound) {
      e.object = "interface " + config.iface;
      e.reason = "No such device";
    }
    return e;
  }
  const MacAddr mac = config.mac.value_or(random_mac());
  auto wire = open_wire(ns, *link, mac);
  if (!wire) return std::move(wire).error();

  if (mac.is_multicast())
    sink(Line::Notice, fmt::format("netlab guest: warning: MAC {} is a multicast address: no NIC may have it; "
                                   "bridges drop frames sent from it",
                                   mac.to_string()));
  else if (mac.is_zero())
    sink(Line::Notice, fmt::format("netlab guest: warning: MAC {} is all zeros: no NIC may have it", mac.to_string()));
  if (!link->is_up())
    sink(Line::Notice, fmt::format("netlab guest: warning: interface {} is down: the host neither sends nor "
                                   "receives on it (netlab link set {} up)",
                                   config.iface, config.iface));

  Loop loop(config, mac, **wire, sink);
  return loop.run(stop);
}

}  // namespace netlab::guest
