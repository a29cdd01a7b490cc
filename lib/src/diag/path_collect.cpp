// `path diagnose`: the facts (path_facts.hpp) and the whole diagnosis. The
// kernel's decisions are read first (nothing sent); then the watch: the
// probe enters the guest's bridge through a temporary port as the guest's
// own packet would, and the guest's device and the way out are captured.
#include "diag/path_facts.hpp"

#include "diag/kernel_drops.hpp"
#include "objects/probe_port.hpp"

#include <netlab/addr.hpp>
#include <netlab/arp.hpp>
#include <netlab/bridge.hpp>
#include <netlab/frames.hpp>
#include <netlab/linkio.hpp>
#include <netlab/neigh.hpp>
#include <netlab/nft.hpp>
#include <netlab/sysctl.hpp>
#include <netlab/trace.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <thread>
#include <variant>

#include <net/if.h>
#include <sys/random.h>

namespace netlab::diag {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kResend{500};
// After TO's answer arrives on the way out, how long its way back to the
// guest may take to show on the guest's device.
constexpr std::chrono::milliseconds kBackWait{300};
// The shortest watch: a guest resolving a gateway nobody owns asks again
// every second (the kernel's retrans_time), so any 1.2 s shows its question.
constexpr std::chrono::milliseconds kGuestWindow{1200};
// How long the DF probes of the device's MTU may wait for an answer or a
// "fragmentation needed" once the small ones crossed.
constexpr std::chrono::milliseconds kBigWatch{1200};
const char* kObject = "path diagnose";
// At most this many strict devices are watched for answers coming back.
constexpr std::size_t kMaxStrict = 8;

std::uint16_t random16() {
  std::uint16_t v = 0;
  if (::getrandom(&v, sizeof v, 0) != sizeof v) v = static_cast<std::uint16_t>(Clock::now().time_since_epoch().count());
  return v;
}

MacAddr random_local_mac() {
  std::array<std::uint8_t, 6> b{};
  if (::getrandom(b.data(), b.size(), 0) != static_cast<ssize_t>(b.size()))
    b = {0x02, 0x6e, 0x6c, static_cast<std::uint8_t>(random16()), 0x50, 0x41};
  b[0] = static_cast<std::uint8_t>((b[0] & 0xfc) | 0x02);  // locally administered, unicast
  return MacAddr(b);
}

void put16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  v[at] = static_cast<std::uint8_t>(x >> 8);
  v[at + 1] = static_cast<std::uint8_t>(x);
}

// A UDP datagram or a TCP SYN in IPv4 of `size` bytes, both checksums set.
std::vector<std::uint8_t> transport_packet(const PathFacts& f, std::uint16_t sport, std::uint16_t id) {
  const bool tcp = f.protocol == PathProtocol::Tcp;
  const std::size_t l4 = tcp ? 20 : 8;
  const std::size_t total = std::max<std::size_t>(f.size, 20 + l4);
  std::vector<std::uint8_t> ip(total, 0);
  ip[0] = 0x45;
  put16(ip, 2, static_cast<std::uint16_t>(total));
  put16(ip, 4, id);
  ip[6] = 0x40;  // DF, as a guest's stack sends
  ip[8] = 64;
  ip[9] = tcp ? 6 : 17;
  const auto s = f.from.bytes(), d = f.to.bytes();
  std::copy_n(s.begin(), 4, ip.begin() + 12);
  std::copy_n(d.begin(), 4, ip.begin() + 16);
  put16(ip, 10, frames::internet_checksum(std::span(ip).first(20)));
  put16(ip, 20, sport);
  put16(ip, 22, f.port);
  if (tcp) {
    put16(ip, 24, id);  // sequence number's high half: ours to recognise
    ip[32] = 0x50;      // data offset 5
    ip[33] = 0x02;      // SYN
    put16(ip, 34, 64240);
  } else {
    put16(ip, 24, static_cast<std::uint16_t>(total - 20));
  }
  // The pseudo-header sum, then the segment's.
  std::vector<std::uint8_t> pseudo(12 + total - 20);
  std::copy_n(ip.begin() + 12, 8, pseudo.begin());
  pseudo[9] = ip[9];
  put16(pseudo, 10, static_cast<std::uint16_t>(total - 20));
  std::copy(ip.begin() + 20, ip.end(), pseudo.begin() + 12);
  std::uint16_t sum = frames::internet_checksum(pseudo);
  if (!tcp && sum == 0) sum = 0xffff;
  put16(ip, tcp ? 36 : 26, sum);
  return ip;
}

std::vector<std::uint8_t> probe_frame(const PathFacts& f, const MacAddr& src, const MacAddr& dst, std::uint16_t sport,
                                      std::uint16_t seq, std::uint32_t size) {
  if (f.protocol == PathProtocol::Icmp) {
    std::vector<std::uint8_t> payload(size > 28 ? size - 28 : 0, 0x6e);
    frames::EchoSpec e;
    e.eth_dst = dst;
    e.eth_src = src;
    e.src = f.from;
    e.dst = f.to;
    e.id = sport;
    e.seq = seq;
    e.dont_fragment = true;
    e.payload = payload;
    return frames::icmp_echo(e);
  }
  return frames::ethernet(dst, src, 0x0800, transport_packet(f, sport, seq));
}

bool is_local(const std::vector<Address>& addrs, const IpAddr& a) {
  return std::any_of(addrs.begin(), addrs.end(), [&](const Address& x) { return x.local.addr() == a; });
}

Lookup lookup(const Netns& ns, const route::GetQuery& q) {
  Lookup l;
  auto r = route::get(ns, q);
  if (r) {
    l.route = std::move(*r);
    // A lookup that yields an unreachable/prohibit route refuses as an error would.
    if (l.route->type != 1 && l.route->type != 2) {
      l.error = l.route->type == 7 ? EHOSTUNREACH : ENETUNREACH;
      l.message = l.route->type_name() + " route";
    }
  } else {
    l.error = r.error().sys_errno;
    l.message = r.error().reason;
  }
  return l;
}

// TO on FROM's own bridge: its MAC (the neighbour table, else an ARP
// question from the host's address there) and its port.
Result<void> find_bridged_peer(const Netns& ns, const PathDiagnoseOptions& o, PathFacts& f) {
  const std::string& br = f.guest_link.name;
  neigh::Filter nf;
  nf.dev = br;
  nf.family = Family::Inet;
  if (auto list = neigh::list(ns, nf))
    for (const auto& n : *list)
      if (n.dst == o.to && n.mac() && !(n.state & (0x01 | 0x20))) f.to_mac = n.mac();
  if (!f.to_mac && f.guest_link.is_up() && !f.guest_prefixes.empty()) {
    arp::ProbeOptions po;
    po.interface = br;
    po.target = o.to;
    po.count = 2;
    po.deadline = std::chrono::milliseconds(1500);
    po.interval = std::chrono::milliseconds(500);
    if (auto p = arp::probe(ns, po); p && !p->macs.empty()) f.to_mac = p->macs.front();
  }
  if (!f.to_mac)
    return Error::not_found("TO " + o.to.to_string(), "is on FROM's own bridge " + br +
                                                          " and no guest answers for it (netlab arp diagnose " + br + " " +
                                                          o.to.to_string() + ")");
  if (auto ifn = IfName::parse(br))
    if (auto fdb = bridge::fdb(ns, *ifn))
      for (const auto& e : *fdb)
        if (e.mac == *f.to_mac && !e.local) f.to_port = e.port;
  return {};
}

// The guest behind FROM: its device (the connected route toward it), its
// MAC (the neighbour table, else an ARP question), its bridge port.
Result<void> find_guest(const Netns& ns, const PathDiagnoseOptions& o, const std::vector<Address>& addrs,
                        PathFacts& f) {
  const std::string who = "FROM " + o.from.to_string();
  if (is_local(addrs, o.from)) return Error::usage(who, "is an address of this host, not a guest's");
  if (is_local(addrs, o.to)) return Error::usage("TO " + o.to.to_string(), "is an address of this host: nothing to forward");
  std::string dev = o.from_interface;
  if (dev.empty()) {
    route::GetQuery q;
    q.dst = o.from;
    auto r = route::get(ns, q);
    if (!r) return Error::not_found(who, "no guest of this host owns it: no route toward it");
    if (r->gateway)
      return Error::not_found(who, "no guest of this host owns it: the host reaches it via " +
                                       r->gateway->to_string() + " on " + r->dev);
    dev = r->dev;
  }
  const Link* l = link::find(f.links, dev);
  if (!l) return Error::not_found("interface " + dev, "No such device");
  f.guest_link = *l;
  for (const auto& a : addrs)
    if (a.dev == dev && a.local.addr().is_v4()) f.guest_prefixes.push_back(a.local);
  // TO on the guest's own link is not a path through the host, unless the
  // link is a bridge with VXLAN ports (a lab spread over hosts): then the
  // path is the overlay. A bridge without an address of the host's is
  // layer 2 only: whatever its guests reach, they reach over it.
  route::GetQuery tq;
  tq.dst = o.to;
  auto to_route = route::get(ns, tq);
  const bool own_link = to_route && to_route->dev == dev && !to_route->gateway;
  const bool vxlan_ports = l->kind == "bridge" && std::any_of(f.links.begin(), f.links.end(), [&](const Link& x) {
                             return x.master_index == l->index && x.kind == "vxlan";
                           });
  if (own_link && l->kind == "bridge")
    if (auto v = sysctl::read_int(ns, "bridge/bridge-nf-call-iptables")) f.br_nf_call_iptables = *v;
  if (vxlan_ports && (own_link || f.guest_prefixes.empty())) f.overlay = true;
  else if (own_link && f.br_nf_call_iptables.value_or(0) == 1) f.bridged = true;  // bridged IPv4 meets the forward hook
  else if (own_link)
    return Error::usage("TO " + o.to.to_string(), "is on FROM's own link " + dev +
                                                      ": nothing is forwarded (netlab arp diagnose " + dev + " " +
                                                      o.to.to_string() + ")");
  neigh::Filter nf;
  nf.dev = dev;
  nf.family = Family::Inet;
  if (auto ns_list = neigh::list(ns, nf))
    for (const auto& n : *ns_list)
      if (n.dst == o.from && n.mac() && !(n.state & (0x01 | 0x20))) f.guest_mac = n.mac();  // not INCOMPLETE/FAILED
  if (!f.guest_mac && l->is_up() && !f.guest_prefixes.empty()) {
    arp::ProbeOptions po;
    po.interface = dev;
    po.target = o.from;
    po.count = 2;
    po.deadline = std::chrono::milliseconds(1500);
    po.interval = std::chrono::milliseconds(500);
    if (auto p = arp::probe(ns, po); p && !p->macs.empty()) f.guest_mac = p->macs.front();
  }
  if (!f.guest_mac && !f.overlay) return Error::not_found(who, "no guest answers for it on " + dev);
  if (l->kind == "bridge")
    if (auto ifn = IfName::parse(dev))
      if (auto fdb = bridge::fdb(ns, *ifn))
        for (const auto& e : *fdb)
          if (e.mac == *f.guest_mac && !e.local) f.guest_port = e.port;
  if (f.bridged) return find_bridged_peer(ns, o, f);
  return {};
}

PacketShape shape_of(const PathFacts& f, std::uint16_t sport) {
  PacketShape p;
  p.saddr = f.from;
  p.daddr = f.to;
  p.l4proto = f.protocol == PathProtocol::Icmp ? 1 : f.protocol == PathProtocol::Tcp ? 6 : 17;
  if (f.protocol != PathProtocol::Icmp) {
    p.sport = sport;
    p.dport = f.port;
  }
  return p;
}

// The devices TO's answers could come back by, other than the way out,
// whose reverse-path filter is strict: an answer arriving there is dropped
// (C11 on the return path). Bridge ports do no IP; down devices get nothing.
void read_strict_devices(const Netns& ns, PathFacts& f, const std::string& out_dev) {
  const long all = f.rp_all.value_or(0);
  for (const auto& l : f.links) {
    if (f.strict.size() >= kMaxStrict) break;
    if ((l.flags & IFF_LOOPBACK) || !l.is_up() || l.master_index != 0 || l.name == out_dev ||
        l.name == f.guest_link.name)
      continue;
    auto own = sysctl::read_conf(ns, Family::Inet, l.name, "rp_filter");
    if (!own || std::max(all, *own) != 1) continue;
    f.strict.push_back(StrictDevice{l.name, all, *own, 0});
  }
}

// After the watch: the strict device TO's answers arrived on (seen, or
// dropped there for the source check), and the kernel's input lookup for
// such an answer: EXDEV (EINVAL since 6.13) is the reverse-path filter's refusal.
void read_back(const Netns& ns, PathFacts& f) {
  for (const auto& s : f.strict)
    if (s.replies && f.back_dev.empty()) f.back_dev = s.name;
  for (const auto& d : f.kernel_drops)
    if (f.back_dev.empty() && d.reason == "IP_RPFILTER" && !d.beyond)
      for (const auto& s : f.strict)
        if (s.name == d.interface) f.back_dev = s.name;
  if (f.back_dev.empty()) return;
  route::GetQuery q;
  q.dst = f.out_source.value_or(f.from);
  q.from = f.to;
  q.iif = f.back_dev;
  f.back = lookup(ns, q);
}

// The kernel's decisions, nothing sent.
Result<void> read_decisions(const Netns& ns, PathFacts& f, std::uint16_t sport) {
  if (f.bridged) {  // no route, no NAT: the forward hook with the bridge as in and out device
    auto rs = nft::read_ruleset(ns);
    if (!rs && rs.error().sys_errno == E2BIG) return std::move(rs).error();
    if (!rs) f.filter.unread = rs.error().message();
    else
      f.filter = walk_filter_hook(*rs, "forward",
                                  HookDevices{f.guest_link.name, f.guest_link.index, f.guest_link.name, f.guest_link.index},
                                  shape_of(f, sport));
    return {};
  }
  route::GetQuery fq;
  fq.dst = f.to;
  fq.from = f.from;
  fq.iif = f.guest_link.name;
  f.forward = lookup(ns, fq);
  route::GetQuery hq;
  hq.dst = f.to;
  f.host = lookup(ns, hq);
  if (auto v = sysctl::read_int(ns, "ipv4/ip_forward")) f.ip_forward = *v;
  if (auto v = sysctl::read_conf(ns, Family::Inet, f.guest_link.name, "forwarding")) f.guest_forwarding = *v;
  if (auto v = sysctl::read_conf(ns, Family::Inet, "all", "rp_filter")) f.rp_all = *v;
  if (auto v = sysctl::read_conf(ns, Family::Inet, f.guest_link.name, "rp_filter")) f.rp_guest = *v;
  if (f.forward.error == EXDEV || f.forward.error == EINVAL) {  // the source check refused FROM: where does the host send FROM?
    route::GetQuery rq;
    rq.dst = f.from;
    f.reverse = lookup(ns, rq);
  }

  const Route* out = f.forward.route && !f.forward.error ? &*f.forward.route : nullptr;
  if (!out && f.host.route && !f.host.error) out = &*f.host.route;  // what the path would take once forwarded
  read_strict_devices(ns, f, out ? out->dev : "");
  auto rs = nft::read_ruleset(ns);
  if (!rs) {
    if (rs.error().sys_errno == E2BIG) return std::move(rs).error();  // too large to judge: say so, change nothing
    f.filter.unread = f.nat.unread = rs.error().message();
  } else {
    const PacketShape p = shape_of(f, sport);
    HookDevices fwd{f.guest_link.name, f.guest_link.index, out ? out->dev : "", out ? out->oif : 0};
    f.filter = walk_filter_hook(*rs, "forward", fwd, p);
    f.nat = walk_source_nat(*rs, HookDevices{"", 0, fwd.oif, fwd.oif_index}, p);
  }
  if (out) {
    const IpAddr hop = out->gateway ? *out->gateway : f.to;
    neigh::Filter nf;
    nf.dev = out->dev;
    nf.family = Family::Inet;
    nf.states = neigh::kAllStates;
    if (auto list = neigh::list(ns, nf))
      for (const auto& n : *list)
        if (n.dst == hop) f.next_hop = n;
  }
  return {};
}

// What the watch counts, frame by frame.
class Counter {
 public:
  Counter(PathFacts& f, std::string in_dev, std::string out_dev) : f_(f), in_(std::move(in_dev)), out_(std::move(out_dev)) {}

  void frame(const std::string& dev, const Frame& fr, double t0) {
    auto p = frames::parse(fr.bytes);
    if (!p) return;
    if (p->arp && dev == in_) return arp(*p->arp);
    if (!p->ipv4) return;
    const auto& ip = *p->ipv4;
    if (p->icmp && p->icmp->type == 3 && p->icmp->code == 4) return frag_needed(dev, ip, p->l3_payload);
    if (dev != out_ && dev != in_) {  // a strict device: TO's answers coming back the other way
      for (auto& s : f_.strict)
        if (s.name == dev && ip.src == f_.to) ++s.replies;
      return;
    }
    const bool ours = ip.protocol == protocol();
    const bool big = f_.big_size && ip.total_length >= f_.big_size;
    if (big && ip.dst == f_.to && ours && dev == out_) ++f_.big_out;
    // Their answers, on the way out or going on to the guest (they may come back by another device).
    if (big && ip.src == f_.to && (dev == out_ || (dev == in_ && ip.dst == f_.from))) ++f_.big_replies;
    if (dev == in_) {
      if (ip.src == f_.from && ip.dst == f_.to && ours) ++f_.seen_in;
      else if (ip.src == f_.to && ip.dst == f_.from) ++f_.replies_in;
    }
    if (dev == out_) {
      if (ip.dst == f_.to && ours) {
        ++f_.seen_out;
        f_.out_source = ip.src;
        if (!first_out_) first_out_ = fr.time() - t0;
      } else if (ip.src == f_.to) {
        if (!f_.replies_out && first_out_) f_.rtt_ms = (fr.time() - t0 - *first_out_) * 1000.0;
        ++f_.replies_out;
      }
    }
  }

 private:
  std::uint8_t protocol() const {
    return f_.protocol == PathProtocol::Icmp ? 1 : f_.protocol == PathProtocol::Tcp ? 6 : 17;
  }
  // A router's "fragmentation needed" about our flow (its quoted header
  // goes to TO): arriving on the way out, going on toward the guest.
  void frag_needed(const std::string& dev, const frames::Ipv4& ip, std::span<const std::uint8_t> icmp) {
    if (icmp.size() < 28) return;
    const std::array<std::uint8_t, 4> inner_dst{icmp[24], icmp[25], icmp[26], icmp[27]};
    if (IpAddr::v4(inner_dst) != f_.to) return;
    if (dev == out_) {
      ++f_.frag_arrived;
      f_.frag_from = ip.src;
      f_.frag_mtu = static_cast<std::uint16_t>(icmp[6] << 8 | icmp[7]);
    } else if (dev == in_ && ip.dst == f_.from) {
      ++f_.frag_forwarded;
    }
  }

  void arp(const frames::Arp& a) {
    const bool host = std::any_of(f_.guest_prefixes.begin(), f_.guest_prefixes.end(),
                                  [&](const Prefix& p) { return p.addr() == a.tpa; });
    if (a.op == 1 && a.spa == f_.from && !host && a.tpa != f_.from) {
      auto it = std::find_if(f_.guest_asks.begin(), f_.guest_asks.end(),
                             [&](const GuestAsk& g) { return g.target == a.tpa; });
      if (it == f_.guest_asks.end()) {
        if (f_.guest_asks.size() >= 64) return;
        f_.guest_asks.push_back(GuestAsk{a.tpa, 0, false});
        it = f_.guest_asks.end() - 1;
      }
      ++it->asked;
    } else if (a.op == 2 && a.tpa == f_.from) {
      for (auto& g : f_.guest_asks)
        if (g.target == a.spa) g.answered = true;
    }
  }

  PathFacts& f_;
  std::string in_, out_;  // the guest's side (its device, or its bridge port when bridged) and the way out
  std::optional<double> first_out_;
};

struct KernelWatch {
  std::optional<trace::Session> session;
  std::chrono::system_clock::time_point wall_start = std::chrono::system_clock::now();

  void open(PathFacts& f, const std::vector<std::string>& devices) {
    trace::Options kt;
    kt.drops = true;
    kt.protocol = 0x0800;
    kt.devices = devices;
    auto s = trace::Session::open(kt);
    if (s) session.emplace(std::move(*s));
    else f.kernel_unavailable = s.error().message();
    wall_start = std::chrono::system_clock::now();
  }
  void collect(PathFacts& f) {
    if (!session) return;
    take_kernel_drops(*session, wall_start, f.kernel_drops);
    session.reset();  // the instance goes now
  }
};

// A guest's question seen unanswered may have had its answer where the
// bridge device cannot see it (unicast between two ports): we ask once
// ourselves before calling the address nobody's.
void confirm_asks(const Netns& ns, PathFacts& f) {
  for (auto& g : f.guest_asks) {
    if (g.answered || f.guest_prefixes.empty()) continue;
    arp::ProbeOptions po;
    po.interface = f.guest_link.name;
    po.target = g.target;
    po.count = 1;
    po.deadline = std::chrono::milliseconds(700);
    if (auto p = arp::probe(ns, po); p && !p->macs.empty()) g.answered = true;
    else if (p) g.confirmed = true;
  }
}

// The tables alone explain why nothing comes back: the route lookup
// refuses, the forward hook certainly drops, or the private source left
// un-NATed.
bool explained(const PathFacts& f) {
  if (f.forward.error != 0 || (f.filter.drop && f.filter.certain)) return true;
  return f.nat.read && f.nat.nat_rule.empty() && private_source(f.from) && f.seen_out > 0 && f.out_source &&
         *f.out_source == f.from;
}

// The watch: captures on the guest's device and the way out while the
// probe (when one can be sent) asks every kResend.
// Captures on the guest's side, the way out and the strict devices an
// answer may come back by, each opened once.
std::vector<LinkTap> open_watch_taps(const Netns& ns, PathFacts& f, const std::string& in_dev, const std::string& out_dev) {
  std::vector<LinkTap> taps;
  LinkTapOptions to;
  to.filter = "arp or (ip host " + f.to.to_string() + ") or (icmp and icmp[0] = 3)";
  std::vector<std::string> watched{in_dev, out_dev}, opened;
  for (const auto& s : f.strict) watched.push_back(s.name);
  for (const std::string& dev : watched) {
    if (dev.empty() || std::find(opened.begin(), opened.end(), dev) != opened.end()) continue;
    opened.push_back(dev);
    auto t = LinkTap::open(ns, dev, to);
    if (t) taps.push_back(std::move(*t));
    else f.capture_errors.push_back(dev + ": " + t.error().message());
  }
  return taps;
}

Result<void> watch(const Netns& ns, const PathDiagnoseOptions& o, PathFacts& f, std::uint16_t sport) {
  const Route* out = f.forward.route && !f.forward.error ? &*f.forward.route : nullptr;
  if (!out && f.host.route && !f.host.error) out = &*f.host.route;
  // Bridged: in by the guest's port, out by TO's (the bridge device sees
  // neither of the frames it forwards between two ports).
  const std::string in_dev = f.bridged && !f.guest_port.empty() ? f.guest_port : f.guest_link.name;
  const std::string out_dev = f.bridged ? f.to_port : out ? out->dev : "";
  std::vector<LinkTap> taps = open_watch_taps(ns, f, in_dev, out_dev);
  std::vector<std::string> devices{f.guest_link.name, ProbePort::port_name()};
  if (!out_dev.empty()) devices.push_back(out_dev);
  if (!f.guest_port.empty()) devices.push_back(f.guest_port);
  for (const auto& s : f.strict) devices.push_back(s.name);
  KernelWatch kernel;
  kernel.open(f, devices);

  const auto started = Clock::now();
  const auto deadline = started + o.duration;
  std::unique_ptr<ProbePort> port;
  std::optional<LinkTap> talk;
  MacAddr probe_mac;
  const bool bridge = f.guest_link.kind == "bridge";
  if (o.passive) {
    f.no_probe.clear();
  } else if (!bridge) {
    f.no_probe = f.guest_link.name + " is no bridge: a probe cannot enter as the guest, so the guest's own packets were watched";
  } else if (!f.guest_link.is_up()) {
    f.no_probe = f.guest_link.name + " is down";
  } else {
    probe_mac = random_local_mac();
    auto created = ProbePort::create(ns, f.guest_link, probe_mac, deadline, {}, kObject);
    if (!created) return std::move(created).error();
    port = std::move(*created);
    auto t = LinkTap::open(ns, port->talk().str());
    if (!t) return std::move(t).error();
    talk.emplace(std::move(*t));
  }
  Counter counter(f, in_dev, out_dev);
  std::vector<LinkTap*> ptrs;
  for (auto& t : taps) ptrs.push_back(&t);
  const double t0 = wall_clock_now();
  auto next_send = Clock::now();
  std::optional<Clock::time_point> back_by;
  // The bridge's MAC now, with the probe's port in it: frames to any other
  // address of the bridge are not the host's (PACKET_OTHERHOST).
  MacAddr gateway_mac = f.guest_link.mac().value_or(MacAddr{});
  if (talk)
    if (auto now = link::get(ns, f.guest_link.name); now && now->mac()) gateway_mac = *now->mac();
  if (f.bridged) gateway_mac = *f.to_mac;  // bridged straight to TO
  std::uint16_t seq = 0;
  // Once small probes crossed, DF probes of the guest device's MTU (ICMP
  // only): a smaller link beyond the host shows as their silence.
  const std::uint32_t mtu_size = f.protocol == PathProtocol::Icmp && !f.bridged ? f.guest_link.mtu : 0;
  std::optional<Clock::time_point> big_until;
  while (Clock::now() < deadline) {
    const bool small_done = f.replies_in || (back_by && Clock::now() >= *back_by);
    if (small_done && talk && !big_until && mtu_size > f.size && mtu_size <= kPathMaxSize) {
      big_until = Clock::now() + kBigWatch;
      f.big_size = mtu_size;
      next_send = Clock::now();
    }
    if (talk && Clock::now() >= next_send) {
      const std::uint32_t size = big_until ? f.big_size : f.size;
      if (talk->send(probe_frame(f, probe_mac, gateway_mac, sport, ++seq, size))) ++(big_until ? f.big_sent : f.probe_sent);
      next_send = Clock::now() + kResend;
    }
    const bool big_done = !big_until || f.big_replies || f.frag_forwarded || Clock::now() >= *big_until;
    // The path works both ways: enough seen, once the guest had its window.
    if (small_done && big_done && Clock::now() - started >= kGuestWindow) break;
    // A fault the kernel's tables explain, and no answer to three probes:
    // more would only repeat it.
    if (talk && !f.replies_out && f.probe_sent >= 3 && explained(f) && Clock::now() - started >= kGuestWindow) break;
    auto until = std::min(deadline, talk ? next_send : deadline);
    if (back_by && Clock::now() < *back_by) until = std::min(until, *back_by);
    if (big_until) until = std::min(until, *big_until);
    if (ptrs.empty()) {
      std::this_thread::sleep_until(until);
      continue;
    }
    auto ready = wait_any(ptrs, until);
    if (!ready) {
      f.capture_errors.push_back(ready.error().message());
      break;
    }
    for (auto i : *ready) {
      const std::string dev = ptrs[i]->interface();
      auto r = for_each_waiting_frame(*ptrs[i], [&](const Frame& fr) { counter.frame(dev, fr, t0); });
      if (!r) f.capture_errors.push_back(dev + ": " + r.error().message());
    }
    if (f.replies_out && !back_by) back_by = Clock::now() + kBackWait;
  }
  f.probed = talk.has_value();
  f.duration_s = std::chrono::duration<double>(Clock::now() - started).count();
  kernel.collect(f);
  confirm_asks(ns, f);
  return {};
}

// The overlay: the bridge's VXLAN ports, their remotes and flood entries,
// the underlay toward them, and the other ports' MTUs.
Result<void> read_overlay(const Netns& ns, PathFacts& f) {
  neigh::Filter nf;
  nf.dev = f.guest_link.name;
  nf.family = Family::Inet;
  if (auto list = neigh::list(ns, nf))
    for (const auto& n : *list)
      if (n.dst == f.to && n.mac()) f.to_mac = n.mac();
  for (const auto& l : f.links) {
    if (l.master_index != f.guest_link.index) continue;
    if (l.kind != "vxlan" || !l.vxlan) {
      f.ports.push_back(l);
      continue;
    }
    VxlanPort v;
    v.link = l;
    bridge::FdbFilter ff;
    ff.dev = l.name;
    if (auto fdb = bridge::fdb_list(ns, ff))
      for (const auto& e : *fdb) {
        if (!e.dst) continue;
        if (e.mac.is_zero()) v.flood.push_back(*e.dst);
        else if (f.to_mac && e.mac == *f.to_mac) v.to_remote = e.dst;
      }
    std::optional<IpAddr> remote = l.vxlan->remote;
    if (!remote && !v.flood.empty()) remote = v.flood.front();
    if (remote) {
      route::GetQuery q;
      q.dst = *remote;
      if (auto r = route::get(ns, q)) v.underlay = r->dev;
    }
    if (v.underlay.empty()) v.underlay = l.vxlan->link_name;
    if (const Link* u = link::find(f.links, v.underlay)) v.underlay_mtu = u->mtu;
    f.vxlans.push_back(std::move(v));
  }
  return {};
}

// A VXLAN packet arriving on an underlay: noted when no VXLAN device here
// has its VNI on its port (the kernel drops it: VXLAN_VNI_NOT_FOUND).
void note_vxlan(PathFacts& f, const std::string& dev, const Frame& fr) {
  auto p = frames::parse(fr.bytes);
  if (!p || !p->ipv4 || p->ipv4->protocol != 17 || p->l3_payload.size() < 16) return;
  const auto u = p->l3_payload;
  const std::uint16_t dport = static_cast<std::uint16_t>(u[2] << 8 | u[3]);
  if (!(u[8] & 0x08)) return;  // no VNI: not VXLAN
  const std::uint32_t vni = static_cast<std::uint32_t>(u[12]) << 16 | static_cast<std::uint32_t>(u[13]) << 8 | u[14];
  for (const auto& v : f.vxlans)
    if (v.link.vxlan->dstport == dport && v.link.vxlan->id == vni) return;
  for (auto& x : f.foreign_vnis)
    if (x.from == p->ipv4->src && x.vni == vni && x.dev == dev) {
      ++x.count;
      return;
    }
  if (f.foreign_vnis.size() < 8) f.foreign_vnis.push_back(ForeignVni{p->ipv4->src, dev, vni, dport, 1});
}

// Captures of the VXLAN packets arriving on each VXLAN port's underlay.
std::vector<LinkTap> open_underlays(const Netns& ns, PathFacts& f, std::vector<std::string>& devices) {
  std::vector<LinkTap> taps;
  for (const auto& v : f.vxlans) {
    if (v.underlay.empty() || std::find(devices.begin(), devices.end(), v.underlay) != devices.end()) continue;
    devices.push_back(v.underlay);
    LinkTapOptions to;
    to.direction = Direction::In;
    to.filter = "udp dst port " + std::to_string(v.link.vxlan->dstport);
    auto t = LinkTap::open(ns, v.underlay, to);
    if (t) taps.push_back(std::move(*t));
    else f.capture_errors.push_back(v.underlay + ": " + t.error().message());
  }
  return taps;
}

// Until `deadline`, or the first foreign VNI: what arrived on the underlays.
void drain_underlays(PathFacts& f, std::vector<LinkTap>& taps, Clock::time_point deadline) {
  std::vector<LinkTap*> ptrs;
  for (auto& t : taps) ptrs.push_back(&t);
  do {
    auto ready = wait_any(ptrs, std::max(Clock::now(), std::min(deadline, Clock::now() + std::chrono::milliseconds(100))));
    if (!ready) return;
    for (auto i : *ready) {
      const std::string dev = ptrs[i]->interface();
      (void)for_each_waiting_frame(*ptrs[i], [&](const Frame& fr) { note_vxlan(f, dev, fr); });
    }
  } while (!ptrs.empty() && f.foreign_vnis.empty() && Clock::now() < deadline);
}

// Does TO answer over the overlay? An ARP question from the host's address
// on the bridge or, on a bridge without one, as FROM through a probe port;
// the kernel's drops on the VXLAN ports meanwhile (NO_TX_TARGET: no VTEP).
Result<void> ask_overlay(const Netns& ns, const PathDiagnoseOptions& o, PathFacts& f) {
  if (o.passive || !f.guest_link.is_up()) return {};
  std::vector<std::string> devices{f.guest_link.name};
  for (const auto& v : f.vxlans) devices.push_back(v.link.name);
  std::vector<LinkTap> underlays = open_underlays(ns, f, devices);
  KernelWatch kernel;
  kernel.open(f, devices);
  const auto started = Clock::now();
  arp::ProbeOptions po;
  po.target = f.to;
  po.count = 2;
  po.deadline = std::chrono::milliseconds(1500);
  po.interval = std::chrono::milliseconds(500);
  std::unique_ptr<ProbePort> port;
  if (!f.guest_prefixes.empty()) {
    po.interface = f.guest_link.name;
  } else {
    auto created = ProbePort::create(ns, f.guest_link, random_local_mac(), started + o.duration, {}, kObject);
    if (!created) return std::move(created).error();
    port = std::move(*created);
    po.interface = port->talk().str();
    po.source = f.from;
  }
  f.arp_from = f.guest_prefixes.empty() ? f.from.to_string() : f.guest_prefixes.front().addr().to_string();
  auto r = arp::probe(ns, po);
  if (!r) return std::move(r).error();
  f.probed = true;
  f.probe_sent = r->sent;
  if (!r->macs.empty()) {
    f.to_answers = true;
    f.to_mac = r->macs.front();
  }
  // No answer: the far end's own traffic may show it uses another VNI.
  drain_underlays(f, underlays, f.to_answers ? Clock::now() : started + o.duration);
  f.duration_s = std::chrono::duration<double>(Clock::now() - started).count();
  kernel.collect(f);
  return {};
}

}  // namespace

Result<void> parse_from(const std::string& text, PathDiagnoseOptions& o) {
  std::string addr = text;
  if (const auto colon = text.find(':'); colon != std::string::npos) {
    auto name = IfName::parse(text.substr(0, colon));
    if (!name) return std::move(name).error();
    o.from_interface = name->str();
    addr = text.substr(colon + 1);
  }
  auto a = IpAddr::parse(addr);
  if (!a || !a->is_v4()) return Error::usage("FROM \"" + text + "\"", "is not an IPv4 address or IFACE:ADDRESS");
  o.from = *a;
  return {};
}

Result<void> parse_protocol(const std::string& text, PathDiagnoseOptions& o) {
  if (text == "icmp") {
    o.protocol = PathProtocol::Icmp;
    o.port = 0;
    return {};
  }
  const auto slash = text.find('/');
  const std::string kind = text.substr(0, slash);
  if ((kind != "udp" && kind != "tcp") || slash == std::string::npos)
    return Error::usage("-p \"" + text + "\"", "must be icmp, udp/PORT or tcp/PORT");
  const std::string digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), ::isdigit) ||
      std::stoul(digits) < 1 || std::stoul(digits) > 65535)
    return Error::usage("-p \"" + text + "\"", "PORT must be from 1 to 65535");
  o.protocol = kind == "udp" ? PathProtocol::Udp : PathProtocol::Tcp;
  o.port = static_cast<std::uint16_t>(std::stoul(digits));
  return {};
}

Result<void> validate(const PathDiagnoseOptions& o) {
  if (!o.from_interface.empty())
    if (auto n = IfName::parse(o.from_interface); !n) return std::move(n).error();
  if (!o.from.is_v4()) return Error::usage("FROM " + o.from.to_string(), "must be an IPv4 address (IPv6 paths are not diagnosed)");
  if (!o.to.is_v4()) return Error::usage("TO " + o.to.to_string(), "must be an IPv4 address (IPv6 paths are not diagnosed)");
  const auto t = o.to.bytes();
  if (t[0] == 0 || t[0] == 127 || t[0] >= 224)
    return Error::usage("TO " + o.to.to_string(), "must be a unicast address beyond the host");
  const auto s = o.from.bytes();
  if (s[0] == 0 || s[0] == 127 || s[0] >= 224) return Error::usage("FROM " + o.from.to_string(), "must be a guest's unicast address");
  if (o.from == o.to) return Error::usage("TO " + o.to.to_string(), "is FROM itself");
  if ((o.protocol != PathProtocol::Icmp) != (o.port != 0)) return Error::usage("-p", "a port goes with udp or tcp only");
  if (o.size < kPathMinSize || o.size > kPathMaxSize) return Error::usage("--size", "must be from 28 to 9000 bytes");
  if (o.duration < kPathMinWatch || o.duration > kPathMaxWatch)
    return Error::usage("duration", "must be from 1 to 60 seconds");
  return {};
}

Result<PathFacts> collect_path(const Netns& ns, const PathDiagnoseOptions& o) {
  NETLAB_TRY(validate(o));
  PathFacts f;
  f.from = o.from;
  f.to = o.to;
  f.protocol = o.protocol;
  f.port = o.port;
  f.size = o.size;
  f.passive = o.passive;
  auto links = link::list(ns);
  if (!links) return std::move(links).error();
  f.links = std::move(*links);
  addr::Filter af;
  af.family = Family::Inet;
  auto addrs = addr::list(ns, af);
  if (!addrs) return std::move(addrs).error();
  NETLAB_TRY(find_guest(ns, o, *addrs, f));
  if (f.overlay) {
    NETLAB_TRY(read_overlay(ns, f));
    NETLAB_TRY(ask_overlay(ns, o, f));
    return f;
  }
  const std::uint16_t sport = static_cast<std::uint16_t>(32768 + random16() % 28000);
  NETLAB_TRY(read_decisions(ns, f, sport));
  NETLAB_TRY(watch(ns, o, f, sport));
  read_back(ns, f);
  auto after = nft::read_ruleset(ns);
  if (!after) return f;
  // The deciding rule's counter after the watch.
  auto counter = [&](const std::string& family, const std::string& table, std::uint64_t handle) {
    std::optional<std::uint64_t> n;
    for (const auto& r : after->rules)
      if (nft::family_name(r.family) == family && r.table == table && r.handle == handle && r.has_counter) n = r.packets;
    return n;
  };
  if (f.filter.drop && !f.filter.policy && f.filter.counter_before)
    f.filter.counter_after = counter(f.filter.family, f.filter.table, f.filter.handle);
  // A "fragmentation needed" that arrived and did not go on: the forward
  // hook as it meets it, a conntrack RELATED packet of our flow (its
  // counters as they are now: it came during the watch).
  if (f.frag_arrived && f.frag_from && f.forward.route) {
    PacketShape p;
    p.l4proto = 1;
    p.saddr = *f.frag_from;
    p.daddr = f.from;
    p.ct_state = "related";
    const Route& out = *f.forward.route;
    f.icmp_filter = walk_filter_hook(*after, "forward",
                                     HookDevices{out.dev, out.oif, f.guest_link.name, f.guest_link.index}, p);
  }
  return f;
}

Result<Report> diagnose_path(const Netns& ns, const PathDiagnoseOptions& o) {
  auto facts = collect_path(ns, o);
  if (!facts) return std::move(facts).error();
  return analyse_path(*facts, o);
}

}  // namespace netlab::diag
