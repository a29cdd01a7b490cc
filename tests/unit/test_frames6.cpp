// frames6.hpp: the IPv6/ICMPv6 frames netlab sends (NS, NA, RS, RA, echo,
// MLDv2) and the light parse behind frames::parse(). Built frames are
// checked three ways: byte for byte against the same message wrapped by the
// decoder tests' independent IPv6 builder (proto_test::ipv6, its own
// checksum code), through PacketPrinter whose text is tcpdump 4.99.3's for
// the same bytes (the "[proto]" cases can be re-checked against tcpdump as
// test_proto_support.cpp explains), and by parsing them back. Every prefix
// of every frame is parsed too: no crash, no read past the end (ASan build).

#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace netlab;
using namespace proto_test;

namespace {

IpAddr ip(const char* text) { return IpAddr::parse(text).value(); }
MacAddr mac(const char* text) { return MacAddr::parse(text).value(); }
Prefix prefix(const char* text) { return Prefix::parse(text).value(); }

PrintOptions verbose() {
  PrintOptions o;
  o.verbose = 1;
  return o;
}
PrintOptions link_header() {
  PrintOptions o;
  o.link_header = true;
  return o;
}

frames::Parsed parsed(const std::vector<std::uint8_t>& frame) {
  auto p = frames::parse(frame);
  REQUIRE(p);
  return *p;
}

// The same ICMPv6 message through the decoder tests' builder: Ethernet
// header, IPv6 header with hop limit `hlim`, checksum by its own code.
Frame reference(const Frame& message, const char* src, const char* dst, const Frame& eth_dst, const Frame& eth_src,
                std::uint8_t hlim) {
  Frame msg = message;
  msg[2] = msg[3] = 0;
  Frame ip6 = ipv6(58, msg, src, dst);
  ip6[7] = hlim;
  return ether(0x86dd, ip6, eth_dst, eth_src);
}

// The ICMPv6 message (from its type byte) inside a built frame without padding.
Frame message_of(const std::vector<std::uint8_t>& frame) {
  const auto p = parsed(frame);
  REQUIRE(p.ipv6);
  return Frame(p.ipv6->payload.begin(), p.ipv6->payload.end());
}

const MacAddr kMacA = MacAddr({0x02, 0, 0, 0, 0, 0x0a});
const MacAddr kMacB = MacAddr({0x02, 0, 0, 0, 0, 0x0b});
const Frame kMacABytes{0x02, 0, 0, 0, 0, 0x0a};
const Frame kMacBBytes{0x02, 0, 0, 0, 0, 0x0b};

}  // namespace

TEST_CASE("frames6 address helpers", "[frames6]") {
  CHECK(frames::solicited_node(ip("2001:db8::1:2:3")) == ip("ff02::1:ff02:3"));
  CHECK(frames::solicited_node(ip("fe80::5054:ff:fe12:3456")) == ip("ff02::1:ff12:3456"));
  CHECK(frames::multicast_mac(ip("ff02::1:ff12:3456")) == mac("33:33:ff:12:34:56"));
  CHECK(frames::multicast_mac(frames::all_nodes()) == mac("33:33:00:00:00:01"));
  CHECK(frames::multicast_mac(frames::all_mldv2_routers()) == mac("33:33:00:00:00:16"));
  // What the kernel forms for a QEMU-style MAC (addr_gen_mode eui64).
  CHECK(frames::link_local_from_mac(mac("52:54:00:12:34:56")) == ip("fe80::5054:ff:fe12:3456"));
  // The U/L bit flips both ways: a locally administered 02:... gives ::ff:fe...
  CHECK(frames::link_local_from_mac(kMacA) == ip("fe80::ff:fe00:a"));
  CHECK(frames::slaac_address(prefix("2001:db8:1::/64"), mac("52:54:00:12:34:56")) ==
        ip("2001:db8:1:0:5054:ff:fe12:3456"));
  // Host bits in the prefix do not leak into the interface identifier.
  CHECK(frames::slaac_address(prefix("2001:db8:1:2:ffff::/64"), kMacA) == ip("2001:db8:1:2:0:ff:fe00:a"));
  CHECK(frames::slaac_address(prefix("192.0.2.0/24"), kMacA).is_unspecified());
  CHECK(frames::ipv6_any() == ip("::"));
  CHECK(frames::all_routers() == ip("ff02::2"));
}

TEST_CASE("frames6 neighbor solicitation", "[frames6][proto]") {
  frames::NsSpec ns;
  ns.src_mac = kMacA;
  ns.src = ip("fe80::a");
  ns.target = ip("fe80::b");
  const auto multicast = frames::neighbor_solicitation(ns);
  const Frame msg = message_of(multicast);
  CHECK(multicast == reference(msg, "fe80::a", "ff02::1:ff00:b", {0x33, 0x33, 0xff, 0, 0, 0x0b}, kMacABytes, 255));
  CHECK(print(multicast, link_header()) ==
        "02:00:00:00:00:0a > 33:33:ff:00:00:0b, ethertype IPv6 (0x86dd), length 86: fe80::a > ff02::1:ff00:b: "
        "ICMP6, neighbor solicitation, who has fe80::b, length 32\n");
  CHECK(print(multicast, verbose()) ==
        "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 32) fe80::a > ff02::1:ff00:b: [icmp6 sum ok] "
        "ICMP6, neighbor solicitation, length 32, who has fe80::b\n"
        "\t  source link-address option (1), length 8 (1): 02:00:00:00:00:0a\n");
  const auto p = parsed(multicast);
  REQUIRE(p.ipv6);
  CHECK(p.ipv6->src == ip("fe80::a"));
  CHECK(p.ipv6->dst == ip("ff02::1:ff00:b"));
  CHECK(p.ipv6->hop_limit == 255);
  CHECK(p.ipv6->upper_protocol == frames::kIpProtoIcmpv6);
  REQUIRE(p.icmpv6);
  CHECK(p.icmpv6->type == frames::kNdNeighborSolicit);
  CHECK(p.icmpv6->checksum_ok == true);
  REQUIRE(p.ndp);
  CHECK(p.ndp->target == ip("fe80::b"));
  CHECK(p.ndp->source_lladdr == kMacA);
  CHECK_FALSE(p.ndp->target_lladdr);
  CHECK_FALSE(p.ndp->is_dad_probe(*p.ipv6));
  CHECK(p.ndp->option_types == std::vector<std::uint8_t>{frames::kNdOptSourceLinkAddr});
  CHECK_FALSE(p.ndp->options_malformed);
  CHECK_FALSE(p.ipv4);
  CHECK_FALSE(p.arp);

  // DAD: from ::, no SLLA even when asked for.
  ns.src = frames::ipv6_any();
  const auto dad = frames::neighbor_solicitation(ns);
  CHECK(print(dad) == "IP6 :: > ff02::1:ff00:b: ICMP6, neighbor solicitation, who has fe80::b, length 24\n");
  const auto d = parsed(dad);
  REQUIRE(d.ndp);
  CHECK(d.ndp->is_dad_probe(*d.ipv6));
  CHECK_FALSE(d.ndp->source_lladdr);
  CHECK(d.icmpv6->checksum_ok == true);

  // Unicast, as the kernel probes a STALE entry.
  ns.src = ip("2001:db8::a");
  ns.target = ip("2001:db8::b");
  ns.dst = ip("2001:db8::b");
  ns.dst_mac = kMacB;
  const auto unicast = frames::neighbor_solicitation(ns);
  CHECK(unicast == reference(message_of(unicast), "2001:db8::a", "2001:db8::b", kMacBBytes, kMacABytes, 255));
  CHECK(print(unicast, link_header()) ==
        "02:00:00:00:00:0a > 02:00:00:00:00:0b, ethertype IPv6 (0x86dd), length 86: 2001:db8::a > 2001:db8::b: "
        "ICMP6, neighbor solicitation, who has 2001:db8::b, length 32\n");
}

TEST_CASE("frames6 neighbor advertisement", "[frames6][proto]") {
  frames::NaSpec na;
  na.eth_dst = kMacA;
  na.src_mac = kMacB;
  na.src = ip("fe80::b");
  na.dst = ip("fe80::a");
  na.target = ip("fe80::b");
  const auto with = frames::neighbor_advertisement(na);
  CHECK(with == reference(message_of(with), "fe80::b", "fe80::a", kMacABytes, kMacBBytes, 255));
  CHECK(print(with, verbose()) ==
        "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 32) fe80::b > fe80::a: [icmp6 sum ok] ICMP6, "
        "neighbor advertisement, length 32, tgt is fe80::b, Flags [solicited, override]\n"
        "\t  destination link-address option (2), length 8 (1): 02:00:00:00:00:0b\n");
  auto p = parsed(with);
  REQUIRE(p.ndp);
  CHECK(p.ndp->type == frames::kNdNeighborAdvert);
  CHECK(p.ndp->target == ip("fe80::b"));
  CHECK(p.ndp->target_lladdr == kMacB);
  CHECK(p.ndp->solicited);
  CHECK(p.ndp->override_flag);
  CHECK_FALSE(p.ndp->router);

  // Without TLLA (cause C28): 24 bytes, router flag, no override.
  na.tlla = false;
  na.router = true;
  na.override_flag = false;
  const auto without = frames::neighbor_advertisement(na);
  CHECK(print(without, verbose()) ==
        "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 24) fe80::b > fe80::a: [icmp6 sum ok] ICMP6, "
        "neighbor advertisement, length 24, tgt is fe80::b, Flags [router, solicited]\n");
  p = parsed(without);
  REQUIRE(p.ndp);
  CHECK_FALSE(p.ndp->target_lladdr);
  CHECK(p.ndp->router);
  CHECK_FALSE(p.ndp->override_flag);
  CHECK(p.ndp->option_types.empty());
  CHECK(p.ipv6->payload_length == 24);
}

TEST_CASE("frames6 neighbor_advertisement_to answers unicast and DAD solicitations", "[frames6]") {
  frames::NsSpec ns;
  ns.src_mac = kMacA;
  ns.src = ip("2001:db8::a");
  ns.target = ip("2001:db8::b");
  const auto answer = frames::neighbor_advertisement_to(parsed(frames::neighbor_solicitation(ns)), kMacB);
  REQUIRE(answer);
  auto p = parsed(*answer);
  CHECK(p.eth_dst == kMacA);
  CHECK(p.eth_src == kMacB);
  CHECK(p.ipv6->src == ip("2001:db8::b"));
  CHECK(p.ipv6->dst == ip("2001:db8::a"));
  CHECK(p.ndp->solicited);
  CHECK(p.ndp->override_flag);
  CHECK(p.ndp->target_lladdr == kMacB);
  CHECK(p.icmpv6->checksum_ok == true);

  // Without SLLA in the NS the answer goes to the frame's Ethernet source.
  ns.slla = false;
  ns.src_mac = kMacA;
  const auto no_slla = frames::neighbor_advertisement_to(parsed(frames::neighbor_solicitation(ns)), kMacB, false);
  REQUIRE(no_slla);
  p = parsed(*no_slla);
  CHECK(p.eth_dst == kMacA);
  CHECK_FALSE(p.ndp->target_lladdr);

  ns.src = frames::ipv6_any();
  const auto defence = frames::neighbor_advertisement_to(parsed(frames::neighbor_solicitation(ns)), kMacB);
  REQUIRE(defence);
  p = parsed(*defence);
  CHECK(p.eth_dst == mac("33:33:00:00:00:01"));
  CHECK(p.ipv6->dst == ip("ff02::1"));
  CHECK_FALSE(p.ndp->solicited);

  // Not an NS: no answer.
  CHECK_FALSE(frames::neighbor_advertisement_to(parsed(*defence), kMacB));
  CHECK_FALSE(frames::neighbor_advertisement_to(parsed(frames::arp_request(kMacA, ip("192.0.2.1"), ip("192.0.2.2"))),
                                                kMacB));
}

TEST_CASE("frames6 router solicitation", "[frames6][proto]") {
  const auto rs = frames::router_solicitation(kMacA, ip("fe80::a"));
  CHECK(rs == reference(message_of(rs), "fe80::a", "ff02::2", {0x33, 0x33, 0, 0, 0, 2}, kMacABytes, 255));
  CHECK(print(rs, verbose()) ==
        "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 16) fe80::a > ff02::2: [icmp6 sum ok] ICMP6, "
        "router solicitation, length 16\n"
        "\t  source link-address option (1), length 8 (1): 02:00:00:00:00:0a\n");
  auto p = parsed(rs);
  REQUIRE(p.ndp);
  CHECK(p.ndp->type == frames::kNdRouterSolicit);
  CHECK(p.ndp->source_lladdr == kMacA);
  const auto anonymous = frames::router_solicitation(kMacA, frames::ipv6_any());
  CHECK(print(anonymous) == "IP6 :: > ff02::2: ICMP6, router solicitation, length 8\n");
  p = parsed(anonymous);
  REQUIRE(p.ndp);
  CHECK_FALSE(p.ndp->source_lladdr);
}

TEST_CASE("frames6 router advertisement with every option", "[frames6][proto]") {
  frames::RaSpec ra;
  ra.src_mac = kMacB;
  ra.src = ip("fe80::b");
  ra.managed = true;
  ra.router_lifetime = 600;
  ra.reachable_time = 30000;
  ra.retrans_timer = 1000;
  ra.mtu = 1400;
  frames::NdPrefixInfo pi;
  pi.prefix = prefix("2001:db8:1::5/64");  // host bits are not sent
  ra.prefixes.push_back(pi);
  frames::NdPrefixInfo wide;
  wide.prefix = prefix("2001:db8:100::/56");
  wide.autonomous = false;
  wide.valid_lifetime = 0xffffffffu;
  wide.preferred_lifetime = 0;
  ra.prefixes.push_back(wide);
  ra.rdnss.push_back({300, {ip("2001:db8::53"), ip("2001:db8::54")}});
  const auto frame = frames::router_advertisement(ra);
  CHECK(frame == reference(message_of(frame), "fe80::b", "ff02::1", {0x33, 0x33, 0, 0, 0, 1}, kMacBBytes, 255));
  CHECK(print(frame) == "IP6 fe80::b > ff02::1: ICMP6, router advertisement, length 136\n");
  CHECK(print(frame, verbose()) ==
        "IP6 (hlim 255, next-header ICMPv6 (58) payload length: 136) fe80::b > ff02::1: [icmp6 sum ok] ICMP6, "
        "router advertisement, length 136\n"
        "\thop limit 64, Flags [managed], pref medium, router lifetime 600s, reachable time 30000ms, "
        "retrans timer 1000ms\n"
        "\t  source link-address option (1), length 8 (1): 02:00:00:00:00:0b\n"
        "\t  mtu option (5), length 8 (1):  1400\n"
        "\t  prefix info option (3), length 32 (4): 2001:db8:1::/64, Flags [onlink, auto], valid time 2592000s, "
        "pref. time 604800s\n"
        "\t  prefix info option (3), length 32 (4): 2001:db8:100::/56, Flags [onlink], valid time infinity, "
        "pref. time 0s\n"
        "\t  rdnss option (25), length 40 (5):  lifetime 300s, addr: 2001:db8::53 addr: 2001:db8::54\n");
  const auto p = parsed(frame);
  REQUIRE(p.ndp);
  const auto& nd = *p.ndp;
  CHECK(nd.type == frames::kNdRouterAdvert);
  CHECK(nd.cur_hop_limit == 64);
  CHECK(nd.managed);
  CHECK_FALSE(nd.other_config);
  CHECK(nd.router_lifetime == 600);
  CHECK(nd.reachable_time == 30000);
  CHECK(nd.retrans_timer == 1000);
  CHECK(nd.source_lladdr == kMacB);
  CHECK(nd.mtu == 1400u);
  REQUIRE(nd.prefixes.size() == 2);
  CHECK(nd.prefixes[0].prefix == prefix("2001:db8:1::/64"));
  CHECK(nd.prefixes[0].on_link);
  CHECK(nd.prefixes[0].autonomous);
  CHECK(nd.prefixes[0].valid_lifetime == 2592000);
  CHECK(nd.prefixes[0].preferred_lifetime == 604800);
  CHECK(nd.prefixes[1].prefix == prefix("2001:db8:100::/56"));
  CHECK_FALSE(nd.prefixes[1].autonomous);
  CHECK(nd.prefixes[1].valid_lifetime == 0xffffffffu);
  REQUIRE(nd.rdnss.size() == 1);
  CHECK(nd.rdnss[0].lifetime == 300);
  CHECK(nd.rdnss[0].servers == std::vector<IpAddr>{ip("2001:db8::53"), ip("2001:db8::54")});
  CHECK(nd.option_types == std::vector<std::uint8_t>{1, 5, 3, 3, 25});
  CHECK_FALSE(nd.options_malformed);

  // The same message through the raw-socket entry point.
  const auto raw = frames::parse_ndp(p.ipv6->payload);
  REQUIRE(raw);
  CHECK(raw->prefixes.size() == 2);
  CHECK(raw->mtu == 1400u);
}

TEST_CASE("frames6 echo request and reply", "[frames6][proto]") {
  const std::vector<std::uint8_t> data{'n', 'e', 't', 'l', 'a', 'b', 0, 1};
  frames::EchoSpec e;
  e.eth_dst = kMacB;
  e.eth_src = kMacA;
  e.src = ip("2001:db8::a");
  e.dst = ip("2001:db8::b");
  e.id = 0x1234;
  e.seq = 7;
  e.payload = data;
  const auto request = frames::icmpv6_echo(e);
  CHECK(request == reference(message_of(request), "2001:db8::a", "2001:db8::b", kMacBBytes, kMacABytes, 64));
  CHECK(print(request) == "IP6 2001:db8::a > 2001:db8::b: ICMP6, echo request, id 4660, seq 7, length 16\n");
  CHECK(print(request, verbose()) ==
        "IP6 (hlim 64, next-header ICMPv6 (58) payload length: 16) 2001:db8::a > 2001:db8::b: [icmp6 sum ok] "
        "ICMP6, echo request, id 4660, seq 7\n");
  auto p = parsed(request);
  REQUIRE(p.icmpv6);
  CHECK(p.icmpv6->type == frames::kIcmp6EchoRequest);
  CHECK(p.icmpv6->id == 0x1234);
  CHECK(p.icmpv6->seq == 7);
  CHECK(p.icmpv6->checksum_ok == true);
  CHECK_FALSE(p.ndp);
  e.reply = true;
  std::swap(e.src, e.dst);
  const auto reply = frames::icmpv6_echo(e);
  p = parsed(reply);
  CHECK(p.icmpv6->type == frames::kIcmp6EchoReply);
  CHECK(p.icmpv6->checksum_ok == true);

  // A flipped bit fails the checksum; a short capture cannot be checked.
  auto bad = request;
  bad[14 + 40 + 9] ^= 0x01;
  CHECK(parsed(bad).icmpv6->checksum_ok == false);
  const std::vector<std::uint8_t> cut(request.begin(), request.end() - 4);
  CHECK_FALSE(parsed(cut).icmpv6->checksum_ok.has_value());
}

TEST_CASE("frames6 MLDv2 report with router alert", "[frames6][proto]") {
  const std::vector<IpAddr> groups{ip("ff02::1:ff00:a")};
  const auto report = frames::mldv2_report(kMacA, frames::ipv6_any(), groups);
  CHECK(print(report, link_header()) ==
        "02:00:00:00:00:0a > 33:33:00:00:00:16, ethertype IPv6 (0x86dd), length 90: :: > ff02::16: HBH "
        "ICMP6, multicast listener report v2, 1 group record(s), length 28\n");
  CHECK(print(report, verbose()) ==
        "IP6 (hlim 1, next-header Options (0) payload length: 36) :: > ff02::16: HBH (rtalert: 0x0000) (padn) "
        "[icmp6 sum ok] ICMP6, multicast listener report v2, 1 group record(s) [gaddr ff02::1:ff00:a "
        "to_ex, 0 source(s)]\n");
  const auto p = parsed(report);
  REQUIRE(p.ipv6);
  CHECK(p.ipv6->next_header == frames::kIpProtoHopByHop);
  CHECK(p.ipv6->upper_protocol == frames::kIpProtoIcmpv6);
  CHECK(p.ipv6->router_alert);
  CHECK(p.ipv6->hop_limit == 1);
  REQUIRE(p.icmpv6);
  CHECK(p.icmpv6->checksum_ok == true);
  REQUIRE(p.mld);
  CHECK(p.mld->type == frames::kMld2Report);
  REQUIRE(p.mld->records.size() == 1);
  CHECK(p.mld->records[0].type == frames::kMldChangeToExclude);
  CHECK(p.mld->records[0].group == ip("ff02::1:ff00:a"));

  const std::vector<IpAddr> two{ip("ff02::1:ff00:a"), ip("ff02::fb")};
  const auto leave = frames::mldv2_report(kMacA, ip("fe80::a"), two, frames::kMldChangeToInclude);
  CHECK(print(leave, verbose()).find("[gaddr ff02::1:ff00:a to_in, 0 source(s)] [gaddr ff02::fb to_in, 0 source(s)]") !=
        std::string::npos);
  CHECK(parsed(leave).mld->records.size() == 2);
}

TEST_CASE("frames6 malformed ND options are flagged, not followed", "[frames6]") {
  // An NS whose option claims length 0, then one running past the message.
  Frame body = cat({{135, 0, 0, 0, 0, 0, 0, 0}, ip6a("fe80::b"), {1, 0, 2, 0, 0, 0, 0, 1}});
  Frame zero = reference(body, "fe80::a", "ff02::1:ff00:b", {}, {}, 255);
  auto p = parsed(zero);
  REQUIRE(p.ndp);
  CHECK(p.ndp->options_malformed);
  CHECK_FALSE(p.ndp->source_lladdr);
  CHECK(p.icmpv6->checksum_ok == true);
  body[25] = 3;
  p = parsed(reference(body, "fe80::a", "ff02::1:ff00:b", {}, {}, 255));
  CHECK(p.ndp->options_malformed);
  // A prefix option of the wrong length is skipped, the next one still read.
  Frame ra = cat({{134, 0, 0, 0, 64, 0}, be16(0), be32(0), be32(0), {3, 1, 64, 0xc0, 0, 0, 0, 0},
                  {1, 1, 2, 0, 0, 0, 0, 9}});
  p = parsed(reference(ra, "fe80::9", "ff02::1", {}, {}, 255));
  REQUIRE(p.ndp);
  CHECK(p.ndp->prefixes.empty());
  CHECK(p.ndp->source_lladdr == mac("02:00:00:00:00:09"));
  CHECK_FALSE(p.ndp->options_malformed);
  CHECK_FALSE(frames::parse_ndp(std::vector<std::uint8_t>{128, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_FALSE(frames::parse_ndp(std::vector<std::uint8_t>{136, 0, 0, 0, 0x60, 0, 0, 0, 0xfe, 0x80}));
}

TEST_CASE("frames6 other extension headers and non-ICMPv6 payloads", "[frames6]") {
  // Destination options then UDP: skipped to the upper layer, payload clamped.
  Frame udp = cat({be16(5000), be16(53), be16(8), be16(0)});
  Frame dstopts = cat({{17, 0, 1, 4, 0, 0, 0, 0}, udp});
  Frame frame = ether(0x86dd, ipv6(60, dstopts, "2001:db8::a", "2001:db8::b"));
  frame.resize(frame.size() + 6, 0);  // Ethernet padding beyond the payload length
  auto p = parsed(frame);
  REQUIRE(p.ipv6);
  CHECK(p.ipv6->next_header == 60);
  CHECK(p.ipv6->upper_protocol == 17);
  CHECK(p.ipv6->payload.size() == 8);
  CHECK_FALSE(p.ipv6->router_alert);
  CHECK_FALSE(p.icmpv6);
  // A later fragment carries no ICMPv6 header.
  Frame frag = cat({{58, 0}, be16(0x0008), be32(1), {128, 0, 0, 0}});
  p = parsed(ether(0x86dd, ipv6(44, frag, "2001:db8::a", "2001:db8::b")));
  CHECK(p.ipv6->fragment);
  CHECK(p.ipv6->upper_protocol == 58);
  CHECK_FALSE(p.icmpv6);
  // Not version 6: nothing beyond Ethernet.
  Frame v4inside = ether(0x86dd, ipv4(1, {8, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_FALSE(parsed(v4inside).ipv6);
  // IPv4 is unchanged by the IPv6 members.
  frames::EchoSpec e4;
  e4.src = ip("192.0.2.1");
  e4.dst = ip("192.0.2.2");
  p = parsed(frames::icmp_echo(e4));
  CHECK(p.ipv4);
  CHECK(p.icmp);
  CHECK_FALSE(p.ipv6);
  CHECK_FALSE(p.icmpv6);
}

TEST_CASE("frames6 every truncated prefix parses without crash", "[frames6][truncation]") {
  frames::RaSpec ra;
  ra.src_mac = kMacB;
  ra.src = ip("fe80::b");
  ra.mtu = 1500;
  frames::NdPrefixInfo pi;
  pi.prefix = prefix("2001:db8:1::/64");
  ra.prefixes.push_back(pi);
  ra.rdnss.push_back({60, {ip("2001:db8::53")}});
  frames::NsSpec ns;
  ns.src_mac = kMacA;
  ns.src = ip("fe80::a");
  ns.target = ip("fe80::b");
  frames::NaSpec na;
  na.src_mac = kMacB;
  na.src = na.target = ip("fe80::b");
  na.dst = ip("fe80::a");
  const std::vector<IpAddr> groups{ip("ff02::1:ff00:a"), ip("ff02::2")};
  const std::vector<std::vector<std::uint8_t>> frames_under_test{
      frames::router_advertisement(ra), frames::neighbor_solicitation(ns), frames::neighbor_advertisement(na),
      frames::router_solicitation(kMacA, ip("fe80::a")), frames::mldv2_report(kMacA, ip("fe80::a"), groups)};
  for (const auto& full : frames_under_test) {
    const auto whole = parsed(full);
    REQUIRE(whole.icmpv6);
    REQUIRE(whole.icmpv6->checksum_ok == true);
    // The built frames carry no padding (all are over 60 bytes), so any cut
    // loses message bytes.
    for (std::size_t n = 0; n < full.size(); ++n) {
      const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto p = frames::parse(cut);
      if (n < 14) {
        CHECK_FALSE(p);
        continue;
      }
      REQUIRE(p);
      if (n < 14 + 40) CHECK_FALSE(p->ipv6);
      if (p->icmpv6) CHECK_FALSE(p->icmpv6->checksum_ok.has_value());
      if (p->ndp) {
        // A cut inside an option shows as malformed, never as data; only
        // whole options are reported.
        CHECK(p->ndp->option_types.size() <= whole.ndp->option_types.size());
        if (p->ndp->option_types.size() == whole.ndp->option_types.size()) CHECK_FALSE(p->ndp->options_malformed);
      }
      if (p->ipv6) {
        CHECK(frames::parse_ndp(p->ipv6->payload).has_value() == (p->ndp.has_value()));
      }
    }
  }
}
