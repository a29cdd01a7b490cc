// ndp probe: ndisc6's job over libpcap. A neighbour solicitation goes to the
// target's solicited-node group (or, with unicast, to the address and MAC
// the kernel has cached, as its own reachability probe does); every
// advertisement for the target that comes back is reported. Unlike ndisc6,
// an advertisement without the target link-layer address option is not
// "no response": it is reported, and named, because that is cause C28 (the
// kernel cannot resolve an INCOMPLETE entry from it).
#include <netlab/ndp.hpp>
#include <netlab/linkio.hpp>

#include "ndp/wire.hpp"

#include <algorithm>

namespace netlab::ndp {
namespace {

using Clock = std::chrono::steady_clock;

// After the first usable answer we listen this much longer (at most one
// interval), so a second node answering for the same address is seen too.
constexpr std::chrono::milliseconds kDuplicateGrace{100};

const char* kObject = "ndp probe";

Result<void> validate(const ProbeOptions& o) {
  if (auto name = IfName::parse(o.interface); !name) return std::move(name).error();
  const std::string target = "target " + o.target.to_string();
  if (!o.target.is_v6()) return Error::usage(target, "is not an IPv6 address (use netlab arp probe for IPv4)");
  if (o.target.is_multicast()) return Error::usage(target, "is a multicast address: only unicast addresses are resolved");
  if (o.target == frames::ipv6_any()) return Error::usage(target, "is the unspecified address");
  if (o.source) {
    const std::string source = "source " + o.source->to_string();
    if (!o.source->is_v6()) return Error::usage(source, "is not an IPv6 address");
    if (o.source->is_multicast()) return Error::usage(source, "is a multicast address");
  }
  if (o.count == 0) return Error::usage(kObject, "count must be at least 1");
  if (o.interval <= std::chrono::milliseconds::zero()) return Error::usage(kObject, "interval must be above 0");
  if (o.deadline && *o.deadline <= std::chrono::milliseconds::zero())
    return Error::usage(kObject, "deadline must be above 0");
  return {};
}

// The MAC the kernel has for target on iface, for a unicast probe.
Result<MacAddr> cached_mac(const Netns& ns, const ProbeOptions& o) {
  neigh::Filter f;
  f.dev = o.interface;
  f.family = Family::Inet6;
  f.states = neigh::kAllStates;
  f.to = Prefix(o.target, 128);
  auto entries = neigh::list(ns, f);
  if (!entries) return std::move(entries).error();
  for (const auto& n : *entries)
    if (n.dst == o.target)
      if (auto mac = n.mac(); mac && !mac->is_zero()) return *mac;
  return Error::usage("neighbour " + o.target.to_string() + " dev " + o.interface,
                      "has no cached link-layer address to send a unicast probe to (probe without -u first)");
}

class Prober {
 public:
  Prober(const ProbeOptions& o, const ProbeCallbacks& cb, ProbeResult& r, LinkTap& io, std::vector<std::uint8_t> frame)
      : o_(o), cb_(cb), r_(r), io_(io), frame_(std::move(frame)) {}

  Result<void> run() {
    const auto start = Clock::now();
    const auto interval = std::chrono::duration_cast<Clock::duration>(o_.interval);
    const auto deadline =
        start + (o_.deadline ? std::chrono::duration_cast<Clock::duration>(*o_.deadline) : interval * o_.count);
    const auto grace = std::min(std::chrono::duration_cast<Clock::duration>(kDuplicateGrace), interval);
    Clock::time_point next_send = start;
    std::optional<Clock::time_point> finish;
    for (;;) {
      if (o_.stop && o_.stop()) {
        r_.interrupted = true;
        break;
      }
      const auto now = Clock::now();
      if (now >= deadline || (finish && now >= *finish)) break;
      const bool more = r_.sent < o_.count && !finish;
      if (more && now >= next_send) {
        NETLAB_TRY(send_one());
        next_send += interval;
        if (next_send < now) next_send = now + interval;  // no burst after a stall
        continue;
      }
      auto wake = deadline;
      if (more) wake = std::min(wake, next_send);
      if (finish) wake = std::min(wake, *finish);
      LinkTap* taps[] = {&io_};
      auto ready = wait_any(taps, wake);
      if (!ready) return std::move(ready).error();
      NETLAB_TRY(drain());
      if (!finish && r_.answered()) finish = Clock::now() + grace;
    }
    return {};
  }

 private:
  Result<void> send_one() {
    const double before = wall_clock_now();
    NETLAB_TRY(io_.send(frame_));
    ++r_.sent;
    sent_at_.push_back(before);
    return {};
  }

  Result<void> drain() {
    return for_each_waiting_frame(io_, [this](const Frame& frame) { handle(frame); });
  }

  void handle(const Frame& frame) {
    if (r_.sent == 0) return;
    auto p = frames::parse(frame.bytes);
    if (!p || !p->ipv6 || !p->ndp || p->ndp->type != frames::kNdNeighborAdvert) return;
    if (p->ndp->target != r_.target || p->eth_src == r_.source_mac) return;
    Advert a;
    a.source = p->ipv6->src;
    a.destination = p->ipv6->dst;
    a.eth_src = p->eth_src;
    a.target = p->ndp->target;
    a.router = p->ndp->router;
    a.solicited = p->ndp->solicited;
    a.override_flag = p->ndp->override_flag;
    a.tlla = p->ndp->target_lladdr;
    a.hop_limit = p->ipv6->hop_limit;
    a.probe = r_.sent;  // credited to the latest solicitation, as ndisc6 does
    a.time = frame.time();
    a.rtt_ms = std::max(0.0, (a.time - sent_at_[a.probe - 1]) * 1000.0);
    a.problems = detail::validity_problems(*p);
    r_.adverts.push_back(std::move(a));
    if (cb_.advert) cb_.advert(r_.adverts.back(), r_);
  }

  const ProbeOptions& o_;
  const ProbeCallbacks& cb_;
  ProbeResult& r_;
  LinkTap& io_;
  std::vector<std::uint8_t> frame_;
  std::vector<double> sent_at_;  // per solicitation: seconds since the epoch
};

}  // namespace

bool Advert::usable(bool unicast_probe) const noexcept {
  if (!problems.empty()) return false;
  // RFC 4861 7.2.4: the option may be left out only when answering a
  // unicast solicitation, whose sender already has the address; the kernel
  // then confirms its entry with the MAC it has (__neigh_update keeps the
  // cached address for a VALID entry), so the answer is usable.
  return tlla.has_value() || unicast_probe;
}

bool ProbeResult::answered() const noexcept {
  return std::any_of(adverts.begin(), adverts.end(), [this](const Advert& a) { return a.usable(unicast); });
}

bool ProbeResult::only_without_tlla() const noexcept {
  if (answered()) return false;
  return std::any_of(adverts.begin(), adverts.end(), [](const Advert& a) { return a.problems.empty() && !a.tlla; });
}

Result<ProbeResult> probe(const Netns& ns, const ProbeOptions& o, const ProbeCallbacks& cb) {
  NETLAB_TRY(validate(o));
  auto link = detail::ethernet_link_up(ns, o.interface);
  if (!link) return std::move(link).error();

  ProbeResult r;
  r.interface = o.interface;
  r.target = o.target;
  r.source_mac = *link->mac();
  r.unicast = o.unicast;
  if (o.source) {
    r.source = *o.source;
  } else {
    auto usable = detail::usable_addresses(ns, o.interface);
    if (!usable) return std::move(usable).error();
    r.source = detail::pick_source(*usable, o.target);
  }
  frames::NsSpec spec;
  spec.src_mac = r.source_mac;
  spec.src = r.source;
  spec.target = o.target;
  spec.slla = r.source != frames::ipv6_any();  // RFC 4861 7.2.2: never from ::
  if (o.unicast) {
    auto mac = cached_mac(ns, o);
    if (!mac) return std::move(mac).error();
    r.destination = o.target;
    r.destination_mac = *mac;
    spec.dst = r.destination;
    spec.dst_mac = r.destination_mac;
  } else {
    r.destination = frames::solicited_node(o.target);
    r.destination_mac = frames::multicast_mac(r.destination);
  }

  // Open before sending, so an answer that comes at once is not missed.
  auto io = detail::open_icmp6_receiver(ns, o.interface);
  if (!io) return std::move(io).error();

  if (cb.started) cb.started(r);
  Prober prober(o, cb, r, *io, frames::neighbor_solicitation(spec));
  NETLAB_TRY(prober.run());
  return r;
}

}  // namespace netlab::ndp
