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

#include <netlab/trace.hpp>

#include "diag/pinger.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <set>

namespace netlab::diag {
namespace {

using Clock = Pinger::Clock;

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


bool state_is_valid(std::uint16_t state) {
  return state & (NudReachable | NudStale | NudDelay | NudProbe | NudPermanent | NudNoarp);
}

// One capture per interface of capture_set(). A device that is down is a
// finding (interface-down), not a reason to stop: libpcap would refuse it
// ("That device is not up"). Only the interface asked about must open.
Result<std::vector<LinkTap>> open_captures(const Netns& ns, const Snapshot& s, Observation& obs) {
  std::vector<LinkTap> taps;
  LinkTapOptions topt;
  // icmp6 alone misses MLD, which rides behind a hop-by-hop header.
  topt.filter = "arp or icmp or icmp6 or (ip6 and ip6[6] == 0) or ether dst 01:80:c2:00:00:00";
  for (const auto& name : capture_set(s)) {
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
  return taps;
}

// The kernel's drops during the watch, from a private tracing instance
// (trace::Session) restricted to the watched interfaces. Opening it (formats,
// instance, filters: ~50 ms until the events record, then kallsyms) happens
// on its own thread while the captures open; the watch's first questions
// wait until the events record (wait_recording, at most 0.5 s), so the
// drops they cause are seen. It is read at every turn of the watch once
// open, and drained when the watch ends. When tracing cannot run, why is
// kept for the report and nothing else changes.
class KernelWatch {
 public:
  KernelWatch(const Snapshot& s, const std::vector<std::string>& devices) {
    for (const auto& l : s.links)
      if (l.kind == "veth" && l.link_netnsid && std::find(devices.begin(), devices.end(), l.name) != devices.end())
        to_elsewhere_.insert(l.name);
    target_ = s.target;
    trace::Options to;
    to.drops = true;
    // The target's entry changes as they happen (exact times, the writer's
    // pid), beside the 100 ms samples the rules read.
    to.neigh = s.target.has_value();
    to.devices = devices;
    to.symbols_at_open = true;  // on the opening thread, not in the watch's loop
    to.on_recording = [this] {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        recording_at_ = std::chrono::steady_clock::now();
      }
      recording_cv_.notify_all();
    };
    opening_ = std::async(std::launch::async, [to] { return trace::Session::open(to); });
  }
  KernelWatch(const KernelWatch&) = delete;
  KernelWatch& operator=(const KernelWatch&) = delete;
  ~KernelWatch() {
    if (opening_.valid()) opening_.wait();  // the session (if any) closes with the future
  }

  // Waits until the events record (or the opening failed, or `deadline`):
  // the watch sends nothing before, so the drops its own questions cause are
  // seen. Opening takes ~50 ms before the events record; the rest (kallsyms)
  // goes on while the watch runs.
  void wait_recording(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!recording_at_ && std::chrono::steady_clock::now() < deadline) {
      // Ready without recording: the opening failed (the report says why).
      if (opening_.valid() && opening_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return;
      recording_cv_.wait_for(lock, std::chrono::milliseconds(10));
    }
  }

  // Whether a watch whose first question went out at `start` may end now
  // as far as the kernel evidence goes. Drops before the events recorded are
  // not seen: recording before `start`, the session saw them all; recording
  // later (opening can take seconds under a sanitizer or load), the watch
  // goes on for one of the kernel's retransmissions (retrans_time, 1 s by
  // default), with which a fault's drops recur. One that failed to open
  // holds nothing back; one still opening is read once it is open.
  bool may_end(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point start) {
    read();
    if (!session_) return !opening_.valid();  // still opening: wait; failed: no evidence to wait for
    std::optional<std::chrono::steady_clock::time_point> at;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      at = recording_at_;
    }
    return !at || *at <= start || now - *at >= kRecurrence;
  }

  // Reads what the session has, without waiting (nothing until it is open).
  void read() {
    if (!session_ && opening_.valid() &&
        opening_.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
      take();
    if (session_) read_now();
  }

  // Waits for the session to be open (or to fail), reads the rest, closes
  // it, and gives the drops with their wall-clock times.
  KernelEvidence finish(std::vector<std::pair<trace::Time, KernelDrop>>& drops,
                        std::vector<std::pair<trace::Time, KernelNeighbourEvent>>& neighbour) {
    if (!session_ && opening_.valid()) take();
    KernelEvidence k;
    if (!session_) {
      k.unavailable = why_;
      return k;
    }
    read_now();
    read_now();  // NEIGH_* drops wait one poll for the event naming their device
    k.traced = true;
    k.lost = session_->lost_events();
    session_.reset();  // the instance goes now, not with the observation
    drops = std::move(drops_);
    neighbour = std::move(neighbour_);
    return k;
  }

 private:
  static constexpr std::chrono::milliseconds kRecurrence{1000};

  void take() {
    auto r = opening_.get();
    if (r) session_.emplace(std::move(*r));
    else why_ = r.error().message();
  }
  void read_now() {
    auto r = session_->poll(std::chrono::milliseconds(0), [this](const trace::Event& ev) {
      if (const auto* n = std::get_if<trace::NeighEvent>(&ev)) {
        if (target_ && n->address == *target_ && neighbour_.size() < 256) {
          KernelNeighbourEvent kn;
          kn.interface = n->device;
          kn.event = n->event;
          kn.old_state = n->old_state;
          kn.new_state = n->new_state;
          kn.pid = n->pid;
          kn.lladdr = n->lladdr;
          neighbour_.emplace_back(n->time, std::move(kn));
        }
        return;
      }
      const auto* d = std::get_if<trace::Drop>(&ev);
      if (!d || d->device.empty()) return;
      // Our own echo replies: the kernel delivers them to the pinger's raw
      // socket and then finds no ping socket for them. Not a fault's drop.
      if (d->reason == "NO_SOCKET" && d->location.rfind("ping_rcv+", 0) == 0) return;
      KernelDrop kd;
      kd.interface = d->device;
      kd.reason = d->reason;
      kd.location = d->location;
      kd.protocol = d->protocol;
      kd.probable = d->attribution != trace::Attribution::Certain;
      kd.beyond = d->after_transmit && to_elsewhere_.count(d->device) && !in_transmit_path(*d);
      drops_.emplace_back(d->time, std::move(kd));
    });
    (void)r;  // a failed read loses only kernel evidence; the lost count says so
  }

  // A drop after a transmit on a veth whose peer lives in another
  // namespace happened here only if the transmit path itself dropped it
  // (the qdisc, tc, the veth's own xmit); anything later is the peer's.
  static bool in_transmit_path(const trace::Drop& d) {
    const std::string_view r = d.reason, loc = d.location;
    if (r.rfind("QDISC", 0) == 0 || r.rfind("TC_", 0) == 0) return true;
    for (std::string_view fn : {"__dev_queue_xmit+", "dev_hard_start_xmit+", "veth_xmit+", "validate_xmit_skb"})
      if (loc.rfind(fn, 0) == 0) return true;
    return false;
  }

  std::set<std::string> to_elsewhere_;  // veths whose peer is in another namespace
  // Set by the opening thread (on_recording); the mutex orders it with the
  // watch's reads. Declared before opening_, whose destructor waits for that
  // thread, so they outlive it.
  std::mutex mutex_;
  std::condition_variable recording_cv_;
  std::optional<std::chrono::steady_clock::time_point> recording_at_;
  std::future<Result<trace::Session>> opening_;
  std::optional<trace::Session> session_;
  std::string why_;
  std::vector<std::pair<trace::Time, KernelDrop>> drops_;
  std::optional<IpAddr> target_;
  std::vector<std::pair<trace::Time, KernelNeighbourEvent>> neighbour_;
};

// Our own question on the wire, built before the watch starts.
struct Probe {
  LinkTap* tap = nullptr;  // one of the captures; null: nothing to send
  std::string dev;
  std::vector<std::uint8_t> frame;
};

// IPv4: an ARP request from the device the route leaves through, with the
// source the kernel would use; for one of our own addresses, an RFC 5227
// probe (sender 0.0.0.0) on the interface asked about, so any other station
// that claims the address answers. IPv6: a neighbour solicitation the same
// way (a DAD probe from :: for our own address), or without a target one
// router solicitation, as a booting guest sends, to see whether anyone
// advertises. Records the probe's interface, MAC and source in obs.
Probe make_probe(const Snapshot& s, const ObserveOptions& options, std::vector<LinkTap>& taps, Observation& obs,
                 bool active, bool local) {
  Probe probe;
  const bool v6 = s.family == Family::Inet6;
  const bool have_target = s.target.has_value();
  const bool solicit_router = v6 && !have_target && !options.passive;
  probe.dev = local ? s.interface : (s.route_to_target ? s.route_to_target->dev : std::string());
  if (solicit_router) probe.dev = s.interface;
  if (!(active || solicit_router) || probe.dev.empty()) return probe;
  for (auto& t : taps)
    if (t.interface() == probe.dev) probe.tap = &t;
  const Link* dev = link::find(s.links, probe.dev);
  // A device without a MAC (a TUN) gets no probe, but the sweep still says
  // why it did not ask the subnet.
  if (!probe.tap || !dev || !dev->mac()) return probe;
  if (!v6) {
    IpAddr src = frames::ipv4_any();
    if (!local) {
      if (s.route_to_target->prefsrc) src = *s.route_to_target->prefsrc;
      else if (auto a = first_ipv4_on(s, probe.dev)) src = *a;
    }
    probe.frame = frames::arp_request(*dev->mac(), src, *s.target);
    obs.probe_source = src;
  } else {
    // Our link-local address on the device ("::" when it has none).
    IpAddr ll = frames::ipv6_any();
    for (const auto& a : s.addresses)
      if (a.dev == probe.dev && a.local.addr().is_v6() && a.local.addr().is_link_local()) ll = a.local.addr();
    if (!have_target) {
      probe.frame = frames::router_solicitation(*dev->mac(), ll);
    } else {
      frames::NsSpec ns_spec;
      ns_spec.src_mac = *dev->mac();
      ns_spec.target = *s.target;
      ns_spec.src = local ? frames::ipv6_any()
                          : (s.route_to_target->prefsrc && !s.target->is_link_local() ? *s.route_to_target->prefsrc : ll);
      ns_spec.slla = !local;
      probe.frame = frames::neighbor_solicitation(ns_spec);
      obs.probe_source = ns_spec.src;
    }
  }
  obs.probe_interface = probe.dev;
  obs.probe_mac = dev->mac();
  return probe;
}

// Guest-to-guest faults (isolated ports, br_netfilter) only show in the
// guests' own traffic, and RAs come every few seconds: in those labs the
// watch lasts its whole duration instead of ending once the target answers.
bool watch_whole_duration(const Snapshot& s) {
  int isolated = 0, ports = 0;
  const Link* br = link::find(s.links, s.bridge);
  for (const auto& l : s.links) {
    if (!br || l.master_index != br->index) continue;
    ++ports;
    if (l.bridge_port && l.bridge_port->isolated.value_or(false)) ++isolated;
  }
  auto nf = s.sysctl.find("net.bridge.bridge-nf-call-iptables");
  if (isolated >= 2 || (ports >= 2 && nf != s.sysctl.end() && nf->second != 0)) return true;
  if (s.family != Family::Inet6) return false;
  // When the settings say RAs would be ignored, watch long enough to catch
  // one and prove it.
  const std::string dev = s.bridge.empty() ? s.interface : s.bridge;
  auto get = [&](const char* key, long dflt) {
    auto it = s.sysctl.find("net.ipv6.conf." + dev + "." + key);
    return it == s.sysctl.end() ? dflt : it->second;
  };
  const long accept = get("accept_ra", 1);
  return accept == 0 || (accept == 1 && get("forwarding", 0) != 0) || get("autoconf", 1) == 0;
}

// The route back to each peer that asked for one of our addresses: the
// kernel only answers when that route leaves through the interface the
// request came in on (rp_filter, arp_filter).
void add_reverse_routes(const Netns& ns, const Snapshot& s, Observation& obs) {
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
}

// The watch itself: one loop that samples the neighbour entry, sends the
// echoes and our probe (and the sweep), and reads the captures, until the
// deadline or until a healthy path has shown itself.
class Watch {
 public:
  Watch(const Netns& ns, const Snapshot& s, const ObserveOptions& options, Observation& obs,
        std::vector<LinkTap>& taps, std::optional<Pinger>& pinger, Probe probe, KernelWatch* kernel)
      : ns_(ns), s_(s), options_(options), obs_(obs), taps_(taps), pinger_(pinger), probe_(std::move(probe)),
        kernel_(kernel), whole_duration_(watch_whole_duration(s)) {
    const double duration = std::clamp(options.duration_s, 0.2, 600.0);
    start_ = Clock::now();
    start_wall_ = std::chrono::system_clock::now();
    deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
    rs_answer_until_ = next_echo_ = next_sample_ = big_sent_at_ = start_;
    next_proof_ = start_ + std::chrono::milliseconds(200);
    for (auto& t : taps_) tap_ptrs_.push_back(&t);
  }

  Result<void> run() {
    for (;;) {
      const auto now = Clock::now();
      if (now >= deadline_ && (now >= rs_answer_until_ || ra_seen())) break;
      sample_neighbour(now);
      send_echoes(now);
      send_probe(now);
      sweep(now);
      if (healthy_and_done(now) || proven(now)) break;
      if (auto r = wait_and_read(now); !r) return r;
      if (kernel_) kernel_->read();
    }
    for (auto& t : taps_) (void)drain(t);
    if (pinger_) pinger_->receive(*s_.target, obs_.echoes, Clock::now());
    obs_.duration_s = since_start(Clock::now());
    if (kernel_) finish_kernel();
    return {};
  }

  // A question about SLAAC (IPv6, no target: our RS) must give a router its
  // time to answer: RFC 4861 lets it delay the answer by MAX_RA_DELAY_TIME
  // (0.5 s) and never advertise twice within MIN_DELAY_BETWEEN_RAS (3 s),
  // which radvd honours. Without an RA, the watch lasts until 4 s after our
  // RS even when the duration asked for is shorter; any RA ends that wait.
  bool waited_for_router() const noexcept { return rs_answer_until_ > deadline_; }

 private:
  double since_start(Clock::time_point t) const { return std::chrono::duration<double>(t - start_).count(); }

  // The kernel's entry for the target every 100 ms; a sample only when its
  // state changed.
  void sample_neighbour(Clock::time_point now) {
    if (!s_.target || now < next_sample_) return;
    neigh::Filter nf;
    nf.family = s_.family;
    nf.states = neigh::kAllStates;
    nf.to = Prefix(*s_.target, s_.target->is_v4() ? 32 : 128);
    if (auto entries = neigh::list(ns_, nf)) {
      for (auto& e : *entries) {
        if (last_state_ && *last_state_ == e.state && !obs_.neighbour_samples.empty()) continue;
        last_state_ = e.state;
        obs_.neighbour_samples.push_back(NeighSample{since_start(now), std::move(e)});
      }
    }
    next_sample_ = now + std::chrono::milliseconds(100);
  }

  // Small echoes every 400 ms (up to 8) until one is answered; then a set of
  // sizes at once, so the largest that gets through is known in one round
  // trip rather than a search.
  void send_echoes(Clock::time_point now) {
    if (!pinger_) return;
    const bool small_ok = std::any_of(obs_.echoes.begin(), obs_.echoes.end(), [&](const EchoResult& e) {
      return e.answered && e.size <= pinger_->small_size();
    });
    if (!small_ok && now >= next_echo_ && small_echoes_ < 8) {
      pinger_->send(*s_.target, pinger_->small_size(), obs_.echoes, now);
      ++small_echoes_;
      next_echo_ = now + std::chrono::milliseconds(400);
    }
    if (small_ok && !big_sent_) {
      const Link* out = link::find(s_.links, s_.route_to_target->dev);
      const std::uint32_t mtu = out ? out->mtu : 1500;
      std::vector<std::uint32_t> sizes{mtu};
      for (std::uint32_t v : {9000u, 1500u, 1492u, 1480u, 1450u, 1400u, 1280u, 1000u, 576u})
        if (v < mtu && v >= pinger_->small_size() && (s_.family != Family::Inet6 || v >= 1280)) sizes.push_back(v);
      for (auto size : sizes) pinger_->send(*s_.target, size, obs_.echoes, now);
      big_sent_ = true;
      big_sent_at_ = now;
    }
  }

  // Our probe, 30 ms in (the captures are running by then); it is recorded
  // as a frame of ours, since a packet socket never captures its own.
  void send_probe(Clock::time_point now) {
    if (!probe_.tap || probe_sent_ || now < start_ + std::chrono::milliseconds(30)) return;
    if (probe_.frame.empty()) {
      probe_sent_ = true;
      return;
    }
    if (auto r = probe_.tap->send(probe_.frame); !r) {
      obs_.capture_errors.push_back(probe_.dev + ": " + r.error().reason);
    } else {
      SeenFrame sf;
      sf.interface = probe_.dev;
      sf.time = since_start(now);
      sf.bytes = probe_.frame;
      sf.sent_by_us = true;
      obs_.frames.push_back(std::move(sf));
    }
    probe_sent_ = true;
    if (s_.family == Family::Inet6 && !s_.target) rs_answer_until_ = now + std::chrono::milliseconds(4000);
  }

  // Nobody answered for the target after 700 ms: ask the rest of its subnet
  // (up to a /22), as arp-scan would, to find a guest that is up with
  // another address; only on a lab link unless --sweep.
  void sweep(Clock::time_point now) {
    const bool local = is_local_target(s_);
    if (!probe_.tap || s_.family == Family::Inet6 || local || swept_ ||
        now < start_ + std::chrono::milliseconds(700) || answered_by_wire())
      return;
    swept_ = true;
    const Address* net = connected_prefix_for(s_, probe_.dev, *s_.target);
    const std::string not_lab = options_.sweep ? std::string() : why_not_a_lab_link(s_, probe_.dev);
    if (!not_lab.empty()) {
      obs_.sweep_skipped = not_lab;
      return;
    }
    if (!net || net->local.len() < 22 || !obs_.probe_mac || !obs_.probe_source) return;
    obs_.swept = true;
    obs_.swept_interface = probe_.dev;
    const Prefix network = net->local.network();
    obs_.swept_network = network;
    obs_.swept_at = since_start(now);
    const auto base = network.addr().bytes();
    const std::uint32_t first =
        std::uint32_t(base[0]) << 24 | std::uint32_t(base[1]) << 16 | std::uint32_t(base[2]) << 8 | base[3];
    const std::uint32_t hosts = (1u << (32 - net->local.len())) - 1;
    for (std::uint32_t i = 1; i < hosts; ++i) {
      const std::uint32_t v = first + i;
      const std::array<std::uint8_t, 4> b{std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8),
                                          std::uint8_t(v)};
      const auto ip = IpAddr::v4(b);
      if (ip == *s_.target || ip == *obs_.probe_source) continue;
      if (probe_.tap->send(frames::arp_request(*obs_.probe_mac, *obs_.probe_source, ip))) ++obs_.swept_count;
    }
  }

  // Healthy paths finish early: the kernel resolved, IP answered, the large
  // echoes had their time, and late duplicate replies theirs.
  bool healthy_and_done(Clock::time_point now) const {
    return pinger_ && !whole_duration_ && big_sent_ && now - big_sent_at_ > std::chrono::milliseconds(300) &&
           now - start_ > std::chrono::milliseconds(400) && last_state_ && state_is_valid(*last_state_);
  }

  // Asks the caller, every 100 ms, whether what was seen so far proves a
  // cause (ObserveOptions::proven). Not in labs watched for their whole
  // duration (their faults show in the guests' own traffic, which may come
  // late), nor while a router has its time to answer our solicitation.
  bool proven(Clock::time_point now) {
    if (!options_.proven || whole_duration_ || now < next_proof_ || rs_answer_until_ > now) return false;
    next_proof_ = now + std::chrono::milliseconds(100);
    if (kernel_ && !kernel_->may_end(now, start_)) return false;
    Observation so_far = obs_;
    so_far.duration_s = since_start(now);
    std::stable_sort(so_far.frames.begin(), so_far.frames.end(),
                     [](const SeenFrame& a, const SeenFrame& b) { return a.time < b.time; });
    return options_.proven(so_far);
  }

  // Waits up to 50 ms for frames (5 ms while echoes are out: the raw socket
  // has no place in wait_any) and reads what arrived.
  Result<void> wait_and_read(Clock::time_point now) {
    auto wake = std::min(std::max(deadline_, rs_answer_until_), now + std::chrono::milliseconds(50));
    if (pinger_) wake = std::min(wake, now + std::chrono::milliseconds(5));
    auto ready = wait_any(tap_ptrs_, wake);
    if (!ready) return std::move(ready).error();
    for (auto i : *ready)
      if (auto r = drain(*tap_ptrs_[i]); !r)
        obs_.capture_errors.push_back(tap_ptrs_[i]->interface() + ": " + r.error().reason);
    if (pinger_) pinger_->receive(*s_.target, obs_.echoes, Clock::now());
    return {};
  }

  // Every frame waiting on t. Capture timestamps are epoch-based: they are
  // anchored on the first frame's arrival in our own clock.
  Result<void> drain(LinkTap& t) {
    for (;;) {
      auto f = t.poll_one();
      if (!f) return std::move(f).error();
      if (!*f) return {};
      SeenFrame sf;
      sf.interface = t.interface();
      const double epoch = (*f)->time();
      if (first_frame_epoch_ < 0) {
        first_frame_epoch_ = epoch;
        first_frame_rel_ = since_start(Clock::now());
      }
      sf.time = first_frame_rel_ + (epoch - first_frame_epoch_);
      sf.bytes = std::move((*f)->bytes);
      obs_.frames.push_back(std::move(sf));
    }
  }

  // The drops, on the frames' time base: a capture time is the frame's
  // kernel timestamp anchored on the first frame's arrival, and a drop's
  // wall time is anchored the same way, so a drop lands just after the
  // frame it was (before any frame: on the watch's own start).
  void finish_kernel() {
    std::vector<std::pair<trace::Time, KernelDrop>> drops;
    std::vector<std::pair<trace::Time, KernelNeighbourEvent>> neighbour;
    KernelEvidence k = kernel_->finish(drops, neighbour);
    auto on_frames_time = [&](trace::Time wall) {
      const double epoch = std::chrono::duration<double>(wall.time_since_epoch()).count();
      return first_frame_epoch_ >= 0 ? first_frame_rel_ + (epoch - first_frame_epoch_)
                                     : std::chrono::duration<double>(wall - start_wall_).count();
    };
    for (auto& [wall, d] : drops) {
      d.time = on_frames_time(wall);
      k.drops.push_back(std::move(d));
    }
    for (auto& [wall, n] : neighbour) {
      n.time = on_frames_time(wall);
      k.neighbour.push_back(std::move(n));
    }
    std::stable_sort(k.drops.begin(), k.drops.end(),
                     [](const KernelDrop& a, const KernelDrop& b) { return a.time < b.time; });
    obs_.kernel = std::move(k);
  }

  bool answered_by_wire() const {
    for (const auto& f : obs_.frames) {
      auto p = frames::parse(f.bytes);
      if (p && p->arp && p->arp->is_reply() && p->arp->spa == *s_.target) return true;
    }
    return false;
  }

  bool ra_seen() const {
    for (const auto& f : obs_.frames) {
      auto p = frames::parse(f.bytes);
      if (p && p->ndp && p->ndp->type == 134) return true;
    }
    return false;
  }

  const Netns& ns_;
  const Snapshot& s_;
  const ObserveOptions& options_;
  Observation& obs_;
  std::vector<LinkTap>& taps_;
  std::vector<LinkTap*> tap_ptrs_;
  std::optional<Pinger>& pinger_;
  Probe probe_;
  KernelWatch* kernel_;
  const bool whole_duration_;
  Clock::time_point start_, deadline_, rs_answer_until_, next_echo_, next_sample_, big_sent_at_, next_proof_;
  std::chrono::system_clock::time_point start_wall_;
  double first_frame_epoch_ = -1, first_frame_rel_ = 0;
  std::size_t small_echoes_ = 0;
  bool big_sent_ = false, swept_ = false, probe_sent_ = false;
  std::optional<std::uint16_t> last_state_;
};

}  // namespace

Result<Observation> observe(const Netns& ns, const Snapshot& s, const ObserveOptions& options) {
  Observation obs;
  obs.passive = options.passive;
  // Opens beside the captures and the probes (see KernelWatch).
  std::optional<KernelWatch> kernel;
  if (options.kernel) kernel.emplace(s, capture_set(s));
  auto taps = open_captures(ns, s, obs);
  if (!taps) return std::move(taps).error();

  const bool local = is_local_target(s);
  const bool active = !options.passive && s.target && s.route_to_target;
  std::optional<Pinger> pinger;
  if (active && !local) {
    const Link* out = link::find(s.links, s.route_to_target->dev);
    auto p = Pinger::open(ns, s.family, out ? out->index : 0);
    if (!p) return std::move(p).error();
    pinger.emplace(std::move(*p));
  }
  Probe probe = make_probe(s, options, *taps, obs, active, local);
  // Our questions wait for the kernel's events to record (~50 ms, mostly
  // hidden behind the captures' opening above), at most 0.5 s.
  if (kernel) kernel->wait_recording(Clock::now() + std::chrono::milliseconds(500));

  Watch watch(ns, s, options, obs, *taps, pinger, std::move(probe), kernel ? &*kernel : nullptr);
  if (auto r = watch.run(); !r) return std::move(r).error();
  if (obs.duration_s > std::clamp(options.duration_s, 0.2, 600.0) + 0.5 && watch.waited_for_router())
    obs.longer_because = "a router may delay its answer to a solicitation by up to 0.5 s and never advertises twice "
                         "within 3 s (RFC 4861), so the watch lasts 4 s after our router solicitation";
  std::stable_sort(obs.frames.begin(), obs.frames.end(),
                   [](const SeenFrame& a, const SeenFrame& b) { return a.time < b.time; });
  add_reverse_routes(ns, s, obs);
  return obs;
}

}  // namespace netlab::diag
