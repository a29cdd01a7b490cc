// Kernel evidence in the verdict: which drop reasons each cause's mechanism
// leaves (a table, as the catalog is one), the drops of an observation
// grouped into evidence lines, and their attachment to findings. Pure: the
// drops were read by observe() (trace::Session); the unit tests hand-build
// them.
//
// The table says what this kernel (6.18) really gives, read from the
// recordings of the cause labs (tests/integration/test_diag_arp_*.cpp run
// with NETLAB_RECORD_EVIDENCE): C05 and C07/C08 QDISC_DROP at
// __dev_queue_xmit, C07 BRIDGE_INGRESS_STP_STATE at br_handle_frame, C16
// MAC_INVALID_SOURCE at br_handle_frame, C17 and C18 NETFILTER_DROP at
// nft_do_chain, NEIGH_FAILED at neigh_invalidate wherever the host's entry
// failed; the rest from ../shared/diagnosis/CAUSES.md. Causes whose mechanism consumes
// the packet on purpose leave nothing: C01 (the bridge takes the reply),
// C14's ARP (arp_rcv() consumes PACKET_OTHERHOST), C10 and C11 (arp_process()
// decides not to answer: rp_filter on ARP frees nothing), C12, C13, C20.
#include "diag/kernel_evidence.hpp"

#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>
#include <netlab/trace.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

namespace netlab::diag {
namespace {

constexpr std::uint16_t kArp = 0x0806, kIpv4 = 0x0800, kIpv6 = 0x86dd;
// Protocol words of the table, resolved per family: the resolution protocol
// (ARP, or IPv6 for neighbour discovery) and the family's IP.
constexpr std::uint16_t kAny = 0, kResolution = 1, kFamilyIp = 2;

struct Sign {
  std::string_view cause;
  std::string_view reason;
  std::uint16_t protocol;
};

// Packets parked on a neighbour entry that goes INCOMPLETE -> FAILED are
// freed with NEIGH_FAILED (neigh_invalidate): every cause that keeps the
// kernel's own resolution from completing leaves it, once the entry fails.
constexpr Sign kSigns[] = {
    {"bridge-filter-drops-arp", "NETFILTER_DROP", kResolution},  // nft bridge/arp rule: nft_do_chain
    {"bridge-filter-drops-arp", "NEIGH_FAILED", kAny},
    {"icmpv6-filtered", "NETFILTER_DROP", kIpv6},
    {"icmpv6-filtered", "NEIGH_FAILED", kAny},
    {"br-netfilter-forward-drop", "NETFILTER_DROP", kFamilyIp},  // inet FORWARD via br_netfilter
    {"stp-port-not-forwarding", "BRIDGE_INGRESS_STP_STATE", kAny},  // br_handle_frame on a listening port
    {"stp-port-not-forwarding", "QDISC_DROP", kAny},  // the bridge with no forwarding port has no carrier
    {"stp-port-not-forwarding", "NEIGH_FAILED", kAny},
    {"port-disabled", "BRIDGE_INGRESS_STP_STATE", kAny},
    {"port-disabled", "QDISC_DROP", kAny},  // seen: the bridge's own requests, its only port disabled
    {"port-disabled", "NEIGH_FAILED", kAny},
    {"no-carrier", "QDISC_DROP", kAny},  // the noop qdisc of a device without carrier
    {"no-carrier", "NEIGH_FAILED", kAny},
    {"invalid-guest-mac", "MAC_INVALID_SOURCE", kAny},  // br_handle_frame
    {"malformed-reply", "OTHERHOST", kFamilyIp},  // the guest's IP to a wrong MAC: ip_rcv_core
    {"malformed-reply", "NEIGH_FAILED", kAny},
    {"reverse-path-filter", "IP_RPFILTER", kIpv4},  // the guest's IP, if any gets through: ip_rcv_finish_core
    {"mtu-mismatch", "PKT_TOO_BIG", kAny},
    {"ip-on-bridge-port", "NEIGH_FAILED", kAny},
    {"route-via-other-interface", "NEIGH_FAILED", kAny},
    {"port-not-in-bridge", "NEIGH_FAILED", kAny},
    {"target-not-configured", "NEIGH_FAILED", kAny},
    {"offlink-arp-source", "NEIGH_FAILED", kAny},
    {"macvtap-host-isolation", "NEIGH_FAILED", kAny},
    {"na-without-tlla", "NEIGH_FAILED", kAny},
    {"dad-failed", "NEIGH_FAILED", kAny},
};

std::uint16_t resolve(std::uint16_t p, Family family) {
  const bool v6 = family == Family::Inet6;
  if (p == kResolution) return v6 ? kIpv6 : kArp;
  if (p == kFamilyIp) return v6 ? kIpv6 : kIpv4;
  return p;
}

// "nft_do_chain" of "nft_do_chain+0x4a1".
std::string function_of(const std::string& location) {
  auto plus = location.find('+');
  return plus == std::string::npos ? location : location.substr(0, plus);
}

// What a captured frame was, in the words of a drop line: "ARP reply",
// "neighbour solicitation", "ICMP echo request"; "" for anything else.
std::string what_frame(const frames::Parsed& p) {
  if (p.arp) return p.arp->is_request() ? "ARP request" : p.arp->is_reply() ? "ARP reply" : "";
  if (p.ndp) {
    switch (p.ndp->type) {
      case 133: return "router solicitation";
      case 134: return "router advertisement";
      case 135: return "neighbour solicitation";
      case 136: return "neighbour advertisement";
      default: return "";
    }
  }
  if (p.icmp && (p.icmp->type == 8 || p.icmp->type == 0))
    return p.icmp->type == 8 ? "ICMP echo request" : "ICMP echo reply";
  if (p.icmpv6 && (p.icmpv6->type == 128 || p.icmpv6->type == 129))
    return p.icmpv6->type == 128 ? "ICMPv6 echo request" : "ICMPv6 echo reply";
  return "";
}

// The frame the drop most likely was: the nearest one captured on its
// interface with its ethertype, up to 50 ms before it (the packet tap runs
// just before the stack drops; the two clocks agree to well under that) or
// 10 ms after. "" when no frame is that close.
std::string what_dropped(const Observation& o, const KernelDrop& d) {
  const frames::Parsed* best = nullptr;
  std::optional<frames::Parsed> keep;
  double best_gap = 1e9;
  for (const auto& f : o.frames) {
    if (f.interface != d.interface || f.sent_by_us) continue;
    const double gap = d.time - f.time;
    if (gap > 0.05 || gap < -0.01 || std::fabs(gap) > best_gap) continue;  // ties: the later frame
    auto p = frames::parse(f.bytes);
    if (!p || p->ethertype != d.protocol) continue;
    best_gap = std::fabs(gap);
    keep = std::move(*p);
    best = &*keep;
  }
  return best ? what_frame(*best) : std::string();
}

std::string plural(const std::string& noun, std::uint64_t n) {
  if (n == 1) return noun;
  if (noun.size() > 1 && noun.back() == 'y' && std::string_view("aeiou").find(noun[noun.size() - 2]) == std::string_view::npos)
    return noun.substr(0, noun.size() - 1) + "ies";  // reply -> replies
  return noun + "s";
}

}  // namespace

std::vector<std::string> kernel_reasons_of(std::string_view cause) {
  std::vector<std::string> out;
  for (const auto& s : kSigns)
    if (s.cause == cause && std::find(out.begin(), out.end(), s.reason) == out.end()) out.emplace_back(s.reason);
  return out;
}

bool kernel_drop_explains(std::string_view cause, Family family, const KernelDrop& d) {
  if (d.beyond) return false;
  for (const auto& s : kSigns) {
    if (s.cause != cause || s.reason != d.reason) continue;
    const std::uint16_t want = resolve(s.protocol, family);
    if (want == kAny || want == d.protocol) return true;
  }
  return false;
}

std::string kernel_drop_text(const std::string& what, std::uint64_t count, const std::string& location,
                             const std::string& reason, const std::string& interface, bool probable, bool beyond) {
  std::string out = "the kernel dropped " + std::to_string(count) + " " + plural(what, count) + " at " +
                    function_of(location) + " (" + reason + ")";
  if (interface.empty()) return out;
  out += probable ? " probably" : "";
  out += beyond ? " past " + interface + " (in its peer's namespace)" : " on " + interface;
  return out;
}

std::vector<Evidence> kernel_drop_evidence(const Observation& o, const std::vector<const KernelDrop*>& drops) {
  // One line per reason, location, interface and protocol, in the order
  // first seen; the noun is the frames' own word when every drop of the
  // line matched one kind of frame, else the protocol's ("ARP packets").
  struct Line {
    const KernelDrop* first = nullptr;
    std::uint64_t count = 0;
    bool probable = false;
    std::optional<std::string> what;  // "" when unknown or mixed
  };
  using Key = std::tuple<std::string, std::string, std::string, std::uint16_t, bool>;
  std::vector<Key> order;
  std::map<Key, Line> lines;
  for (const KernelDrop* d : drops) {
    auto key = std::make_tuple(d->reason, d->location, d->interface, d->protocol, d->beyond);
    auto [it, fresh] = lines.try_emplace(key);
    Line& l = it->second;
    if (fresh) {
      order.push_back(key);
      l.first = d;
    }
    ++l.count;
    l.probable = l.probable || d->probable;
    const std::string w = what_dropped(o, *d);
    if (!l.what) l.what = w;
    else if (*l.what != w) l.what = "";
  }
  std::vector<Evidence> out;
  for (const auto& key : order) {
    const Line& l = lines.at(key);
    const KernelDrop& d = *l.first;
    const std::string what = l.what->empty() ? trace::protocol_name(d.protocol) + " packet" : *l.what;
    Evidence e;
    e.type = "kernel";
    e.interface = d.interface;
    e.text = kernel_drop_text(what, l.count, d.location, d.reason, d.interface, l.probable, d.beyond);
    e.attrs = {{"reason", d.reason}, {"location", d.location}, {"protocol", trace::protocol_name(d.protocol)}};
    e.count = l.count;
    e.probable = l.probable;
    e.beyond = d.beyond;
    out.push_back(std::move(e));
  }
  return out;
}

void attach_kernel_evidence(std::vector<Finding>& findings, const Snapshot& s, const Observation& o) {
  if (!o.kernel || !o.kernel->traced) return;
  for (auto& f : findings) {
    if (f.severity == Severity::Info) continue;
    std::vector<const KernelDrop*> mine;
    for (const auto& d : o.kernel->drops)
      if (kernel_drop_explains(f.cause, s.family, d)) mine.push_back(&d);
    for (auto& e : kernel_drop_evidence(o, mine)) f.evidence.push_back(std::move(e));
  }
}

std::vector<std::string> kernel_notes(const Observation& o) {
  std::vector<std::string> out;
  if (!o.kernel) return out;
  if (!o.kernel->traced) {
    out.push_back("kernel evidence: not available (" + o.kernel->unavailable +
                  "); diagnosed from the captures and the kernel's state only");
    return out;
  }
  if (o.kernel->lost)
    out.push_back("kernel evidence: the kernel lost " + std::to_string(o.kernel->lost) +
                  " trace events (the reader was slower than the writers); the drop counts may be low");
  return out;
}

}  // namespace netlab::diag
