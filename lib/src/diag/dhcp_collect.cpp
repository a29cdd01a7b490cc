// `dhcp diagnose`: the facts (dhcp_facts.hpp) and the whole diagnosis.
// Reading is best effort where a fact only sharpens the verdict (a server's
// configuration files, the ruleset, a sysctl): what could not be read is
// said in the facts, and the rules judge without it.
#include "diag/dhcp_facts.hpp"

#include "base/fd.hpp"
#include "diag/kernel_drops.hpp"
#include "objects/probe_port.hpp"
#include "proto/byte_reader.hpp"

#include <netlab/addr.hpp>
#include <netlab/bridge.hpp>
#include <netlab/dhcp.hpp>
#include <netlab/frames_dhcp.hpp>
#include <netlab/linkio.hpp>
#include <netlab/netns.hpp>
#include <netlab/sysctl.hpp>
#include <netlab/trace.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <variant>

#include <cstdio>

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netlab::diag {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.size() > (1u << 20)) text.resize(1u << 20);  // a configuration, not a log
  return text;
}

std::vector<std::string> cmdline_of(int pid) {
  std::vector<std::string> out;
  auto text = read_text("/proc/" + std::to_string(pid) + "/cmdline");
  if (!text) return out;
  std::string cur;
  for (char c : *text) {
    if (c == '\0') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// The server behind a socket: its owner's command line and, for dnsmasq, the
// files it reads, seen through /proc/PID/root (its own mount namespace).
std::optional<DhcpServerProcess> server_of(const InetSocket& s) {
  if (s.owners.empty()) return std::nullopt;
  const SocketOwner& owner = s.owners.front();
  const std::string root = "/proc/" + std::to_string(owner.pid) + "/root";
  DhcpServerProcess p;
  const auto cmd = cmdline_of(owner.pid);
  if (owner.comm == "dnsmasq") {
    p = parse_dnsmasq(
        cmd, [&](const std::string& path) { return read_text(root + path); },
        [&](const std::string& dir) {
          std::vector<std::string> names;
          std::error_code ec;
          for (const auto& e : std::filesystem::directory_iterator(root + dir, ec))
            if (e.is_regular_file(ec)) names.push_back(e.path().filename().string());
          std::sort(names.begin(), names.end());
          return names;
        });
    // Its leases as it wrote them (C40: a pool every address of which is
    // leased to others).
    p.leases_read = false;
    if (p.leasefile_ro) {
      p.leases_unread = "it keeps no lease file (--leasefile-ro): its --dhcp-script keeps the leases";
    } else if (auto text = read_text(root + p.lease_file)) {
      p.leases = parse_dnsmasq_leases(*text);
      p.leases_read = true;
    } else {
      p.leases_unread = "cannot read " + p.lease_file + " (through " + root + ")";
    }
    std::error_code ec;
    p.same_root = std::filesystem::equivalent(root, "/", ec);
  } else {
    p.cmdline = cmd;
  }
  p.pid = owner.pid;
  p.comm = owner.comm;
  return p;
}

bool dnsmasq_name_matches(const std::string& pattern, const std::string& dev) {
  if (!pattern.empty() && pattern.back() == '*') return dev.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  return pattern == dev;
}

// Whether a DISCOVER arriving on `served` reaches the socket (and its
// server takes requests from there); else why not.
void judge_listener(DhcpListener& l, const Link& served) {
  const InetSocket& s = l.socket;
  const bool wildcard = s.local.is_unspecified() || (s.local.is_v4() && s.local == IpAddr::v4(std::array<std::uint8_t, 4>{0, 0, 0, 0}));
  if (!s.local.is_v4() && !s.local.is_unspecified()) {
    l.elsewhere = "an IPv6 socket";
    return;
  }
  if (s.dev_index != 0 && s.dev_index != served.index) {
    l.elsewhere = "bound to " + (s.dev.empty() ? "device " + std::to_string(s.dev_index) : s.dev);
    return;
  }
  if (!wildcard) {
    l.elsewhere = "bound to " + s.local.to_string() + ", which takes no broadcast DISCOVER";
    return;
  }
  if (l.server && l.server->dnsmasq) {
    const auto& p = *l.server;
    auto listed = [&](const std::vector<std::string>& v) {
      return std::any_of(v.begin(), v.end(), [&](const std::string& x) { return dnsmasq_name_matches(x, served.name); });
    };
    auto joined = [](const std::vector<std::string>& v) {
      std::string j;
      for (const auto& x : v) j += (j.empty() ? "" : ",") + x;
      return j;
    };
    if (!p.interfaces.empty() && !listed(p.interfaces)) {
      l.elsewhere = "dnsmasq serves --interface=" + joined(p.interfaces) + " only";
      return;
    }
    if (listed(p.except_interfaces)) {
      l.elsewhere = "dnsmasq has --except-interface=" + served.name;
      return;
    }
    if (listed(p.no_dhcp_interfaces)) {
      l.elsewhere = "dnsmasq has --no-dhcp-interface=" + served.name;
      return;
    }
  }
  l.here = true;
}

// A DHCP message in an Ethernet frame (IPv4, UDP 67 or 68), or nullopt.
std::optional<SeenDhcp> parse_seen(std::span<const std::uint8_t> frame) {
  if (auto reply = frames::parse_dhcp(frame)) {
    SeenDhcp s;
    s.type = reply->type ? frames::dhcp_type_name(*reply->type) : "BOOTREPLY";
    s.client = reply->chaddr;
    s.eth_src = reply->eth_src;
    s.xid = reply->xid;
    s.server_id = reply->server_id;
    s.yiaddr = reply->yiaddr;
    s.mask = reply->mask;
    s.routers = reply->routers;
    return s;
  }
  // A request: read only what the verdict needs (who asks, and what).
  try {
    proto::ByteReader r(frame);
    r.skip(6);
    const MacAddr src = [&] {
      std::array<std::uint8_t, 6> m{};
      auto b = r.bytes(6);
      std::copy(b.begin(), b.end(), m.begin());
      return MacAddr(m);
    }();
    if (r.be16() != 0x0800) return std::nullopt;
    const std::uint8_t vihl = r.peek8(0);
    const std::size_t ihl = std::size_t(vihl & 0x0f) * 4;
    if ((vihl >> 4) != 4 || ihl < 20 || r.peek8(9) != 17) return std::nullopt;
    r.skip(ihl);
    r.skip(2);  // source port
    if (r.be16() != 67) return std::nullopt;
    r.skip(4);  // length, checksum
    if (r.u8() != 1) return std::nullopt;  // BOOTREQUEST
    const std::uint8_t htype = r.u8(), hlen = r.u8();
    r.skip(1);
    SeenDhcp s;
    s.from_client = true;
    s.eth_src = src;
    s.xid = r.be32();
    r.skip(20);  // secs, flags, ciaddr, yiaddr, siaddr, giaddr
    auto ch = r.bytes(16);
    if (htype == 1 && hlen == 6) {
      std::array<std::uint8_t, 6> m{};
      std::copy_n(ch.begin(), 6, m.begin());
      s.client = MacAddr(m);
    }
    r.skip(192);  // sname, file
    if (r.be32() != 0x63825363) return std::nullopt;
    s.type = "BOOTREQUEST";
    while (r.remaining() > 0) {
      const std::uint8_t code = r.u8();
      if (code == 255) break;
      if (code == 0) continue;
      const std::uint8_t len = r.u8();
      auto v = r.bytes(len);
      if (code == 53 && len == 1) s.type = frames::dhcp_type_name(v[0]);
    }
    return s;
  } catch (const proto::Truncated&) {
    return std::nullopt;
  }
}

// Captures DHCP on the served device (and the interface asked about) on
// its own thread while the probe runs.
class Watch {
 public:
  Watch(std::vector<LinkTap> taps) : taps_(std::move(taps)) {
    start_ = Clock::now();
    thread_ = std::thread([this] { loop(); });
  }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;
  ~Watch() { stop(); }

  // Stops and hands over what was seen, in time order.
  std::vector<SeenDhcp> stop() {
    if (thread_.joinable()) {
      done_ = true;
      thread_.join();
    }
    std::stable_sort(seen_.begin(), seen_.end(), [](const SeenDhcp& a, const SeenDhcp& b) { return a.time < b.time; });
    return std::move(seen_);
  }
  std::vector<std::string> errors() const { return errors_; }

 private:
  void loop() {
    std::vector<LinkTap*> ptrs;
    for (auto& t : taps_) ptrs.push_back(&t);
    const double t0 = wall_clock_now();
    while (!done_) {
      auto ready = wait_any(ptrs, Clock::now() + std::chrono::milliseconds(50));
      if (!ready) {
        errors_.push_back(ready.error().message());
        return;
      }
      for (auto i : *ready) {
        auto r = for_each_waiting_frame(*ptrs[i], [&](const Frame& f) {
          if (seen_.size() >= 4096) return;  // a bound on memory: a DHCP storm is seen by then
          if (auto s = parse_seen(f.bytes)) {
            s->time = std::max(0.0, f.time() - t0);
            s->interface = ptrs[i]->interface();
            seen_.push_back(std::move(*s));
          }
        });
        if (!r) errors_.push_back(ptrs[i]->interface() + ": " + r.error().message());
      }
    }
  }

  std::vector<LinkTap> taps_;
  std::atomic<bool> done_{false};
  std::vector<SeenDhcp> seen_;
  std::vector<std::string> errors_;
  Clock::time_point start_;
  std::thread thread_;
};

std::string server_key(const std::optional<IpAddr>& id, const MacAddr& mac) {
  return id ? id->to_string() : mac.to_string();
}

// Which port each server is behind, which is the host itself, and who is
// on the bridge (its forwarding database).
void place_offers_and_stations(const Netns& ns, DhcpFacts& f, const Link& served) {
  for (auto& x : f.offers)
    for (const auto& p : f.served_prefixes)
      if (x.server == p.addr().to_string()) x.host = true;
  if (served.kind == "bridge")
    if (auto ifn = IfName::parse(f.served))
      if (auto fdb = bridge::fdb(ns, *ifn)) {
        for (auto& x : f.offers)
          for (const auto& e : *fdb)
            if (e.mac == x.server_mac) {
              if (e.local) x.host = true;
              else x.port = e.port;
            }
        // Who is on the bridge: a lease of a MAC it has not learned is
        // likely a guest that is gone (C40).
        f.stations_known = true;
        for (const auto& e : *fdb)
          if (!e.local && std::find(f.stations.begin(), f.stations.end(), e.mac) == f.stations.end())
            f.stations.push_back(e.mac);
      }
}

// Whether tx checksum offload is on (ETHTOOL_GTXCSUM: any of the
// NETIF_F_CSUM_MASK features), asked in the namespace; nullopt unread.
std::optional<bool> tx_checksum_offload(const Netns& ns, const std::string& dev) {
  std::optional<NetnsScope> scope;
  if (!ns.is_current()) {
    auto s = NetnsScope::enter(ns);
    if (!s) return std::nullopt;
    scope.emplace(std::move(*s));
  }
  const Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return std::nullopt;
  ethtool_value v{};
  v.cmd = ETHTOOL_GTXCSUM;
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev.c_str());
  ifr.ifr_data = reinterpret_cast<char*>(&v);
  if (::ioctl(fd.get(), SIOCETHTOOL, &ifr) < 0) return std::nullopt;
  return v.data != 0;
}

// The TAPs toward the guests: IFACE itself, or the served bridge's ports.
void read_taps(const Netns& ns, DhcpFacts& f) {
  std::vector<const Link*> candidates;
  if (f.asked_link.name != f.served) candidates.push_back(&f.asked_link);
  else
    for (const auto& p : f.ports) candidates.push_back(&p);
  for (const Link* l : candidates) {
    if (!l->tun || !l->tun->tap) continue;
    TapOffload t;
    t.name = l->name;
    t.carrier = l->is_up() && !l->no_carrier();
    t.vnet_hdr = l->tun->vnet_hdr;
    t.tx_csum = tx_checksum_offload(ns, l->name);
    f.taps.push_back(std::move(t));
  }
}

}  // namespace

Result<void> validate(const DhcpDiagnoseOptions& o) {
  if (auto n = IfName::parse(o.interface); !n) return std::move(n).error();
  if (o.client && (o.client->is_multicast() || o.client->is_zero()))
    return Error::usage("client MAC " + o.client->to_string(), "must be a unicast address");
  if (o.duration < kDhcpMinWatch || o.duration > kDhcpMaxWatch)
    return Error::usage("duration", "must be from 1 to 60 seconds");
  return {};
}

namespace {

// The kernel's drops during the watch: the served device, its ports, and
// the probe's own port (named after our pid, dhcp.hpp). Without tracing the
// diagnosis goes on, saying why.
std::optional<trace::Session> open_drop_trace(DhcpFacts& f, const Link& served) {
  trace::Options kt;
  kt.drops = true;
  kt.protocol = 0x0800;
  kt.devices = {f.served, ProbePort::port_name()};
  for (const auto& l : f.links)
    if (l.master_index == served.index) kt.devices.push_back(l.name);
  auto s = trace::Session::open(kt);
  if (!s) {
    f.kernel_unavailable = s.error().message();
    return std::nullopt;
  }
  return std::move(*s);
}

// The offers: those the probe got, then those on the wire to the guests
// from servers the probe did not hear.
void gather_offers(DhcpFacts& f, const std::optional<dhcp::ProbeResult>& probed, const DhcpDiagnoseOptions& o) {
  if (probed) {
    f.probed = true;
    f.probe_mac = probed->client_mac;
    f.probe_sent = probed->sent;
    for (const auto& a : probed->offers) {
      DhcpOffer x;
      x.server = server_key(a.server_id, a.server_mac);
      x.server_mac = a.server_mac;
      x.address = a.address;
      x.mask = a.mask;
      x.routers = a.routers;
      x.to_probe = true;
      f.offers.push_back(std::move(x));
    }
  }
  for (const auto& s : f.seen) {
    if (s.from_client || s.type != "OFFER") continue;
    if (o.client && s.client != *o.client && !(f.probed && s.client == f.probe_mac)) continue;
    const std::string key = server_key(s.server_id, s.eth_src);
    if (std::any_of(f.offers.begin(), f.offers.end(), [&](const DhcpOffer& x) { return x.server == key; })) continue;
    DhcpOffer x;
    x.server = key;
    x.server_mac = s.eth_src;
    x.address = s.yiaddr;
    x.mask = s.mask;
    x.routers = s.routers;
    x.to_probe = f.probed && s.client == f.probe_mac;
    f.offers.push_back(std::move(x));
  }
}

// The deciding rules' counters after the watch.
void read_counters_after(const Netns& ns, DhcpFacts& f) {
  for (InputVerdict* v : {&f.input, &f.forward})
    if (v->drop && !v->policy && v->counter_before)
      if (auto after = nft::read_ruleset(ns))
        for (const auto& r : after->rules)
          if (nft::family_name(r.family) == v->family && r.table == v->table && r.handle == v->handle && r.has_counter)
            v->counter_after = r.packets;
}

}  // namespace

Result<DhcpFacts> collect_dhcp(const Netns& ns, const DhcpDiagnoseOptions& o) {
  NETLAB_TRY(validate(o));
  DhcpFacts f;
  f.interface = o.interface;
  f.passive = o.passive;
  auto links = link::list(ns);
  if (!links) return std::move(links).error();
  f.links = std::move(*links);
  const Link* asked = link::find(f.links, o.interface);
  if (!asked) return Error::not_found("interface " + o.interface, "No such device");
  const Link* served = asked;
  if (asked->master_index)
    for (const auto& l : f.links)
      if (l.index == asked->master_index && l.kind == "bridge") served = &l;
  f.served = served->name;
  f.served_link = *served;
  f.asked_link = *asked;
  if (served->kind == "bridge")
    for (const auto& l : f.links)
      if (l.master_index == served->index) f.ports.push_back(l);
  for (const auto& p : f.ports)
    if (p.bridge_port && (p.bridge_port->state == 1 || p.bridge_port->state == 2)) f.stp_waiting = true;
  read_taps(ns, f);

  addr::Filter af;
  af.dev = f.served;
  af.family = Family::Inet;
  auto addrs = addr::list(ns, af);
  if (!addrs) return std::move(addrs).error();
  for (const auto& a : *addrs) f.served_prefixes.push_back(a.local);

  auto socks = sockets::udp_listeners(ns, 67);
  if (!socks) return std::move(socks).error();
  for (auto& s : *socks) {
    DhcpListener l;
    l.socket = std::move(s);
    l.server = server_of(l.socket);
    judge_listener(l, *served);
    f.listeners.push_back(std::move(l));
  }

  auto rs = nft::read_ruleset(ns);
  if (rs) {
    f.input = input_verdict_for_discover(*rs, f.served, served->index);
    f.forward = forward_verdict_for_bridged_discover(*rs, f.served, served->index);
  } else {
    f.input.unread = f.forward.unread = rs.error().message();
  }
  if (auto v = sysctl::read_int(ns, "bridge/bridge-nf-call-iptables")) f.br_nf_call_iptables = *v;

  if (!served->is_up()) return f;  // nothing passes: no watch to make

  std::vector<LinkTap> taps;
  LinkTapOptions to;
  to.filter = "udp and (port 67 or port 68)";
  for (const std::string& dev : {f.served, o.interface}) {
    if (!taps.empty() && dev == f.served) continue;
    auto t = LinkTap::open(ns, dev, to);
    if (t) taps.push_back(std::move(*t));
    else f.capture_errors.push_back(dev + ": " + t.error().message());
  }
  // The kernel's drops during the watch: the served device, its ports, and
  // the probe's own port (named after our pid, dhcp.hpp).
  std::optional<trace::Session> kernel = open_drop_trace(f, *served);
  const auto started = Clock::now();
  std::optional<Watch> watch;
  if (!taps.empty()) watch.emplace(std::move(taps));
  std::optional<dhcp::ProbeResult> probed;
  // A guest's port without carrier is the answer already (C05), and a
  // bridge whose only port it is would refuse the probe.
  const bool asked_dead = asked != served && asked->is_up() && asked->no_carrier();
  if (!o.passive && !f.stp_waiting && !asked_dead) {
    dhcp::ProbeOptions po;
    po.interface = f.served;
    po.wait = o.duration;
    auto r = dhcp::probe(ns, po);
    if (!r) return std::move(r).error();  // its one line says why (a port that never forwards, ...)
    probed = std::move(*r);
  } else {
    std::this_thread::sleep_for(o.duration);
  }
  if (watch) {
    f.seen = watch->stop();
    for (auto& e : watch->errors()) f.capture_errors.push_back(e);
  }
  f.duration_s = std::chrono::duration<double>(Clock::now() - started).count();
  if (kernel) {
    take_kernel_drops(*kernel, std::chrono::system_clock::now() - (Clock::now() - started), f.kernel_drops);
    kernel.reset();  // the instance goes now
  }

  gather_offers(f, probed, o);
  place_offers_and_stations(ns, f, *served);
  f.now = std::chrono::duration_cast<std::chrono::seconds>(
              std::chrono::system_clock::now().time_since_epoch()).count();

  read_counters_after(ns, f);
  return f;
}

Result<Report> diagnose_dhcp(const Netns& ns, const DhcpDiagnoseOptions& o) {
  auto facts = collect_dhcp(ns, o);
  if (!facts) return std::move(facts).error();
  return analyse_dhcp(*facts, o);
}

}  // namespace netlab::diag
