// The DHCP verdict from the facts alone (dhcp_facts.hpp): which of C52,
// C05, C07, C35, C36, C37, C38, C39, C40, C41 and C42 holds, with the evidence and a fix that works
// as printed. Also the two pure readers the collector uses: the hook walks
// of an nftables ruleset for a DISCOVER (nft_walk.hpp), and dnsmasq's settings.
#include "diag/dhcp_facts.hpp"
#include "diag/finding_parts.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace netlab::diag {
namespace {

// ---- findings --------------------------------------------------------------------

std::uint32_t v4_value(const IpAddr& a) {
  const auto b = a.bytes();
  return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3];
}
IpAddr v4_of(std::uint32_t v) {
  const std::array<std::uint8_t, 4> b{std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8),
                                      std::uint8_t(v)};
  return IpAddr::v4(b);
}

// A range for a new server on `p`: the half of the subnet's hosts that
// does not hold the device's own address. None for a /31 or /32.
std::optional<std::pair<IpAddr, IpAddr>> suggested_range(const Prefix& p) {
  if (!p.addr().is_v4() || p.len() > 29) return std::nullopt;
  const std::uint32_t size = p.len() == 0 ? 0 : (1u << (32 - p.len()));
  const std::uint32_t net = v4_value(p.network().addr());
  const std::uint32_t own = v4_value(p.addr()) - net;
  if (own < size / 2) return std::make_pair(v4_of(net + size / 2), v4_of(net + size - 2));
  return std::make_pair(v4_of(net + 1), v4_of(net + size / 2 - 1));
}

std::string server_words(const DhcpListener& l) {
  std::string s = "UDP " + l.socket.local.to_string() + ":67";
  if (!l.socket.dev.empty()) s += "%" + l.socket.dev;
  if (l.server) s += " (" + l.server->comm + " pid " + std::to_string(l.server->pid) + ")";
  else if (!l.socket.owners.empty())
    s += " (" + l.socket.owners.front().comm + " pid " + std::to_string(l.socket.owners.front().pid) + ")";
  return s;
}

// The printed dnsmasq that serves `dev` alone: foreground-free, DNS off, a
// range in the device's subnet.
std::string dnsmasq_for(const std::string& dev, const std::pair<IpAddr, IpAddr>& range) {
  return "dnsmasq --port=0 --bind-interfaces --interface=" + dev + " --dhcp-range=" + range.first.to_string() + "," +
         range.second.to_string() + ",12h";
}

// dnsmasq's settings are read below (DnsmasqReader); the judge edits them.
std::vector<std::string> split(const std::string& s, char sep);
std::string trim(const std::string& s);
bool is_mac_pattern(const std::string& t);

class Judge {
 public:
  Judge(const DhcpFacts& f, const DhcpDiagnoseOptions& o) : f_(f), o_(o) {
    r_.family = Family::Inet;
    r_.interface = f.interface;
    r_.title = "netlab dhcp diagnose " + f.interface + (o.client ? " " + o.client->to_string() : std::string());
    r_.problem = "no DHCP server answers";
    r_.duration_s = f.duration_s;
    r_.passive = f.passive;
  }

  Report run() {
    for (const auto& e : f_.capture_errors) r_.notes.push_back("capture: " + e);
    if (!f_.kernel_unavailable.empty())
      r_.notes.push_back("no kernel evidence (drop reasons): " + f_.kernel_unavailable);
    if (interface_down()) return finish();
    // A guest's port without carrier or still waiting on STP: its
    // DISCOVERs never reach a server, whatever the server does.
    const bool carrier = no_carrier(), stp = stp_waiting();
    if (carrier || stp) {
      if (stp) r_.notes.push_back("no probe was sent: its own new port on " + f_.served + " would wait for STP too");
      return finish();
    }
    // A guest that receives every OFFER with a broken checksum: the
    // servers answer, so the probe reads ok; the TAP tells why.
    offer_bad_checksum();
    multiple_servers();
    // An offer reached our probe, or a guest (the one asked about, when a
    // CLIENT-MAC was given: collect_dhcp() keeps only offers to it or to
    // the probe). A server answering the guests works even when our probe's
    // own offer came late (dnsmasq pings an address for 3 s before it
    // offers it, longer on a loaded host).
    const bool answered = !f_.offers.empty();
    if (answered && f_.probed &&
        std::none_of(f_.offers.begin(), f_.offers.end(), [](const DhcpOffer& x) { return x.to_probe; }))
      r_.notes.push_back("our probe got no offer within the watch, but a server offered to a guest on the wire");
    if (!answered && asked()) {
      // No server of the host's receives here: one behind another port may
      // be cut off by the forward hook (br_netfilter) before C35 and C36
      // are told.
      if (!(listeners(true).empty() && forward_filtered()) && !no_server() && !not_here() && !input_filtered() &&
          !no_range())
        ignores_client(false);
    } else {
      for (const char* c : {"dhcp-forward-filtered", "no-dhcp-server", "dhcp-server-not-listening-here",
                            "dhcp-input-filtered", "dhcp-no-range-for-subnet"})
        check(c, "ruled out", answered ? "a server answered" : "no DHCP client asked during the watch");
      // A server that answers our probe may still ignore the guest.
      if (answered) ignores_client(true);
      else check("dhcp-server-ignores-client", "ruled out", "no DHCP client asked during the watch");
    }
    if (!asked()) r_.notes.push_back("no DHCP client asked on " + f_.served +
                                     " during the watch; without --passive a probe asks as a new guest would");
    // dnsmasq pings an address for 3 s (its PING_WAIT) before it first
    // offers it: a shorter watch can end before a healthy server answers.
    const auto here = listeners(true);
    const bool fault = std::any_of(r_.findings.begin(), r_.findings.end(),
                                   [](const Finding& x) { return x.severity == Severity::Fault; });
    if (!answered && !fault && asked() && f_.duration_s < 3.5 &&
        std::any_of(here.begin(), here.end(), [](const DhcpListener* l) { return l->server && l->server->dnsmasq; }))
      r_.notes.push_back("dnsmasq tests an address with a ping for 3 s before it first offers it, and this watch "
                         "lasted " + seconds(f_.duration_s) + ": watch longer (--duration 5)");
    return finish(answered);
  }

 private:
  Report finish(bool answered = false) {
    bool fault = false;
    for (const auto& x : r_.findings) fault = fault || x.severity == Severity::Fault;
    if (fault) r_.verdict = Verdict::Fault;
    else if (answered || !asked()) r_.verdict = Verdict::Ok;
    else r_.verdict = Verdict::Unexplained;
    if (answered) r_.notes.push_back(answer_note());
    return std::move(r_);
  }

  void check(std::string cause, std::string result, std::string detail) {
    r_.checked.push_back(Check{std::move(cause), std::move(result), std::move(detail)});
  }

  Finding& add(std::string id, std::string cause, std::string summary, std::string why) {
    Finding x;
    x.id = std::move(id);
    x.cause = std::move(cause);
    x.summary = std::move(summary);
    x.explanation = std::move(why);
    check(x.cause, "found", x.summary);
    r_.findings.push_back(std::move(x));
    return r_.findings.back();
  }

  // Someone asked: our probe, or a guest's DISCOVER on the wire.
  bool asked() const { return f_.probed || !client_discovers().empty(); }

  std::vector<const SeenDhcp*> client_discovers() const {
    std::vector<const SeenDhcp*> out;
    for (const auto& s : f_.seen)
      if (s.from_client && s.type == "DISCOVER" && !(f_.probed && s.client == f_.probe_mac) &&
          (!o_.client || s.client == *o_.client))
        out.push_back(&s);
    return out;
  }

  std::string answer_note() const {
    const DhcpOffer& x = f_.offers.front();
    std::string s = "server " + x.server + " (" + x.server_mac.to_string() + ") offered " + x.address.to_string();
    if (x.mask) s += " mask " + x.mask->to_string();
    if (!x.routers.empty()) s += " router " + x.routers.front().to_string();
    return s;
  }

  void unanswered_evidence(Finding& x) const {
    if (f_.probed)
      x.evidence.push_back(fact("observation", f_.served,
                                "our probe (" + f_.probe_mac.to_string() + ") sent " + std::to_string(f_.probe_sent) +
                                    " DISCOVER" + (f_.probe_sent == 1 ? "" : "s") + " through " + f_.served +
                                    " and no server answered in " + seconds(f_.duration_s)));
    const auto d = client_discovers();
    if (!d.empty())
      x.evidence.push_back(fact("packet", d.front()->interface,
                                std::to_string(d.size()) + " DISCOVER" + (d.size() == 1 ? "" : "s") + " from " +
                                    d.front()->client.to_string() + ", no OFFER to it"));
  }

  // The kernel's own word for a firewall drop: NETFILTER_DROP of IPv4
  // packets on the lab's devices, one line per location and device.
  void netfilter_evidence(Finding& x) const {
    std::map<std::tuple<std::string, std::string, std::string, bool>, std::uint64_t> groups;
    for (const auto& d : f_.kernel_drops)
      if (d.reason == "NETFILTER_DROP" && d.protocol == 0x0800)
        ++groups[{d.location, d.reason, d.interface, d.probable}];
    for (const auto& [key, count] : groups) {
      const auto& [location, reason, interface, probable] = key;
      Evidence e = fact("kernel", interface,
                        kernel_drop_text("IPv4 packet", count, location, reason,
                                         interface, probable));
      e.count = count;
      e.probable = probable;
      e.attrs = {{"reason", reason}, {"location", location}, {"protocol", "IPv4"}};
      x.evidence.push_back(std::move(e));
    }
  }

  static std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
  }

  // C52: the served device is down: nothing passes it.
  bool interface_down() {
    const Link& l = f_.served_link;
    if (l.is_up()) {
      check("interface-down", "ruled out", l.name + " is up");
      return false;
    }
    Finding& x = add("C52", "interface-down", l.name + " is down: no DHCP message passes it",
                     "an interface that is administratively down neither receives the guests' DISCOVERs nor "
                     "carries a server's OFFERs");
    x.evidence.push_back(fact("link", l.name, l.name + " state " + l.operstate_name() + ", flags without UP"));
    x.fix.push_back(step("bring it up", netlab_words(o_.netns_arg) + "link set dev " + l.name + " up",
                         ip_words(o_.netns_arg) + "link set dev " + l.name + " up"));
    return true;
  }

  // C05: the guest's TAP (or veth) has no carrier: nobody holds it open.
  bool no_carrier() {
    const Link& l = f_.asked_link;
    if (l.name == f_.served || !l.is_up() || !l.no_carrier()) {
      check("no-carrier", "ruled out",
            l.name == f_.served ? "no guest port asked about" : l.name + " has carrier");
      return false;
    }
    Finding& x = add("C05", "no-carrier",
                     l.name + " has no carrier" + (l.tun ? ": no guest has the TAP open" : "") +
                         "; the guest's DHCP never reaches " + f_.served,
                     "a TAP has carrier only while a process (QEMU, Xen's backend, UML, netlab guest) holds it "
                     "open, a veth only while its peer is up; without it the bridge forwards nothing to or from "
                     "the port, so no DISCOVER leaves the guest and no OFFER reaches it");
    x.evidence.push_back(fact("link", l.name, l.name + " state " + l.operstate_name() + ", NO-CARRIER"));
    FixStep g;
    g.where = "guest";
    g.description = l.tun ? "start the guest that uses " + l.name + " (QEMU -netdev tap,ifname=" + l.name +
                                ",script=no), so that it holds the TAP open"
                          : "bring up the other end of " + l.name + " in the guest";
    x.fix.push_back(g);
    return true;
  }

  // C07: a port of the bridge still listens or learns (STP forward delay).
  bool stp_waiting() {
    if (!f_.stp_waiting) {
      check("stp-port-not-forwarding", "ruled out",
            f_.ports.empty() ? f_.served + " is not a bridge" : "every port of " + f_.served + " forwards");
      return false;
    }
    const BridgeInfo* bi = f_.served_link.bridge ? &*f_.served_link.bridge : nullptr;
    for (const auto& p : f_.ports) {
      if (!p.bridge_port || (p.bridge_port->state != 1 && p.bridge_port->state != 2)) continue;
      Finding& x = add("C07", "stp-port-not-forwarding",
                       "port " + p.name + " of " + f_.served + " is still " + p.bridge_port->state_name() +
                           " (STP forward delay): it passes no DHCP until it forwards",
                       "with STP on, the kernel walks a new port through listening and learning, one forward "
                       "delay each" +
                           (bi ? " (" + seconds(bi->forward_delay_cs / 100.0) + ")" : std::string()) +
                           ", before it forwards: a guest's first DISCOVERs are lost and its client gives up. "
                           "Turning STP off does not release a port already listening or learning: bounce it");
      x.evidence.push_back(fact("link", p.name, p.name + " STP state " + p.bridge_port->state_name()));
      x.fix.push_back(step("turn STP off on " + f_.served, netlab_words(o_.netns_arg) + "bridge stp " + f_.served + " off",
                           ip_words(o_.netns_arg) + "link set dev " + f_.served + " type bridge stp_state 0"));
      x.fix.push_back(step("bounce the port so it forwards at once", netlab_words(o_.netns_arg) + "link set dev " + p.name + " down",
                           ip_words(o_.netns_arg) + "link set dev " + p.name + " down"));
      x.fix.push_back(step("", netlab_words(o_.netns_arg) + "link set dev " + p.name + " up",
                           ip_words(o_.netns_arg) + "link set dev " + p.name + " up"));
    }
    return true;
  }

  // C39: the kernel hands a TAP's reader packets whose UDP checksum it left
  // to the device (CHECKSUM_PARTIAL: tx checksum offload, which the reader
  // asked for with TUNSETOFFLOAD), and without a vnet_hdr nothing tells the
  // reader: its DHCP client sees every OFFER with a wrong checksum and drops
  // it. (A capture's "bad udp cksum" alone is no evidence: every host shows
  // it on packets it sends itself.)
  void offer_bad_checksum() {
    bool any = false;
    for (const auto& t : f_.taps) {
      if (!t.carrier || t.vnet_hdr || !t.tx_csum.value_or(false)) continue;
      any = true;
      Finding& x = add("C39", "dhcp-offer-bad-checksum",
                       "the guest on " + t.name + " receives the OFFERs with incomplete UDP checksums and drops them",
                       "the reader of " + t.name + " turned on checksum offload (TUNSETOFFLOAD with TUN_F_CSUM) "
                       "without a vnet_hdr (IFF_VNET_HDR): the kernel leaves the checksums of the packets it sends "
                       "to the TAP for the reader to complete, and has no header to say so, so the guest's DHCP "
                       "client sees a wrong UDP checksum on every OFFER and discards it");
      x.evidence.push_back(fact("link", t.name, t.name + ": tx checksum offload on (ETHTOOL_GTXCSUM), vnet_hdr off"));
      // The host's own server sends its OFFERs with partial checksums; a
      // server behind another port sends whole ones, which pass intact.
      // Without either sign it is only what the host sends that breaks.
      const bool asking_again = offered_guest_evidence(x);
      if (listeners(true).empty() && !asking_again) {
        x.severity = Severity::Warning;
        x.summary = "the guest on " + t.name + " receives what the host sends with incomplete checksums";
      }
      FixStep g;
      g.where = "guest";
      g.description = "start the program that holds " + t.name +
                      " again with a vnet_hdr (IFF_VNET_HDR; QEMU: -netdev tap,vnet_hdr=on) or with checksum "
                      "offload off (TUNSETOFFLOAD 0: on a persistent TAP the setting stays from one reader to the "
                      "next), so that it gets whole checksums";
      x.fix.push_back(g);
    }
    if (!any)
      check("dhcp-offer-bad-checksum", f_.taps.empty() ? "not observable" : "ruled out",
            f_.taps.empty() ? "no TAP toward a guest" : "no held TAP with checksum offload and no vnet_hdr");
  }

  // The guests that were answered and asked again: what C39 looks like on
  // the bridge.
  bool offered_guest_evidence(Finding& x) const {
    bool any = false;
    std::map<std::string, std::pair<unsigned, unsigned>> count;  // client -> DISCOVERs, OFFERs
    for (const auto& s : f_.seen) {
      if (f_.probed && s.client == f_.probe_mac) continue;
      if (o_.client && s.client != *o_.client) continue;
      if (s.from_client && s.type == "DISCOVER") ++count[s.client.to_string()].first;
      if (!s.from_client && s.type == "OFFER") ++count[s.client.to_string()].second;
    }
    for (const auto& [mac, n] : count)
      if (n.first >= 2 && n.second >= 1) {
        any = true;
        x.evidence.push_back(fact("packet", f_.served,
                                  std::to_string(n.first) + " DISCOVERs from " + mac + " and " +
                                      std::to_string(n.second) + " OFFER" + (n.second == 1 ? "" : "s") +
                                      " to it: the guest keeps asking"));
      }
    return any;
  }

  // C41: two servers offered.
  void multiple_servers() {
    if (f_.offers.size() < 2) {
      check("multiple-dhcp-servers", "ruled out",
            f_.offers.empty() ? "no server answered" : "one server answered (" + f_.offers.front().server + ")");
      return;
    }
    const DhcpOffer& a = f_.offers[0];
    bool conflict = false;
    for (std::size_t i = 1; i < f_.offers.size(); ++i) {
      const DhcpOffer& b = f_.offers[i];
      const bool same_router = a.routers == b.routers;
      const bool same_subnet = a.mask && b.mask && *a.mask == *b.mask && a.address.is_v4() &&
                               (v4_value(a.address) & v4_value(*a.mask)) == (v4_value(b.address) & v4_value(*b.mask));
      conflict = conflict || !same_router || !same_subnet;
    }
    Finding& x = add("C41", "multiple-dhcp-servers",
                     std::to_string(f_.offers.size()) + " DHCP servers answer on " + f_.served +
                         (conflict ? " with conflicting offers" : ""),
                     "a DISCOVER is broadcast, every server on the segment offers, and the client takes the first "
                     "OFFER: guests get one server's address, router and DNS or the other's, by who answers first");
    x.severity = conflict ? Severity::Fault : Severity::Warning;
    x.weight = 50;
    for (const auto& o : f_.offers) {
      std::string t = "OFFER from " + o.server + " (" + o.server_mac.to_string() +
                      (o.port.empty() ? "" : " on port " + o.port) + "): " + o.address.to_string();
      if (o.mask) t += " mask " + o.mask->to_string();
      t += o.routers.empty() ? ", no router" : ", router " + o.routers.front().to_string();
      x.evidence.push_back(fact("packet", f_.served, t));
    }
    // Which to detach: every server behind a port of the bridge except the
    // host's own; with no host server among them, all but the first to
    // answer.
    const bool host_serves =
        std::any_of(f_.offers.begin(), f_.offers.end(), [](const DhcpOffer& p) { return p.host; });
    for (std::size_t i = 0; i < f_.offers.size(); ++i) {
      const DhcpOffer& o = f_.offers[i];
      if (o.host || o.port.empty() || (!host_serves && i == 0)) continue;
      x.fix.push_back(step("detach the port of server " + o.server + ", which should not serve " + f_.served,
                           netlab_words(o_.netns_arg) + "link set dev " + o.port + " nomaster",
                           ip_words(o_.netns_arg) + "link set dev " + o.port + " nomaster"));
    }
  }

  std::vector<const DhcpListener*> listeners(bool here) const {
    std::vector<const DhcpListener*> out;
    for (const auto& l : f_.listeners)
      if (l.here == here) out.push_back(&l);
    return out;
  }

  // C38: bridged IPv4 goes through the forward hook (br_netfilter) and a
  // chain there drops the DISCOVER on its way to a server behind a port.
  bool forward_filtered() {
    const InputVerdict& v = f_.forward;
    if (f_.served_link.kind != "bridge") {
      check("dhcp-forward-filtered", "ruled out", f_.served + " is not a bridge");
      return false;
    }
    if (f_.br_nf_call_iptables.value_or(0) != 1) {
      check("dhcp-forward-filtered", "ruled out",
            f_.br_nf_call_iptables ? "net.bridge.bridge-nf-call-iptables is 0: bridged frames skip the IPv4 hooks"
                                   : "br_netfilter is not loaded: bridged frames skip the IPv4 hooks");
      return false;
    }
    if (!v.read) {
      check("dhcp-forward-filtered", "not observable", "the ruleset could not be read: " + v.unread);
      return false;
    }
    const bool counted = v.counter_before && v.counter_after && *v.counter_after > *v.counter_before;
    if (!v.drop || (!v.certain && !counted)) {
      check("dhcp-forward-filtered", "ruled out", "the forward hook passes a DISCOVER bridged on " + f_.served);
      return false;
    }
    Finding& x = add("C38", "dhcp-forward-filtered",
                     "the forward hook drops DHCP bridged between the guests of " + f_.served,
                     "with br_netfilter and bridge-nf-call-iptables=1, IPv4 frames bridged between two ports go "
                     "through the IPv4 forward hook with the bridge as in and out device, and a chain there (a "
                     "FORWARD policy drop, as Docker sets) discards the DISCOVER on its way to a server behind "
                     "another port");
    unanswered_evidence(x);
    x.evidence.push_back(fact("sysctl", f_.served, "net.bridge.bridge-nf-call-iptables = 1"));
    if (v.policy)
      x.evidence.push_back(fact("firewall", f_.served,
                                "chain " + v.family + " " + v.table + " " + v.chain +
                                    " (hook forward) has policy drop and no rule accepting " + f_.served + " to " +
                                    f_.served));
    else
      x.evidence.push_back(fact("firewall", f_.served,
                                "rule in " + v.family + " " + v.table + " " + v.chain + ": " + v.rule + " # handle " +
                                    std::to_string(v.handle) +
                                    (counted ? ", its counter rose by " +
                                                   std::to_string(*v.counter_after - *v.counter_before) +
                                                   " during the watch"
                                             : "")));
    if (f_.listeners.empty())
      x.evidence.push_back(fact("socket", f_.served, "no UDP socket bound to port 67 on the host: the server is a guest"));
    // Seldom a kernel line: the bridge floods a broadcast to its ports as
    // clones, whose drops no receive event ties to a device.
    netfilter_evidence(x);
    x.fix.push_back(step("accept what " + f_.served + " bridges between its own ports, first in the forward chain "
                         "(or turn bridge-nf-call-iptables off)",
                         "", exec_words(o_.netns_arg) + nft_command("insert rule " + v.family + " " + v.table + " " + v.base_chain +
                                                              " iifname \"" + f_.served + "\" oifname \"" + f_.served +
                                                              "\" accept")));
    return true;
  }

  // C35: nobody listens on UDP 67 here or anywhere in the namespace.
  bool no_server() {
    if (!f_.listeners.empty()) {
      check("no-dhcp-server", "ruled out", server_words(f_.listeners.front()) + " listens");
      return false;
    }
    Finding& x = add("C35", "no-dhcp-server", "nobody serves DHCP on " + f_.served,
                     "DHCP needs a server or relay on the broadcast domain: no socket listens on UDP 67 in this "
                     "namespace and no port of the link answered, and a broadcast DISCOVER never draws an error, "
                     "so the client retries until it gives up");
    unanswered_evidence(x);
    x.evidence.push_back(fact("socket", f_.served, "no UDP socket bound to port 67 (sock_diag)"));
    if (!f_.served_prefixes.empty()) {
      if (auto range = suggested_range(f_.served_prefixes.front()))
        x.fix.push_back(step("start a DHCP server on " + f_.served + " (or a relay toward one)", "",
                             exec_words(o_.netns_arg) + dnsmasq_for(f_.served, *range)));
    } else {
      x.fix.push_back(step("give " + f_.served + " the lab's gateway address first: a server answers on a subnet",
                           netlab_words(o_.netns_arg) + "addr add 192.0.2.1/24 dev " + f_.served,
                           ip_words(o_.netns_arg) + "addr add 192.0.2.1/24 dev " + f_.served));
    }
    return true;
  }

  // C36: every listener serves other interfaces.
  bool not_here() {
    const auto here = listeners(true);
    if (!here.empty()) {
      check("dhcp-server-not-listening-here", "ruled out", server_words(*here.front()) + " receives on " + f_.served);
      return false;
    }
    Finding& x = add("C36", "dhcp-server-not-listening-here",
                     "the host's DHCP server serves other interfaces, not " + f_.served,
                     "a server runs but a DISCOVER arriving on " + f_.served +
                         " reaches none of its sockets: bound to another device (SO_BINDTODEVICE, dnsmasq's "
                         "--bind-interfaces with one interface), or the server was told to serve others only");
    unanswered_evidence(x);
    for (const auto& l : f_.listeners) x.evidence.push_back(fact("socket", l.socket.dev, server_words(l) + ": " + l.elsewhere));
    if (!f_.served_prefixes.empty())
      if (auto range = suggested_range(f_.served_prefixes.front()))
        x.fix.push_back(step("serve " + f_.served + " too: a server of its own beside the other (or add --interface=" +
                                 f_.served + " and a range to the running one, and restart it)",
                             "", exec_words(o_.netns_arg) + dnsmasq_for(f_.served, *range)));
    return true;
  }

  // C37: the input hook drops the DISCOVER before the socket.
  bool input_filtered() {
    const InputVerdict& v = f_.input;
    if (!v.read) {
      check("dhcp-input-filtered", "not observable", "the ruleset could not be read: " + v.unread);
      return false;
    }
    if (!v.drop) {
      check("dhcp-input-filtered", "ruled out", "the input hook accepts a DISCOVER on " + f_.served);
      return false;
    }
    const bool counted = v.counter_before && v.counter_after && *v.counter_after > *v.counter_before;
    if (!v.certain && !counted) {
      check("dhcp-input-filtered", "ruled out",
            "a drop in " + v.family + " " + v.table + " " + v.chain + " may be preceded by an accept the summary cannot judge");
      return false;
    }
    Finding& x = add("C37", "dhcp-input-filtered",
                     "the host firewall drops DHCP from " + f_.served + " before the server sees it",
                     "the DISCOVER is delivered locally through the input hook, and a chain there discards it "
                     "before the socket lookup: tcpdump on the bridge still shows it, the server logs nothing");
    unanswered_evidence(x);
    if (v.policy)
      x.evidence.push_back(fact("firewall", f_.served,
                                "chain " + v.family + " " + v.table + " " + v.chain +
                                    " (hook input) has policy drop and no rule accepting udp dport 67 from " + f_.served));
    else {
      std::string t = "rule in " + v.family + " " + v.table + " " + v.chain + ": " + v.rule + " # handle " +
                      std::to_string(v.handle);
      if (counted) t += ", its counter rose by " + std::to_string(*v.counter_after - *v.counter_before) + " during the watch";
      x.evidence.push_back(fact("firewall", f_.served, t));
    }
    netfilter_evidence(x);
    const std::string rule = "iifname \"" + f_.served + "\" udp dport 67 accept";
    x.fix.push_back(step("accept DHCP from " + f_.served + " first in the input chain", "",
                         exec_words(o_.netns_arg) + nft_command("insert rule " + v.family + " " + v.table + " " + v.base_chain + " " + rule)));
    return true;
  }

  // C42: a reachable dnsmasq has no range for the served subnet.
  bool no_range() {
    for (const DhcpListener* l : listeners(true)) {
      if (!l->server || !l->server->dnsmasq || !l->server->ranges_known || l->server->range_starts.empty()) continue;
      bool covered = false;
      for (const auto& p : f_.served_prefixes)
        for (const auto& a : l->server->range_starts) covered = covered || p.contains(a);
      if (covered) {
        check("dhcp-no-range-for-subnet", "ruled out", "dnsmasq pid " + std::to_string(l->server->pid) +
                                                           " has a range in " + f_.served + "'s subnet");
        return false;
      }
      Finding& x = add("C42", "dhcp-no-range-for-subnet",
                       "dnsmasq (pid " + std::to_string(l->server->pid) + ") has no range for " + f_.served + "'s subnet",
                       "dnsmasq picks the DHCP context from the addresses of the interface a request arrived on; "
                       "when none of its dhcp-ranges lies in those subnets it has nothing to offer and stays silent "
                       "(its log says \"no address range available for DHCP request via " + f_.served + "\")");
      unanswered_evidence(x);
      std::string prefixes;
      for (const auto& p : f_.served_prefixes) prefixes += (prefixes.empty() ? "" : ", ") + p.to_string();
      x.evidence.push_back(fact("address", f_.served, f_.served + " has " + (prefixes.empty() ? "no IPv4 address" : prefixes)));
      std::string ranges;
      for (const auto& a : l->server->range_starts) ranges += (ranges.empty() ? "" : ", ") + a.to_string();
      x.evidence.push_back(fact("process", f_.served, "dnsmasq pid " + std::to_string(l->server->pid) +
                                                          " ranges start at " + ranges));
      // The quickest repair is on the bridge: an address in the range's
      // subnet (a /24 around its first address, outside the range), which
      // dnsmasq reads at once; the other is a new range, with a restart.
      const IpAddr start = l->server->range_starts.front();
      const std::uint32_t net = v4_value(start) & 0xffffff00u;
      IpAddr gw = v4_of(net + 1);
      if (gw == start) gw = v4_of(net + 254);
      const std::string prefix = gw.to_string() + "/24";
      x.fix.push_back(step("give " + f_.served + " an address in the range's subnet (or give dnsmasq a range in " +
                               f_.served + "'s subnet and restart it)",
                           netlab_words(o_.netns_arg) + "addr add " + prefix + " dev " + f_.served,
                           ip_words(o_.netns_arg) + "addr add " + prefix + " dev " + f_.served));
      return true;
    }
    check("dhcp-no-range-for-subnet", "not observable", "no dnsmasq whose ranges could be read serves " + f_.served);
    return false;
  }

  // ---- C40: a server that is reached but silent to this client ----------------

  // The clients that asked and got nothing: the one asked about (seen or
  // not), else each guest whose DISCOVERs no OFFER answered.
  std::vector<MacAddr> unanswered_clients() const {
    auto offered = [&](const MacAddr& m) {
      return std::any_of(f_.seen.begin(), f_.seen.end(),
                         [&](const SeenDhcp& s) { return !s.from_client && s.type == "OFFER" && s.client == m; });
    };
    std::vector<MacAddr> out;
    if (o_.client) {
      if (!offered(*o_.client)) out.push_back(*o_.client);
      return out;
    }
    for (const SeenDhcp* d : client_discovers())
      if (!offered(d->client) && std::find(out.begin(), out.end(), d->client) == out.end()) out.push_back(d->client);
    return out;
  }

  static std::string shell_word(const std::string& w) {
    if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@%+-") ==
                          std::string::npos)
      return w;
    std::string q = "'";
    for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }

  // Whether a printed stop and start of this dnsmasq works as printed: it
  // forks (no supervisor keeps it in the foreground) and sees our paths.
  static bool restartable(const DhcpServerProcess& p) { return !p.foreground && p.same_root && !p.cmdline.empty(); }

  // Stop the process, wait until it is gone (the new one binds the same
  // sockets), start dnsmasq with `argv`.
  void restart_steps(Finding& x, const DhcpServerProcess& p, const std::vector<std::string>& argv,
                     const std::string& why, std::optional<FixStep> between = std::nullopt) const {
    const std::string pid = std::to_string(p.pid);
    x.fix.push_back(step("stop dnsmasq pid " + pid + " and wait until it is gone", "",
                         "kill " + pid + " && while kill -0 " + pid + " 2>/dev/null; do sleep 0.1; done"));
    if (between) x.fix.push_back(std::move(*between));
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + shell_word(a);
    x.fix.push_back(step("start it again with " + why, "", exec_words(o_.netns_arg) + cmd));
  }

  // (a') dhcp-ignore=tag:!known and no dhcp-host entry for a client that
  // asked: the fix names it in one, on the command line of a restart.
  bool unknown_client(const DhcpListener& l, const std::vector<MacAddr>& macs, bool answered) {
    const DhcpServerProcess& p = *l.server;
    if (!p.allow_list || !p.known_complete) return false;
    std::vector<MacAddr> unknown;
    for (const auto& m : macs)
      if (std::none_of(p.known_macs.begin(), p.known_macs.end(),
                       [&](const std::string& pat) { return dnsmasq_mac_matches(pat, m); }))
        unknown.push_back(m);
    if (unknown.empty()) return false;
    std::string who;
    for (const auto& m : unknown) who += (who.empty() ? "" : ", ") + m.to_string();
    const std::string pid = std::to_string(p.pid);
    Finding& x = add("C40", "dhcp-server-ignores-client",
                     "dnsmasq (pid " + pid + ") answers known clients only, and " + who + " is not one",
                     "with dhcp-ignore=tag:!known dnsmasq answers only the MACs a dhcp-host entry names and drops "
                     "every other client's requests without a word (a DISCOVER is never NAKed)");
    ignored_evidence(x, answered);
    const DnsmasqIgnore& a = *p.allow_list;
    x.evidence.push_back(fact("process", f_.served,
                              "dnsmasq pid " + pid + ": " +
                                  (a.file.empty() ? "--dhcp-ignore=" + a.entry + " on its command line"
                                                  : "dhcp-ignore=" + a.entry + " in " + a.file + " line " +
                                                        std::to_string(a.line)) +
                                  ", and " + std::to_string(p.known_macs.size()) + " dhcp-host MAC" +
                                  (p.known_macs.size() == 1 ? "" : "s") + ", none of them " + who));
    if (!restartable(p)) {
      r_.notes.push_back("C40: add a dhcp-host entry for " + who + " and restart dnsmasq pid " + pid +
                         (p.foreground ? " through what supervises it" : " (its root is not ours: no command is printed)"));
      return true;
    }
    std::vector<std::string> argv = p.cmdline;
    for (const auto& m : unknown) argv.push_back("--dhcp-host=" + m.to_string());
    restart_steps(x, p, argv, "the same arguments and a dhcp-host entry for " + who);
    return true;
  }

  // (a) dhcp-host=MAC,ignore for a client that asked.
  bool ignored_client(const DhcpListener& l, const std::vector<MacAddr>& macs, bool answered) {
    const DhcpServerProcess& p = *l.server;
    auto takes = [&](const std::string& pattern) {
      return std::any_of(macs.begin(), macs.end(), [&](const MacAddr& m) { return dnsmasq_mac_matches(pattern, m); });
    };
    std::vector<const DnsmasqIgnore*> hits;
    for (const auto& e : p.ignores)
      if (std::any_of(e.macs.begin(), e.macs.end(), takes)) hits.push_back(&e);
    if (hits.empty()) return false;
    std::string who;
    for (const auto& m : macs)
      for (const auto* e : hits)
        if (std::any_of(e->macs.begin(), e->macs.end(), [&](const std::string& pat) { return dnsmasq_mac_matches(pat, m); })) {
          if (who.find(m.to_string()) == std::string::npos) who += (who.empty() ? "" : ", ") + m.to_string();
        }
    const std::string pid = std::to_string(p.pid);
    Finding& x = add("C40", "dhcp-server-ignores-client",
                     "dnsmasq (pid " + pid + ") ignores " + who + ": it never answers its DISCOVERs",
                     "dnsmasq reads a dhcp-host entry with \"ignore\" for this MAC and drops its requests without a "
                     "word (a DISCOVER is never NAKed), while it still answers other clients; the client retries "
                     "until it gives up");
    ignored_evidence(x, answered);
    for (const auto* e : hits)
      x.evidence.push_back(fact("process", f_.served,
                                "dnsmasq pid " + pid + ": " +
                                    (e->file.empty() ? "--dhcp-host=" + e->entry + " on its command line"
                                                     : "dhcp-host=" + e->entry + " in " + e->file + " line " +
                                                           std::to_string(e->line))));
    if (!restartable(p)) {
      r_.notes.push_back("C40: remove the ignore entry and restart dnsmasq pid " + pid +
                         (p.foreground ? " through what supervises it (it runs in the foreground)"
                                       : " (its root is not ours: no command is printed)"));
      return true;
    }
    ignored_fix(x, p, hits, takes);
    return true;
  }

  void ignored_evidence(Finding& x, bool answered) const {
    if (!answered) {
      unanswered_evidence(x);
      return;
    }
    for (const auto& o : f_.offers)
      if (o.to_probe) {
        x.evidence.push_back(fact("observation", f_.served,
                                  "our probe from a fresh MAC (" + f_.probe_mac.to_string() + ") got an OFFER of " +
                                      o.address.to_string() + " from " + o.server));
        break;
      }
    const auto d = client_discovers();
    if (!d.empty())
      x.evidence.push_back(fact("packet", d.front()->interface,
                                std::to_string(d.size()) + " DISCOVER" + (d.size() == 1 ? "" : "s") + " from " +
                                    d.front()->client.to_string() + ", no OFFER to it"));
  }

  // The entries without the ignored clients' MACs: edited in their files
  // (sed, by line) or on the command line, then dnsmasq restarted (it reads
  // dhcp-host from its configuration at start only; SIGHUP does not).
  void ignored_fix(Finding& x, const DhcpServerProcess& p, const std::vector<const DnsmasqIgnore*>& hits,
                   const std::function<bool(const std::string&)>& takes) const {
    std::vector<std::string> argv = p.cmdline;
    std::vector<bool> drop(argv.size(), false);
    std::map<std::string, std::string> sed;  // file -> its -e expressions
    for (const auto* e : hits) {
      std::string kept;
      bool any_mac = false;
      for (const auto& token : split(e->entry, ',')) {
        if (takes(trim(token))) continue;
        any_mac = any_mac || is_mac_pattern(trim(token));
        kept += (kept.empty() ? "" : ",") + token;
      }
      const std::string line = std::to_string(e->line);
      if (!e->file.empty()) {
        sed[e->file] += " -e '" + line + (any_mac ? "c dhcp-host=" + kept : "d") + "'";
      } else if (e->arg > 0 && std::size_t(e->arg) < argv.size()) {
        std::string& a = argv[std::size_t(e->arg)];
        if (!any_mac) {
          drop[std::size_t(e->arg)] = true;
          if (e->arg_separate) drop[std::size_t(e->arg) - 1] = true;
        } else {
          a = a.substr(0, a.size() - e->entry.size()) + kept;
        }
      }
    }
    for (const auto& [file, exprs] : sed)
      x.fix.push_back(step("take the ignored MACs out of " + file, "", "sed -i" + exprs + " " + shell_word(file)));
    std::vector<std::string> next;
    for (std::size_t i = 0; i < argv.size(); ++i)
      if (!drop[i]) next.push_back(argv[i]);
    restart_steps(x, p, next, sed.empty() ? "the same arguments, less the ignore entry" : "the same arguments");
  }

  // (b) every address of the pool leased to other clients: Unknown when the
  // pool or its leases could not be read.
  enum class Pool { Unknown, Free, Full };
  Pool pool_state(const DhcpListener& l, std::string& detail) {
    const DhcpServerProcess& p = *l.server;
    std::vector<const DnsmasqRange*> pool;
    std::uint64_t size = 0;
    for (const auto& r : p.ranges)
      for (const auto& pre : f_.served_prefixes)
        if (pre.contains(r.start) && v4_value(r.end) >= v4_value(r.start)) {
          pool.push_back(&r);
          size += std::uint64_t(v4_value(r.end) - v4_value(r.start)) + 1;
          break;
        }
    const std::string pid = std::to_string(p.pid);
    if (pool.empty()) {
      detail = "dnsmasq pid " + pid + ": no dynamic pool read in " + f_.served + "'s subnet";
      return Pool::Unknown;
    }
    if (!p.leases_read) {
      detail = "dnsmasq pid " + pid + ": " + p.leases_unread;
      return Pool::Unknown;
    }
    std::vector<const DnsmasqLease*> held;
    for (const auto& lease : p.leases) {
      const bool live = lease.expiry == 0 || lease.expiry > f_.now;
      const bool inside = std::any_of(pool.begin(), pool.end(), [&](const DnsmasqRange* r) {
        return v4_value(lease.address) >= v4_value(r->start) && v4_value(lease.address) <= v4_value(r->end);
      });
      const bool asker = (o_.client && lease.mac == o_.client->to_string()) ||
                         (f_.probed && lease.mac == f_.probe_mac.to_string());
      if (live && inside && !asker) held.push_back(&lease);
    }
    std::string ranges;
    for (const auto* r : pool) ranges += (ranges.empty() ? "" : ", ") + r->start.to_string() + "-" + r->end.to_string();
    detail = "dnsmasq pid " + pid + ": " + std::to_string(held.size()) + " of the " + std::to_string(size) +
             " addresses of " + ranges + " leased to other clients";
    if (held.size() < size) return Pool::Free;
    exhausted_finding(p, held, size, ranges);
    return Pool::Full;
  }

  void exhausted_finding(const DhcpServerProcess& p, const std::vector<const DnsmasqLease*>& held,
                         std::uint64_t size, const std::string& ranges) {
    const std::string pid = std::to_string(p.pid);
    Finding& x = add("C40", "dhcp-server-ignores-client",
                     "dnsmasq (pid " + pid + ") has no free address: its pool " + ranges + " is leased to others",
                     "every address of the range is leased to another client and the leases have not expired, so "
                     "dnsmasq has nothing to offer a new client and stays silent (its log says \"no address "
                     "available\"); a DISCOVER is never NAKed. dnsmasq reads its lease file at start only: freeing "
                     "leases means stopping it, editing the file and starting it again");
    unanswered_evidence(x);
    x.evidence.push_back(fact("file", f_.served,
                              "lease file " + p.lease_file + " (" +
                                  (p.lease_file_given ? "--dhcp-leasefile" : "dnsmasq's default") + ") holds " +
                                  std::to_string(held.size()) + " unexpired leases in " + ranges + ", which has " +
                                  std::to_string(size) + " address" + (size == 1 ? "" : "es")));
    std::vector<std::string> gone;
    for (const auto* l : held) {
      const bool seen = std::any_of(f_.stations.begin(), f_.stations.end(),
                                    [&](const MacAddr& m) { return m.to_string() == l->mac; });
      if (f_.stations_known && !seen) gone.push_back(l->mac);
      if (x.evidence.size() < 12)
        x.evidence.push_back(fact("lease", f_.served,
                                  l->address.to_string() + " to " + l->mac +
                                      (l->hostname.empty() ? "" : " (" + l->hostname + ")") +
                                      (l->expiry == 0 ? ", never expires"
                                                      : ", expires in " + std::to_string(l->expiry - f_.now) + " s") +
                                      (!f_.stations_known ? ""
                                       : seen            ? "; " + f_.served + " has learned this MAC"
                                                         : "; " + f_.served + " has not learned this MAC")));
    }
    // Free only the leases of MACs the bridge has not learned (guests that
    // are gone); a pool full of present clients needs a wider range, which
    // is the operator's choice of addresses: said, not printed.
    if (gone.empty() || !restartable(p)) {
      r_.notes.push_back("C40: widen dnsmasq's --dhcp-range or free leases of guests that are gone, then restart "
                         "it (no command is printed: " +
                         std::string(gone.empty() ? (f_.stations_known ? "every lease's MAC is on " + f_.served
                                                                       : "who is present is unknown off a bridge")
                                                  : "it cannot be restarted as printed") + ")");
      return;
    }
    // dnsmasq rewrites the file from memory: stop it before the edit.
    std::string exprs;
    for (const auto& m : gone) exprs += " -e '/^[0-9]* " + m + " /d'";
    const std::string file_step = "sed -i" + exprs + " " + shell_word(p.lease_file);
    restart_steps(x, p, p.cmdline, "the same arguments", step("free the leases of the " + std::to_string(gone.size()) +
                                                               " MAC" + (gone.size() == 1 ? "" : "s") + " " +
                                                               f_.served + " has not learned", "", file_step));
  }

  // C40: a server that receives here, unfiltered, with a range for the
  // subnet, and still answers nobody, or not this client.
  bool ignores_client(bool answered) {
    const auto macs = unanswered_clients();
    for (const DhcpListener* l : listeners(true))
      if (l->server && l->server->dnsmasq && !macs.empty() &&
          (ignored_client(*l, macs, answered) || unknown_client(*l, macs, answered)))
        return true;
    if (answered) {
      check("dhcp-server-ignores-client", "ruled out",
            macs.empty() ? "a server answered" : "a server answered; no ignore entry for " + macs.front().to_string());
      return false;
    }
    std::string detail = "no dnsmasq receives on " + f_.served;
    bool unknown = true;
    for (const DhcpListener* l : listeners(true)) {
      if (!l->server || !l->server->dnsmasq) continue;
      const Pool s = pool_state(*l, detail);
      if (s == Pool::Full) return true;
      if (s == Pool::Free) unknown = false;
      if (s == Pool::Free) break;
    }
    check("dhcp-server-ignores-client", unknown ? "not observable" : "ruled out",
          unknown ? detail : detail + ", no ignore entry for the client");
    return false;
  }

  const DhcpFacts& f_;
  const DhcpDiagnoseOptions& o_;
  Report r_;
};

// ---- dnsmasq's settings ----------------------------------------------------------

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

class DnsmasqReader {
 public:
  DnsmasqReader(DhcpServerProcess& p, const std::function<std::optional<std::string>(const std::string&)>& read_file,
                const std::function<std::vector<std::string>(const std::string&)>& list_dir)
      : p_(p), read_file_(read_file), list_dir_(list_dir) {}

  // One setting, by its long name (without "--"), from the command line or
  // a file.
  void setting(const std::string& key, const std::string& value, int depth) {
    if (key == "interface") append(p_.interfaces, value);
    else if (key == "except-interface") append(p_.except_interfaces, value);
    else if (key == "no-dhcp-interface") append(p_.no_dhcp_interfaces, value);
    else if (key == "bind-interfaces" || key == "bind-dynamic") p_.bind_interfaces = true;
    else if (key == "dhcp-range") range(value);
    else if (key == "dhcp-host") host(value);
    else if (key == "dhcp-ignore") ignore_rule(value);
    else if (key == "dhcp-hostsfile" || key == "dhcp-hostsdir" || key == "read-ethers") p_.known_complete = false;
    else if (key == "dhcp-leasefile" && !value.empty()) {
      p_.lease_file = value;
      p_.lease_file_given = true;
    } else if (key == "leasefile-ro") p_.leasefile_ro = true;
    else if (key == "no-daemon" || key == "keep-in-foreground") p_.foreground = true;
    else if (key == "conf-file") file(value, depth);
    else if (key == "conf-dir") dir(value, depth);
  }

  // Where the next setting comes from: an argument of the command line.
  void from_argument(int arg, bool separate) {
    file_.clear();
    line_ = 0;
    arg_ = arg;
    arg_separate_ = separate;
  }

  void file(const std::string& path, int depth) {
    conf_given_ = true;
    if (path.empty() || path == "/dev/null") return;
    if (depth > 4) return;
    auto text = read_file_(path);
    if (!text) {
      complete_ = false;
      return;
    }
    const std::string outer_file = file_;
    const int outer_line = line_;
    int number = 0;
    for (const auto& raw : split(*text, '\n')) {
      ++number;
      std::string line = raw;
      if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
      line = trim(line);
      if (line.empty()) continue;
      file_ = path;
      line_ = number;
      const auto eq = line.find('=');
      setting(trim(line.substr(0, eq)), eq == std::string::npos ? "" : trim(line.substr(eq + 1)), depth + 1);
    }
    file_ = outer_file;
    line_ = outer_line;
  }

  bool conf_given() const { return conf_given_; }
  bool complete() const { return complete_; }

 private:
  static void append(std::vector<std::string>& to, const std::string& value) {
    for (const auto& v : split(value, ','))
      if (!v.empty()) to.push_back(trim(v));
  }

  void range(const std::string& value) {
    const auto tokens = split(value, ',');
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const std::string t = trim(tokens[i]);
      if (t.rfind("tag:", 0) == 0 || t.rfind("set:", 0) == 0 || t.rfind("net:", 0) == 0) continue;
      auto a = IpAddr::parse(t);
      if (!a) continue;  // an old-style tag name, a mode word
      if (!a->is_v4()) return;  // the first address decides: IPv6 ranges are not ours
      p_.range_starts.push_back(*a);
      // A pool has its end next; "static" or "proxy" there means none.
      if (i + 1 < tokens.size())
        if (auto end = IpAddr::parse(trim(tokens[i + 1])); end && end->is_v4())
          p_.ranges.push_back(DnsmasqRange{*a, *end});
      return;
    }
  }

  // dhcp-ignore=tag:!known: only the clients dhcp-host names are answered.
  void ignore_rule(const std::string& value) {
    if (trim(value) != "tag:!known") return;  // other tag sets are not modelled
    DnsmasqIgnore x;
    x.entry = value;
    x.file = file_;
    x.line = line_;
    x.arg = arg_;
    x.arg_separate = arg_separate_;
    p_.allow_list = x;
  }

  // dhcp-host=[MAC,..][,id:..][,set:..][,ADDRESS][,NAME][,TIME][,ignore]:
  // kept when it ignores at least one MAC.
  void host(const std::string& value) {
    DnsmasqIgnore x;
    bool ignore = false;
    for (const auto& token : split(value, ',')) {
      const std::string t = trim(token);
      if (t == "ignore") ignore = true;
      else if (is_mac_pattern(t)) x.macs.push_back(t);
    }
    if (!ignore) p_.known_macs.insert(p_.known_macs.end(), x.macs.begin(), x.macs.end());
    if (!ignore || x.macs.empty()) return;
    x.entry = value;
    x.file = file_;
    x.line = line_;
    x.arg = arg_;
    x.arg_separate = arg_separate_;
    p_.ignores.push_back(std::move(x));
  }

  void dir(const std::string& value, int depth) {
    const auto parts = split(value, ',');
    std::vector<std::string> only;
    for (std::size_t i = 1; i < parts.size(); ++i)
      if (parts[i].rfind("*", 0) == 0) only.push_back(parts[i].substr(1));
    for (const auto& name : list_dir_(parts[0])) {
      if (name.empty() || name.back() == '~' || name.front() == '.') continue;
      if (!only.empty() && std::none_of(only.begin(), only.end(), [&](const std::string& ext) {
            return name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
          }))
        continue;
      file(parts[0] + "/" + name, depth + 1);
    }
  }

  DhcpServerProcess& p_;
  const std::function<std::optional<std::string>(const std::string&)>& read_file_;
  const std::function<std::vector<std::string>(const std::string&)>& list_dir_;
  bool conf_given_ = false, complete_ = true;
  std::string file_;  // where the setting being read comes from
  int line_ = 0, arg_ = 0;
  bool arg_separate_ = false;
};

// dnsmasq's hardware address: an optional "TYPE-" then six colon-separated
// groups of one or two hex digits, or "*" (a wildcard byte).
std::optional<std::vector<std::string>> mac_groups(const std::string& pattern) {
  std::string p = pattern;
  if (auto dash = p.find('-'); dash != std::string::npos && dash <= 2 && p.find(':') > dash) p = p.substr(dash + 1);
  auto groups = split(p, ':');
  if (groups.size() != 6) return std::nullopt;
  for (const auto& g : groups) {
    if (g == "*") continue;
    if (g.empty() || g.size() > 2 || g.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      return std::nullopt;
  }
  return groups;
}

bool is_mac_pattern(const std::string& t) { return mac_groups(t).has_value(); }

// A DISCOVER as the firewall sees it: UDP 0.0.0.0:68 -> 255.255.255.255:67, a new flow.
PacketShape discover() {
  PacketShape p;
  p.l4proto = 17;
  p.sport = 68;
  p.dport = 67;
  p.saddr = IpAddr::v4(std::array<std::uint8_t, 4>{0, 0, 0, 0});
  p.daddr = IpAddr::v4(std::array<std::uint8_t, 4>{255, 255, 255, 255});
  return p;
}

}  // namespace

InputVerdict input_verdict_for_discover(const nft::Ruleset& rs, const std::string& iif, int iif_index) {
  return walk_filter_hook(rs, "input", HookDevices{iif, iif_index, "", 0}, discover());
}

InputVerdict forward_verdict_for_bridged_discover(const nft::Ruleset& rs, const std::string& bridge, int index) {
  return walk_filter_hook(rs, "forward", HookDevices{bridge, index, bridge, index}, discover());
}

DhcpServerProcess parse_dnsmasq(const std::vector<std::string>& cmdline,
                                const std::function<std::optional<std::string>(const std::string&)>& read_file,
                                const std::function<std::vector<std::string>(const std::string&)>& list_dir) {
  DhcpServerProcess p;
  p.dnsmasq = true;
  p.cmdline = cmdline;
  DnsmasqReader reader(p, read_file, list_dir);
  // Short options that take a value, by their long names.
  static const std::map<char, std::string> kShort{
      {'i', "interface"}, {'I', "except-interface"}, {'F', "dhcp-range"}, {'C', "conf-file"},
      {'7', "conf-dir"},  {'2', "no-dhcp-interface"}, {'G', "dhcp-host"}, {'l', "dhcp-leasefile"}};
  static const std::set<std::string> kWithValue{"interface", "except-interface", "dhcp-range", "conf-file",
                                                "conf-dir", "no-dhcp-interface", "dhcp-host", "dhcp-leasefile"};
  // Flags without a value that matter: -z binds, -d and -k stay in the
  // foreground, -9 keeps no lease file.
  static const std::map<char, std::string> kFlags{
      {'z', "bind-interfaces"}, {'d', "no-daemon"}, {'k', "keep-in-foreground"}, {'9', "leasefile-ro"}};
  for (std::size_t i = 1; i < cmdline.size(); ++i) {
    const std::string& a = cmdline[i];
    if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      const std::string key = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      std::string value;
      reader.from_argument(int(i), false);
      if (eq != std::string::npos) value = a.substr(eq + 1);
      else if (kWithValue.count(key) && i + 1 < cmdline.size()) {
        value = cmdline[++i];
        reader.from_argument(int(i), true);
      }
      reader.setting(key, value, 0);
    } else if (a.size() >= 2 && a[0] == '-') {
      if (auto flag = kFlags.find(a[1]); flag != kFlags.end()) {
        reader.setting(flag->second, "", 0);
        continue;
      }
      auto it = kShort.find(a[1]);
      if (it == kShort.end()) continue;
      std::string value = a.substr(2);
      reader.from_argument(int(i), false);
      if (value.empty() && i + 1 < cmdline.size()) {
        value = cmdline[++i];
        reader.from_argument(int(i), true);
      }
      reader.setting(it->second, value, 0);
    }
  }
  // Without -C, dnsmasq reads its compiled-in file (Debian: /etc/dnsmasq.conf).
  if (!reader.conf_given() && read_file("/etc/dnsmasq.conf")) reader.file("/etc/dnsmasq.conf", 0);
  p.ranges_known = reader.complete();
  return p;
}

std::vector<DnsmasqLease> parse_dnsmasq_leases(const std::string& text) {
  std::vector<DnsmasqLease> out;
  for (const auto& raw : split(text, '\n')) {
    std::vector<std::string> words;
    for (const auto& w : split(trim(raw), ' '))
      if (!w.empty()) words.push_back(w);
    // "duid SERVER-DUID" and the DHCPv6 lines (IAID in the MAC's place)
    // have no IPv4 address third.
    if (words.size() < 3 || words[0] == "duid") continue;
    auto address = IpAddr::parse(words[2]);
    if (!address || !address->is_v4()) continue;
    char* end = nullptr;
    const long long expiry = std::strtoll(words[0].c_str(), &end, 10);
    if (end == words[0].c_str() || *end != '\0') continue;
    DnsmasqLease l;
    l.expiry = expiry;
    l.mac = words[1];
    for (auto& c : l.mac) c = char(std::tolower(static_cast<unsigned char>(c)));
    l.address = *address;
    if (words.size() > 3 && words[3] != "*") l.hostname = words[3];
    out.push_back(std::move(l));
  }
  return out;
}

bool dnsmasq_mac_matches(const std::string& pattern, const MacAddr& mac) {
  const auto groups = mac_groups(pattern);
  if (!groups) return false;
  const auto bytes = split(mac.to_string(), ':');
  for (std::size_t i = 0; i < 6; ++i) {
    if ((*groups)[i] == "*") continue;
    if (std::strtoul((*groups)[i].c_str(), nullptr, 16) != std::strtoul(bytes[i].c_str(), nullptr, 16)) return false;
  }
  return true;
}

Report analyse_dhcp(const DhcpFacts& facts, const DhcpDiagnoseOptions& o) { return Judge(facts, o).run(); }

}  // namespace netlab::diag
