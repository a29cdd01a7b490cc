// netlab guest: a small userspace guest on a TAP (or any Ethernet
// interface), to test a host's plumbing before a virtual machine is booted
// and to reproduce the ways guest stacks go wrong.
#include "cli.hpp"

#include <netlab/guest.hpp>

#include <atomic>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

namespace netlab::cli {
namespace {

// Set by SIGINT/SIGTERM; the guest's poll loop sees it within 100 ms.
std::atomic<bool> g_guest_stop{false};

extern "C" void on_guest_stop_signal(int) { g_guest_stop.store(true); }

Prefix parse_guest_address(const std::string& text) {
  if (text.find('/') == std::string::npos)
    usage_error("ip " + text, "needs a prefix length, as in 192.0.2.2/24");
  Prefix p = parse_prefix(text);
  if (p.addr().is_v6()) usage_error("ip " + text, "takes an IPv4 address (IPv4 only); use ip6 for IPv6");
  return p;
}

// `ip6 ADDR/LEN`, or `ip6 auto` (the link-local address and SLAAC only):
// nullopt for auto.
std::optional<Prefix> parse_guest_address6(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text.find('/') == std::string::npos)
    usage_error("ip6 " + text, "needs a prefix length, as in 2001:db8::2/64 (or: ip6 auto)");
  Prefix p = parse_prefix(text);
  if (!p.addr().is_v6()) usage_error("ip6 " + text, "takes an IPv6 address; use ip for IPv4");
  return p;
}

IpAddr parse_ping_target(const std::string& word, const std::string& text) {
  IpAddr a = parse_ip(text);
  if (word == "ping" && a.is_v6()) usage_error("ping " + text, "is IPv6: use ping6");
  if (word == "ping6" && !a.is_v6()) usage_error("ping6 " + text, "is not IPv6: use ping");
  return a;
}

// `dhcp-server FIRST-LAST`: two IPv4 addresses; the subnet rules are validate()'s.
guest::DhcpServer parse_pool(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == text.size())
    usage_error("dhcp-server " + text, "needs a range FIRST-LAST, as in 192.0.2.100-192.0.2.150");
  guest::DhcpServer d;
  d.first = parse_ip(text.substr(0, dash));
  d.last = parse_ip(text.substr(dash + 1));
  if (!d.first.is_v4() || !d.last.is_v4()) usage_error("dhcp-server " + text, "takes IPv4 addresses");
  return d;
}

void write_line(std::FILE* f, std::string_view text) {
  std::string line(text);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), f);
  std::fflush(f);  // a guest is watched live, often through a pipe or a file
}

// The guest's words (ip-style grammar): each is taken by one of three
// groups (addresses, ping, behaviour), then the combinations are checked.
struct GuestWords {
  guest::Config c;
  guest::PingSpec ping;
  bool have_ip = false, have_ip6 = false, have_ping = false, have_ra = false;
  bool seen_mac = false, seen_gw = false, seen_mtu = false, seen_count = false, seen_interval = false,
       seen_size = false, seen_duration = false, seen_reply_dst = false, seen_reply_sender = false,
       seen_also = false, seen_ra_interval = false;
  std::string ping_only;  // the first ping option given, for the error when there is no ping
  std::string ping_word;  // "ping" or "ping6"
  std::string ipv6_only;  // the first IPv6 option given, for the error with no-ipv6
  bool have_dhcp = false, have_dhcp_server = false, seen_lease = false, seen_router = false, seen_dns = false;
  guest::DhcpClient dhcp;
  guest::DhcpServer server;
  std::string client_only, server_only;  // the first client/server option, for the error without its word

  // dhcp and its misbehaviours; dhcp-server POOL, lease, router, dns,
  // dhcp-bad-checksum.
  bool dhcp_word(Words& w, const std::string& word) {
    if (word == "dhcp") {
      w.once("dhcp", have_dhcp);
      return true;
    }
    if (word == "dhcp-ignore-offers" || word == "dhcp-no-release") {
      (word == "dhcp-ignore-offers" ? dhcp.ignore_offers : dhcp.release) = word == "dhcp-ignore-offers";
      if (client_only.empty()) client_only = word;
      return true;
    }
    if (word == "dhcp-server") {
      w.once("dhcp-server", have_dhcp_server);
      const guest::DhcpServer pool = parse_pool(w.value("dhcp-server"));
      server.first = pool.first;
      server.last = pool.last;
      return true;
    }
    if (word == "lease") {
      w.once("lease", seen_lease);
      server.lease_s = parse_u32(w.value("lease"), "lease", 1, 31536000);
    } else if (word == "router" || word == "dns") {
      w.once(word, word == "router" ? seen_router : seen_dns);
      (word == "router" ? server.router : server.dns) = parse_ip(w.value(word));
    } else if (word == "dhcp-bad-checksum") {
      server.bad_checksum = true;
    } else {
      return false;
    }
    if (server_only.empty()) server_only = word;
    return true;
  }

  // ip, ip6, mac, gateway, mtu, ra, ra-interval, no-ipv6, no-tlla, no-slaac.
  bool address_word(Words& w, const std::string& word) {
    if (word == "ip" || word == "address") {
      w.once("ip", have_ip);
      c.address = parse_guest_address(w.value(word));
    } else if (word == "mac") {
      w.once("mac", seen_mac);
      // Any MAC, multicast and zero included: reproducing such guests is the point.
      c.mac = value_or_fail(MacAddr::parse(w.value("mac")));
    } else if (word == "gateway") {
      w.once("gateway", seen_gw);
      c.gateway = parse_ip(w.value("gateway"));
    } else if (word == "mtu") {
      w.once("mtu", seen_mtu);
      c.mtu = parse_u32(w.value("mtu"), "mtu", 65535);
    } else if (word == "ip6") {
      w.once("ip6", have_ip6);
      c.address6 = parse_guest_address6(w.value("ip6"));
    } else if (word == "no-ipv6") {
      c.ipv6 = false;
    } else if (word == "no-tlla" || word == "no-slaac") {
      (word == "no-tlla" ? c.tlla : c.slaac) = false;
      if (ipv6_only.empty()) ipv6_only = word;
    } else if (word == "ra") {
      w.once("ra", have_ra);
      const std::string& text = w.value("ra");
      if (text.find('/') == std::string::npos) usage_error("ra " + text, "needs a prefix length, as in 2001:db8:1::/64");
      c.ra_prefix = parse_prefix(text);
    } else if (word == "ra-interval") {
      w.once("ra-interval", seen_ra_interval);
      c.ra_interval_s = parse_seconds(w.value("ra-interval"), "ra-interval");
    } else {
      return false;
    }
    return true;
  }

  // ping, ping6, count, interval, size.
  bool ping_option(Words& w, const std::string& word) {
    if (word == "ping" || word == "ping6") {
      if (have_ping && word != ping_word) usage_error(word, "cannot go with " + ping_word + ": one ping run at a time");
      w.once(word, have_ping);
      ping_word = word;
      ping.target = parse_ping_target(word, w.value(word));
      return true;
    }
    if (word == "count") {
      w.once("count", seen_count);
      ping.count = parse_u32(w.value("count"), "count", 1, 1000000);
    } else if (word == "interval") {
      w.once("interval", seen_interval);
      ping.interval_s = parse_seconds(w.value("interval"), "interval");
    } else if (word == "size") {
      w.once("size", seen_size);
      ping.size = parse_u32(w.value("size"), "size", 65507);
    } else {
      return false;
    }
    if (ping_only.empty()) ping_only = word;
    return true;
  }

  // duration, the misbehaviours (no-garp, arp-off, reply-dst, reply-sender,
  // also, bpdu), quiet, and the interface.
  bool behaviour_word(Words& w, const std::string& word) {
    if (word == "duration") {
      w.once("duration", seen_duration);
      c.duration_s = parse_seconds(w.value("duration"), "duration");
    } else if (word == "no-garp") {
      c.garp = false;
    } else if (word == "arp-off") {
      c.arp_off = true;
    } else if (word == "reply-dst") {
      w.once("reply-dst", seen_reply_dst);
      c.reply_dst = value_or_fail(MacAddr::parse(w.value("reply-dst")));
    } else if (word == "reply-sender") {
      w.once("reply-sender", seen_reply_sender);
      c.reply_sender = parse_ip(w.value("reply-sender"));
    } else if (word == "also") {
      w.once("also", seen_also);
      c.also = parse_ip(w.value("also"));
    } else if (word == "bpdu") {
      c.bpdu = true;
    } else if (word == "quiet") {
      c.quiet = true;
    } else if (word == "dev" && c.iface.empty()) {
      c.iface = parse_ifname(w.value("dev")).str();
    } else if (c.iface.empty() && !word.empty() && word.front() != '-') {
      c.iface = parse_ifname(word).str();
    } else {
      return false;
    }
    return true;
  }

  // The combinations, once every word is read; usage errors before anything is opened.
  void check_combinations() {
    if (c.iface.empty()) usage_error("guest", "needs an interface: netlab guest IFACE ip CIDR");
    if (!have_ip && !have_ip6 && !have_dhcp)
      usage_error("guest " + c.iface,
                  "needs an address: ip CIDR, such as ip 192.0.2.2/24, or dhcp, and/or ip6 CIDR or ip6 auto");
    if (!have_dhcp && !client_only.empty()) usage_error(client_only, "goes with dhcp");
    if (!have_dhcp_server && !server_only.empty()) usage_error(server_only, "goes with dhcp-server FIRST-LAST");
    if (have_dhcp) c.dhcp = dhcp;
    if (have_dhcp_server) c.dhcp_server = server;
    if (!have_ping && !ping_only.empty()) usage_error(ping_only, "goes with ping ADDR or ping6 ADDR");
    if (seen_ra_interval && !have_ra) usage_error("ra-interval", "goes with ra PREFIX/LEN");
    if (!c.ipv6 && have_ip6) usage_error("ip6", "cannot go with no-ipv6");
    if (!c.ipv6 && !ipv6_only.empty()) usage_error(ipv6_only, "cannot go with no-ipv6");
    if (have_ping) c.ping = ping;
  }
};

void run_guest(const Global& g, const std::vector<std::string>& args) {
  // The guest prints a log of what it does, not records: say so rather than ignore -j.
  if (g.json) usage_error("guest", "has no JSON output; drop -j");
  Words w(args, "guest");
  GuestWords gw;
  while (!w.done()) {
    const std::string& word = w.next();
    if (!gw.address_word(w, word) && !gw.ping_option(w, word) && !gw.dhcp_word(w, word) &&
        !gw.behaviour_word(w, word))
      w.unknown(word);
  }
  gw.check_combinations();
  const guest::Config& c = gw.c;
  check(guest::validate(c));

  StopSignals signals(on_guest_stop_signal);
  auto sink = [](guest::Line kind, std::string_view text) {
    const bool to_stdout = kind == guest::Line::Packet || kind == guest::Line::Ping || kind == guest::Line::Dhcp;
    write_line(to_stdout ? stdout : stderr, text);
  };
  auto stats = guest::run(g.netns, c, g_guest_stop, sink);
  if (!stats) fail(stats.error());
  // ping's contract: a run without a single reply is a negative result.
  if (c.ping && stats->ping_received == 0) throw CLI::RuntimeError(3);
}

}  // namespace

void add_guest_command(CLI::App& root, Global& g) {
  auto args = std::make_shared<std::vector<std::string>>();
  add_words_command(root, g, "guest",
                    "Run a small userspace guest (ARP, NDP, ICMP echo, SLAAC, DHCP) on a TAP or Ethernet interface", *args,
                    "IFACE {ip CIDR | dhcp | ip6 CIDR|auto}... [mac MAC] [gateway ADDR] [mtu N] "
                    "[dhcp-ignore-offers] [dhcp-no-release] "
                    "[dhcp-server FIRST-LAST [lease S] [router ADDR] [dns ADDR] [dhcp-bad-checksum]] "
                    "[{ping|ping6} ADDR [count N] [interval S] [size B]] [duration S] [no-garp] [arp-off] "
                    "[reply-dst MAC] [reply-sender IP] [also IP] [bpdu] [no-ipv6] [no-tlla] [no-slaac] "
                    "[ra PREFIX/LEN [ra-interval S]] [quiet]",
                    [&g, args] { run_guest(g, *args); });
}

}  // namespace netlab::cli
