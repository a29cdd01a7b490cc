// The guest as a router (Config::ra_prefix): RAs for its prefix (L and A
// flags) from its link-local address once that passed DAD, then every
// ra_interval_s and in answer to router solicitations (RFC 4861 6.2).
#include "guest/parts.hpp"

#include <algorithm>

namespace netlab::guest {
namespace {

constexpr auto kRaAnswerGap = 200ms;                // a router answers RS at most this often
constexpr std::uint16_t kRouterLifetime = 1800;     // radvd's default (3 x MaxRtrAdvInterval)
constexpr std::uint32_t kPrefixValid = 86400;       // radvd's AdvValidLifetime
constexpr std::uint32_t kPrefixPreferred = 14400;   // radvd's AdvPreferredLifetime

class RaPart final : public Component {
 public:
  explicit RaPart(Shared& s) : s_(s) {}

  Clock::time_point tick(Clock::time_point now) override {
    if (!s_.ipv6 || !s_.router_mode() || next_ra_ == Clock::time_point::max()) return Clock::time_point::max();
    if (now >= next_ra_) send_ra(now);  // schedules the next one
    return next_ra_;
  }

  void on_link_local_ready(Clock::time_point now) override {
    if (s_.router_mode()) send_ra(now);
  }

  void on_frame(const Parsed& p) override {
    if (!s_.icmp6_for_us(p) || !p.ndp || p.ndp->type != frames::kNdRouterSolicit) return;
    // RFC 4861 6.1.1: hop limit 255 (never forwarded), code 0, sane options.
    if (p.ipv6->hop_limit != 255 || p.icmpv6->code != 0 || p.ndp->options_malformed) return;
    on_rs(p);
  }

 private:
  Clock::duration interval() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s_.cfg.ra_interval_s));
  }

  void send_ra(Clock::time_point now) {
    const Address6* ll = s_.usable_link_local();
    if (!ll) return;  // RFC 4861 6.1.2: RAs come from a link-local address
    frames::RaSpec ra;
    ra.src_mac = s_.mac;
    ra.src = ll->addr();
    ra.router_lifetime = kRouterLifetime;
    if (s_.cfg.mtu != 1500) ra.mtu = s_.cfg.mtu;  // advertise only what differs from Ethernet's default
    frames::NdPrefixInfo pi;
    pi.prefix = s_.cfg.ra_prefix->network();
    pi.on_link = true;
    pi.autonomous = true;
    pi.valid_lifetime = kPrefixValid;
    pi.preferred_lifetime = kPrefixPreferred;
    ra.prefixes.push_back(pi);
    s_.transmit(frames::router_advertisement(ra));
    ++s_.stats.ra_sent;
    last_ra_ = now;
    next_ra_ = now + interval();  // an answer to an RS restarts the period, as radvd does
  }

  void on_rs(const Parsed& p) {
    if (!s_.router_mode()) return;
    const frames::Ndp& nd = *p.ndp;
    if (!(p.ipv6->src == frames::ipv6_any()) && nd.source_lladdr) s_.learn6(p.ipv6->src, *nd.source_lladdr, true);
    if (!s_.usable_link_local()) return;  // not a router yet: the first RA follows DAD
    const auto now = Clock::now();
    // Answer with a multicast RA, as radvd does; one that would follow the
    // last too closely is delayed to kRaAnswerGap after it (RFC 4861 6.2.6).
    if (last_ra_ != Clock::time_point{} && now - last_ra_ < kRaAnswerGap)
      next_ra_ = std::min(next_ra_, last_ra_ + kRaAnswerGap);
    else
      send_ra(now);
  }

  Shared& s_;
  Clock::time_point next_ra_ = Clock::time_point::max();
  Clock::time_point last_ra_{};
};

}  // namespace

std::unique_ptr<Component> make_ra(Shared& s) { return std::make_unique<RaPart>(s); }

}  // namespace netlab::guest
