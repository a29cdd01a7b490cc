// The guest's own ping (Config::ping), as iputils' ping prints it: resolve
// the next hop (ARP or NS, three tries), send echo requests at the interval,
// count replies and duplicates, linger for late ones, print the summary.
// An IPv6 ping first waits for a usable source address and a route (DAD,
// then SLAAC from an RA).
#include "guest/parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace netlab::guest {
namespace {

constexpr int kArpTries = 3;               // requests before a next hop counts as dead
constexpr auto kArpRetry = 1s;
constexpr auto kPingLinger = 2s;           // wait for late replies after the last request
constexpr auto kLoopCeiling = 100ms;       // addresses change as frames arrive: look again this often
constexpr auto kPing6SourceWait = 8s;      // DAD, then an RS/RA exchange and DAD again for SLAAC
constexpr auto kPing4LeaseWait = 30s;      // DHCP: DISCOVERs with backoff (1+2+4+8 s) and a REQUEST

struct PingState {
  // IPv6 pings first wait for a usable source address (DAD, SLAAC) and a
  // route; IPv4 ones start resolving at once.
  enum class Phase { Waiting, Resolving, Pinging, Draining, Done };
  PingSpec spec;
  bool v6 = false;
  IpAddr source;  // IPv6: the address the requests come from
  IpAddr next_hop;
  Phase phase = Phase::Resolving;
  Clock::time_point wait_until{};
  int arp_sent = 0;  // ARP requests or neighbour solicitations
  Clock::time_point next_arp{};
  bool unreachable = false;
  std::uint16_t id = 0;
  std::uint32_t sent = 0;
  Clock::time_point next_send{}, first_send{}, drain_until{};
  struct Outstanding {
    Clock::time_point at;
    bool answered = false;
  };
  std::map<std::uint16_t, Outstanding> by_seq;
  std::vector<double> rtts_ms;
  std::uint64_t duplicates = 0;
};


std::string format_rtt(double ms) {
  // ping's precision: three significant digits, at least one decimal.
  if (ms < 1) return fmt::format("{:.3f}", ms);
  if (ms < 10) return fmt::format("{:.2f}", ms);
  if (ms < 100) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.0f}", ms);
}


class PingPart final : public Component {
 public:
  explicit PingPart(Shared& s) : s_(s) {}

  void start(Clock::time_point) override {
    const PingSpec& spec = *s_.cfg.ping;
    ps_.spec = spec;
    ps_.id = static_cast<std::uint16_t>(::getpid() & 0xffff);
    if (spec.target.is_v6()) {
      ps_.v6 = true;
      ps_.phase = PingState::Phase::Waiting;
      ps_.wait_until = Clock::now() + kPing6SourceWait;
      // iputils' header for IPv6.
      s_.sink(Line::Ping, fmt::format("PING {0}({0}) {1} data bytes", spec.target.to_string(), spec.size));
      return;
    }
    if (s_.cfg.dhcp) {  // the address (and the router) come with the lease
      ps_.phase = PingState::Phase::Waiting;
      ps_.wait_until = Clock::now() + kPing4LeaseWait;
    } else {
      choose_route4(ps_);
      s_.ping_next_hop = ps_.next_hop;
    }
    s_.sink(Line::Ping, fmt::format("PING {0} ({0}) {1}({2}) bytes of data.", spec.target.to_string(), spec.size,
                                  spec.size + 28));
  }

  void on_frame(const Parsed& p) override {
    if (!ps_.v6 && s_.icmp4_for_us(p) && p.icmp->type == frames::kIcmpEchoReply) {
      const frames::Ipv4& ip = *p.ipv4;
      on_echo_reply(ip.src, ip.dst, ip.ttl, p.icmp->id, p.icmp->seq, p.l3_payload.size());
    } else if (ps_.v6 && s_.icmp6_for_us(p) && !p.ndp && p.icmpv6->type == frames::kIcmp6EchoReply) {
      const frames::Ipv6& ip = *p.ipv6;
      on_echo_reply(ip.src, ip.dst, ip.hop_limit, p.icmpv6->id, p.icmpv6->seq, ip.payload.size());
    }
  }

  // Advances the ping; returns when it next needs the loop to wake. The run
  // ends once the ping is done.
  Clock::time_point tick(Clock::time_point now) override {
    using Phase = PingState::Phase;
    auto wake = Clock::time_point::max();
    if (ps_.phase == Phase::Waiting) wake = wait_for_route(now);
    if (ps_.phase == Phase::Resolving && wake == Clock::time_point::max()) wake = resolve(now);
    if (ps_.phase == Phase::Pinging && wake == Clock::time_point::max()) wake = send_due(now);
    if (ps_.phase == Phase::Draining && wake == Clock::time_point::max()) {
      if (ps_.rtts_ms.size() >= ps_.sent || now >= ps_.drain_until) ps_.phase = Phase::Done;
      wake = ps_.drain_until;
    }
    if (ps_.phase == Phase::Done) s_.finished = true;
    return wake;
  }

  void finish() override {
    const PingState& ps = ps_;
    const auto elapsed =
        ps.sent ? std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ps.first_send).count() : 0;
    s_.sink(Line::Ping, "");
    s_.sink(Line::Ping, fmt::format("--- {} ping statistics ---", ps.spec.target.to_string()));
    std::string summary = fmt::format("{} packets transmitted, {} received", ps.sent, ps.rtts_ms.size());
    if (ps.duplicates) summary += fmt::format(", +{} duplicates", ps.duplicates);
    if (ps.unreachable) summary += ", +1 errors";
    if (ps.sent) summary += fmt::format(", {}% packet loss", (ps.sent - ps.rtts_ms.size()) * 100 / ps.sent);
    summary += fmt::format(", time {}ms", elapsed);
    s_.sink(Line::Ping, summary);
    if (ps.rtts_ms.empty()) return;
    double sum = 0, sum2 = 0;
    for (double r : ps.rtts_ms) {
      sum += r;
      sum2 += r * r;
    }
    const double n = static_cast<double>(ps.rtts_ms.size());
    const double avg = sum / n;
    const double mdev = std::sqrt(std::max(0.0, sum2 / n - avg * avg));
    const auto [lo, hi] = std::minmax_element(ps.rtts_ms.begin(), ps.rtts_ms.end());
    s_.sink(Line::Ping, fmt::format("rtt min/avg/max/mdev = {:.3f}/{:.3f}/{:.3f}/{:.3f} ms", *lo, avg, *hi, mdev));
  }

 private:
  // An IPv6 ping's source address and next hop, once there are usable ones:
  // the link-local address for a link-local target; else a usable global
  // address (one on the target's prefix first), with the target itself as
  // next hop when on-link, else the default router learnt from RAs.
  bool choose_route6(PingState& ps) const {
    const IpAddr& target = ps.spec.target;
    if (target.is_link_local()) {
      const Address6* ll = s_.usable_link_local();
      if (!ll) return false;
      ps.source = ll->addr();
      ps.next_hop = target;
      return true;
    }
    const Address6* source = nullptr;
    bool onlink = false;
    for (const auto& a : s_.addrs6) {
      if (!a.usable() || a.origin == Address6::Origin::LinkLocal) continue;
      const bool same = a.prefix.network().contains(target);
      if (!source || (same && !onlink)) {
        source = &a;
        onlink = same;
      }
    }
    if (!source) return false;
    for (const auto& net : s_.onlink6) onlink = onlink || net.contains(target);
    if (!onlink && !s_.default_router6) return false;
    ps.source = source->addr();
    ps.next_hop = onlink ? target : *s_.default_router6;
    return true;
  }

  // True when a source address is there but no route can ever come: the
  // target is off-link and RAs are not taken (no-slaac, or a router).
  bool route6_hopeless(const PingState& ps) const {
    if (ps.spec.target.is_link_local() || (s_.cfg.slaac && !s_.router_mode())) return false;
    for (const auto& a : s_.addrs6) {
      if (a.origin == Address6::Origin::LinkLocal) continue;
      if (a.state == Address6::State::Tentative) return false;  // DAD still running
      if (a.usable() && a.prefix.network().contains(ps.spec.target)) return false;
    }
    return true;
  }

  void ping_unreachable(PingState& ps, std::string_view reason) {
    ps.unreachable = true;
    ps.phase = PingState::Phase::Done;
    if (ps.v6)
      s_.sink(Line::Ping, fmt::format("From {} icmp_seq=1 Destination unreachable: Address unreachable",
                                    ps.source.to_string()));
    else
      s_.sink(Line::Ping, fmt::format("From {} icmp_seq=1 Destination Host Unreachable", s_.ip.to_string()));
    s_.notice(reason);
  }

  // IPv4: the target on the subnet, else the gateway; false without an
  // address (the DHCP client has no lease yet) or a next hop.
  bool choose_route4(PingState& ps) const {
    if (!s_.has_v4()) return false;
    if (s_.subnet.contains(ps.spec.target)) ps.next_hop = ps.spec.target;
    else if (s_.gateway) ps.next_hop = *s_.gateway;
    else return false;
    return true;
  }

  // Waiting: an IPv6 ping's source address and route, or an IPv4 one's
  // DHCP lease.
  Clock::time_point wait_for_route(Clock::time_point now) {
    PingState& ps = ps_;
    if (ps.v6 ? choose_route6(ps) : choose_route4(ps)) {
      s_.ping_next_hop = ps.next_hop;
      ps.phase = PingState::Phase::Resolving;
      ps.next_arp = now;
      return Clock::time_point::max();  // resolve at once
    }
    if (!ps.v6 && (now >= ps.wait_until || s_.has_v4())) {
      ps.phase = PingState::Phase::Done;
      ps.unreachable = true;
      s_.notice(s_.has_v4() ? fmt::format("netlab guest: no route toward {}: off the leased subnet {} and the lease "
                                          "names no router",
                                          ps.spec.target.to_string(), s_.subnet.network().to_string())
                            : fmt::format("netlab guest: no DHCP lease after {} s: cannot ping {}",
                                          std::chrono::duration_cast<std::chrono::seconds>(kPing4LeaseWait).count(),
                                          ps.spec.target.to_string()));
      return now;
    }
    if (ps.v6 && (now >= ps.wait_until || route6_hopeless(ps))) {
      ps.phase = PingState::Phase::Done;
      ps.unreachable = true;
      s_.notice(fmt::format("netlab guest: no usable IPv6 source address or route toward {}{}", ps.spec.target.to_string(),
                            now >= ps.wait_until
                                ? fmt::format(" after {} s", std::chrono::duration_cast<std::chrono::seconds>(kPing6SourceWait).count())
                                : std::string(" (off-link, and no router can be learnt: RAs are not taken)")));
      return now;
    }
    return std::min(ps.wait_until, now + kLoopCeiling);  // addresses change as frames arrive
  }

  // Resolving: ARP requests or neighbour solicitations for the next hop.
  Clock::time_point resolve(Clock::time_point now) {
    PingState& ps = ps_;
    if (s_.neighbours.count(ps.next_hop)) {
      s_.stats.ping_resolved = true;
      ps.phase = PingState::Phase::Pinging;
      ps.next_send = now;
      return Clock::time_point::max();  // send at once
    }
    if (now < ps.next_arp) return ps.next_arp;
    if (ps.arp_sent >= kArpTries) {
      ping_unreachable(ps, fmt::format("netlab guest: {} did not answer {} {}", ps.next_hop.to_string(), kArpTries,
                                       ps.v6 ? "neighbour solicitations" : "ARP requests"));
      return now;
    }
    if (ps.v6) {
      frames::NsSpec ns;
      ns.src_mac = s_.mac;
      ns.src = ps.source;
      ns.target = ps.next_hop;
      s_.transmit(frames::neighbor_solicitation(ns));
    } else {
      s_.transmit(frames::arp_request(s_.mac, s_.ip, ps.next_hop));
    }
    ++ps.arp_sent;
    ps.next_arp = now + kArpRetry;
    return ps.next_arp;
  }

  // Pinging: the next echo request when it is due.
  Clock::time_point send_due(Clock::time_point now) {
    PingState& ps = ps_;
    if (now >= ps.next_send) {
      send_echo(now);
      ps.next_send += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ps.spec.interval_s));
      if (ps.next_send <= now) ps.next_send = now;  // a late loop must not send a burst
      if (ps.spec.count != 0 && ps.sent >= ps.spec.count) {
        ps.phase = PingState::Phase::Draining;
        ps.drain_until = now + kPingLinger;
        return Clock::time_point::max();  // look at the drain at once
      }
    }
    return ps.next_send;
  }

  void send_echo(Clock::time_point now) {
    PingState& ps = ps_;
    const auto seq = static_cast<std::uint16_t>(ps.sent + 1);
    std::vector<std::uint8_t> payload(ps.spec.size);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i + 8);  // ping's fill
    if (ps.sent == 0) ps.first_send = now;
    ps.by_seq[seq] = PingState::Outstanding{Clock::now(), false};
    ++ps.sent;
    ++s_.stats.ping_sent;
    frames::EchoSpec s;
    s.eth_dst = s_.neighbours.at(ps.next_hop);
    s.eth_src = s_.mac;
    s.src = ps.v6 ? ps.source : s_.ip;
    s.dst = ps.spec.target;
    s.id = ps.id;
    s.seq = seq;
    s.payload = payload;
    s_.transmit(ps.v6 ? frames::icmpv6_echo(s) : frames::icmp_echo(s));
  }

  void on_echo_reply(const IpAddr& src, const IpAddr& dst, std::uint8_t ttl, std::uint16_t id, std::uint16_t seq,
                     std::size_t icmp_len) {
    PingState& ps = ps_;
    const IpAddr& ours = ps.v6 ? ps.source : s_.ip;
    if (id != ps.id || !(src == ps.spec.target) || !(dst == ours)) return;
    auto it = ps.by_seq.find(seq);
    if (it == ps.by_seq.end()) return;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - it->second.at).count();
    std::string text =
        fmt::format("{} bytes from {}: icmp_seq={} ttl={} time={} ms", icmp_len, src.to_string(), seq, ttl, format_rtt(ms));
    if (it->second.answered) {
      ++ps.duplicates;
      text += " (DUP!)";
    } else {
      it->second.answered = true;
      ps.rtts_ms.push_back(ms);
      ++s_.stats.ping_received;
    }
    s_.sink(Line::Ping, text);
  }

  Shared& s_;
  PingState ps_;
};

}  // namespace

std::unique_ptr<Component> make_ping(Shared& s) { return std::make_unique<PingPart>(s); }

}  // namespace netlab::guest
