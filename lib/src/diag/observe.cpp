// Step 2 of the diagnosis: watch the wire. Captures ARP, ICMP and BPDUs on
// the interface, its bridge and every port of that bridge at the same time
// (the kernel consumes some frames between a port and its bridge, so one tap
// point cannot tell what happened), samples the kernel's neighbour entry for
// the target, and, unless passive, makes the kernel resolve the target the
// way ping would (ICMP echo through the routing table, small then large) and
// asks the wire itself who answers for it.
#include <netlab/diag.hpp>
#include <netlab/link.hpp>
#include <netlab/frames.hpp>
#include <netlab/linkio.hpp>

#include "base/fd.hpp"
#include "base/privilege.hpp"
#include "proto/byte_reader.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <set>

namespace netlab::diag {
namespace {

using Clock = std::chrono::steady_clock;

// Empty when dev is a lab link (a bridge, TAP or veth the default route does
// not leave through), else why it is not: a sweep on a real LAN uplink is a
// broadcast storm, so it needs --sweep there.
std::string why_not_a_lab_link(const Snapshot& s, const std::string& dev) {
  for (const auto& r : s.routes)
    if (r.is_default() && r.dev == dev) return dev + " carries the default route";
  const Link* l = link::find(s.links, dev);
  if (!l) return dev + " is not listed";
  if (l->kind == "bridge" || l->kind == "veth" || (l->tun && l->tun->tap)) return {};
  return dev + " is " + (l->kind.empty() ? std::string("a physical or unknown device") : "a " + l->kind) +
         ", not a bridge, TAP or veth";
}

// Interfaces worth watching: the one asked about, the bridge it belongs to
// and all that bridge's ports, the device the route toward the target leaves
// through, and TAPs that carry a guest but belong to no bridge (a forgotten
// `addif` shows up as traffic there and silence on the bridge).
std::vector<std::string> capture_set(const Snapshot& s) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (name.empty() || name == "lo") return;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  add(s.interface);
  if (!s.bridge.empty()) {
    add(s.bridge);
    const Link* br = link::find(s.links, s.bridge);
    for (const auto& l : s.links)
      if (br && l.master_index == br->index) add(l.name);
  }
  if (s.route_to_target) add(s.route_to_target->dev);
  // macvlan and macvtap devices on the route's device: their guests' frames
  // show there and never on the device itself (C54).
  if (s.route_to_target)
    if (const Link* out_dev = link::find(s.links, s.route_to_target->dev))
      for (const auto& l : s.links)
        if (l.macvlan && l.link_index == out_dev->index && l.is_up()) add(l.name);
  if (!s.bridge.empty()) {
    for (const auto& l : s.links) {
      if (!l.tun || !l.tun->tap || l.master_index != 0) continue;
      add(l.name);
    }
  }
  if (out.size() > 32) out.resize(32);
  return out;
}

std::optional<IpAddr> first_ipv4_on(const Snapshot& s, std::string_view dev) {
  for (const auto& a : s.addresses)
    if (a.dev == dev && a.local.addr().is_v4()) return a.local.addr();
  return std::nullopt;
}

const Address* connected_prefix_for(const Snapshot& s, std::string_view dev, const IpAddr& target) {
  for (const auto& a : s.addresses)
    if (a.dev == dev && a.local.network().contains(target) && a.local.len() < 32) return &a;
  return nullptr;
}

bool is_local_target(const Snapshot& s) {
  return s.route_to_target && s.route_to_target->type == 2;  // RTN_LOCAL
}

// ICMP echo through the kernel's routing, as ping does: the first datagram
// makes the kernel resolve the next hop, its answer proves IP works, and a
// large one with DF set finds an MTU mismatch on the path.
class Pinger {
 public:
  // scope_id: the interface index for a link-local IPv6 target.
  static Result<Pinger> open(const Netns& ns, Family family, int scope_id) {
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

  int fd() const noexcept { return fd_.get(); }
  // The size of the IP datagram a small echo makes (ping's default 56 bytes).
  std::uint32_t small_size() const noexcept { return v6_ ? 104 : 84; }
  std::uint32_t header_size() const noexcept { return v6_ ? 48 : 28; }

  // Returns the index into `echoes` of the request sent.
  std::size_t send(const IpAddr& target, std::uint32_t ip_size, std::vector<EchoResult>& echoes, Clock::time_point now) {
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
    return echoes.size() - 1;
  }

  // Reads every waiting datagram and marks the echoes they answer.
  void receive(const IpAddr& target, std::vector<EchoResult>& echoes, Clock::time_point now) {
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

 private:
  explicit Pinger(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
  bool v6_ = false;
  int scope_id_ = 0;
  std::uint16_t id_ = 0;
  std::vector<Clock::time_point> sent_at_;
};

bool state_is_valid(std::uint16_t state) {
  return state & (NudReachable | NudStale | NudDelay | NudProbe | NudPermanent | NudNoarp);
}

}  // namespace

Result<Observation> observe(const Netns& ns, const Snapshot& s, const ObserveOptions& options) {
  Observation obs;
  obs.passive = options.passive;
  const double duration = std::clamp(options.duration_s, 0.2, 600.0);

  std::vector<LinkTap> taps;
  LinkTapOptions topt;
  // icmp6 alone misses MLD, which rides behind a hop-by-hop header.
  topt.filter = "arp or icmp or icmp6 or (ip6 and ip6[6] == 0) or ether dst 01:80:c2:00:00:00";
  for (const auto& name : capture_set(s)) {
    // libpcap refuses a device that is down ("That device is not up"): that
    // is a finding (interface-down), not a reason to stop.
    if (const Link* l = link::find(s.links, name); l && !l->is_up()) {
      obs.capture_errors.push_back(name + ": administratively down, not captured");
      continue;
    }
    auto t = LinkTap::open(ns, name, topt);
    if (!t) {
      if (name == s.interface) return std::move(t).error();  // no capture at all: say why and stop
      obs.capture_errors.push_back(name + ": " + t.error().reason);
      continue;
    }
    obs.captured_on.push_back(name);
    taps.push_back(std::move(*t));
  }

  const bool have_target = s.target.has_value();
  const bool local = is_local_target(s);
  const bool active = !options.passive && have_target && s.route_to_target.has_value();
  std::optional<Pinger> pinger;
  if (active && !local) {
    const Link* out = s.route_to_target ? link::find(s.links, s.route_to_target->dev) : nullptr;
    auto p = Pinger::open(ns, s.family, out ? out->index : 0);
    if (!p) return std::move(p).error();
    pinger.emplace(std::move(*p));
  }

  // Our own question on the wire: from the device the route leaves through,
  // with the source the kernel would use; for one of our own addresses, an
  // RFC 5227 probe (sender 0.0.0.0) on the interface asked about, so any
  // other station that claims the address answers.
  LinkTap* probe_tap = nullptr;
  std::vector<std::uint8_t> probe_frame;
  std::string probe_dev = local ? s.interface : (s.route_to_target ? s.route_to_target->dev : std::string());
  const bool v6 = s.family == Family::Inet6;
  // IPv6 without a target asks about SLAAC: one router solicitation, as a
  // booting guest sends, shows whether anyone advertises.
  if (v6 && !have_target && !options.passive) probe_dev = s.interface;
  if ((active || (v6 && !have_target && !options.passive)) && !probe_dev.empty()) {
    for (auto& t : taps)
      if (t.interface() == probe_dev) probe_tap = &t;
    const Link* dev = link::find(s.links, probe_dev);
    if (probe_tap && dev && dev->mac() && s.family == Family::Inet) {
      IpAddr src = frames::ipv4_any();
      if (!local) {
        if (s.route_to_target->prefsrc) src = *s.route_to_target->prefsrc;
        else if (auto a = first_ipv4_on(s, probe_dev)) src = *a;
      }
      probe_frame = frames::arp_request(*dev->mac(), src, *s.target);
      obs.probe_interface = probe_dev;
      obs.probe_mac = dev->mac();
      obs.probe_source = src;
    } else if (probe_tap && dev && dev->mac() && v6) {
      // Our link-local address on the device ("::" when it has none).
      IpAddr ll = frames::ipv6_any();
      for (const auto& a : s.addresses)
        if (a.dev == probe_dev && a.local.addr().is_v6() && a.local.addr().is_link_local()) ll = a.local.addr();
      if (!have_target) {
        probe_frame = frames::router_solicitation(*dev->mac(), ll);
      } else {
        frames::NsSpec ns_spec;
        ns_spec.src_mac = *dev->mac();
        ns_spec.target = *s.target;
        // For one of our own addresses a DAD probe (from ::), so that any
        // other station claiming it answers; else as the kernel asks.
        ns_spec.src = local ? frames::ipv6_any()
                            : (s.route_to_target->prefsrc && !s.target->is_link_local() ? *s.route_to_target->prefsrc : ll);
        ns_spec.slla = !local;
        probe_frame = frames::neighbor_solicitation(ns_spec);
        obs.probe_source = ns_spec.src;
      }
      obs.probe_interface = probe_dev;
      obs.probe_mac = dev->mac();
    }
  }

  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  auto since_start = [&](Clock::time_point t) { return std::chrono::duration<double>(t - start).count(); };
  double first_frame_epoch = -1;  // capture timestamps are epoch-based: anchor them on the first one
  double first_frame_rel = 0;

  auto drain = [&](LinkTap& t) -> Result<void> {
    for (;;) {
      auto f = t.poll_one();
      if (!f) return std::move(f).error();
      if (!*f) return {};
      SeenFrame sf;
      sf.interface = t.interface();
      const double epoch = (*f)->time();
      if (first_frame_epoch < 0) {
        first_frame_epoch = epoch;
        first_frame_rel = since_start(Clock::now());
      }
      sf.time = first_frame_rel + (epoch - first_frame_epoch);
      sf.bytes = std::move((*f)->bytes);
      obs.frames.push_back(std::move(sf));
    }
  };

  // Guest-to-guest faults (isolated ports, br_netfilter) only show in the
  // guests' own traffic: keep watching for the whole duration then.
  bool watch_guests = false;
  {
    int isolated = 0, ports = 0;
    const Link* br = link::find(s.links, s.bridge);
    for (const auto& l : s.links) {
      if (!br || l.master_index != br->index) continue;
      ++ports;
      if (l.bridge_port && l.bridge_port->isolated.value_or(false)) ++isolated;
    }
    auto nf = s.sysctl.find("net.bridge.bridge-nf-call-iptables");
    watch_guests = isolated >= 2 || (ports >= 2 && nf != s.sysctl.end() && nf->second != 0);
    // RAs come every few seconds: when the settings say they would be
    // ignored, watch long enough to catch one and prove it.
    if (s.family == Family::Inet6) {
      const std::string dev = s.bridge.empty() ? s.interface : s.bridge;
      auto get = [&](const char* key, long dflt) {
        auto it = s.sysctl.find("net.ipv6.conf." + dev + "." + key);
        return it == s.sysctl.end() ? dflt : it->second;
      };
      const long accept = get("accept_ra", 1);
      if (accept == 0 || (accept == 1 && get("forwarding", 0) != 0) || get("autoconf", 1) == 0) watch_guests = true;
    }
  }
  std::size_t small_echoes = 0;
  bool big_sent = false;
  bool swept = false;
  auto next_echo = start;
  auto next_sample = start;
  auto big_sent_at = start;
  bool probe_sent = false;
  std::optional<std::uint16_t> last_state;

  auto answered_by_wire = [&]() {
    for (const auto& f : obs.frames) {
      auto p = frames::parse(f.bytes);
      if (p && p->arp && p->arp->is_reply() && p->arp->spa == *s.target) return true;
    }
    return false;
  };

  // A question about SLAAC (IPv6, no target: our RS) must give a router its
  // time to answer: RFC 4861 lets it delay the answer by MAX_RA_DELAY_TIME
  // (0.5 s) and never advertise twice within MIN_DELAY_BETWEEN_RAS (3 s),
  // which radvd honours. Without an RA, watch until 4 s after our RS even
  // when the duration asked for is shorter; any RA ends that wait.
  auto rs_answer_until = start;
  auto ra_seen = [&]() {
    for (const auto& f : obs.frames) {
      auto p = frames::parse(f.bytes);
      if (p && p->ndp && p->ndp->type == 134) return true;
    }
    return false;
  };

  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline && (now >= rs_answer_until || ra_seen())) break;

    if (have_target && now >= next_sample) {
      neigh::Filter nf;
      nf.family = s.family;
      nf.states = neigh::kAllStates;
      nf.to = Prefix(*s.target, s.target->is_v4() ? 32 : 128);
      auto entries = neigh::list(ns, nf);
      if (entries) {
        for (auto& e : *entries) {
          if (last_state && *last_state == e.state && !obs.neighbour_samples.empty()) continue;
          last_state = e.state;
          obs.neighbour_samples.push_back(NeighSample{since_start(now), std::move(e)});
        }
      }
      next_sample = now + std::chrono::milliseconds(100);
    }

    if (pinger) {
      const bool small_ok = std::any_of(obs.echoes.begin(), obs.echoes.end(),
                                        [&](const EchoResult& e) { return e.answered && e.size <= pinger->small_size(); });
      if (!small_ok && now >= next_echo && small_echoes < 8) {
        pinger->send(*s.target, pinger->small_size(), obs.echoes, now);
        ++small_echoes;
        next_echo = now + std::chrono::milliseconds(400);
      }
      if (small_ok && !big_sent) {
        // A set of sizes at once, so the largest that gets through is known
        // in one round trip rather than a search.
        const Link* out = link::find(s.links, s.route_to_target->dev);
        const std::uint32_t mtu = out ? out->mtu : 1500;
        std::vector<std::uint32_t> sizes{mtu};
        for (std::uint32_t v : {9000u, 1500u, 1492u, 1480u, 1450u, 1400u, 1280u, 1000u, 576u})
          if (v < mtu && v >= pinger->small_size() && (s.family != Family::Inet6 || v >= 1280)) sizes.push_back(v);
        for (auto size : sizes) pinger->send(*s.target, size, obs.echoes, now);
        big_sent = true;
        big_sent_at = now;
      }
    }
    if (probe_tap && !probe_sent && now >= start + std::chrono::milliseconds(30)) {
      if (auto r = probe_tap->send(probe_frame); !r) {
        obs.capture_errors.push_back(probe_dev + ": " + r.error().reason);
      } else {
        SeenFrame sf;
        sf.interface = probe_dev;
        sf.time = since_start(now);
        sf.bytes = probe_frame;
        sf.sent_by_us = true;
        obs.frames.push_back(std::move(sf));
      }
      probe_sent = true;
      if (v6 && !have_target) rs_answer_until = now + std::chrono::milliseconds(4000);
    }
    // Nobody answered for the target: ask the rest of its subnet, as
    // arp-scan would, to find a guest that is up with another address.
    if (probe_tap && !v6 && !local && !swept && now >= start + std::chrono::milliseconds(700) && !answered_by_wire()) {
      swept = true;
      const Address* net = connected_prefix_for(s, probe_dev, *s.target);
      const std::string not_lab = options.sweep ? std::string() : why_not_a_lab_link(s, probe_dev);
      if (!not_lab.empty()) {
        obs.sweep_skipped = not_lab;
      } else if (net && net->local.len() >= 22 && obs.probe_mac && obs.probe_source) {
        obs.swept = true;
        obs.swept_interface = probe_dev;
        const Prefix network = net->local.network();
        obs.swept_network = network;
        obs.swept_at = since_start(now);
        const auto base = network.addr().bytes();
        const std::uint32_t first = std::uint32_t(base[0]) << 24 | std::uint32_t(base[1]) << 16 |
                                    std::uint32_t(base[2]) << 8 | base[3];
        const std::uint32_t hosts = (1u << (32 - net->local.len())) - 1;
        for (std::uint32_t i = 1; i < hosts; ++i) {
          const std::uint32_t v = first + i;
          const std::array<std::uint8_t, 4> b{std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8),
                                              std::uint8_t(v)};
          const auto ip = IpAddr::v4(b);
          if (ip == *s.target || ip == *obs.probe_source) continue;
          if (probe_tap->send(frames::arp_request(*obs.probe_mac, *obs.probe_source, ip))) ++obs.swept_count;
        }
      }
    }

    // Healthy paths finish early: the kernel resolved, IP answered, the
    // large echoes had their time, and late duplicate replies theirs.
    if (pinger && !watch_guests && big_sent && now - big_sent_at > std::chrono::milliseconds(300) &&
        now - start > std::chrono::milliseconds(400) && last_state && state_is_valid(*last_state))
      break;

    std::vector<LinkTap*> ptrs;
    for (auto& t : taps) ptrs.push_back(&t);
    auto wake = std::min(std::max(deadline, rs_answer_until), now + std::chrono::milliseconds(50));
    if (pinger) {
      // The raw socket has no place in wait_any; keep its wait short.
      wake = std::min(wake, now + std::chrono::milliseconds(5));
    }
    auto ready = wait_any(ptrs, wake);
    if (!ready) return std::move(ready).error();
    for (auto i : *ready)
      if (auto r = drain(*ptrs[i]); !r) obs.capture_errors.push_back(ptrs[i]->interface() + ": " + r.error().reason);
    if (pinger) pinger->receive(*s.target, obs.echoes, Clock::now());
  }
  for (auto& t : taps) (void)drain(t);
  if (pinger) pinger->receive(*s.target, obs.echoes, Clock::now());
  obs.duration_s = since_start(Clock::now());
  if (obs.duration_s > duration + 0.5 && rs_answer_until > deadline)
    obs.longer_because = "a router may delay its answer to a solicitation by up to 0.5 s and never advertises twice "
                         "within 3 s (RFC 4861), so the watch lasts 4 s after our router solicitation";
  std::stable_sort(obs.frames.begin(), obs.frames.end(),
                   [](const SeenFrame& a, const SeenFrame& b) { return a.time < b.time; });

  // Reverse paths for the peers that asked for one of our addresses: the
  // kernel only answers when the route back to them leaves through the
  // interface the request came in on (rp_filter, arp_filter).
  std::set<IpAddr> asked;
  for (const auto& f : obs.frames) {
    auto p = frames::parse(f.bytes);
    if (!p || !p->arp || !p->arp->is_request() || p->arp->spa == frames::ipv4_any()) continue;
    bool ours = false;
    for (const auto& a : s.addresses) ours = ours || a.local.addr() == p->arp->tpa;
    if (ours) asked.insert(p->arp->spa);
  }
  for (const auto& requester : asked) {
    if (obs.reverse_routes.size() >= 8) break;
    route::GetQuery q;
    q.dst = requester;
    if (auto r = route::get(ns, q)) obs.reverse_routes[requester] = std::move(*r);
  }
  return obs;
}

}  // namespace netlab::diag
