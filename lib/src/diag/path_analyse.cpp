// The path verdict from the facts alone (path_facts.hpp): which of C43,
// C46, C11, C45, C44, C48 and C47 holds (two guests of one bridge: C18) (an overlay: C49, C50), with the evidence, a fix that works as
// printed, and the hops as the kernel decides them. The causes are tried
// in the packet's order (route, filter, NAT), so a consequence is never
// named for its cause: a host that does not forward has no NAT to judge.
#include "diag/finding_parts.hpp"
#include "diag/path_facts.hpp"

#include <algorithm>
#include <cerrno>

namespace netlab::diag {
namespace {

// A step with only the classic command (nft, sysctl, ip): netlab writes neither.
FixStep step_(std::string description, std::string classic) { return step(std::move(description), "", std::move(classic)); }

std::string protocol_text(const PathFacts& f) {
  switch (f.protocol) {
    case PathProtocol::Icmp: return "ICMP echo";
    case PathProtocol::Udp: return "UDP to port " + std::to_string(f.port);
    case PathProtocol::Tcp: return "TCP SYN to port " + std::to_string(f.port);
  }
  return "";
}

std::string route_text(const Route& r) {
  std::string t = r.is_default() ? "default" : r.dst.to_string();
  if (r.gateway) t += " via " + r.gateway->to_string();
  t += " dev " + r.dev;
  if (r.table != kTableMain) t += " table " + std::to_string(r.table);
  return t;
}

const Route* out_route(const PathFacts& f) {
  if (f.forward.route && !f.forward.error) return &*f.forward.route;
  if (f.host.route && !f.host.error) return &*f.host.route;
  return nullptr;
}

class Judge {
 public:
  Judge(const PathFacts& f, const PathDiagnoseOptions& o) : f_(f), o_(o) {}

  Report run() {
    r_.title = "netlab path diagnose " + f_.from.to_string() + " " + f_.to.to_string();
    r_.interface = f_.guest_link.name;
    r_.target = f_.to;
    r_.problem = "the path fails";
    r_.passive = f_.passive;
    r_.duration_s = f_.duration_s;
    if (f_.overlay) return overlay();
    if (f_.bridged) return bridged();
    hops();
    // In the packet's order: the first that holds explains what follows.
    bool stopped = forwarding_disabled() || no_route() || source_check() || forward_drop();
    if (!stopped) stopped = return_filtered();
    if (!stopped) no_masquerade();
    if (!stopped) pmtu_blackhole();
    wrong_gateway();
    verdict();
    notes();
    return r_;
  }

 private:
  // TO answered: seen arriving on the way out, or going on toward the guest
  // (an answer may come back by another device than the way out).
  bool works() const { return f_.replies_out > 0 || f_.replies_in > 0; }
  bool traffic() const { return f_.seen_in > 0; }

  void check(const std::string& cause, bool found, const std::string& detail) {
    r_.checked.push_back(Check{cause, found ? "found" : "ruled out", detail});
  }

  Evidence sysctl_fact(const std::string& key, long value) {
    Evidence e = fact("sysctl", "", "net." + key + " = " + std::to_string(value));
    e.attrs = {{"key", "net." + key}, {"value", std::to_string(value)}};
    return e;
  }

  std::string watch_text() const {
    std::string t = std::to_string(f_.seen_in) + " " + protocol_text(f_) + " from " + f_.from.to_string() + " to " +
                    f_.to.to_string() + " on " + f_.guest_link.name;
    const Route* out = out_route(f_);
    if (out) t += ", " + std::to_string(f_.seen_out) + " left on " + out->dev;
    return t + (f_.probed ? " (our probe, " + std::to_string(f_.probe_sent) + " sent)" : " (the guest's own)");
  }

  void add_kernel(Finding& fd, const std::string& reason) {
    for (const auto& d : f_.kernel_drops) {
      if (d.beyond || (!reason.empty() && d.reason != reason)) continue;
      Evidence e = fact("kernel", d.interface, "the kernel dropped the probe at " + d.location + " (" + d.reason + ") on " + d.interface);
      e.count = 1;
      e.probable = d.probable;
      e.attrs = {{"reason", d.reason}, {"location", d.location}};
      fd.evidence.push_back(std::move(e));
      return;  // one line is the evidence; the rest are its repetitions
    }
  }

  bool forwarding_disabled() {
    const bool off = (f_.ip_forward && *f_.ip_forward == 0) || (f_.guest_forwarding && *f_.guest_forwarding == 0);
    const bool refused = f_.forward.error != 0 && f_.forward.error != ENETUNREACH;
    const bool found = off && refused && f_.host.route && !f_.host.error;
    check("C43", found, off ? "forwarding is off, but the route lookup did not refuse for it" : "forwarding is on");
    if (!found) return false;
    Finding fd;
    fd.cause = "forwarding-disabled";
    fd.id = "C43";
    fd.summary = "the host does not forward: " + f_.guest_link.name + " has forwarding off";
    fd.explanation = "with forwarding off on the input device the kernel's input route lookup refuses a route for a "
                     "packet not addressed to the host, and drops it without an ICMP error";
    fd.evidence.push_back(fact("route", f_.guest_link.name,
                               "ip route get " + f_.to.to_string() + " from " + f_.from.to_string() + " iif " +
                                   f_.guest_link.name + ": " + f_.forward.message));
    fd.evidence.push_back(fact("route", "", "ip route get " + f_.to.to_string() + ": " + route_text(*f_.host.route)));
    if (f_.ip_forward) fd.evidence.push_back(sysctl_fact("ipv4.ip_forward", *f_.ip_forward));
    if (f_.guest_forwarding)
      fd.evidence.push_back(sysctl_fact("ipv4.conf." + f_.guest_link.name + ".forwarding", *f_.guest_forwarding));
    if (traffic()) fd.evidence.push_back(fact("observation", f_.guest_link.name, watch_text()));
    add_kernel(fd, "");
    if (f_.ip_forward && *f_.ip_forward == 0)
      fd.fix.push_back(step_("turn forwarding on (every device)", exec_words(o_.netns_arg) + "sysctl -w net.ipv4.ip_forward=1"));
    else
      fd.fix.push_back(step_("turn forwarding on for " + f_.guest_link.name,
                            exec_words(o_.netns_arg) + "sysctl -w net/ipv4/conf/" + f_.guest_link.name + "/forwarding=1"));
    r_.findings.push_back(std::move(fd));
    return true;
  }

  bool no_route() {
    const bool found = f_.forward.error == ENETUNREACH || (f_.forward.error && f_.host.error == ENETUNREACH);
    check("C46", found, f_.forward.route ? "the kernel routes it: " + route_text(*f_.forward.route) : f_.forward.message);
    if (!found) return false;
    Finding fd;
    fd.cause = "no-route-to-destination";
    fd.id = "C46";
    fd.summary = "the host has no route toward " + f_.to.to_string();
    fd.explanation = "the forwarded packet matches no route (no default route either); the host answers ICMP net "
                     "unreachable and drops it";
    fd.evidence.push_back(fact("route", f_.guest_link.name,
                               "ip route get " + f_.to.to_string() + " from " + f_.from.to_string() + " iif " +
                                   f_.guest_link.name + ": " + f_.forward.message));
    if (traffic()) fd.evidence.push_back(fact("observation", f_.guest_link.name, watch_text()));
    add_kernel(fd, "IP_INNOROUTES");
    // The gateway is the uplink's, which only the lab's owner knows: no command is printed.
    fd.fix.push_back(step_("add a route toward " + f_.to.to_string() +
                              " (its prefix, or a default route) through the uplink's gateway: ip route add default "
                              "via GATEWAY dev UPLINK",
                          ""));
    r_.findings.push_back(std::move(fd));
    return true;
  }

  bool forward_drop() {
    const HookVerdict& v = f_.filter;
    if (!v.read) {
      r_.checked.push_back(Check{"C45", "not observable", "the ruleset was not read: " + v.unread});
      return false;
    }
    const bool counter_rose = v.counter_before && v.counter_after && *v.counter_after > *v.counter_before;
    const bool kernel = std::any_of(f_.kernel_drops.begin(), f_.kernel_drops.end(),
                                    [](const KernelDrop& d) { return d.reason == "NETFILTER_DROP" && !d.beyond; });
    const bool stuck = traffic() && f_.seen_out == 0;
    const bool proven = v.certain || counter_rose || (stuck && kernel);
    check("C45", v.drop && (proven || !traffic()),
          v.drop ? "a drop that the probe passed" : "no chain on the forward hook drops it");
    if (!v.drop || (!proven && traffic())) return false;
    Finding fd;
    fd.cause = "forward-filter-drop";
    fd.id = "C45";
    fd.severity = proven ? Severity::Fault : Severity::Warning;
    fd.provisional = !traffic();
    const std::string where = v.family + " " + v.table + " " + v.chain;
    fd.summary = "the forward hook drops the guest's packets: " + where +
                 (v.policy ? " policy drop" : " rule handle " + std::to_string(v.handle));
    fd.explanation = "every base chain on the forward hook runs, each with its own policy: an accept in one does not "
                     "stop another's drop, and nothing here accepts " + f_.guest_link.name + " to the way out";
    Evidence rule = fact("nftables", "", v.policy ? "chain " + where + " has policy drop and no rule accepts the probe"
                                                  : "rule `" + v.rule + "` (handle " + std::to_string(v.handle) +
                                                        ") in " + where + " drops it");
    rule.attrs = {{"family", v.family}, {"table", v.table}, {"chain", v.chain}};
    if (!v.policy) rule.attrs.emplace_back("handle", std::to_string(v.handle));
    fd.evidence.push_back(std::move(rule));
    if (counter_rose)
      fd.evidence.push_back(fact("nftables", "", "its counter rose from " + std::to_string(*v.counter_before) + " to " +
                                                     std::to_string(*v.counter_after) + " packets during the watch"));
    if (traffic()) fd.evidence.push_back(fact("observation", f_.guest_link.name, watch_text()));
    add_kernel(fd, "NETFILTER_DROP");
    const Route* out = out_route(f_);
    const std::string out_dev = out ? out->dev : "UPLINK";
    const std::string head = "insert rule " + v.family + " " + v.table + " " + v.base_chain + " ";
    fd.fix.push_back(step_("accept the guests' packets on their way out",
                          exec_words(o_.netns_arg) + nft_command(head + "iifname \"" + f_.guest_link.name + "\" oifname \"" +
                                                       out_dev + "\" accept")));
    fd.fix.push_back(step_("and the answers on their way back",
                          exec_words(o_.netns_arg) + nft_command(head + "iifname \"" + out_dev + "\" oifname \"" +
                                                       f_.guest_link.name + "\" ct state established,related accept")));
    r_.findings.push_back(std::move(fd));
    return proven;
  }

  // The kernel's input lookup refusing a source: EXDEV, or (since the
  // lookup returns drop reasons, 6.13) EINVAL for every such refusal.
  static bool refused_source(const Lookup& l) { return l.error == EXDEV || l.error == EINVAL; }

  Evidence rp_fact(const std::string& dev, long own) {
    Evidence e = fact("sysctl", dev, "net.ipv4.conf." + dev + ".rp_filter = " + std::to_string(own) +
                                         ", net.ipv4.conf.all.rp_filter = " + std::to_string(f_.rp_all.value_or(0)) +
                                         " (the larger holds: 1 is strict)");
    e.attrs = {{"key", "net.ipv4.conf." + dev + ".rp_filter"}, {"value", std::to_string(own)},
               {"all", std::to_string(f_.rp_all.value_or(0))}};
    return e;
  }

  // C11 on the way out: the source check refuses FROM on the guest's device
  // because the host's own route to FROM leaves by another (a stale route).
  bool source_check() {
    const bool strict = std::max(f_.rp_all.value_or(0), f_.rp_guest.value_or(0)) >= 1;
    const bool found = refused_source(f_.forward) && strict;
    if (!found) return false;
    check("C11", true, "the input lookup refuses " + f_.from.to_string() + " on " + f_.guest_link.name);
    Finding fd;
    fd.cause = "reverse-path-filter";
    fd.id = "C11";
    const Route* back = f_.reverse.route && !f_.reverse.error ? &*f_.reverse.route : nullptr;
    fd.summary = "the reverse-path filter drops the guest's packets on " + f_.guest_link.name +
                 (back ? ": the host's route to " + f_.from.to_string() + " leaves by " + back->dev : std::string());
    fd.explanation = "with rp_filter 1 (strict) a packet is accepted only if the host's own route back to its source "
                     "leaves by the device it came in on; a route that sends " + f_.from.to_string() +
                     " elsewhere (a stale host route of an earlier guest) makes the kernel drop everything the guest sends";
    fd.evidence.push_back(fact("route", f_.guest_link.name,
                               "ip route get " + f_.to.to_string() + " from " + f_.from.to_string() + " iif " +
                                   f_.guest_link.name + ": " + f_.forward.message + " (the source check refuses it)"));
    if (back) fd.evidence.push_back(fact("route", back->dev, "ip route get " + f_.from.to_string() + ": " + route_text(*back)));
    if (f_.rp_guest) fd.evidence.push_back(rp_fact(f_.guest_link.name, *f_.rp_guest));
    if (traffic()) fd.evidence.push_back(fact("observation", f_.guest_link.name, watch_text()));
    add_kernel(fd, "IP_RPFILTER");
    const bool own_subnet = std::any_of(f_.guest_prefixes.begin(), f_.guest_prefixes.end(),
                                        [&](const Prefix& p) { return p.network().contains(f_.from); });
    if (back && back->dev != f_.guest_link.name && own_subnet && !back->is_default()) {
      // Without it, the guest's device's own subnet route takes FROM again.
      const std::string table = back->table != kTableMain ? " table " + std::to_string(back->table) : "";
      const std::string words = "route del " + back->dst.to_string() + " dev " + back->dev + table;
      fd.fix.push_back(step("delete the route that sends " + f_.from.to_string() + " to " + back->dev,
                            netlab_words(o_.netns_arg) + words, ip_words(o_.netns_arg) + words));
    } else {
      fd.fix.push_back(step_("check sources loosely on " + f_.guest_link.name + " (any route back will do)",
                             exec_words(o_.netns_arg) + "sysctl -w net/ipv4/conf/" + f_.guest_link.name + "/rp_filter=2"));
    }
    r_.findings.push_back(std::move(fd));
    return true;
  }

  // C11 on the way back: TO's answers arrive on a device the host's route
  // to TO does not leave by, and that device's strict source check drops them.
  bool return_filtered() {
    const StrictDevice* dev = nullptr;
    for (const auto& s : f_.strict)
      if (s.name == f_.back_dev) dev = &s;
    const bool found = dev && refused_source(f_.back);
    if (f_.strict.empty()) {
      check("C11", false, "no device but the way out checks sources strictly");
      return false;
    }
    check("C11", found, dev ? "answers came back on " + dev->name + " and the kernel accepts them there"
                            : "no answer came back by a device that checks sources strictly");
    if (!found) return false;
    const Route* out = out_route(f_);
    Finding fd;
    fd.cause = "reverse-path-filter";
    fd.id = "C11";
    fd.summary = "the answers from " + f_.to.to_string() + " come back on " + dev->name +
                 ", where the reverse-path filter drops them" + (out ? ": the route to it leaves by " + out->dev : "");
    fd.explanation = "the path is asymmetric: the packets leave by one device and the answers return by another; "
                     "with rp_filter 1 (strict) there, the kernel accepts a packet only if its route back to the "
                     "source leaves by the device it came in on, so every answer is dropped on arrival";
    if (dev->replies)
      fd.evidence.push_back(fact("observation", dev->name,
                                 std::to_string(dev->replies) + " answers from " + f_.to.to_string() + " arrived on " +
                                     dev->name + ", " + std::to_string(f_.replies_in) + " went on toward the guest"));
    if (out) fd.evidence.push_back(fact("route", out->dev, "ip route get " + f_.to.to_string() + ": " + route_text(*out)));
    const IpAddr dst = f_.out_source.value_or(f_.from);
    fd.evidence.push_back(fact("route", dev->name,
                               "ip route get " + dst.to_string() + " from " + f_.to.to_string() + " iif " + dev->name +
                                   ": " + f_.back.message + " (the source check refuses it)"));
    fd.evidence.push_back(rp_fact(dev->name, dev->own));
    add_kernel(fd, "IP_RPFILTER");
    fd.fix.push_back(step_("check sources loosely on " + dev->name + " (any route back will do)",
                           exec_words(o_.netns_arg) + "sysctl -w net/ipv4/conf/" + dev->name + "/rp_filter=2"));
    r_.findings.push_back(std::move(fd));
    return true;
  }

  // ---- a bridged path: two guests of one bridge, through br_netfilter ------------

  Report bridged() {
    r_.problem = f_.from.to_string() + " and " + f_.to.to_string() + " do not reach each other over " + f_.guest_link.name;
    bridged_hops();
    br_netfilter_drop();
    verdict();
    notes();
    return r_;
  }

  void bridged_hops() {
    const std::string& br = f_.guest_link.name;
    const std::string in_dev = f_.guest_port.empty() ? br : f_.guest_port;
    std::string in = "from " + f_.from.to_string();
    if (f_.guest_mac) in += " (" + f_.guest_mac->to_string() + (f_.guest_port.empty() ? "" : " on port " + f_.guest_port) + ")";
    in += f_.probed ? ", " + std::to_string(f_.probe_sent) + " probes sent into " + br
                    : ", " + std::to_string(f_.seen_in) + " seen";
    hop("in", f_.probed || traffic() ? "forwarded" : "unknown", in_dev, in);
    hop("bridge", "forwarded", br,
        f_.to.to_string() + " is-at " + f_.to_mac->to_string() + (f_.to_port.empty() ? "" : " on port " + f_.to_port) +
            " (bridge-nf-call-iptables = 1: through the IPv4 forward hook)",
        {{"port", f_.to_port}, {"mac", f_.to_mac->to_string()}});
    if (!netfilter_hops()) return;
    const bool seen_any = f_.probed || traffic();
    hop("out", f_.seen_out ? "forwarded" : seen_any ? "dropped" : "unknown", f_.to_port,
        std::to_string(f_.seen_out) + " left on " + (f_.to_port.empty() ? "TO's port" : f_.to_port));
    hop("back", f_.replies_in ? "forwarded" : f_.replies_out ? "dropped" : "unknown", in_dev,
        std::to_string(f_.replies_out) + " answers from " + f_.to.to_string() + " arrived, " +
            std::to_string(f_.replies_in) + " went on toward the guest");
  }

  // C18 on the path: the forward hook, met by IPv4 bridged between two ports
  // (bridge-nf-call-iptables), drops it.
  void br_netfilter_drop() {
    const HookVerdict& v = f_.filter;
    const std::string& br = f_.guest_link.name;
    if (!v.read) {
      r_.checked.push_back(Check{"C18", "not observable", "the ruleset was not read: " + v.unread});
      return;
    }
    const bool counter_rose = v.counter_before && v.counter_after && *v.counter_after > *v.counter_before;
    const bool kernel = std::any_of(f_.kernel_drops.begin(), f_.kernel_drops.end(),
                                    [](const KernelDrop& d) { return d.reason == "NETFILTER_DROP" && !d.beyond; });
    const bool sent = f_.probed ? f_.probe_sent > 0 : traffic();
    const bool proven = v.certain || counter_rose || (sent && f_.seen_out == 0 && kernel);
    check("C18", v.drop && (proven || !sent),
          v.drop ? "a drop that the probe passed" : "no chain on the forward hook drops " + br + " to " + br);
    if (!v.drop || (!proven && sent)) return;
    Finding fd;
    fd.cause = "br-netfilter-forward-drop";
    fd.id = "C18";
    fd.severity = proven ? Severity::Fault : Severity::Warning;
    fd.provisional = !sent;
    const std::string where = v.family + " " + v.table + " " + v.chain;
    fd.summary = "IPv4 bridged between the guests of " + br + " goes through the forward hook, and " + where +
                 (v.policy ? " drops it by its policy" : " drops it (rule handle " + std::to_string(v.handle) + ")");
    fd.explanation = "with br_netfilter and bridge-nf-call-iptables=1, IPv4 frames bridged between two ports go "
                     "through the IPv4 forward hook with the bridge as in and out device; a chain there (a FORWARD "
                     "policy drop, as Docker sets) discards guest-to-guest traffic while ARP, which is no IP, still "
                     "resolves";
    Evidence sys = fact("sysctl", br, "net.bridge.bridge-nf-call-iptables = 1");
    sys.attrs = {{"key", "net.bridge.bridge-nf-call-iptables"}, {"value", "1"}};
    fd.evidence.push_back(std::move(sys));
    Evidence rule = fact("nftables", "", v.policy ? "chain " + where + " has policy drop and no rule accepts " + br + " to " + br
                                                  : "rule `" + v.rule + "` (handle " + std::to_string(v.handle) +
                                                        ") in " + where + " drops it");
    rule.attrs = {{"family", v.family}, {"table", v.table}, {"chain", v.chain}};
    if (!v.policy) rule.attrs.emplace_back("handle", std::to_string(v.handle));
    fd.evidence.push_back(std::move(rule));
    if (counter_rose)
      fd.evidence.push_back(fact("nftables", "", "its counter rose from " + std::to_string(*v.counter_before) + " to " +
                                                     std::to_string(*v.counter_after) + " packets during the watch"));
    if (sent)
      fd.evidence.push_back(fact("observation", f_.to_port,
                                 std::to_string(f_.probed ? f_.probe_sent : f_.seen_in) + " " + protocol_text(f_) +
                                     " from " + f_.from.to_string() + " to " + f_.to.to_string() + " entered " + br +
                                     ", " + std::to_string(f_.seen_out) + " left on " + f_.to_port));
    add_kernel(fd, "NETFILTER_DROP");
    fd.fix.push_back(step_("accept what " + br + " bridges between its own ports, first in the chain (or turn "
                           "bridge-nf-call-iptables off)",
                           exec_words(o_.netns_arg) + nft_command("insert rule " + v.family + " " + v.table + " " +
                                                                  v.base_chain + " iifname \"" + br + "\" oifname \"" +
                                                                  br + "\" accept")));
    r_.findings.push_back(std::move(fd));
  }

  // ---- the overlay (VXLAN between hosts) --------------------------------------

  Report overlay() {
    r_.problem = f_.to.to_string() + " does not answer over the overlay";
    overlay_hops();
    vxlan_no_remote();
    vxlan_mtu();
    vxlan_vni_mismatch();
    const bool fault = std::any_of(r_.findings.begin(), r_.findings.end(),
                                   [](const Finding& x) { return x.severity == Severity::Fault; });
    r_.verdict = fault ? Verdict::Fault : f_.to_answers ? Verdict::Ok : Verdict::Unexplained;
    if (r_.verdict == Verdict::Unexplained) verdict();  // the kernel's drops
    if (f_.passive) r_.notes.push_back("passive: nothing was asked over the overlay; the verdict rests on the tables");
    if (!f_.kernel_unavailable.empty()) r_.notes.push_back("the kernel's drops were not read: " + f_.kernel_unavailable);
    return r_;
  }

  std::string vxlan_text(const VxlanPort& v) const {
    const VxlanInfo& x = *v.link.vxlan;
    std::string t = v.link.name + ": vxlan id " + std::to_string(x.id) + " dstport " + std::to_string(x.dstport);
    if (x.remote) t += " remote " + x.remote->to_string();
    if (x.group) t += " group " + x.group->to_string();
    if (!x.link_name.empty()) t += " dev " + x.link_name;
    t += std::string(x.learning ? "" : " nolearning") + " mtu " + std::to_string(v.link.mtu);
    return t;
  }

  void overlay_hops() {
    hop("in", "forwarded", f_.guest_link.name, "from " + f_.from.to_string() + " on bridge " + f_.guest_link.name);
    if (f_.to_mac)
      hop("bridge", "forwarded", f_.guest_link.name, f_.to.to_string() + " is-at " + f_.to_mac->to_string());
    for (const auto& v : f_.vxlans) {
      std::string remotes;
      if (v.link.vxlan->remote) remotes = v.link.vxlan->remote->to_string();
      if (v.link.vxlan->group) remotes = v.link.vxlan->group->to_string();
      if (v.to_remote) remotes = v.to_remote->to_string();
      for (const auto& a : v.flood) remotes += (remotes.empty() ? "" : ",") + a.to_string();
      hop("vxlan", remotes.empty() ? "dropped" : "forwarded", v.link.name,
          vxlan_text(v) + (remotes.empty() ? ", no VTEP to send to" : ", to " + remotes),
          {{"vni", std::to_string(v.link.vxlan->id)}, {"remotes", remotes}});
      if (!v.underlay.empty())
        hop("underlay", "forwarded", v.underlay, v.underlay + " mtu " + std::to_string(v.underlay_mtu));
    }
    hop("back", f_.to_answers ? "forwarded" : f_.probed ? "dropped" : "unknown", f_.guest_link.name,
        f_.to_answers ? f_.to.to_string() + " answered ARP (asked as " + f_.arp_from + ")"
                      : f_.probed ? "no answer to ARP for " + f_.to.to_string() : "nothing asked");
  }

  // A VXLAN port with no VTEP for TO: no remote, no group, no flood entry
  // and no entry for TO's MAC.
  void vxlan_no_remote() {
    const VxlanPort* bare = nullptr;
    for (const auto& v : f_.vxlans)
      if (!v.link.vxlan->remote && !v.link.vxlan->group && v.flood.empty() && !v.to_remote) bare = &v;
    check("C49", bare && !f_.to_answers, bare ? "TO answered anyway" : "every VXLAN port has a VTEP to send to");
    if (!bare || f_.to_answers) return;
    Finding fd;
    fd.cause = "vxlan-no-remote";
    fd.id = "C49";
    fd.summary = bare->link.name + " has no remote VTEP: broadcasts and unknown unicast go nowhere";
    fd.explanation = "without remote or group, a VXLAN device sends only to the VTEPs of its forwarding entries; "
                     "with no entry for the destination and no all-zeros flood entry, ARP never leaves the host";
    fd.evidence.push_back(fact("link", bare->link.name, vxlan_text(*bare)));
    fd.evidence.push_back(fact("fdb", bare->link.name, "bridge fdb show dev " + bare->link.name +
                                                           ": no 00:00:00:00:00:00 entry with a dst, none for " +
                                                           f_.to.to_string()));
    if (f_.probed)
      fd.evidence.push_back(fact("observation", f_.guest_link.name,
                                 std::to_string(f_.probe_sent) + " ARP requests for " + f_.to.to_string() + ", no answer"));
    add_kernel(fd, "");
    // The other VTEP's underlay address is the lab's: described, no command.
    fd.fix.push_back(step_("on both hosts, a flood entry toward the other VTEP: netlab bridge fdb append "
                          "00:00:00:00:00:00 dev " + bare->link.name + " dst OTHER_VTEP (or create it with remote)",
                          ""));
    r_.findings.push_back(std::move(fd));
  }

  // The words that make a VXLAN device again as `v` is, but with `vni`:
  // netlab's grammar, or iproute2's (whose mtu goes before the type).
  std::string vxlan_add_words(const VxlanPort& v, std::uint32_t vni, bool ip) const {
    const VxlanInfo& x = *v.link.vxlan;
    const std::string mtu = " mtu " + std::to_string(v.link.mtu);
    std::string t = "link add " + v.link.name + (ip ? mtu : "") + " type vxlan id " + std::to_string(vni);
    if (x.remote) t += " remote " + x.remote->to_string();
    if (x.group) t += " group " + x.group->to_string();
    if (x.local) t += " local " + x.local->to_string();
    t += " dstport " + std::to_string(x.dstport);
    if (!x.link_name.empty()) t += " dev " + x.link_name;
    if (x.ttl) t += " ttl " + std::to_string(x.ttl);
    if (!x.learning) t += " nolearning";
    return t + (ip ? "" : mtu);
  }

  // C51: VXLAN packets from a far VTEP arrive with a VNI no device here has
  // on that port; the kernel drops them (VXLAN_VNI_NOT_FOUND), and ours die
  // the same way there.
  void vxlan_vni_mismatch() {
    const ForeignVni* x = f_.foreign_vnis.empty() ? nullptr : &f_.foreign_vnis.front();
    const VxlanPort* ours = nullptr;
    if (x)
      for (const auto& v : f_.vxlans)
        if (v.link.vxlan->dstport == x->dstport && (!ours || v.underlay == x->dev)) ours = &v;
    if (!x || !ours) {
      const bool watched = f_.probed && !f_.to_answers;
      check("C51", false, watched ? "no VXLAN packet with a VNI foreign to this host arrived during the watch "
                                    "(the far end sent nothing, or uses this host's VNI)"
                                  : "TO answered, or nothing was watched");
      if (!f_.to_answers)
        r_.notes.push_back("a VNI mismatch shows where the other end's packets arrive: run netlab path diagnose "
                           "on the far host too while a guest there sends, or make a guest here send");
      return;
    }
    check("C51", true, std::to_string(x->count) + " packets with VNI " + std::to_string(x->vni) + " from " + x->from.to_string());
    const std::string name = ours->link.name, vni = std::to_string(x->vni);
    Finding fd;
    fd.cause = "vxlan-vni-mismatch";
    fd.id = "C51";
    fd.summary = "the far VTEP " + x->from.to_string() + " sends VNI " + vni + ", and " + name + " has VNI " +
                 std::to_string(ours->link.vxlan->id) + ": the two ends use different VNIs";
    fd.explanation = "a VTEP hands a VXLAN packet only to its device with the packet's VNI; with none, the kernel drops "
                     "it (VXLAN_VNI_NOT_FOUND), and the far end drops this host's packets the same way: each side "
                     "sees only its own guests";
    Evidence e = fact("observation", x->dev,
                      std::to_string(x->count) + " VXLAN packets from " + x->from.to_string() + " to port " +
                          std::to_string(x->dstport) + " with VNI " + vni + " arrived on " + x->dev);
    e.attrs = {{"vni", vni}, {"remote", x->from.to_string()}};
    fd.evidence.push_back(std::move(e));
    fd.evidence.push_back(fact("link", name, vxlan_text(*ours)));
    add_kernel(fd, "VXLAN_VNI_NOT_FOUND");
    // A VXLAN device's VNI cannot be changed: it is made again, and joined,
    // and its flood entries added back.
    fd.fix.push_back(step("make " + name + " again with the far end's VNI " + vni + " (or give the far end's device VNI " +
                              std::to_string(ours->link.vxlan->id) + ")",
                          netlab_words(o_.netns_arg) + "link del " + name, ip_words(o_.netns_arg) + "link del " + name));
    fd.fix.push_back(step("", netlab_words(o_.netns_arg) + vxlan_add_words(*ours, x->vni, false),
                          ip_words(o_.netns_arg) + vxlan_add_words(*ours, x->vni, true)));
    const std::string join = "link set " + name + " master " + f_.guest_link.name + " up";
    fd.fix.push_back(step("", netlab_words(o_.netns_arg) + join, ip_words(o_.netns_arg) + join));
    for (const auto& a : ours->flood) {
      const std::string fdb = "fdb append 00:00:00:00:00:00 dev " + name + " dst " + a.to_string();
      fd.fix.push_back(step("", netlab_words(o_.netns_arg) + "bridge " + fdb,
                            "bridge " + (o_.netns_arg.empty() ? std::string() : "-n " + o_.netns_arg + " ") + fdb));
    }
    r_.findings.push_back(std::move(fd));
  }

  // Full-size frames that cannot fit a VXLAN port, or its underlay.
  void vxlan_mtu() {
    const VxlanPort* tight = nullptr;
    std::vector<const Link*> big;
    std::uint32_t fits = 0;
    for (const auto& v : f_.vxlans) {
      // The VXLAN port's own MTU: made with `dev`, the kernel keeps it at
      // the underlay's less 50; made without, it fragments the outer
      // packets and frames of its MTU get through (not this cause).
      const std::uint32_t limit = v.link.mtu;
      for (const auto& p : f_.ports)
        if (p.mtu > limit) {
          tight = &v;
          fits = limit;
          big.push_back(&p);
        }
    }
    check("C50", tight != nullptr, "every port fits the VXLAN ports and their underlay");
    if (!tight) return;
    Finding fd;
    fd.cause = "vxlan-mtu-overhead";
    fd.id = "C50";
    fd.summary = "frames of the guests' MTU do not fit " + tight->link.name + " (" + std::to_string(fits) + " bytes)";
    fd.explanation = "VXLAN adds 50 bytes over IPv4: a full-size frame from a port with a larger MTU cannot be "
                     "pushed onto the VXLAN port and dies at the bridge, silently; small packets pass";
    fd.evidence.push_back(fact("link", tight->link.name, vxlan_text(*tight)));
    if (!tight->underlay.empty())
      fd.evidence.push_back(fact("link", tight->underlay, "underlay " + tight->underlay + " mtu " +
                                                              std::to_string(tight->underlay_mtu)));
    for (const Link* p : big) {
      fd.evidence.push_back(fact("link", p->name, p->name + " mtu " + std::to_string(p->mtu)));
      const std::string mtu = " mtu " + std::to_string(fits);
      fd.fix.push_back(step("the guest's port at the overlay's MTU", netlab_words(o_.netns_arg) + "link set " + p->name + mtu,
                            ip_words(o_.netns_arg) + "link set dev " + p->name + mtu));
    }
    FixStep g;
    g.where = "guest";
    g.description = "ip link set dev eth0 mtu " + std::to_string(fits) + " (the guest's own interface)";
    fd.fix.push_back(std::move(g));
    r_.findings.push_back(std::move(fd));
  }

  // Small probes crossed, DF probes of the device's MTU did not, and the
  // router's "fragmentation needed" never reached the guest.
  void pmtu_blackhole() {
    if (!f_.big_size) {
      r_.checked.push_back(Check{"C48", "not observable", "no DF probe of the device's MTU was sent"});
      return;
    }
    const std::string big = std::to_string(f_.big_size);
    const bool found = works() && f_.big_sent > 0 && f_.big_replies == 0 && f_.frag_forwarded == 0;
    check("C48", found, "DF probes of " + big + " bytes crossed, or their \"fragmentation needed\" reached the guest");
    if (f_.frag_forwarded && f_.frag_mtu)
      r_.notes.push_back("the path beyond the host takes " + std::to_string(*f_.frag_mtu) +
                         " bytes: a router said so, and its \"fragmentation needed\" went on to the guest");
    if (!found) return;
    const Route* out = out_route(f_);
    const std::string out_dev = out ? out->dev : "";
    Finding fd;
    fd.cause = "pmtu-blackhole";
    fd.id = "C48";
    fd.summary = "packets of " + big + " bytes with DF die beyond the host, and the guest never hears why";
    fd.explanation = "a link on the path has a smaller MTU; the router before it drops DF packets larger than it "
                     "and sends ICMP \"fragmentation needed\", which never reaches the guest, so it never lowers "
                     "its path MTU: small packets pass, large ones (uploads) hang";
    fd.evidence.push_back(fact("observation", out_dev,
                               std::to_string(f_.big_out) + " of " + std::to_string(f_.big_sent) + " DF probes of " + big +
                                   " bytes left on " + out_dev + ", none answered; the small probes were"));
    const HookVerdict& v = f_.icmp_filter;
    std::string family, table, chain;
    if (f_.frag_arrived) {
      fd.evidence.push_back(fact("observation", out_dev,
                                 std::to_string(f_.frag_arrived) + " ICMP unreachable - need to frag" +
                                     (f_.frag_mtu ? " (mtu " + std::to_string(*f_.frag_mtu) + ")" : std::string()) +
                                     " from " + f_.frag_from->to_string() + " arrived on " + out_dev +
                                     ", none went on toward the guest on " + f_.guest_link.name));
      if (v.drop) {
        family = v.family, table = v.table, chain = v.base_chain;
        fd.evidence.push_back(fact("nftables", "", v.policy ? "chain " + v.family + " " + v.table + " " + v.chain +
                                                                  " has policy drop for it"
                                                            : "rule `" + v.rule + "` (handle " + std::to_string(v.handle) +
                                                                  ") in " + v.family + " " + v.table + " " + v.chain +
                                                                  " drops it"));
      } else if (!v.maybe_rule.empty()) {
        family = v.maybe_family, table = v.maybe_table, chain = v.maybe_base;
        fd.evidence.push_back(fact("nftables", "", "rule `" + v.maybe_rule + "` (handle " + std::to_string(v.maybe_handle) +
                                                       ") in " + v.maybe_family + " " + v.maybe_table +
                                                       " may drop it (its match is not modelled)"));
      }
      add_kernel(fd, "NETFILTER_DROP");
    }
    if (!chain.empty())
      fd.fix.push_back(step_("let \"fragmentation needed\" through, before the drop",
                            exec_words(o_.netns_arg) + nft_command("insert rule " + family + " " + table + " " + chain +
                                                         " icmp type destination-unreachable icmp code frag-needed "
                                                         "accept")));
    else
      fd.fix.push_back(step_(f_.frag_arrived ? "accept ICMP destination-unreachable (frag-needed) in the chain on the "
                                              "forward hook that drops it"
                                            : "no router sent \"fragmentation needed\": lower the guest's MTU to the "
                                              "path's, or clamp TCP's MSS on the way out",
                            ""));
    r_.findings.push_back(std::move(fd));
  }

  // The host's address in FROM's subnet on the guest's device.
  std::optional<Prefix> guest_subnet() const {
    for (const auto& p : f_.guest_prefixes)
      if (p.network().contains(f_.from)) return p;
    return std::nullopt;
  }

  void no_masquerade() {
    const HookVerdict& v = f_.nat;
    const bool private_src = private_source(f_.from);
    const bool unchanged = f_.seen_out > 0 && f_.out_source && *f_.out_source == f_.from;
    const bool found = v.read && v.nat_rule.empty() && private_src && !works() && (unchanged || !traffic());
    std::string detail = !v.read ? "the ruleset was not read"
                         : !v.nat_rule.empty() ? "`" + v.nat_rule + "` in " + v.family + " " + v.table + " " + v.base_chain
                         : !private_src ? f_.from.to_string() + " is no private address"
                                        : "the path works without it";
    check("C44", found, detail);
    if (!found) return;
    const Route* out = out_route(f_);
    const std::string out_dev = out ? out->dev : "UPLINK";
    const auto subnet = guest_subnet();
    const std::string src = subnet ? subnet->network().to_string() : f_.from.to_string();
    Finding fd;
    fd.cause = "no-masquerade";
    fd.id = "C44";
    fd.severity = unchanged ? Severity::Fault : Severity::Warning;
    fd.provisional = !unchanged;
    fd.summary = "the guest's private source " + f_.from.to_string() + " leaves on " + out_dev + " un-NATed";
    fd.explanation = "forwarding works, but no masquerade or snat rule takes the guest's packets on the way out, so "
                     "they keep a private source the upstream has no route back to: the answers die upstream";
    fd.evidence.push_back(fact("nftables", "", "no rule of a nat chain on the postrouting hook takes " + src + " out of " + out_dev));
    if (unchanged)
      fd.evidence.push_back(fact("observation", out_dev,
                                 std::to_string(f_.seen_out) + " left on " + out_dev + " with source " +
                                     f_.from.to_string() + ", none answered"));
    fd.fix.push_back(step_("a nat table and postrouting chain (nothing happens if they exist)",
                          exec_words(o_.netns_arg) + nft_command("add table ip nat")));
    fd.fix.push_back(step_("", exec_words(o_.netns_arg) + nft_command("add chain ip nat postrouting { type nat hook postrouting "
                                                           "priority 100 ; }")));
    fd.fix.push_back(step_("masquerade the guests' subnet on its way out",
                          exec_words(o_.netns_arg) + nft_command("add rule ip nat postrouting oifname \"" + out_dev + "\" ip saddr " +
                                                       src + " masquerade")));
    r_.findings.push_back(std::move(fd));
  }

  void wrong_gateway() {
    const GuestAsk* ask = nullptr;
    for (const auto& g : f_.guest_asks)
      if (!g.answered && g.confirmed && g.target != f_.to) ask = &g;
    const auto subnet = guest_subnet();
    check("C47", ask && subnet, ask ? "the guest asks for " + ask->target.to_string() : "the guest asks for no stranger");
    if (!ask || !subnet) return;
    Finding fd;
    fd.cause = "guest-wrong-gateway";
    fd.id = "C47";
    fd.summary = "the guest's gateway " + ask->target.to_string() + " is an address nobody owns";
    fd.explanation = "the guest resolves its gateway, not the destination; nobody answers ARP for " +
                     ask->target.to_string() + ", so its packets never leave it";
    Evidence e = fact("observation", f_.guest_link.name,
                      std::to_string(ask->asked) + " ARP requests who-has " + ask->target.to_string() + " tell " +
                          f_.from.to_string() + ", none answered (nor our own)");
    e.attrs = {{"address", ask->target.to_string()}};
    fd.evidence.push_back(std::move(e));
    fd.evidence.push_back(fact("address", f_.guest_link.name,
                               "the host's address on the guest's link is " + subnet->addr().to_string()));
    FixStep s;
    s.where = "guest";
    s.description = "ip route replace default via " + subnet->addr().to_string();
    fd.fix.push_back(std::move(s));
    r_.findings.push_back(std::move(fd));
  }

  void verdict() {
    const bool fault = std::any_of(r_.findings.begin(), r_.findings.end(),
                                   [](const Finding& x) { return x.severity == Severity::Fault; });
    if (fault) r_.verdict = Verdict::Fault;
    else if (works()) r_.verdict = Verdict::Ok;
    else if (!f_.probed && !traffic() && !r_.findings.empty()) r_.verdict = Verdict::Fault;  // warnings, nothing seen
    else r_.verdict = r_.findings.empty() ? Verdict::Unexplained : Verdict::Fault;
    if (r_.verdict == Verdict::Unexplained)
      for (const auto& d : f_.kernel_drops) {
        if (d.beyond || r_.kernel_drops.size() >= 8) continue;
        Evidence e = fact("kernel", d.interface, "the kernel dropped a packet at " + d.location + " (" + d.reason +
                                                     ") on " + d.interface);
        e.count = 1;
        e.attrs = {{"reason", d.reason}, {"location", d.location}};
        r_.kernel_drops.push_back(std::move(e));
      }
  }

  void notes() {
    if (!f_.no_probe.empty()) r_.notes.push_back(f_.no_probe);
    if (f_.passive || !f_.probed)
      if (!traffic()) r_.notes.push_back("no packet from " + f_.from.to_string() + " to " + f_.to.to_string() +
                                         " was seen during the watch: the verdict rests on the kernel's tables");
    if (!f_.kernel_unavailable.empty()) r_.notes.push_back("the kernel's drops were not read: " + f_.kernel_unavailable);
    for (const auto& e : f_.capture_errors) r_.notes.push_back("capture " + e);
    if (works() && f_.replies_in == 0)
      r_.notes.push_back(f_.to.to_string() + " answered on the way out, but no answer was seen going back on " +
                         f_.guest_link.name);
  }

  // ---- hops --------------------------------------------------------------

  void hop(std::string step_name, std::string status, std::string interface, std::string text,
           std::vector<std::pair<std::string, std::string>> attrs = {}) {
    r_.hops.push_back(Hop{std::move(step_name), std::move(status), std::move(interface), std::move(text), std::move(attrs)});
  }

  void hops() {
    std::string in = "from " + f_.from.to_string();
    if (f_.guest_mac) in += " (" + f_.guest_mac->to_string() + (f_.guest_port.empty() ? "" : " on port " + f_.guest_port) + ")";
    in += ", " + std::to_string(f_.seen_in) + " seen";
    std::vector<std::pair<std::string, std::string>> in_attrs;
    if (!f_.guest_port.empty()) in_attrs.emplace_back("port", f_.guest_port);
    if (f_.guest_mac) in_attrs.emplace_back("mac", f_.guest_mac->to_string());
    hop("in", traffic() ? "forwarded" : "unknown", f_.guest_link.name, in, in_attrs);
    if (f_.forward.error) {
      hop("route", "dropped", "", "from " + f_.from.to_string() + " iif " + f_.guest_link.name + ": " + f_.forward.message,
          {{"reason", f_.forward.message}});
      return;
    }
    const Route& rt = *f_.forward.route;
    std::vector<std::pair<std::string, std::string>> ra{{"table", std::to_string(rt.table)}, {"dst", rt.dst.to_string()}};
    if (rt.gateway) ra.emplace_back("gateway", rt.gateway->to_string());
    ra.emplace_back("oif", rt.dev);
    hop("route", "forwarded", rt.dev, route_text(rt), ra);
    if (!netfilter_hops()) return;
    if (f_.nat.read) {
      if (f_.nat.nat_rule.empty()) hop("nat", "forwarded", rt.dev, "no source NAT: the source stays " + f_.from.to_string());
      else
        hop("nat", "forwarded", rt.dev, "`" + f_.nat.nat_rule + "` in " + f_.nat.family + " " + f_.nat.table + " " + f_.nat.nat_chain,
            {{"family", f_.nat.family}, {"table", f_.nat.table}, {"chain", f_.nat.nat_chain}, {"handle", std::to_string(f_.nat.handle)}});
    }
    std::string out = std::to_string(f_.seen_out) + " left";
    if (f_.out_source) out += " with source " + f_.out_source->to_string();
    const bool seen_any = f_.probed || traffic();
    hop("out", f_.seen_out ? "forwarded" : seen_any ? "dropped" : "unknown", rt.dev, out);
    if (f_.next_hop) {
      const auto mac = f_.next_hop->mac();
      hop("neighbour", "forwarded", rt.dev,
          f_.next_hop->dst.to_string() + (mac ? " is-at " + mac->to_string() : std::string(" unresolved")) +
              " (" + nud_state_names(f_.next_hop->state) + ")");
    }
    if (!f_.back_dev.empty() && !f_.replies_out) {
      hop("back", "dropped", f_.back_dev,
          "answers from " + f_.to.to_string() + " arrived on " + f_.back_dev +
              (f_.back.error ? ": " + f_.back.message : std::string()),
          {{"reason", refused_source(f_.back) ? "rp_filter" : f_.back.message}});
      return;
    }
    hop("back", f_.replies_in ? "forwarded" : f_.replies_out ? "dropped" : "unknown", f_.guest_link.name,
        std::to_string(f_.replies_out) + " answers from " + f_.to.to_string() + " arrived, " +
            std::to_string(f_.replies_in) + " went on toward the guest");
  }

  // One hop per base chain of the forward hook; false when one drops.
  bool netfilter_hops() {
    const HookVerdict& v = f_.filter;
    if (!v.read) {
      hop("netfilter", "unknown", "", "the ruleset was not read: " + v.unread);
      return true;
    }
    for (const auto& c : v.chains) {
      const std::string where = "forward " + c.family + " " + c.table + " " + c.chain;
      const std::string decided = c.policy ? "policy " + c.verdict : "`" + c.rule + "` handle " + std::to_string(c.handle);
      std::vector<std::pair<std::string, std::string>> a{
          {"hook", "forward"}, {"family", c.family}, {"table", c.table}, {"chain", c.chain}, {"verdict", c.verdict}};
      if (!c.policy) a.emplace_back("handle", std::to_string(c.handle));
      hop("netfilter", c.verdict == "drop" ? "dropped" : "forwarded", "", where + ": " + decided, a);
      if (c.verdict == "drop") return false;
    }
    return true;
  }

  const PathFacts& f_;
  const PathDiagnoseOptions& o_;
  Report r_;
};

}  // namespace

bool private_source(const IpAddr& a) {
  if (!a.is_v4()) return false;
  const auto b = a.bytes();
  return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
         (b[0] == 100 && (b[1] & 0xc0) == 64) || (b[0] == 169 && b[1] == 254);
}

Report analyse_path(const PathFacts& facts, const PathDiagnoseOptions& o) { return Judge(facts, o).run(); }

}  // namespace netlab::diag
