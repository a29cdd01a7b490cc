// MLDv2 (RFC 3810) for the guest's groups: a report when they change (from
// the address components) and in answer to every query.
#include "guest/parts.hpp"

#include <algorithm>
#include <vector>

namespace netlab::guest {
namespace {

// The groups a report names: solicited-node groups of every address not
// found duplicate (tentative ones included, RFC 4862 5.4.2), and
// all-routers for a router. All-nodes is never reported (RFC 3810 6).
std::vector<IpAddr> groups(const Shared& s) {
  std::vector<IpAddr> g;
  for (const auto& a : s.addrs6) {
    if (a.state == Address6::State::Duplicate) continue;
    const IpAddr sn = frames::solicited_node(a.addr());
    if (std::find(g.begin(), g.end(), sn) == g.end()) g.push_back(sn);
  }
  if (s.router_mode()) g.push_back(frames::all_routers());
  return g;
}

class MldPart final : public Component {
 public:
  explicit MldPart(Shared& s) : s_(s) {}

  void on_frame(const Parsed& p) override {
    if (!s_.icmp6_for_us(p) || p.ndp) return;
    if (p.mld && p.icmpv6->type == frames::kMldQuery && p.ipv6->router_alert)
      report_groups(s_);  // answer at once: a lab has no report storms to avoid
  }

 private:
  Shared& s_;
};

}  // namespace

void report_groups(Shared& s) {
  const Address6* ll = s.usable_link_local();
  const auto g = groups(s);
  if (!g.empty()) s.transmit(frames::mldv2_report(s.mac, ll ? ll->addr() : frames::ipv6_any(), g));
}

std::unique_ptr<Component> make_mld(Shared& s) { return std::make_unique<MldPart>(s); }

}  // namespace netlab::guest
