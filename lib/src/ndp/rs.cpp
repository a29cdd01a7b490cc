// ndp rs: rdisc6's job over libpcap. One router solicitation to ff02::2
// (from the interface's link-local with our MAC in the SLLA option, or from
// :: without it when there is no usable link-local), then every router
// advertisement that arrives within the wait is decoded, solicited or not.
// Each prefix says what SLAAC does with it, since that is where C30
// (prefix not /64, A flag off) hides.
#include <netlab/ndp.hpp>
#include <netlab/linkio.hpp>

#include "ndp/wire.hpp"

#include <algorithm>

namespace netlab::ndp {
namespace {

using Clock = std::chrono::steady_clock;

// RFC 4862 5.5.3: SLAAC forms addresses from 64-bit interface identifiers
// on Ethernet, so only a /64 prefix gives one.
constexpr std::uint8_t kSlaacPrefixLength = 64;

void describe_prefix(PrefixRow& row, bool managed) {
  if (row.prefix.addr().is_link_local()) {
    row.note = "ignored: a link-local prefix";
    return;
  }
  if (row.preferred_lifetime > row.valid_lifetime) {
    row.note = "ignored: preferred lifetime above the valid lifetime";
    return;
  }
  if (!row.autonomous) {
    row.note = managed ? "no SLAAC (A flag off): addresses come from DHCPv6 (M flag set)"
                       : "no SLAAC: the A flag is off, and without the M flag nothing else gives an address";
    if (!managed) row.cause = "ra-prefix-not-64";
    return;
  }
  if (row.prefix.len() != kSlaacPrefixLength) {
    row.note = "no SLAAC: prefix length " + std::to_string(row.prefix.len()) + ", not 64";
    row.cause = "ra-prefix-not-64";
    return;
  }
  if (row.valid_lifetime == 0) {
    row.note = "withdrawn: valid lifetime 0";
    return;
  }
  row.note = "SLAAC forms an address from it";
}

RouterAdvertRow make_row(const frames::Parsed& p, double sent_at, double time) {
  const frames::Ndp& nd = *p.ndp;
  RouterAdvertRow ra;
  ra.source = p.ipv6->src;
  ra.destination = p.ipv6->dst;
  ra.eth_src = p.eth_src;
  ra.slla = nd.source_lladdr;
  ra.ip_hop_limit = p.ipv6->hop_limit;
  ra.cur_hop_limit = nd.cur_hop_limit;
  ra.managed = nd.managed;
  ra.other_config = nd.other_config;
  ra.preference = nd.router_preference;
  ra.router_lifetime = nd.router_lifetime;
  ra.reachable_time_ms = nd.reachable_time;
  ra.retrans_timer_ms = nd.retrans_timer;
  ra.mtu = nd.mtu;
  for (const auto& pi : nd.prefixes) {
    PrefixRow row;
    row.prefix = pi.prefix;
    row.on_link = pi.on_link;
    row.autonomous = pi.autonomous;
    row.router_address = pi.router_address;
    row.valid_lifetime = pi.valid_lifetime;
    row.preferred_lifetime = pi.preferred_lifetime;
    describe_prefix(row, nd.managed);
    ra.prefixes.push_back(std::move(row));
  }
  for (const auto& d : nd.rdnss) ra.rdnss.push_back(RdnssRow{d.lifetime, d.servers});
  ra.time = time;
  ra.delay_ms = sent_at > 0 ? (time - sent_at) * 1000.0 : -1.0;
  ra.problems = detail::validity_problems(p);
  return ra;
}

}  // namespace

std::string RouterAdvertRow::preference_name() const {
  switch (preference & 0x3) {
    case 0: return "medium";
    case 1: return "high";
    case 3: return "low";
    default: return "reserved";
  }
}

Result<RsResult> rs(const Netns& ns, const RsOptions& o, const RsCallbacks& cb) {
  if (auto name = IfName::parse(o.interface); !name) return std::move(name).error();
  if (o.wait <= std::chrono::milliseconds::zero()) return Error::usage("ndp rs", "the wait must be above 0");
  auto link = detail::ethernet_link_up(ns, o.interface);
  if (!link) return std::move(link).error();

  RsResult r;
  r.interface = o.interface;
  r.source_mac = *link->mac();
  auto usable = detail::usable_addresses(ns, o.interface);
  if (!usable) return std::move(usable).error();
  r.source = frames::ipv6_any();
  for (const auto& a : *usable)
    if (a.local.addr().is_link_local()) {
      r.source = a.local.addr();
      break;
    }
  // RFC 4861 6.3.7: an RS from the unspecified address carries no SLLA.
  r.slla = r.source != frames::ipv6_any();

  auto io = detail::open_icmp6_receiver(ns, o.interface);
  if (!io) return std::move(io).error();

  if (cb.started) cb.started(r);
  const auto frame = frames::router_solicitation(r.source_mac, r.source);
  const double sent_at = wall_clock_now();
  NETLAB_TRY(io->send(frame));
  r.sent = 1;

  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(o.wait);
  bool done = false;
  auto on_frame = [&](const Frame& in) {
    if (done) return;  // with single, the first advert ends the wait: the rest is not reported
    auto p = frames::parse(in.bytes);
    if (!p || !p->ipv6 || !p->ndp || p->ndp->type != frames::kNdRouterAdvert) return;
    if (p->eth_src == r.source_mac) return;
    r.adverts.push_back(make_row(*p, sent_at, in.time()));
    if (cb.advert) cb.advert(r.adverts.back());
    done = o.single;
  };
  while (!done) {
    if (o.stop && o.stop()) {
      r.interrupted = true;
      break;
    }
    if (Clock::now() >= deadline) break;
    // wait_any returns early on a signal, so the stop flag is seen at once.
    LinkTap* taps[] = {&*io};
    auto ready = wait_any(taps, deadline);
    if (!ready) return std::move(ready).error();
    NETLAB_TRY(for_each_waiting_frame(*io, on_frame));
  }
  return r;
}

}  // namespace netlab::ndp
