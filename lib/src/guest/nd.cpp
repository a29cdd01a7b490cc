// Neighbour discovery's NS and NA (RFC 4861 7, RFC 4862 5.4): answers for
// the guest's addresses, DAD probes and answers that take a tentative one
// away, conflicts reported, and the neighbour cache kept.
#include "guest/misbehave.hpp"
#include "guest/parts.hpp"

#include <fmt/format.h>

namespace netlab::guest {
namespace {

class NdPart final : public Component {
 public:
  explicit NdPart(Shared& s) : s_(s) {}

  void on_frame(const Parsed& p) override {
    if (!s_.icmp6_for_us(p) || !p.ndp) return;
    // RFC 4861 7.1.1: hop limit 255 (never forwarded), code 0, sane options.
    if (p.ipv6->hop_limit != 255 || p.icmpv6->code != 0 || p.ndp->options_malformed) return;
    if (p.ndp->type == frames::kNdNeighborSolicit) on_ns(p);
    else if (p.ndp->type == frames::kNdNeighborAdvert) on_na(p);
  }

 private:
  void on_ns(const Parsed& p) {
    const frames::Ipv6& ip = *p.ipv6;
    const frames::Ndp& nd = *p.ndp;
    if (nd.target.is_multicast()) return;
    Address6* a = s_.find6(nd.target);
    if (!a || a->state == Address6::State::Duplicate) return;
    if (nd.is_dad_probe(ip)) {
      // RFC 4862 5.4.3: another station probing for our tentative address
      // means it is not ours to take; a usable one we defend.
      if (nd.source_lladdr || !(ip.dst == frames::solicited_node(nd.target))) return;
      if (a->state == Address6::State::Tentative) {
        if (!(p.eth_src == s_.mac)) dad_failed(s_, *a, p.eth_src, "is probing for it too (DAD)");
        return;
      }
    } else {
      if (!a->usable()) return;  // RFC 4862 5.4: a tentative address answers nobody
      // RFC 4861 7.2.3: the soliciter's link-layer address updates our cache.
      if (nd.source_lladdr) s_.learn6(ip.src, *nd.source_lladdr, true);
    }
    auto na = frames::neighbor_advertisement_to(p, s_.mac, misbehave::na_carries_tlla(s_.cfg), s_.router_mode());
    if (!na) return;
    s_.transmit(*na);
    ++s_.stats.na_replies;
  }

  void on_na(const Parsed& p) {
    const frames::Ndp& nd = *p.ndp;
    if (p.ipv6->dst.is_multicast() && nd.solicited) return;  // RFC 4861 7.1.2
    if (Address6* a = s_.find6(nd.target)) {
      const MacAddr other = nd.target_lladdr.value_or(p.eth_src);
      if (a->state == Address6::State::Tentative && !(other == s_.mac)) dad_failed(s_, *a, other, "answers for it");
      else if (a->usable() && !(other == s_.mac))
        s_.notice(fmt::format("netlab guest: address conflict: {} is also claimed by {}", a->addr().to_string(),
                              other.to_string()));
      return;
    }
    // Without the option an incomplete entry cannot be resolved (RFC 4861
    // 7.2.5), which is what cause C28 shows from the other side.
    if (nd.target_lladdr) s_.learn6(nd.target, *nd.target_lladdr, false);
  }

  Shared& s_;
};

}  // namespace

std::unique_ptr<Component> make_nd(Shared& s) { return std::make_unique<NdPart>(s); }

}  // namespace netlab::guest
