// The DHCP verdict from the facts alone (dhcp_facts.hpp): which of C52,
// C05, C07, C35, C36, C37, C38, C41 and C42 holds, with the evidence and a fix that works
// as printed. Also the two pure readers the collector uses: the hook walks
// of an nftables ruleset for a DISCOVER (nft_walk.hpp), and dnsmasq's settings.
#include "diag/dhcp_facts.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace netlab::diag {
namespace {

// ---- findings --------------------------------------------------------------------

Evidence fact(std::string type, std::string interface, std::string text) {
  Evidence e;
  e.type = std::move(type);
  e.interface = std::move(interface);
  e.text = std::move(text);
  return e;
}

FixStep step(std::string description, std::string netlab, std::string classic) {
  FixStep s;
  s.description = std::move(description);
  s.netlab = std::move(netlab);
  s.iproute2 = std::move(classic);
  return s;
}

// The words before a command run inside the namespace asked about.
std::string netlab_words(const DhcpDiagnoseOptions& o) {
  return "netlab " + (o.netns_arg.empty() ? std::string() : "-n " + o.netns_arg + " ");
}
std::string ip_words(const DhcpDiagnoseOptions& o) {
  return "ip " + (o.netns_arg.empty() ? std::string() : "-n " + o.netns_arg + " ");
}
std::string exec_words(const DhcpDiagnoseOptions& o) {
  return o.netns_arg.empty() ? std::string() : "ip netns exec " + o.netns_arg + " ";
}

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
      if (!(listeners(true).empty() && forward_filtered()) && !no_server() && !not_here() && !input_filtered())
        no_range();
    } else {
      for (const char* c : {"dhcp-forward-filtered", "no-dhcp-server", "dhcp-server-not-listening-here",
                            "dhcp-input-filtered", "dhcp-no-range-for-subnet"})
        check(c, "ruled out", answered ? "a server answered" : "no DHCP client asked during the watch");
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
    x.fix.push_back(step("bring it up", netlab_words(o_) + "link set dev " + l.name + " up",
                         ip_words(o_) + "link set dev " + l.name + " up"));
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
      x.fix.push_back(step("turn STP off on " + f_.served, netlab_words(o_) + "bridge stp " + f_.served + " off",
                           ip_words(o_) + "link set dev " + f_.served + " type bridge stp_state 0"));
      x.fix.push_back(step("bounce the port so it forwards at once", netlab_words(o_) + "link set dev " + p.name + " down",
                           ip_words(o_) + "link set dev " + p.name + " down"));
      x.fix.push_back(step("", netlab_words(o_) + "link set dev " + p.name + " up",
                           ip_words(o_) + "link set dev " + p.name + " up"));
    }
    return true;
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
                           netlab_words(o_) + "link set dev " + o.port + " nomaster",
                           ip_words(o_) + "link set dev " + o.port + " nomaster"));
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
                         "", exec_words(o_) + nft_command("insert rule " + v.family + " " + v.table + " " + v.base_chain +
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
                             exec_words(o_) + dnsmasq_for(f_.served, *range)));
    } else {
      x.fix.push_back(step("give " + f_.served + " the lab's gateway address first: a server answers on a subnet",
                           netlab_words(o_) + "addr add 192.0.2.1/24 dev " + f_.served,
                           ip_words(o_) + "addr add 192.0.2.1/24 dev " + f_.served));
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
                             "", exec_words(o_) + dnsmasq_for(f_.served, *range)));
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
                         exec_words(o_) + nft_command("insert rule " + v.family + " " + v.table + " " + v.base_chain + " " + rule)));
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
                           netlab_words(o_) + "addr add " + prefix + " dev " + f_.served,
                           ip_words(o_) + "addr add " + prefix + " dev " + f_.served));
      return true;
    }
    check("dhcp-no-range-for-subnet", "not observable", "no dnsmasq whose ranges could be read serves " + f_.served);
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
    else if (key == "conf-file") file(value, depth);
    else if (key == "conf-dir") dir(value, depth);
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
    for (const auto& raw : split(*text, '\n')) {
      std::string line = raw;
      if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
      line = trim(line);
      if (line.empty()) continue;
      const auto eq = line.find('=');
      setting(trim(line.substr(0, eq)), eq == std::string::npos ? "" : trim(line.substr(eq + 1)), depth + 1);
    }
  }

  bool conf_given() const { return conf_given_; }
  bool complete() const { return complete_; }

 private:
  static void append(std::vector<std::string>& to, const std::string& value) {
    for (const auto& v : split(value, ','))
      if (!v.empty()) to.push_back(trim(v));
  }

  void range(const std::string& value) {
    for (const auto& token : split(value, ',')) {
      const std::string t = trim(token);
      if (t.rfind("tag:", 0) == 0 || t.rfind("set:", 0) == 0 || t.rfind("net:", 0) == 0) continue;
      auto a = IpAddr::parse(t);
      if (!a) continue;  // an old-style tag name, a mode word
      if (a->is_v4()) p_.range_starts.push_back(*a);
      return;  // the first address decides: IPv6 ranges are not ours
    }
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
};

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
  static const std::map<char, std::string> kShort{{'i', "interface"}, {'I', "except-interface"},
                                                  {'F', "dhcp-range"}, {'C', "conf-file"}, {'7', "conf-dir"},
                                                  {'2', "no-dhcp-interface"}};
  static const std::set<std::string> kWithValue{"interface", "except-interface", "dhcp-range", "conf-file",
                                                "conf-dir", "no-dhcp-interface"};
  for (std::size_t i = 1; i < cmdline.size(); ++i) {
    const std::string& a = cmdline[i];
    if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      const std::string key = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      std::string value;
      if (eq != std::string::npos) value = a.substr(eq + 1);
      else if (kWithValue.count(key) && i + 1 < cmdline.size()) value = cmdline[++i];
      reader.setting(key, value, 0);
    } else if (a.size() >= 2 && a[0] == '-') {
      if (a[1] == 'z') {
        reader.setting("bind-interfaces", "", 0);
        continue;
      }
      auto it = kShort.find(a[1]);
      if (it == kShort.end()) continue;
      std::string value = a.substr(2);
      if (value.empty() && i + 1 < cmdline.size()) value = cmdline[++i];
      reader.setting(it->second, value, 0);
    }
  }
  // Without -C, dnsmasq reads its compiled-in file (Debian: /etc/dnsmasq.conf).
  if (!reader.conf_given() && read_file("/etc/dnsmasq.conf")) reader.file("/etc/dnsmasq.conf", 0);
  p.ranges_known = reader.complete();
  return p;
}

Report analyse_dhcp(const DhcpFacts& facts, const DhcpDiagnoseOptions& o) { return Judge(facts, o).run(); }

}  // namespace netlab::diag
