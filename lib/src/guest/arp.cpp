// ARP (RFC 826) for the guest's IPv4 addresses: a gratuitous ARP for each at
// start, answers to requests (RFC 5227's probes included, as Linux does),
// conflicts reported, and the RFC 826 merge into the neighbour cache.
#include "guest/misbehave.hpp"
#include "guest/parts.hpp"

#include <fmt/format.h>

namespace netlab::guest {
namespace {

class ArpPart final : public Component {
 public:
  explicit ArpPart(Shared& s) : s_(s) {}

  void start(Clock::time_point) override {
    if (misbehave::skips_garp(s_.cfg) || !s_.has_v4()) return;
    announce(s_.ip);
    if (s_.cfg.also) announce(*s_.cfg.also);
  }

  void on_frame(const Parsed& p) override {
    if (p.arp && s_.has_v4()) on_arp(*p.arp);  // an IPv6-only guest has no ARP
  }

 private:
  void announce(const IpAddr& addr) { s_.announce_v4(addr); }

  void on_arp(const frames::Arp& a) {
    if (a.spa == s_.ip && !(a.sha == s_.mac))
      s_.notice(fmt::format("netlab guest: address conflict: {} is also claimed by {}", s_.ip.to_string(),
                            a.sha.to_string()));
    // RFC 826's merge: refresh a known sender, learn a new one that asked us.
    if (a.spa.is_v4() && !(a.spa == frames::ipv4_any()) && !s_.owns(a.spa)) {
      auto it = s_.neighbours.find(a.spa);
      if (it != s_.neighbours.end()) it->second = a.sha;
      else if (s_.owns(a.tpa) || (s_.ping_next_hop && a.spa == *s_.ping_next_hop)) s_.neighbours.emplace(a.spa, a.sha);
    }
    // Answer requests for our addresses, probes (sender 0.0.0.0) included, as
    // Linux does; a gratuitous request is an announcement, not a question.
    if (!a.is_request() || !s_.owns(a.tpa) || a.is_gratuitous() || misbehave::silent_arp(s_.cfg)) return;
    frames::Arp reply;
    reply.op = frames::kArpReply;
    reply.sha = s_.mac;
    reply.spa = misbehave::arp_reply_sender(s_.cfg, a.tpa);
    reply.tha = a.sha;
    reply.tpa = a.spa;
    s_.transmit(frames::arp(misbehave::arp_reply_destination(s_.cfg, a.sha), s_.mac, reply));
    ++s_.stats.arp_replies;
  }

  Shared& s_;
};

}  // namespace

std::unique_ptr<Component> make_arp(Shared& s) { return std::make_unique<ArpPart>(s); }

}  // namespace netlab::guest
