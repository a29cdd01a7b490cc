// The nftables ruleset reader (nft.hpp) and the socket reader (sockets.hpp),
// issue 15 §3 and issue 16's foundations: each lab builds its rules with nft
// or iptables-nft (or starts dnsmasq and a python3 socket) in a private
// namespace, and what netlab reads is compared with the reference tools'
// own view (`nft -j list ruleset`, `ss -uapn`).
#include "lab_support.hpp"
#include "mini_json.hpp"

#include <netlab/nft.hpp>
#include <netlab/sockets.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

using namespace std::chrono_literals;
namespace lab = nltest::lab;
using nltest::ip_ok;
using nltest::lab::sh_ok;
using netlab::nft::Family;
using netlab::nft::VerdictKind;

namespace {

netlab::nft::Ruleset read_ok() {
  auto rs = netlab::nft::read_ruleset(netlab::Netns{});
  REQUIRE_OK(rs);
  return std::move(rs).value();
}

// `nft -j list ruleset`'s items of one kind ("table", "chain", "rule").
std::vector<testjson::Value> nft_items(const std::string& kind) {
  auto r = nltest::run({"nft", "-j", "list", "ruleset"});
  REQUIRE(r.status == 0);
  auto doc = testjson::parse(r.out);
  std::vector<testjson::Value> out;
  for (const auto& item : doc["nftables"].array())
    if (item.has(kind)) out.push_back(item[kind]);
  return out;
}

Family family_of(const std::string& word) {
  if (word == "ip") return Family::Ip;
  if (word == "ip6") return Family::Ip6;
  if (word == "inet") return Family::Inet;
  if (word == "bridge") return Family::Bridge;
  if (word == "arp") return Family::Arp;
  return Family::Netdev;
}

// Every table, chain and rule nft lists is read with the same handle, hook,
// type, priority, policy, position in its chain and counter; and nothing more.
void require_same_as_nft(const netlab::nft::Ruleset& rs) {
  auto tables = nft_items("table");
  REQUIRE(tables.size() == rs.tables.size());
  for (const auto& t : tables) {
    INFO("table " << t["family"].str() << " " << t["name"].str());
    auto it = std::find_if(rs.tables.begin(), rs.tables.end(), [&](const netlab::nft::Table& x) {
      return x.family == family_of(t["family"].str()) && x.name == t["name"].str();
    });
    REQUIRE(it != rs.tables.end());
    CHECK(std::to_string(it->handle) == t["handle"].text());
  }
  auto chains = nft_items("chain");
  REQUIRE(chains.size() == rs.chains.size());
  for (const auto& c : chains) {
    INFO("chain " << c["family"].str() << " " << c["table"].str() << " " << c["name"].str());
    const auto* ch = rs.find_chain(family_of(c["family"].str()), c["table"].str(), c["name"].str());
    REQUIRE(ch);
    CHECK(std::to_string(ch->handle) == c["handle"].text());
    CHECK(ch->is_base() == c.has("hook"));
    if (c.has("hook")) {
      CHECK(ch->hook == c["hook"].str());
      CHECK(ch->type == c["type"].str());
      CHECK(std::to_string(ch->priority) == c["prio"].text());
      CHECK(ch->policy == c["policy"].str());
    }
  }
  auto rules = nft_items("rule");
  REQUIRE(rules.size() == rs.rules.size());
  std::map<std::string, std::vector<std::string>> order;  // chain -> handles as nft lists them
  for (const auto& r : rules) {
    const std::string key = r["family"].str() + " " + r["table"].str() + " " + r["chain"].str();
    order[key].push_back(r["handle"].text());
    INFO("rule " << key << " handle " << r["handle"].text());
    auto it = std::find_if(rs.rules.begin(), rs.rules.end(), [&](const netlab::nft::Rule& x) {
      return x.family == family_of(r["family"].str()) && x.table == r["table"].str() &&
             x.chain == r["chain"].str() && std::to_string(x.handle) == r["handle"].text();
    });
    REQUIRE(it != rs.rules.end());
    bool nft_counts = false;
    for (const auto& e : r["expr"].array()) {
      if (!e.has("counter")) continue;
      nft_counts = true;
      CHECK(std::to_string(it->packets) == e["counter"]["packets"].text());
      CHECK(std::to_string(it->bytes) == e["counter"]["bytes"].text());
    }
    CHECK(it->has_counter == nft_counts);
  }
  for (const auto& c : rs.chains) {
    std::vector<std::string> ours;
    for (auto h : c.rules) ours.push_back(std::to_string(h));
    CHECK(ours == order[std::string(netlab::nft::family_name(c.family)) + " " + c.table + " " + c.name]);
  }
}

const netlab::nft::Rule& rule_in(const netlab::nft::Ruleset& rs, Family f, const std::string& table,
                                 const std::string& chain, std::size_t index) {
  const auto* c = rs.find_chain(f, table, chain);
  REQUIRE(c);
  auto rules = rs.rules_of(*c);
  REQUIRE(index < rules.size());
  return *rules[index];
}

void send_udp(const char* addr, std::uint16_t port, int count) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, addr, &to.sin_addr);
  const char payload[] = "netlab";
  for (int i = 0; i < count; ++i)
    CHECK(::sendto(fd, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
          static_cast<ssize_t>(sizeof payload));
  ::close(fd);
}

}  // namespace

TEST_CASE("nft read: inet input policy drop, a bridge chain, ip nat masquerade and a jump read as nft lists them") {
  nltest::PrivateNetns ns;
  sh_ok("nft -f - <<'EOF'\n"
        "table inet filter {\n"
        "  chain input { type filter hook input priority 0; policy drop;\n"
        "    udp dport 67 counter drop\n"
        "    ct state established,related accept\n"
        "    iifname \"veth*\" ip saddr 192.0.2.0/24 tcp dport 20-30 accept\n"
        "  }\n"
        "  chain forward { type filter hook forward priority 0; policy accept;\n"
        "    jump lab-user\n"
        "  }\n"
        "  chain lab-user { udp dport 68 counter drop\n return\n }\n"
        "}\n"
        "table bridge brfilter {\n"
        "  chain brforward { type filter hook forward priority -200; policy accept;\n"
        "    ether type arp counter drop\n"
        "  }\n"
        "}\n"
        "table ip nat {\n"
        "  chain post { type nat hook postrouting priority 100; policy accept;\n"
        "    oifname \"veth0\" masquerade\n"
        "    ip daddr 203.0.113.0/24 snat to 192.0.2.1\n"
        "  }\n"
        "}\n"
        "EOF");
  auto rs = read_ok();
  require_same_as_nft(rs);

  const auto& drop67 = rule_in(rs, Family::Inet, "filter", "input", 0);
  CHECK(drop67.verdict == VerdictKind::Drop);
  CHECK(drop67.has_counter);
  REQUIRE(drop67.match.l4proto);
  CHECK(*drop67.match.l4proto == IPPROTO_UDP);
  REQUIRE(drop67.match.dport);
  CHECK(drop67.match.dport->lo == 67);
  CHECK(drop67.match.dport->hi == 67);
  CHECK(drop67.match_summary() == "udp dport 67");
  CHECK(drop67.may_match_udp_dport(67));
  CHECK_FALSE(drop67.may_match_udp_dport(68));

  const auto& ct = rule_in(rs, Family::Inet, "filter", "input", 1);
  CHECK(ct.match.ct_state == std::vector<std::string>{"established", "related"});
  CHECK(ct.verdict == VerdictKind::Accept);

  const auto& tcp = rule_in(rs, Family::Inet, "filter", "input", 2);
  CHECK(tcp.match.iifname == "veth*");
  CHECK(tcp.match.saddr == "192.0.2.0/24");
  REQUIRE(tcp.match.dport);
  CHECK(tcp.match.dport->lo == 20);
  CHECK(tcp.match.dport->hi == 30);
  CHECK_FALSE(tcp.may_match_udp_dport(25));  // tcp, not udp

  const auto& jump = rule_in(rs, Family::Inet, "filter", "forward", 0);
  CHECK(jump.verdict == VerdictKind::Jump);
  CHECK(jump.target == "lab-user");
  CHECK(jump.verdict_text() == "jump lab-user");
  CHECK(rule_in(rs, Family::Inet, "filter", "lab-user", 1).verdict == VerdictKind::Return);

  const auto* br = rs.find_chain(Family::Bridge, "brfilter", "brforward");
  REQUIRE(br);
  CHECK(br->hook == "forward");
  CHECK(br->priority == -200);

  const auto& masq = rule_in(rs, Family::Ip, "nat", "post", 0);
  CHECK(masq.verdict == VerdictKind::Masquerade);
  CHECK(masq.match.oifname == "veth0");
  const auto& snat = rule_in(rs, Family::Ip, "nat", "post", 1);
  CHECK(snat.verdict == VerdictKind::Snat);
  CHECK(snat.target == "192.0.2.1");
  CHECK(snat.match.daddr == "203.0.113.0/24");

  // The CLI prints the same: one line per rule with its handle.
  auto cli = nltest::netlab({"nft", "show"});
  REQUIRE(cli.status == 0);
  CHECK(lab::contains(cli.out, "type filter hook input priority 0; policy drop;"));
  CHECK(lab::contains(cli.out, "udp dport 67 counter packets 0 bytes 0 drop # handle " + std::to_string(drop67.handle)));
  CHECK(lab::contains(cli.out, "jump lab-user"));
  CHECK(lab::contains(cli.out, "oifname \"veth0\" masquerade"));
  auto js = nltest::netlab({"-j", "nft", "show"});
  REQUIRE(js.status == 0);
  auto doc = testjson::parse(js.out);
  REQUIRE(doc.array().size() == rs.tables.size());
  CHECK(doc.array()[0]["chains"].array()[0]["policy"].str() == "drop");
}

TEST_CASE("nft read: counters rise with the UDP datagrams sent and match nft's") {
  nltest::PrivateNetns ns;
  sh_ok("nft add table inet t && "
        "nft add chain inet t input '{ type filter hook input priority 0; policy accept; }' && "
        "nft add rule inet t input udp dport 6767 counter accept && "
        "nft add rule inet t input udp dport 6768 counter drop");
  auto before = read_ok();
  CHECK(rule_in(before, Family::Inet, "t", "input", 0).packets == 0);
  send_udp("127.0.0.1", 6767, 3);
  send_udp("127.0.0.1", 6768, 2);
  auto after = read_ok();
  require_same_as_nft(after);
  const auto& r0 = rule_in(after, Family::Inet, "t", "input", 0);
  const auto& r1 = rule_in(after, Family::Inet, "t", "input", 1);
  CHECK(r0.packets == 3);
  CHECK(r1.packets == 2);
  // 20 bytes of IPv4 header, 8 of UDP, 7 of payload each.
  CHECK(r0.bytes == 3 * (20 + 8 + 7));
}

TEST_CASE("nft read: iptables-nft FORWARD drop of udp 67, its DROP policy, a DOCKER-USER jump and MASQUERADE") {
  nltest::PrivateNetns ns;
  REQUIRE(nltest::run({"iptables-nft", "--version"}).status == 0);
  sh_ok("iptables-nft -A FORWARD -p udp --dport 67 -j DROP && "
        "iptables-nft -P FORWARD DROP && "
        "iptables-nft -N DOCKER-USER && iptables-nft -I FORWARD -j DOCKER-USER && "
        "iptables-nft -A DOCKER-USER -j RETURN && "
        "iptables-nft -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT && "
        "iptables-nft -t nat -A POSTROUTING -s 198.51.100.0/24 ! -o veth0 -j MASQUERADE");
  auto rs = read_ok();
  require_same_as_nft(rs);
  const auto* fwd = rs.find_chain(Family::Ip, "filter", "FORWARD");
  REQUIRE(fwd);
  CHECK(fwd->hook == "forward");
  CHECK(fwd->policy == "drop");

  const auto& jump = rule_in(rs, Family::Ip, "filter", "FORWARD", 0);
  CHECK(jump.verdict == VerdictKind::Jump);
  CHECK(jump.target == "DOCKER-USER");
  CHECK(rule_in(rs, Family::Ip, "filter", "DOCKER-USER", 0).verdict == VerdictKind::Return);

  const auto& drop = rule_in(rs, Family::Ip, "filter", "FORWARD", 1);
  CHECK(drop.verdict == VerdictKind::Drop);
  CHECK(drop.has_counter);
  CHECK(drop.may_match_udp_dport(67));
  CHECK_FALSE(drop.may_match_udp_dport(68));

  const auto& ct = rule_in(rs, Family::Ip, "filter", "FORWARD", 2);
  CHECK(ct.match.xt_matches == std::vector<std::string>{"conntrack"});
  CHECK(ct.verdict == VerdictKind::Accept);

  const auto& masq = rule_in(rs, Family::Ip, "nat", "POSTROUTING", 0);
  CHECK(masq.verdict == VerdictKind::XtTarget);
  CHECK(masq.target == "MASQUERADE");
  CHECK(masq.match.saddr == "198.51.100.0/24");
  CHECK(masq.match.oifname == "veth0");
  CHECK(masq.match.oifname_negated);
}

TEST_CASE("nft read: may_match_udp_dport is false only where the rule excludes the datagram") {
  nltest::PrivateNetns ns;
  sh_ok("nft -f - <<'EOF'\n"
        "table inet m {\n"
        "  set ports { type inet_service; elements = { 67, 68 } }\n"
        "  chain c {\n"
        "    tcp dport 67 drop\n"
        "    udp dport 60-70 drop\n"
        "    udp dport != 67 drop\n"
        "    th dport 67 drop\n"
        "    udp dport @ports drop\n"
        "    meta l4proto tcp drop\n"
        "    ip saddr 192.0.2.1 drop\n"
        "    meta l4proto udp drop\n"
        "  }\n"
        "}\n"
        "EOF");
  auto rs = read_ok();
  require_same_as_nft(rs);
  auto r = [&](std::size_t i) -> const netlab::nft::Rule& { return rule_in(rs, Family::Inet, "m", "c", i); };
  CHECK_FALSE(r(0).may_match_udp_dport(67));  // tcp
  CHECK(r(1).may_match_udp_dport(67));        // in the range
  CHECK_FALSE(r(1).may_match_udp_dport(71));
  CHECK_FALSE(r(2).may_match_udp_dport(67));  // != 67
  CHECK(r(2).may_match_udp_dport(68));
  CHECK(r(3).may_match_udp_dport(67));        // th: any protocol
  CHECK_FALSE(r(3).may_match_udp_dport(53));
  CHECK(r(4).may_match_udp_dport(67));        // a set: not resolved, may match
  CHECK(r(4).match.dport->set == "ports");
  CHECK_FALSE(r(5).may_match_udp_dport(67));  // meta l4proto tcp
  CHECK(r(6).may_match_udp_dport(67));        // no protocol or port match
  CHECK(r(7).may_match_udp_dport(12345));     // udp, any port
}

TEST_CASE("nft read: a ruleset beyond the rule bound is refused whole") {
  nltest::PrivateNetns ns;
  sh_ok("nft add table inet b && nft add chain inet b c && "
        "for p in 1 2 3 4 5; do nft add rule inet b c udp dport $p drop || exit 1; done");
  auto within = netlab::nft::read_ruleset(netlab::Netns{}, 5);
  REQUIRE_OK(within);
  CHECK(within->rules.size() == 5);
  auto beyond = netlab::nft::read_ruleset(netlab::Netns{}, 4);
  REQUIRE_FALSE(beyond);
  CHECK(beyond.error().kind == netlab::Errc::Unsupported);
  CHECK(beyond.error().message() == "nftables ruleset: more than 4 rules: refused");
}

TEST_CASE("nft read: an empty ruleset is empty, and a namespace that does not exist fails with status 1") {
  nltest::PrivateNetns ns;
  auto rs = read_ok();
  CHECK(rs.tables.empty());
  CHECK(rs.chains.empty());
  CHECK(rs.rules.empty());
  auto text = nltest::netlab({"nft", "show"});
  CHECK(text.status == 0);
  CHECK(text.out.empty());
  auto js = nltest::netlab({"-j", "nft", "show"});
  CHECK(js.status == 0);
  CHECK(testjson::parse(js.out).array().empty());

  const std::string missing = "/run/netns-netlab-missing-" + std::to_string(::getpid()) + "/net";
  REQUIRE_FALSE(std::filesystem::exists(missing));
  for (std::vector<std::string> args : {std::vector<std::string>{"nft", "show"}, {"socket", "show"}}) {
    args.insert(args.begin(), {"-n", missing});
    auto r = nltest::netlab(args);
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(lab::contains(r.err, missing));
  }
  // Without CAP_NET_ADMIN the kernel refuses the dump: one line naming it.
  auto noadmin = nltest::run({"setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin", "--",
                              NETLAB_CLI_PATH, "nft", "show"});
  INFO(noadmin.err);
  CHECK(noadmin.status == 1);
  CHECK(noadmin.err == "netlab: nftables ruleset: Operation not permitted (reading nf_tables needs CAP_NET_ADMIN)\n");

  auto lib = netlab::nft::read_ruleset(netlab::Netns::at_path(missing));
  REQUIRE_FALSE(lib);
  CHECK(lib.error().kind == netlab::Errc::NotFound);
}

TEST_CASE("socket read: dnsmasq bound to an interface and a python3 SO_BINDTODEVICE socket, as ss -uapn shows them") {
  nltest::PrivateNetns ns;
  ip_ok({"link", "add", "v0", "type", "veth", "peer", "name", "v1"});
  ip_ok({"addr", "add", "192.0.2.1/24", "dev", "v0"});
  ip_ok({"link", "set", "v0", "up"});
  ip_ok({"link", "set", "v1", "up"});
  const std::string dir = "/tmp/netlab-sock-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  lab::Background dnsmasq({"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0", "--user=root",
                           "--group=root", "--interface=v0", "--bind-interfaces",
                           "--dhcp-range=192.0.2.50,192.0.2.99,255.255.255.0,1h",
                           "--dhcp-leasefile=" + dir + "/leases", "--pid-file=" + dir + "/dnsmasq.pid",
                           "--log-facility=" + dir + "/dnsmasq.log"});
  lab::Background py({"python3", "-c",
                      "import socket, time\n"
                      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                      "s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'v1')\n"
                      "s.bind(('0.0.0.0', 6767))\n"
                      "t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\n"
                      "t.bind(('::1', 6780))\n"
                      "t.listen()\n"
                      "print('ready', flush=True)\n"
                      "time.sleep(60)\n"});
  // 20 s: python3 starts in well under one, but a loaded CI machine can
  // stretch that; the wait ends as soon as the line comes.
  REQUIRE(py.wait_stdout("ready", 20000ms));
  std::vector<netlab::InetSocket> socks;
  REQUIRE(lab::wait_for([&] {
    auto r = netlab::sockets::udp_listeners(netlab::Netns{}, 67);
    if (!r) return false;
    socks = *r;
    return !socks.empty();
  }, 5000ms));
  INFO(dnsmasq.describe());
  REQUIRE(socks.size() == 1);
  const auto& d = socks[0];
  CHECK(d.port == 67);
  CHECK(d.local.to_string() == "0.0.0.0");
  CHECK(d.dev == "v0");
  CHECK(d.state == "UNCONN");
  REQUIRE(d.owners.size() == 1);
  CHECK(d.owners[0].pid == dnsmasq.pid());
  CHECK(d.owners[0].comm == "dnsmasq");

  // ss, the reference: the same socket, device and process.
  auto ss = nltest::run({"ss", "-H", "-uapn", "sport", "=", ":67"});
  REQUIRE(ss.status == 0);
  INFO(ss.out);
  CHECK(lab::contains(ss.out, "0.0.0.0%v0:67"));
  CHECK(lab::contains(ss.out, "pid=" + std::to_string(dnsmasq.pid()) + ","));
  CHECK(lab::contains(ss.out, "fd=" + std::to_string(d.owners[0].fd) + ")"));

  auto p = netlab::sockets::udp_listeners(netlab::Netns{}, 6767);
  REQUIRE_OK(p);
  REQUIRE(p->size() == 1);
  CHECK((*p)[0].dev == "v1");
  REQUIRE((*p)[0].owners.size() == 1);
  CHECK((*p)[0].owners[0].pid == py.pid());
  auto ss_py = nltest::run({"ss", "-H", "-uapn", "sport", "=", ":6767"});
  CHECK(lab::contains(ss_py.out, "0.0.0.0%v1:6767"));
  CHECK(lab::contains(ss_py.out, "pid=" + std::to_string(py.pid()) + ","));

  // A TCP listener on IPv6 loopback: the other table and family.
  auto t = netlab::sockets::list(netlab::Netns{}, {netlab::InetSocket::Proto::Tcp, 6780});
  REQUIRE_OK(t);
  REQUIRE(t->size() == 1);
  CHECK((*t)[0].local.to_string() == "::1");
  CHECK((*t)[0].state == "LISTEN");
  CHECK((*t)[0].dev.empty());
  REQUIRE((*t)[0].owners.size() == 1);
  CHECK((*t)[0].owners[0].pid == py.pid());
  auto ss_tcp = nltest::run({"ss", "-H", "-tlpn", "sport", "=", ":6780"});
  CHECK(lab::contains(ss_tcp.out, "[::1]:6780"));
  CHECK(lab::contains(nltest::netlab({"socket", "show", "tcp"}).out, "[::1]:6780"));

  // The CLI: text and JSON.
  auto cli = nltest::netlab({"socket", "show", "udp", "port", "67"});
  REQUIRE(cli.status == 0);
  CHECK(lab::contains(cli.out, "0.0.0.0:67"));
  CHECK(lab::contains(cli.out, "v0"));
  CHECK(lab::contains(cli.out, "(\"dnsmasq\",pid=" + std::to_string(dnsmasq.pid())));
  auto js = nltest::netlab({"-j", "socket", "show", "port", "6767"});
  REQUIRE(js.status == 0);
  auto doc = testjson::parse(js.out);
  REQUIRE(doc.array().size() == 1);
  CHECK(doc.array()[0]["dev"].str() == "v1");
  CHECK(doc.array()[0]["users"].array()[0]["pid"].text() == std::to_string(py.pid()));
  // No socket on a port: an empty list, status 0.
  auto none = netlab::sockets::udp_listeners(netlab::Netns{}, 6999);
  REQUIRE_OK(none);
  CHECK(none->empty());
}

TEST_CASE("socket read: a port outside 1-65535 is a usage error (status 2) before anything is read") {
  for (const char* port : {"0", "70000", "x"}) {
    auto r = nltest::netlab({"-n", "/nonexistent-netns", "socket", "show", "port", port});
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(lab::contains(r.err, "port"));
  }
  CHECK(netlab::sockets::udp_listeners(netlab::Netns{}, 0).error().kind == netlab::Errc::Usage);
}
