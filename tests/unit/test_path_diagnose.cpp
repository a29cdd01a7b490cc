// `path diagnose`'s pure parts, on hand-built facts (no privilege): the
// forward-hook and NAT walks of nft_walk for a guest's packet, the options'
// checks, and the judge's verdicts, evidence, fixes and hops. The labs with
// real namespaces are in tests/integration/path_diagnose.sh.
#include "diag/path_facts.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>

using namespace netlab;
using namespace netlab::diag;

namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

nft::Chain base(nft::Family f, const char* table, const char* name, const char* hook, const char* type,
                const char* policy, std::int32_t prio = 0) {
  nft::Chain c;
  c.family = f;
  c.table = table;
  c.name = name;
  c.hook = hook;
  c.type = type;
  c.priority = prio;
  c.policy = policy;
  return c;
}

nft::Rule rule(const nft::Chain& c, std::uint64_t handle, nft::VerdictKind v) {
  nft::Rule r;
  r.family = c.family;
  r.table = c.table;
  r.chain = c.name;
  r.handle = handle;
  r.verdict = v;
  return r;
}

PacketShape echo(const char* from, const char* to) {
  PacketShape p;
  p.l4proto = 1;
  p.saddr = ip(from);
  p.daddr = ip(to);
  return p;
}

const HookDevices kFwd{"virbr3", 5, "uplink0", 2};

// A guest 172.20.0.9 behind bridge virbr3 (172.20.0.1/24), uplink0 out,
// forwarding on, the probe sent and seen entering.
PathFacts lab() {
  PathFacts f;
  f.from = ip("172.20.0.9");
  f.to = ip("198.51.100.40");
  f.size = 84;
  f.guest_link.name = "virbr3";
  f.guest_link.kind = "bridge";
  f.guest_prefixes.push_back(*Prefix::parse("172.20.0.1/24"));
  Route r;
  r.dst = *Prefix::parse("0.0.0.0/0");
  r.gateway = ip("192.0.2.254");
  r.dev = "uplink0";
  r.oif = 2;
  f.forward.route = r;
  f.host.route = r;
  f.ip_forward = 1;
  f.guest_forwarding = 1;
  f.filter.read = true;
  f.nat.read = true;
  f.probed = true;
  f.probe_sent = 3;
  f.seen_in = 3;
  return f;
}

bool has(const Report& r, const char* id) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.id == id; });
}

std::string fixes(const Report& r) {
  std::string all;
  for (const auto& f : r.findings)
    for (const auto& s : f.fix) all += (s.where == "guest" ? "guest: " + s.description : s.iproute2) + "\n";
  return all;
}

}  // namespace

TEST_CASE("path diagnose forward walk: every base chain runs, and a later chain's policy drop still drops") {
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Ip, "libvirt", "fwd_in", "forward", "filter", "accept", -10));
  rs.chains.push_back(base(nft::Family::Inet, "docker_like", "FORWARD", "forward", "filter", "drop", 0));
  nft::Rule allow = rule(rs.chains[0], 4, nft::VerdictKind::Accept);
  allow.match.iifname = "virbr3";
  rs.rules.push_back(allow);
  const HookVerdict v = walk_filter_hook(rs, "forward", kFwd, echo("172.20.0.9", "198.51.100.40"));
  CHECK(v.drop);
  CHECK(v.certain);
  CHECK(v.policy);
  CHECK(v.chain == "FORWARD");
  REQUIRE(v.chains.size() == 2);
  CHECK(v.chains[0].verdict == "accept");
  CHECK(v.chains[0].handle == 4);
  CHECK(v.chains[1].verdict == "drop");
  CHECK(v.chains[1].policy);
}

TEST_CASE("path diagnose forward walk: a port match never takes an ICMP echo, an interface pair accept does") {
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Inet, "fw", "fwd", "forward", "filter", "drop"));
  nft::Rule dns = rule(rs.chains[0], 2, nft::VerdictKind::Accept);
  dns.match.l4proto = 17;
  nft::PortMatch pm;
  pm.lo = pm.hi = 53;
  dns.match.dport = pm;
  nft::Rule pair = rule(rs.chains[0], 3, nft::VerdictKind::Accept);
  pair.match.iifname = "virbr*";
  pair.match.oifname = "uplink0";
  rs.rules = {dns, pair};
  const HookVerdict icmp = walk_filter_hook(rs, "forward", kFwd, echo("172.20.0.9", "198.51.100.40"));
  CHECK_FALSE(icmp.drop);
  REQUIRE(icmp.chains.size() == 1);
  CHECK(icmp.chains[0].handle == 3);
  // From another bridge the pair does not match: the policy drops.
  const HookVerdict other = walk_filter_hook(rs, "forward", HookDevices{"lxcbr0", 7, "uplink0", 2},
                                             echo("10.0.3.5", "198.51.100.40"));
  CHECK(other.drop);
  CHECK(other.policy);
}

TEST_CASE("path diagnose NAT walk: the masquerade for the guest's subnet out of its device, and none elsewhere") {
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Ip, "nat", "POSTROUTING", "postrouting", "nat", "accept", 100));
  nft::Rule m = rule(rs.chains[0], 9, nft::VerdictKind::Masquerade);
  m.match.oifname = "uplink0";
  m.match.saddr = "172.20.0.0/24";
  rs.rules.push_back(m);
  const HookVerdict v = walk_source_nat(rs, HookDevices{"", 0, "uplink0", 2}, echo("172.20.0.9", "198.51.100.40"));
  CHECK(v.nat_rule == "oifname \"uplink0\" ip saddr 172.20.0.0/24 masquerade");
  CHECK(v.handle == 9);
  CHECK(v.nat_certain);
  CHECK(walk_source_nat(rs, HookDevices{"", 0, "uplink0", 2}, echo("10.9.0.2", "198.51.100.40")).nat_rule.empty());
  CHECK(walk_source_nat(rs, HookDevices{"", 0, "wan9", 4}, echo("172.20.0.9", "198.51.100.40")).nat_rule.empty());
}

TEST_CASE("path diagnose options: FROM, -p, the size and the watch are checked before anything is opened") {
  PathDiagnoseOptions o;
  REQUIRE(parse_from("kv3:172.20.0.9", o));
  CHECK(o.from_interface == "kv3");
  CHECK(o.from == ip("172.20.0.9"));
  CHECK_FALSE(parse_from("2001:db8::1", o));
  CHECK_FALSE(parse_from("guest", o));
  REQUIRE(parse_protocol("tcp/443", o));
  CHECK(o.protocol == PathProtocol::Tcp);
  CHECK(o.port == 443);
  CHECK_FALSE(parse_protocol("udp/0", o));
  CHECK_FALSE(parse_protocol("udp/65536", o));
  CHECK_FALSE(parse_protocol("sctp/9", o));
  CHECK_FALSE(parse_protocol("tcp", o));
  PathDiagnoseOptions v;
  v.from = ip("172.20.0.9");
  v.to = ip("198.51.100.40");
  CHECK(validate(v));
  v.to = ip("224.0.0.5");
  CHECK_FALSE(validate(v));
  v.to = ip("172.20.0.9");
  CHECK_FALSE(validate(v));
  v.to = ip("198.51.100.40");
  v.size = 27;
  CHECK_FALSE(validate(v));
  v.size = 84;
  v.duration = std::chrono::milliseconds(61000);
  CHECK_FALSE(validate(v));
}

TEST_CASE("path diagnose judge: forwarding off is C43 and its fix the sysctl, inside the namespace asked about") {
  PathFacts f = lab();
  f.forward.route.reset();
  f.forward.error = EHOSTUNREACH;
  f.forward.message = "No route to host";
  f.ip_forward = 0;
  f.guest_forwarding = 0;
  PathDiagnoseOptions o;
  o.netns_arg = "hostns";
  const Report r = analyse_path(f, o);
  CHECK(r.verdict == Verdict::Fault);
  CHECK(has(r, "C43"));
  CHECK_FALSE(has(r, "C44"));  // no NAT to judge on a host that does not forward
  CHECK(fixes(r) == "ip netns exec hostns sysctl -w net.ipv4.ip_forward=1\n");
  REQUIRE(r.hops.size() == 2);
  CHECK(r.hops[1].step == "route");
  CHECK(r.hops[1].status == "dropped");
  // Only the guest's device off: its own sysctl.
  f.ip_forward = 1;
  CHECK(fixes(analyse_path(f, {})) == "sysctl -w net/ipv4/conf/virbr3/forwarding=1\n");
}

TEST_CASE("path diagnose judge: no route is C46 without a command, since the gateway is the lab's own") {
  PathFacts f = lab();
  f.forward.route.reset();
  f.host.route.reset();
  f.forward.error = f.host.error = ENETUNREACH;
  f.forward.message = f.host.message = "Network is unreachable";
  const Report r = analyse_path(f, {});
  CHECK(has(r, "C46"));
  CHECK_FALSE(has(r, "C43"));
  REQUIRE(r.findings.size() == 1);
  REQUIRE(r.findings[0].fix.size() == 1);
  CHECK(r.findings[0].fix[0].iproute2.empty());
  CHECK(r.findings[0].fix[0].netlab.empty());
}

TEST_CASE("path diagnose judge: a forward policy drop is C45 with accepts both ways in its base chain") {
  PathFacts f = lab();
  f.filter.drop = f.filter.certain = f.filter.policy = true;
  f.filter.family = "inet";
  f.filter.table = "fw";
  f.filter.chain = f.filter.base_chain = "fwd";
  const Report r = analyse_path(f, {});
  CHECK(r.verdict == Verdict::Fault);
  CHECK(has(r, "C45"));
  CHECK_FALSE(has(r, "C44"));
  CHECK(fixes(r) ==
        "nft 'insert rule inet fw fwd iifname \"virbr3\" oifname \"uplink0\" accept'\n"
        "nft 'insert rule inet fw fwd iifname \"uplink0\" oifname \"virbr3\" ct state established,related accept'\n");
  // A drop the walk could not be sure of, while the probe got out: not named.
  f.filter.certain = false;
  f.seen_out = 3;
  f.replies_out = 3;
  f.replies_in = 3;
  f.nat.nat_rule = "masquerade";
  const Report ok = analyse_path(f, {});
  CHECK_FALSE(has(ok, "C45"));
  CHECK(ok.verdict == Verdict::Ok);
}

TEST_CASE("path diagnose judge: a private source leaving un-NATed without answers is C44, a public one is not") {
  PathFacts f = lab();
  f.seen_out = 3;
  f.out_source = f.from;
  const Report r = analyse_path(f, {});
  CHECK(r.verdict == Verdict::Fault);
  CHECK(has(r, "C44"));
  CHECK(fixes(r).find("nft 'add rule ip nat postrouting oifname \"uplink0\" ip saddr 172.20.0.0/24 masquerade'") !=
        std::string::npos);
  // Answers came back: the upstream routes the subnet, nothing to fix.
  f.replies_out = f.replies_in = 3;
  CHECK(analyse_path(f, {}).verdict == Verdict::Ok);
  // A public guest address without answers: no known cause here.
  PathFacts g = lab();
  g.from = ip("203.0.113.70");
  g.guest_prefixes = {*Prefix::parse("203.0.113.1/24")};
  g.seen_out = 3;
  g.out_source = g.from;
  const Report u = analyse_path(g, {});
  CHECK_FALSE(has(u, "C44"));
  CHECK(u.verdict == Verdict::Unexplained);
}

TEST_CASE("path diagnose judge: the guest asking for a gateway nobody owns is C47 with the host's address as the fix") {
  PathFacts f = lab();
  f.seen_out = f.replies_out = f.replies_in = 3;
  f.nat.nat_rule = "masquerade";
  f.guest_asks.push_back(GuestAsk{ip("172.20.0.254"), 2, false, true});
  f.guest_asks.push_back(GuestAsk{ip("172.20.0.10"), 1, true, false});  // a neighbour that answered
  const Report r = analyse_path(f, {});
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(has(r, "C47"));
  CHECK(fixes(r) == "guest: ip route replace default via 172.20.0.1\n");
  // Asked, never confirmed by our own question: not named.
  f.guest_asks[0].confirmed = false;
  CHECK(analyse_path(f, {}).verdict == Verdict::Ok);
}

TEST_CASE("path diagnose judge: a working path reads ok with its hops in, route, nat, out and back") {
  PathFacts f = lab();
  f.seen_out = f.replies_out = f.replies_in = 2;
  f.out_source = ip("192.0.2.10");
  f.nat.nat_rule = "oifname \"uplink0\" masquerade";
  f.nat.family = "ip";
  f.nat.table = "nat";
  f.nat.nat_chain = "POSTROUTING";
  const Report r = analyse_path(f, {});
  CHECK(r.verdict == Verdict::Ok);
  CHECK(r.findings.empty());
  std::vector<std::string> steps;
  for (const auto& h : r.hops) steps.push_back(h.step + ":" + h.status);
  CHECK(steps == std::vector<std::string>{"in:forwarded", "route:forwarded", "nat:forwarded", "out:forwarded",
                                          "back:forwarded"});
  CHECK(r.hops[3].text == "2 left with source 192.0.2.10");
}

TEST_CASE("path diagnose judge: DF probes of the MTU dying while their frag-needed stops at the host is C48") {
  PathFacts f = lab();
  f.seen_out = f.replies_out = f.replies_in = 2;
  f.nat.nat_rule = "masquerade";
  f.big_size = 1500;
  f.big_sent = f.big_out = 2;
  f.frag_arrived = 2;
  f.frag_from = ip("192.0.2.254");
  f.frag_mtu = 1400;
  f.icmp_filter.read = true;
  f.icmp_filter.maybe_rule = "ip protocol icmp @__set0 counter drop";
  f.icmp_filter.maybe_family = "inet";
  f.icmp_filter.maybe_table = "filter";
  f.icmp_filter.maybe_base = "forward";
  f.icmp_filter.maybe_handle = 7;
  const Report r = analyse_path(f, {});
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(has(r, "C48"));
  CHECK(fixes(r) ==
        "nft 'insert rule inet filter forward icmp type destination-unreachable icmp code frag-needed accept'\n");
  // The ICMP went on to the guest: it learns the path MTU, nothing to fix.
  f.frag_forwarded = 2;
  const Report ok = analyse_path(f, {});
  CHECK(ok.verdict == Verdict::Ok);
  REQUIRE(ok.notes.size() == 1);
  CHECK(ok.notes[0].find("takes 1400 bytes") != std::string::npos);
  // No router said anything: C48 still, with no command (the MTU is the lab's to choose).
  PathFacts silent = lab();
  silent.seen_out = silent.replies_out = silent.replies_in = 2;
  silent.nat.nat_rule = "masquerade";
  silent.big_size = 1500;
  silent.big_sent = silent.big_out = 2;
  const Report s = analyse_path(silent, {});
  REQUIRE(has(s, "C48"));
  CHECK(s.findings[0].fix[0].iproute2.empty());
}

TEST_CASE("path diagnose forward walk: a drop behind a set lookup is remembered as the one that may drop") {
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Inet, "filter", "forward", "forward", "filter", "accept"));
  nft::Rule stealth = rule(rs.chains[0], 7, nft::VerdictKind::Drop);
  stealth.match.l4proto = 1;
  stealth.match.sets.push_back("set __set0");
  rs.rules.push_back(stealth);
  PacketShape icmp_error = echo("192.0.2.254", "172.20.0.9");
  icmp_error.ct_state = "related";
  const HookVerdict v = walk_filter_hook(rs, "forward", HookDevices{"uplink0", 2, "virbr3", 5}, icmp_error);
  CHECK_FALSE(v.drop);
  CHECK(v.maybe_handle == 7);
  CHECK(v.maybe_base == "forward");
  CHECK(v.maybe_table == "filter");
}

namespace {

// guestA 10.88.0.2 behind port ovp1 of bridge ovl1 with VXLAN port vx1
// (id 88, dev under1 of MTU 1500, nolearning, MTU 1450).
PathFacts overlay_lab() {
  PathFacts f;
  f.overlay = true;
  f.from = ip("10.88.0.2");
  f.to = ip("10.88.0.3");
  f.guest_link.name = "ovl1";
  f.guest_link.kind = "bridge";
  VxlanPort v;
  v.link.name = "vx1";
  v.link.kind = "vxlan";
  v.link.mtu = 1450;
  VxlanInfo x;
  x.id = 88;
  x.dstport = 4789;
  x.learning = false;
  x.link_name = "under1";
  v.link.vxlan = x;
  v.underlay = "under1";
  v.underlay_mtu = 1500;
  f.vxlans.push_back(v);
  Link port;
  port.name = "ovp1";
  port.mtu = 1450;
  f.ports.push_back(port);
  f.probed = true;
  f.probe_sent = 2;
  return f;
}

}  // namespace

TEST_CASE("path diagnose overlay: a VXLAN port without remote, group or flood entry is C49, described without a command") {
  PathFacts f = overlay_lab();
  const Report r = analyse_path(f, {});
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(has(r, "C49"));
  CHECK_FALSE(has(r, "C50"));
  CHECK(r.findings[0].fix[0].iproute2.empty());
  CHECK(r.findings[0].fix[0].description.find("00:00:00:00:00:00 dev vx1 dst OTHER_VTEP") != std::string::npos);
  // A flood entry, and TO answered: ok, with the remote in the vxlan hop.
  f.vxlans[0].flood.push_back(ip("192.0.2.66"));
  f.to_answers = true;
  const Report ok = analyse_path(f, {});
  CHECK(ok.verdict == Verdict::Ok);
  bool named = false;
  for (const auto& h : ok.hops)
    if (h.step == "vxlan") named = h.text.find("to 192.0.2.66") != std::string::npos;
  CHECK(named);
}

TEST_CASE("path diagnose overlay: a port above the VXLAN port's MTU is C50, its fix the port's MTU and the guest's") {
  PathFacts f = overlay_lab();
  f.vxlans[0].flood.push_back(ip("192.0.2.66"));
  f.to_answers = true;  // ARP is small: it crosses anyway
  f.ports[0].mtu = 1500;
  PathDiagnoseOptions o;
  o.netns_arg = "hosta";
  const Report r = analyse_path(f, o);
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(has(r, "C50"));
  CHECK(fixes(r) == "ip -n hosta link set dev ovp1 mtu 1450\nguest: ip link set dev eth0 mtu 1450 (the guest's own interface)\n");
  CHECK(r.findings[0].fix[0].netlab == "netlab -n hosta link set ovp1 mtu 1450");
  // A vxlan made without dev keeps 1500 and fragments the underlay: the
  // frames get through, not this cause.
  f.vxlans[0].link.mtu = 1500;
  f.vxlans[0].link.vxlan->link_name.clear();
  CHECK_FALSE(has(analyse_path(f, {}), "C50"));
}

TEST_CASE("path diagnose judge: answers coming back on a strict device is C11 with loose checking there as the fix") {
  PathFacts f = lab();
  f.from = ip("192.0.2.10");  // a public source: no NAT to judge
  f.guest_prefixes = {*Prefix::parse("192.0.2.1/24")};
  f.seen_out = 3;
  f.out_source = f.from;
  f.rp_all = 0;
  f.strict.push_back(StrictDevice{"backhaul1", 0, 1, 3});
  f.back_dev = "backhaul1";
  f.back.error = EXDEV;
  f.back.message = "Invalid cross-device link";
  PathDiagnoseOptions o;
  o.netns_arg = "edge";
  const Report r = analyse_path(f, o);
  REQUIRE(has(r, "C11"));
  CHECK_FALSE(has(r, "C44"));
  CHECK(r.verdict == Verdict::Fault);
  CHECK(fixes(r) == "ip netns exec edge sysctl -w net/ipv4/conf/backhaul1/rp_filter=2\n");
  const Finding& x = r.findings.front();
  CHECK(x.summary.find("come back on backhaul1") != std::string::npos);
  CHECK(std::any_of(x.evidence.begin(), x.evidence.end(), [](const Evidence& e) {
    return e.text == "ip route get 192.0.2.10 from 198.51.100.40 iif backhaul1: Invalid cross-device link (the source check refuses it)";
  }));
  const auto back = std::find_if(r.hops.begin(), r.hops.end(), [](const Hop& h) { return h.step == "back"; });
  REQUIRE(back != r.hops.end());
  CHECK(back->status == "dropped");
  CHECK(back->interface == "backhaul1");
  // The same answers accepted there (a loose check): not C11.
  f.back.error = 0;
  CHECK_FALSE(has(analyse_path(f, o), "C11"));
  // No strict device at all: C11 ruled out, in the checked list.
  f.strict.clear();
  f.back_dev.clear();
  const Report none = analyse_path(f, o);
  CHECK(std::any_of(none.checked.begin(), none.checked.end(),
                    [](const Check& c) { return c.cause == "C11" && c.result == "ruled out"; }));
}

TEST_CASE("path diagnose judge: the source check refusing FROM on the guest's device is C11 and the stale route goes") {
  PathFacts f = lab();
  f.forward.route.reset();
  f.forward.error = EXDEV;
  f.forward.message = "Invalid cross-device link";
  f.rp_guest = 1;
  Route stale;
  stale.dst = *Prefix::parse("172.20.0.9/32");
  stale.dev = "oldtap7";
  f.reverse.route = stale;
  PathDiagnoseOptions o;
  const Report r = analyse_path(f, o);
  REQUIRE(has(r, "C11"));
  CHECK_FALSE(has(r, "C43"));
  CHECK_FALSE(has(r, "C46"));
  CHECK(fixes(r) == "ip route del 172.20.0.9/32 dev oldtap7\n");
  // FROM outside the guest device's own subnets: deleting would leave no
  // route back by it, so the check is loosened instead.
  f.guest_prefixes.clear();
  CHECK(fixes(analyse_path(f, o)) == "sysctl -w net/ipv4/conf/virbr3/rp_filter=2\n");
}

TEST_CASE("path diagnose overlay: a far VTEP's packets with a VNI foreign here are C51 and the port is made again") {
  PathFacts f;
  f.from = ip("10.90.0.2");
  f.to = ip("10.90.0.3");
  f.overlay = true;
  f.probed = true;
  f.probe_sent = 2;
  f.guest_link.name = "ovbr2";
  f.guest_link.kind = "bridge";
  VxlanPort v;
  v.link.name = "vtep5";
  v.link.kind = "vxlan";
  v.link.mtu = 1450;
  VxlanInfo x;
  x.id = 500;
  x.local = ip("198.51.100.1");
  x.dstport = 4789;
  x.link_name = "under1";
  x.learning = false;
  v.link.vxlan = x;
  v.flood = {ip("198.51.100.2")};
  v.underlay = "under1";
  v.underlay_mtu = 1500;
  f.vxlans.push_back(v);
  f.foreign_vnis.push_back(ForeignVni{ip("198.51.100.2"), "under1", 501, 4789, 4});
  PathDiagnoseOptions o;
  const Report r = analyse_path(f, o);
  REQUIRE(has(r, "C51"));
  CHECK(r.verdict == Verdict::Fault);
  CHECK(fixes(r) ==
        "ip link del vtep5\n"
        "ip link add vtep5 mtu 1450 type vxlan id 501 local 198.51.100.1 dstport 4789 dev under1 nolearning\n"
        "ip link set vtep5 master ovbr2 up\n"
        "bridge fdb append 00:00:00:00:00:00 dev vtep5 dst 198.51.100.2\n");
  CHECK(r.findings.front().fix[1].netlab ==
        "netlab link add vtep5 type vxlan id 501 local 198.51.100.1 dstport 4789 dev under1 nolearning mtu 1450");
  // Nothing foreign arrived: C51 ruled out, and the note says where it would show.
  f.foreign_vnis.clear();
  const Report none = analyse_path(f, o);
  CHECK_FALSE(has(none, "C51"));
  CHECK(std::any_of(none.notes.begin(), none.notes.end(),
                    [](const std::string& n) { return n.find("far host") != std::string::npos; }));
}

TEST_CASE("path diagnose bridged: two guests of one bridge and a forward policy drop is C18 with an accept br to br") {
  PathFacts f = lab();
  f.to = ip("172.20.0.12");
  f.bridged = true;
  f.br_nf_call_iptables = 1;
  f.forward.route.reset();
  f.host.route.reset();
  f.guest_port = "vnet3";
  f.to_port = "vnet4";
  f.to_mac = *MacAddr::parse("52:54:00:aa:bb:cc");
  f.seen_in = 0;
  f.filter.drop = true;
  f.filter.certain = true;
  f.filter.policy = true;
  f.filter.family = "ip";
  f.filter.table = "filter";
  f.filter.chain = f.filter.base_chain = "FORWARD";
  PathDiagnoseOptions o;
  const Report r = analyse_path(f, o);
  REQUIRE(has(r, "C18"));
  CHECK_FALSE(has(r, "C45"));
  CHECK(r.verdict == Verdict::Fault);
  CHECK(fixes(r) == "nft 'insert rule ip filter FORWARD iifname \"virbr3\" oifname \"virbr3\" accept'\n");
  const auto bridge = std::find_if(r.hops.begin(), r.hops.end(), [](const Hop& h) { return h.step == "bridge"; });
  REQUIRE(bridge != r.hops.end());
  CHECK(bridge->text.find("on port vnet4") != std::string::npos);
  // The probe crossed and TO answered: ok, C18 ruled out.
  f.filter = HookVerdict{};
  f.filter.read = true;
  f.seen_out = 3;
  f.replies_out = 3;
  f.replies_in = 3;
  const Report ok = analyse_path(f, o);
  CHECK(ok.verdict == Verdict::Ok);
  CHECK(std::any_of(ok.checked.begin(), ok.checked.end(),
                    [](const Check& c) { return c.cause == "C18" && c.result == "ruled out"; }));
}
