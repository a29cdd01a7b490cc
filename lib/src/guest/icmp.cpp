// Echo replies (RFC 792, RFC 4443) from the guest's addresses; IPv6 echo to
// all-nodes is answered from the link-local address, as Linux does.
#include "guest/parts.hpp"

namespace netlab::guest {
namespace {

class EchoPart final : public Component {
 public:
  explicit EchoPart(Shared& s) : s_(s) {}

  void on_frame(const Parsed& p) override {
    if (p.ipv4) {
      if (s_.icmp4_for_us(p) && p.icmp->type == frames::kIcmpEchoRequest && p.icmp->code == 0) reply4(p);
    } else if (s_.icmp6_for_us(p) && p.icmpv6->type == frames::kIcmp6EchoRequest && p.icmpv6->code == 0) {
      reply6(p);
    }
  }

 private:
  void reply4(const Parsed& p) {
    const frames::Ipv4& ip = *p.ipv4;
    reply(p, ip.dst, p.icmp->id, p.icmp->seq, p.l3_payload);
  }

  void reply6(const Parsed& p) {
    const frames::Ipv6& ip = *p.ipv6;
    IpAddr src = ip.dst;
    if (ip.dst.is_multicast()) {
      const Address6* ll = s_.usable_link_local();
      if (!ll || !(ip.dst == frames::all_nodes())) return;
      src = ll->addr();
    } else if (!s_.owns6(ip.dst)) {
      return;
    }
    if (ip.payload.size() < 8) return;
    reply(p, src, p.icmpv6->id, p.icmpv6->seq, ip.payload);
  }

  // Sends the reply to the echo request in `p` from `src`, in the request's
  // IP version: its id and sequence, and the data that follows its 8-byte
  // header in `message`, back to its sender.
  void reply(const Parsed& p, const IpAddr& src, std::uint16_t id, std::uint16_t seq,
             std::span<const std::uint8_t> message) {
    frames::EchoSpec e;
    e.eth_dst = p.eth_src;
    e.eth_src = s_.mac;
    e.src = src;
    e.dst = p.ipv4 ? p.ipv4->src : p.ipv6->src;
    e.reply = true;
    e.id = id;
    e.seq = seq;
    e.payload = message.subspan(8);
    s_.transmit(p.ipv4 ? frames::icmp_echo(e) : frames::icmpv6_echo(e));
    ++s_.stats.echo_replies;
  }

  Shared& s_;
};

}  // namespace

std::unique_ptr<Component> make_echo(Shared& s) { return std::make_unique<EchoPart>(s); }

}  // namespace netlab::guest
