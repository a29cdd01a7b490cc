// `dhcp diagnose`'s pure parts, on hand-built facts (no privilege): the walk
// of the nftables input hook for a DISCOVER, dnsmasq's settings from its
// command line and files, and the judge's verdicts, evidence and fixes.
// The labs with real servers are in tests/integration/dhcp_diagnose.sh.
#include "diag/dhcp_facts.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace netlab;
using namespace netlab::diag;

namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
MacAddr mac(const char* s) { return *MacAddr::parse(s); }

nft::Chain base(nft::Family f, const char* table, const char* name, const char* policy, std::int32_t prio = 0) {
  nft::Chain c;
  c.family = f;
  c.table = table;
  c.name = name;
  c.hook = "input";
  c.type = "filter";
  c.priority = prio;
  c.policy = policy;
  return c;
}

nft::Chain user_chain(nft::Family f, const char* table, const char* name) {
  nft::Chain c;
  c.family = f;
  c.table = table;
  c.name = name;
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

nft::PortMatch port(std::uint16_t p) {
  nft::PortMatch m;
  m.lo = m.hi = p;
  return m;
}

// The hardened host of the integration lab: policy drop, loopback and
// established traffic accepted.
nft::Ruleset hardened() {
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Inet, "hardened", "input", "drop"));
  nft::Rule lo = rule(rs.chains[0], 2, nft::VerdictKind::Accept);
  lo.match.other.push_back("iif index 1");
  nft::Rule est = rule(rs.chains[0], 3, nft::VerdictKind::Accept);
  est.match.ct_state = {"established", "related"};
  rs.rules = {lo, est};
  return rs;
}

}  // namespace

TEST_CASE("dhcp diagnose input walk: a policy drop after rules that take no DISCOVER drops it for certain") {
  const auto v = input_verdict_for_discover(hardened(), "br0", 7);
  CHECK(v.read);
  CHECK(v.drop);
  CHECK(v.certain);
  CHECK(v.policy);
  CHECK(v.family == "inet");
  CHECK(v.table == "hardened");
  CHECK(v.base_chain == "input");
}

TEST_CASE("dhcp diagnose input walk: an accept for UDP 67 from the bridge, or loopback's index on it, lets it through") {
  auto rs = hardened();
  nft::Rule dhcp = rule(rs.chains[0], 4, nft::VerdictKind::Accept);
  dhcp.match.l4proto = 17;
  dhcp.match.dport = port(67);
  dhcp.match.iifname = "br0";
  rs.rules.push_back(dhcp);
  CHECK_FALSE(input_verdict_for_discover(rs, "br0", 7).drop);
  // The same rule for another bridge does not take it.
  CHECK(input_verdict_for_discover(rs, "br9", 8).drop);
  // `iif lo` with the served device's own index accepts it.
  CHECK_FALSE(input_verdict_for_discover(hardened(), "br0", 1).drop);
}

TEST_CASE("dhcp diagnose input walk: a drop rule reached through a jump is named with its chain and handle") {
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Ip, "filter", "INPUT", "accept"));
  rs.chains.push_back(user_chain(nft::Family::Ip, "filter", "guests"));
  nft::Rule jump = rule(rs.chains[0], 5, nft::VerdictKind::Jump);
  jump.match.iifname = "br*";
  jump.target = "guests";
  nft::Rule ssh = rule(rs.chains[1], 8, nft::VerdictKind::Drop);
  ssh.match.l4proto = 6;
  ssh.match.dport = port(22);
  nft::Rule drop = rule(rs.chains[1], 9, nft::VerdictKind::Drop);
  drop.match.l4proto = 17;
  drop.match.dport = port(67);
  drop.has_counter = true;
  drop.packets = 4;
  rs.rules = {jump, ssh, drop};
  auto v = input_verdict_for_discover(rs, "br0", 7);
  REQUIRE(v.drop);
  CHECK(v.certain);
  CHECK_FALSE(v.policy);
  CHECK(v.chain == "guests");
  CHECK(v.base_chain == "INPUT");
  CHECK(v.handle == 9);
  CHECK(v.counter_before == 4u);
  CHECK(v.rule.find("udp dport 67") != std::string::npos);
  // Not through the jump: the interface does not match br*.
  CHECK_FALSE(input_verdict_for_discover(rs, "virbr0", 7).drop);
  // A DISCOVER's source port is 68: a drop of sport 53 does not take it.
  rs.rules[2].match.sport = port(53);
  CHECK_FALSE(input_verdict_for_discover(rs, "br0", 7).drop);
}

TEST_CASE("dhcp diagnose input walk: an accept it cannot judge makes a later drop uncertain") {
  auto rs = hardened();
  nft::Rule viaset = rule(rs.chains[0], 6, nft::VerdictKind::Accept);
  viaset.match.sets.push_back("set trusted");
  rs.rules.push_back(viaset);
  const auto v = input_verdict_for_discover(rs, "br0", 7);
  CHECK(v.drop);
  CHECK_FALSE(v.certain);
}

TEST_CASE("dhcp diagnose dnsmasq: interfaces and ranges from the command line and the files it names") {
  std::map<std::string, std::string> files{
      {"/etc/lab.conf", "# lab\ninterface=br2 # the second\ndhcp-range=tag:a,203.0.113.5,203.0.113.9,1h\nconf-dir=/etc/lab.d,*.conf\n"},
      {"/etc/lab.d/extra.conf", "dhcp-range=set:b,2001:db8::10,2001:db8::20\nexcept-interface=eth0\n"},
      {"/etc/lab.d/ignored.bak", "dhcp-range=198.51.100.1,198.51.100.9\n"}};
  auto read = [&](const std::string& p) -> std::optional<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  auto list = [](const std::string& d) {
    return d == "/etc/lab.d" ? std::vector<std::string>{"extra.conf", "ignored.bak"} : std::vector<std::string>{};
  };
  auto p = parse_dnsmasq({"dnsmasq", "--interface=br1", "-z", "--dhcp-range", "192.0.2.10,192.0.2.20,12h", "-C",
                          "/etc/lab.conf"},
                         read, list);
  CHECK(p.dnsmasq);
  CHECK(p.bind_interfaces);
  CHECK(p.interfaces == std::vector<std::string>{"br1", "br2"});
  CHECK(p.except_interfaces == std::vector<std::string>{"eth0"});
  REQUIRE(p.range_starts.size() == 2);
  CHECK(p.range_starts[0] == ip("192.0.2.10"));
  CHECK(p.range_starts[1] == ip("203.0.113.5"));
  CHECK(p.ranges_known);
  // A file it names that cannot be read: the ranges are not known whole.
  auto q = parse_dnsmasq({"dnsmasq", "--conf-file=/etc/missing.conf"}, read, list);
  CHECK_FALSE(q.ranges_known);
}

namespace {

// A bridge br0 (index 7, 192.0.2.1/24) probed for 5 s, nothing answered.
DhcpFacts probed_bridge() {
  DhcpFacts f;
  f.interface = f.served = "br0";
  f.served_link.index = 7;
  f.served_link.name = "br0";
  f.served_link.kind = "bridge";
  f.served_link.flags = 0x1;  // IFF_UP
  f.served_prefixes.push_back(*Prefix::parse("192.0.2.1/24"));
  f.input.read = true;
  f.duration_s = 5.0;
  f.probed = true;
  f.probe_mac = mac("02:00:5e:00:53:01");
  f.probe_sent = 5;
  return f;
}

DhcpListener dnsmasq_listener(bool here, std::vector<IpAddr> ranges) {
  DhcpListener l;
  l.socket.local = ip("0.0.0.0");
  l.socket.port = 67;
  DhcpServerProcess p;
  p.pid = 4242;
  p.comm = "dnsmasq";
  p.dnsmasq = true;
  p.range_starts = std::move(ranges);
  p.ranges_known = true;
  l.server = p;
  l.here = here;
  if (!here) {
    l.socket.dev = "br1";
    l.socket.dev_index = 9;
    l.elsewhere = "bound to br1";
  }
  return l;
}

DhcpOffer offer(const char* server, const char* m, const char* addr, const char* router, const char* port) {
  DhcpOffer o;
  o.server = server;
  o.server_mac = mac(m);
  o.address = ip(addr);
  o.mask = ip("255.255.255.0");
  o.routers = {ip(router)};
  o.port = port;
  o.to_probe = true;
  return o;
}

std::vector<std::string> ids(const Report& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.id);
  return out;
}

std::string fix_text(const Report& r) {
  std::string s;
  for (const auto& f : r.findings)
    for (const auto& x : f.fix) s += (x.netlab.empty() ? x.iproute2 : x.netlab) + "\n";
  return s;
}

}  // namespace

TEST_CASE("dhcp diagnose judge: nobody listening is C35, with a dnsmasq for the bridge's subnet as the fix") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  const Report r = analyse_dhcp(probed_bridge(), o);
  CHECK(r.verdict == Verdict::Fault);
  CHECK(ids(r) == std::vector<std::string>{"C35"});
  CHECK(fix_text(r) == "dnsmasq --port=0 --bind-interfaces --interface=br0 --dhcp-range=192.0.2.128,192.0.2.254,12h\n");
  // In a named namespace the fix runs there.
  o.netns_arg = "lab1";
  CHECK(fix_text(analyse_dhcp(probed_bridge(), o)).rfind("ip netns exec lab1 dnsmasq ", 0) == 0);
}

TEST_CASE("dhcp diagnose judge: a server bound elsewhere is C36, a firewall drop C37, a foreign range C42") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  auto f = probed_bridge();
  f.listeners.push_back(dnsmasq_listener(false, {ip("203.0.113.100")}));
  CHECK(ids(analyse_dhcp(f, o)) == std::vector<std::string>{"C36"});

  f = probed_bridge();
  f.listeners.push_back(dnsmasq_listener(true, {ip("192.0.2.100")}));
  f.input = input_verdict_for_discover(hardened(), "br0", 7);
  Report r = analyse_dhcp(f, o);
  CHECK(ids(r) == std::vector<std::string>{"C37"});
  CHECK(fix_text(r) == "nft 'insert rule inet hardened input iifname \"br0\" udp dport 67 accept'\n");

  f = probed_bridge();
  f.listeners.push_back(dnsmasq_listener(true, {ip("203.0.113.50")}));
  r = analyse_dhcp(f, o);
  CHECK(ids(r) == std::vector<std::string>{"C42"});
  CHECK(fix_text(r) == "netlab addr add 203.0.113.1/24 dev br0\n");

  // A reachable dnsmasq with a range here, unfiltered, silent: unexplained,
  // with every check listed.
  f = probed_bridge();
  f.listeners.push_back(dnsmasq_listener(true, {ip("192.0.2.100")}));
  r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Unexplained);
  CHECK(r.findings.empty());
  CHECK(r.checked.size() >= 5);
}

TEST_CASE("dhcp diagnose judge: two servers with different routers is a C41 fault that detaches the port of the one not on the host") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  auto f = probed_bridge();
  f.listeners.push_back(dnsmasq_listener(true, {ip("192.0.2.100")}));
  f.offers.push_back(offer("192.0.2.2", "02:00:5e:00:53:99", "192.0.2.210", "192.0.2.2", "vrogue"));
  f.offers.push_back(offer("192.0.2.1", "02:00:5e:00:53:01", "192.0.2.110", "192.0.2.1", ""));
  f.offers.back().host = true;
  Report r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(ids(r) == std::vector<std::string>{"C41"});
  CHECK(r.findings[0].severity == Severity::Fault);
  CHECK(fix_text(r) == "netlab link set dev vrogue nomaster\n");
  // The same router and subnet: a warning, and the guests still get a lease.
  f.offers[0].routers = {ip("192.0.2.1")};
  r = analyse_dhcp(f, o);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].severity == Severity::Warning);
  CHECK(r.verdict == Verdict::Ok);
}

TEST_CASE("dhcp diagnose judge: one offer is ok, a bridge down is C52, and a passive watch with no client is ok") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  auto f = probed_bridge();
  f.offers.push_back(offer("192.0.2.1", "02:00:5e:00:53:01", "192.0.2.110", "192.0.2.1", ""));
  Report r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Ok);
  CHECK(r.findings.empty());

  f = probed_bridge();
  f.served_link.flags = 0;
  r = analyse_dhcp(f, o);
  CHECK(ids(r) == std::vector<std::string>{"C52"});
  CHECK(fix_text(r) == "netlab link set dev br0 up\n");

  f = probed_bridge();
  f.probed = false;
  f.passive = true;
  r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Ok);
  REQUIRE_FALSE(r.notes.empty());
  CHECK(r.notes.back().find("no DHCP client asked on br0") != std::string::npos);
}

TEST_CASE("dhcp diagnose judge: br_netfilter and a FORWARD policy drop with no host server is C38, not C35") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  nft::Ruleset rs;
  rs.chains.push_back(base(nft::Family::Ip, "filter", "FORWARD", "drop"));
  rs.chains[0].hook = "forward";
  nft::Rule est = rule(rs.chains[0], 3, nft::VerdictKind::Accept);
  est.match.ct_state = {"established", "related"};
  rs.rules = {est};
  auto f = probed_bridge();
  f.forward = forward_verdict_for_bridged_discover(rs, "br0", 7);
  CHECK(f.forward.drop);
  CHECK(f.forward.certain);
  // The input hook is not the forward hook: a DISCOVER to the host passes.
  CHECK_FALSE(input_verdict_for_discover(rs, "br0", 7).drop);
  f.br_nf_call_iptables = 1;
  Report r = analyse_dhcp(f, o);
  CHECK(ids(r) == std::vector<std::string>{"C38"});
  CHECK(fix_text(r) == "nft 'insert rule ip filter FORWARD iifname \"br0\" oifname \"br0\" accept'\n");
  // Bridged frames that skip the IPv4 hooks: no C38, nobody serves.
  f.br_nf_call_iptables = 0;
  CHECK(ids(analyse_dhcp(f, o)) == std::vector<std::string>{"C35"});
  // An accept for the bridge to itself first: passed.
  nft::Rule accept = rule(rs.chains[0], 4, nft::VerdictKind::Accept);
  accept.match.iifname = "br0";
  accept.match.oifname = "br0";
  rs.rules.insert(rs.rules.begin(), accept);
  CHECK_FALSE(forward_verdict_for_bridged_discover(rs, "br0", 7).drop);
}

TEST_CASE("dhcp diagnose judge: a guest's TAP without carrier is C05 with a guest step, a listening port C07") {
  DhcpDiagnoseOptions o;
  o.interface = "tap0";
  auto f = probed_bridge();
  f.interface = "tap0";
  f.asked_link.name = "tap0";
  f.asked_link.flags = 0x1;  // UP, not RUNNING: NO-CARRIER
  f.asked_link.carrier = false;
  f.asked_link.tun = TunInfo{};
  Report r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C05"});
  REQUIRE(r.findings[0].fix.size() == 1);
  CHECK(r.findings[0].fix[0].where == "guest");

  o.interface = "br0";
  f = probed_bridge();
  f.asked_link = f.served_link;
  f.served_link.bridge = BridgeInfo{};
  f.served_link.bridge->forward_delay_cs = 1500;
  Link port;
  port.name = "vnet3";
  port.bridge_port = BridgePortInfo{};
  port.bridge_port->state = 1;  // listening
  f.ports.push_back(port);
  f.stp_waiting = true;
  f.probed = false;
  r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C07"});
  CHECK(fix_text(r) == "netlab bridge stp br0 off\nnetlab link set dev vnet3 down\nnetlab link set dev vnet3 up\n");
}

TEST_CASE("dhcp diagnose dnsmasq: ignore entries with where they were read, pools, the lease file and foreground") {
  std::map<std::string, std::string> files{
      {"/etc/hosts.conf", "# lab\ndhcp-host=02:00:5e:00:53:10,192.0.2.10\ndhcp-host = 52:54:00:*:*:*,02:00:5e:00:53:11,ignore\n"}};
  auto read = [&](const std::string& p) -> std::optional<std::string> {
    auto it = files.find(p);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  auto none = [](const std::string&) { return std::vector<std::string>{}; };
  auto p = parse_dnsmasq({"dnsmasq", "-G", "02:00:5e:00:53:20,ignore", "--dhcp-host=id:*,ignore",
                          "--dhcp-range=192.0.2.100,192.0.2.103,1h", "--dhcp-range=192.0.2.50,static",
                          "-l", "/run/lab.leases", "-C", "/etc/hosts.conf"},
                         read, none);
  REQUIRE(p.ignores.size() == 2);
  CHECK(p.ignores[0].macs == std::vector<std::string>{"02:00:5e:00:53:20"});
  CHECK(p.ignores[0].file.empty());
  CHECK(p.ignores[0].arg == 2);
  CHECK(p.ignores[0].arg_separate);
  CHECK(p.ignores[1].file == "/etc/hosts.conf");
  CHECK(p.ignores[1].line == 3);
  CHECK(p.ignores[1].macs.size() == 2);
  REQUIRE(p.ranges.size() == 1);  // the static range has no pool
  CHECK(p.ranges[0].start == ip("192.0.2.100"));
  CHECK(p.ranges[0].end == ip("192.0.2.103"));
  CHECK(p.range_starts.size() == 2);
  CHECK(p.lease_file == "/run/lab.leases");
  CHECK(p.lease_file_given);
  CHECK_FALSE(p.foreground);
  CHECK(parse_dnsmasq({"dnsmasq", "-k"}, read, none).foreground);
  CHECK(parse_dnsmasq({"dnsmasq", "-9"}, read, none).leasefile_ro);
  CHECK(parse_dnsmasq({"dnsmasq", "--leasefile-ro"}, read, none).leasefile_ro);
  CHECK(parse_dnsmasq({"dnsmasq", "--no-daemon"}, read, none).lease_file == "/var/lib/misc/dnsmasq.leases");

  CHECK(dnsmasq_mac_matches("52:54:00:*:*:*", mac("52:54:00:12:34:56")));
  CHECK_FALSE(dnsmasq_mac_matches("52:54:00:*:*:*", mac("52:54:01:12:34:56")));
  CHECK(dnsmasq_mac_matches("1-02:00:5E:00:53:20", mac("02:00:5e:00:53:20")));
  CHECK_FALSE(dnsmasq_mac_matches("id:01:02", mac("02:00:5e:00:53:20")));

  const auto leases = parse_dnsmasq_leases(
      "1764000000 02:00:5E:00:53:a1 192.0.2.100 gone1 01:02:00:5e:00:53:a1\n"
      "0 02:00:5e:00:53:a2 192.0.2.101 * *\n"
      "duid 00:01:00:01:2c:00:00:00:02:00:5e:00:53:01\n"
      "1764000000 3735928559 2001:db8::5 * 00:01\n"
      "garbage\n");
  REQUIRE(leases.size() == 2);
  CHECK(leases[0].mac == "02:00:5e:00:53:a1");
  CHECK(leases[0].hostname == "gone1");
  CHECK(leases[1].expiry == 0);
  CHECK(leases[1].hostname.empty());
}

namespace {

// A reachable dnsmasq (pid 4242, forking, our root) serving br0 with a pool
// of two addresses.
DhcpListener restartable_dnsmasq(std::vector<std::string> cmdline) {
  DhcpListener l = dnsmasq_listener(true, {ip("192.0.2.100")});
  l.server->ranges.push_back(DnsmasqRange{ip("192.0.2.100"), ip("192.0.2.101")});
  l.server->cmdline = std::move(cmdline);
  l.server->same_root = true;
  l.server->leases_read = true;
  return l;
}

SeenDhcp seen(const char* type, const char* client, bool from_client) {
  SeenDhcp s;
  s.interface = "br0";
  s.type = type;
  s.client = mac(client);
  s.from_client = from_client;
  return s;
}

}  // namespace

TEST_CASE("dhcp diagnose judge: a guest's MAC ignored on the command line while the probe is answered is C40, restarted without the entry") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  auto f = probed_bridge();
  auto l = restartable_dnsmasq({"dnsmasq", "--interface=br0", "--dhcp-host=02:00:5e:00:53:10,ignore", "-G",
                                "02:00:5e:00:53:10,02:00:5e:00:53:11,ignore", "--log-facility=/tmp/a b.log"});
  DnsmasqIgnore a;
  a.macs = {"02:00:5e:00:53:10"};
  a.entry = "02:00:5e:00:53:10,ignore";
  a.arg = 2;
  DnsmasqIgnore b;
  b.macs = {"02:00:5e:00:53:10", "02:00:5e:00:53:11"};
  b.entry = "02:00:5e:00:53:10,02:00:5e:00:53:11,ignore";
  b.arg = 4;
  b.arg_separate = true;
  l.server->ignores = {a, b};
  f.listeners.push_back(l);
  f.offers.push_back(offer("192.0.2.1", "02:00:5e:00:53:01", "192.0.2.100", "192.0.2.1", ""));
  f.seen = {seen("DISCOVER", "02:00:5e:00:53:10", true), seen("DISCOVER", "02:00:5e:00:53:10", true)};
  Report r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(ids(r) == std::vector<std::string>{"C40"});
  CHECK(fix_text(r) == "kill 4242 && while kill -0 4242 2>/dev/null; do sleep 0.1; done\n"
                       "dnsmasq --interface=br0 -G 02:00:5e:00:53:11,ignore '--log-facility=/tmp/a b.log'\n");
  std::string evidence;
  for (const auto& e : r.findings[0].evidence) evidence += e.text + "\n";
  CHECK(evidence.find("2 DISCOVERs from 02:00:5e:00:53:10, no OFFER to it") != std::string::npos);
  CHECK(evidence.find("--dhcp-host=02:00:5e:00:53:10,ignore on its command line") != std::string::npos);
  CHECK(evidence.find("got an OFFER of 192.0.2.100") != std::string::npos);

  // The guest answered too (an OFFER to it on the wire): no C40.
  f.seen.push_back(seen("OFFER", "02:00:5e:00:53:10", false));
  CHECK(analyse_dhcp(f, o).verdict == Verdict::Ok);
  // Another client asked about, not ignored: ok.
  f.seen.pop_back();
  o.client = mac("02:00:5e:00:53:12");
  CHECK(analyse_dhcp(f, o).verdict == Verdict::Ok);
  // The client asked about is ignored, seen or not: C40.
  o.client = mac("02:00:5e:00:53:11");
  f.seen.clear();
  CHECK(ids(analyse_dhcp(f, o)) == std::vector<std::string>{"C40"});
  // In the foreground (a supervisor's): the finding, no command, a note.
  f.listeners[0].server->foreground = true;
  r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C40"});
  CHECK(r.findings[0].fix.empty());
  CHECK(r.notes.front().find("supervises it") != std::string::npos);
}

TEST_CASE("dhcp diagnose judge: an ignore entry in a file is edited by line, then dnsmasq restarted, and a passive watch of the guest alone finds it too") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  auto f = probed_bridge();
  f.probed = false;
  f.passive = true;
  auto l = restartable_dnsmasq({"dnsmasq", "-C", "/etc/lab.conf"});
  DnsmasqIgnore e;
  e.macs = {"52:54:00:*:*:*"};
  e.entry = "52:54:00:*:*:*,ignore";
  e.file = "/etc/lab.conf";
  e.line = 7;
  l.server->ignores = {e};
  f.listeners.push_back(l);
  f.seen = {seen("DISCOVER", "52:54:00:12:34:56", true)};
  Report r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C40"});
  CHECK(fix_text(r) == "sed -i -e '7d' /etc/lab.conf\n"
                       "kill 4242 && while kill -0 4242 2>/dev/null; do sleep 0.1; done\n"
                       "dnsmasq -C /etc/lab.conf\n");
  // Another guest: the entry does not take it, so the pool decides (free).
  f.seen = {seen("DISCOVER", "02:00:5e:00:53:10", true)};
  r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Unexplained);
  CHECK(r.findings.empty());
}

TEST_CASE("dhcp diagnose judge: a pool every address of which is leased to others is C40, freeing only MACs the bridge has not learned") {
  DhcpDiagnoseOptions o;
  o.interface = "br0";
  auto f = probed_bridge();
  f.now = 1764000000;
  f.stations_known = true;
  f.stations = {mac("02:00:5e:00:53:a2")};
  auto l = restartable_dnsmasq({"dnsmasq", "--dhcp-range=192.0.2.100,192.0.2.101,1h"});
  DnsmasqLease a;
  a.expiry = f.now + 600;
  a.mac = "02:00:5e:00:53:a1";
  a.address = ip("192.0.2.100");
  DnsmasqLease b = a;
  b.mac = "02:00:5e:00:53:a2";
  b.address = ip("192.0.2.101");
  l.server->leases = {a, b};
  f.listeners.push_back(l);
  Report r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C40"});
  CHECK(fix_text(r) == "kill 4242 && while kill -0 4242 2>/dev/null; do sleep 0.1; done\n"
                       "sed -i -e '/^[0-9]* 02:00:5e:00:53:a1 /d' /var/lib/misc/dnsmasq.leases\n"
                       "dnsmasq --dhcp-range=192.0.2.100,192.0.2.101,1h\n");
  std::string evidence;
  for (const auto& e : r.findings[0].evidence) evidence += e.text + "\n";
  CHECK(evidence.find("holds 2 unexpired leases in 192.0.2.100-192.0.2.101, which has 2 addresses") != std::string::npos);
  CHECK(evidence.find("192.0.2.101 to 02:00:5e:00:53:a2, expires in 600 s; br0 has learned this MAC") != std::string::npos);

  // Every lease's MAC on the bridge: the finding, no command (widening the
  // range is the operator's choice), a note.
  f.stations.push_back(mac("02:00:5e:00:53:a1"));
  r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C40"});
  CHECK(r.findings[0].fix.empty());
  CHECK(r.notes.back().find("widen") != std::string::npos);
  // An expired lease frees its address: not this cause.
  f.listeners[0].server->leases[0].expiry = f.now - 1;
  r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Unexplained);
  // The lease file unread: not observable, said why.
  f.listeners[0].server->leases_read = false;
  f.listeners[0].server->leases_unread = "cannot read /var/lib/misc/dnsmasq.leases";
  r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Unexplained);
  bool said = false;
  for (const auto& c : r.checked)
    said = said || (c.cause == "dhcp-server-ignores-client" && c.result == "not observable" &&
                    c.detail.find("cannot read") != std::string::npos);
  CHECK(said);
}

TEST_CASE("dhcp diagnose judge: a held TAP with checksum offload and no vnet_hdr is C39 with a guest step, a fault when the host serves") {
  DhcpDiagnoseOptions o;
  o.interface = "tapc0";
  auto f = probed_bridge();
  f.interface = "tapc0";
  f.listeners.push_back(dnsmasq_listener(true, {ip("192.0.2.100")}));
  f.offers.push_back(offer("192.0.2.1", "02:00:5e:00:53:01", "192.0.2.110", "192.0.2.1", ""));
  TapOffload t;
  t.name = "tapc0";
  t.carrier = true;
  t.tx_csum = true;
  f.taps.push_back(t);
  f.seen = {seen("DISCOVER", "02:00:5e:00:53:39", true), seen("OFFER", "02:00:5e:00:53:39", false),
            seen("DISCOVER", "02:00:5e:00:53:39", true), seen("OFFER", "02:00:5e:00:53:39", false)};
  Report r = analyse_dhcp(f, o);
  CHECK(r.verdict == Verdict::Fault);
  REQUIRE(ids(r) == std::vector<std::string>{"C39"});
  REQUIRE(r.findings[0].fix.size() == 1);
  CHECK(r.findings[0].fix[0].where == "guest");
  std::string evidence;
  for (const auto& e : r.findings[0].evidence) evidence += e.text + "\n";
  CHECK(evidence.find("tapc0: tx checksum offload on (ETHTOOL_GTXCSUM), vnet_hdr off") != std::string::npos);
  CHECK(evidence.find("2 DISCOVERs from 02:00:5e:00:53:39 and 2 OFFERs to it") != std::string::npos);

  // A vnet_hdr tells the reader (QEMU's virtio-net): ok.
  f.taps[0].vnet_hdr = true;
  CHECK(analyse_dhcp(f, o).verdict == Verdict::Ok);
  // No offload, or nobody holding the TAP: ok.
  f.taps[0].vnet_hdr = false;
  f.taps[0].tx_csum = false;
  CHECK(analyse_dhcp(f, o).verdict == Verdict::Ok);
  f.taps[0].tx_csum = true;
  f.taps[0].carrier = false;
  CHECK(analyse_dhcp(f, o).verdict == Verdict::Ok);
  // The server behind another port (its checksums whole) and no guest seen
  // asking again: only a warning.
  f.taps[0].carrier = true;
  f.listeners.clear();
  f.seen.clear();
  r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C39"});
  CHECK(r.findings[0].severity == Severity::Warning);
  CHECK(r.verdict == Verdict::Ok);
}

TEST_CASE("dhcp diagnose judge: an allow list (dhcp-ignore=tag:!known) without the client is C40, restarted with a dhcp-host for it") {
  auto none = [](const std::string&) { return std::vector<std::string>{}; };
  auto nofile = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto p = parse_dnsmasq({"dnsmasq", "--dhcp-ignore=tag:!known", "--dhcp-host=02:00:5e:00:53:77,192.0.2.77"},
                         nofile, none);
  REQUIRE(p.allow_list);
  CHECK(p.allow_list->arg == 1);
  CHECK(p.known_macs == std::vector<std::string>{"02:00:5e:00:53:77"});
  CHECK(p.known_complete);
  CHECK_FALSE(parse_dnsmasq({"dnsmasq", "--dhcp-hostsfile=/etc/h"}, nofile, none).known_complete);

  DhcpDiagnoseOptions o;
  o.interface = "br0";
  o.client = mac("02:00:5e:00:53:10");
  auto f = probed_bridge();
  auto l = restartable_dnsmasq(p.cmdline);
  l.server->allow_list = p.allow_list;
  l.server->known_macs = p.known_macs;
  f.listeners.push_back(l);
  Report r = analyse_dhcp(f, o);
  REQUIRE(ids(r) == std::vector<std::string>{"C40"});
  CHECK(fix_text(r) == "kill 4242 && while kill -0 4242 2>/dev/null; do sleep 0.1; done\n"
                       "dnsmasq '--dhcp-ignore=tag:!known' --dhcp-host=02:00:5e:00:53:77,192.0.2.77 "
                       "--dhcp-host=02:00:5e:00:53:10\n");
  // A known client: not this shape (the pool decides, and it is free).
  o.client = mac("02:00:5e:00:53:77");
  CHECK(analyse_dhcp(f, o).findings.empty());
  // Hosts from a file it did not read: not judged.
  o.client = mac("02:00:5e:00:53:10");
  f.listeners[0].server->known_complete = false;
  CHECK(analyse_dhcp(f, o).findings.empty());
}
