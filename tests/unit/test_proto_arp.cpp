// ARP (RFC 826), RARP (RFC 903) and InARP (RFC 2390): every opcode,
// gratuitous ARP and the RFC 5227 probe and announcement, non-Ethernet
// address sizes, truncation at every byte offset. Expected strings are
// tcpdump 4.99.3's text for the same bytes (see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

const Frame kMac1{2, 0, 0, 0, 0, 1}, kMac2{2, 0, 0, 0, 0, 2}, kZero6(6, 0), kBcast(6, 0xff);

// An ARP packet (Ethernet/IPv4 sizes unless the addresses say otherwise).
Frame arp(unsigned op, const Frame& sha, const Frame& spa, const Frame& tha, const Frame& tpa, unsigned htype = 1,
          unsigned ptype = 0x0800) {
  return cat({be16(htype), be16(ptype), {static_cast<std::uint8_t>(sha.size()), static_cast<std::uint8_t>(spa.size())},
              be16(op), sha, spa, tha, tpa});
}

Frame on_ether(const Frame& a, unsigned type = 0x0806, const Frame& dst = Frame(6, 0xff)) {
  return ether(type, a, dst, kMac1);
}

netlab::PrintOptions opts(int v, bool e = false) {
  netlab::PrintOptions o;
  o.verbose = v;
  o.link_header = e;
  return o;
}

Frame request() { return on_ether(arp(1, kMac1, ip4a("192.0.2.1"), kZero6, ip4a("192.0.2.2"))); }

}  // namespace

TEST_CASE("ARP request and reply", "[proto][arp]") {
  CHECK(print(request()) == "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28\n");
  CHECK(print(request(), opts(1)) ==
        "ARP, Ethernet (len 6), IPv4 (len 4), Request who-has 192.0.2.2 tell 192.0.2.1, length 28\n");
  CHECK(print(request(), opts(0, true)) ==
        "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
        "Request who-has 192.0.2.2 tell 192.0.2.1, length 28\n");
  Frame reply = on_ether(arp(2, kMac2, ip4a("192.0.2.2"), kMac1, ip4a("192.0.2.1")), 0x0806, kMac1);
  CHECK(print(reply) == "ARP, Reply 192.0.2.2 is-at 02:00:00:00:00:02, length 28\n");
  CHECK(print(reply, opts(2, true)) ==
        "02:00:00:00:00:01 > 02:00:00:00:00:01, ethertype ARP (0x0806), length 42: "
        "Ethernet (len 6), IPv4 (len 4), Reply 192.0.2.2 is-at 02:00:00:00:00:02, length 28\n");
}

TEST_CASE("a request with a known target hardware address shows it", "[proto][arp]") {
  Frame f = on_ether(arp(1, kMac1, ip4a("192.0.2.1"), kMac2, ip4a("192.0.2.2")));
  CHECK(print(f) == "ARP, Request who-has 192.0.2.2 (02:00:00:00:00:02) tell 192.0.2.1, length 28\n");
  // All-ones is not all-zeroes: shown too.
  Frame g = on_ether(arp(1, kMac1, ip4a("192.0.2.1"), kBcast, ip4a("192.0.2.2")));
  CHECK(print(g) == "ARP, Request who-has 192.0.2.2 (ff:ff:ff:ff:ff:ff) tell 192.0.2.1, length 28\n");
}

TEST_CASE("gratuitous ARP, RFC 5227 probe and announcement", "[proto][arp]") {
  // Gratuitous request and announcement: sender and target address equal.
  Frame grat = on_ether(arp(1, kMac1, ip4a("192.0.2.7"), kZero6, ip4a("192.0.2.7")));
  CHECK(print(grat) == "ARP, Request who-has 192.0.2.7 tell 192.0.2.7, length 28\n");
  // Gratuitous reply.
  Frame grat_reply = on_ether(arp(2, kMac1, ip4a("192.0.2.7"), kBcast, ip4a("192.0.2.7")));
  CHECK(print(grat_reply) == "ARP, Reply 192.0.2.7 is-at 02:00:00:00:00:01, length 28\n");
  // Probe: sender protocol address 0.0.0.0.
  Frame probe = on_ether(arp(1, kMac1, ip4a("0.0.0.0"), kZero6, ip4a("192.0.2.7")));
  CHECK(print(probe) == "ARP, Request who-has 192.0.2.7 tell 0.0.0.0, length 28\n");
  CHECK(print(probe, opts(1)) ==
        "ARP, Ethernet (len 6), IPv4 (len 4), Request who-has 192.0.2.7 tell 0.0.0.0, length 28\n");
}

TEST_CASE("RARP and InARP opcodes", "[proto][arp]") {
  Frame rreq = on_ether(arp(3, kMac1, ip4a("0.0.0.0"), kMac1, ip4a("0.0.0.0")), 0x8035);
  CHECK(print(rreq) == "ARP, Reverse Request who-is 02:00:00:00:00:01 tell 02:00:00:00:00:01, length 28\n");
  CHECK(print(rreq, opts(0, true)) ==
        "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype Reverse ARP (0x8035), length 42: "
        "Reverse Request who-is 02:00:00:00:00:01 tell 02:00:00:00:00:01, length 28\n");
  Frame rrep = on_ether(arp(4, kMac2, ip4a("192.0.2.2"), kMac1, ip4a("192.0.2.1")), 0x8035);
  CHECK(print(rrep) == "ARP, Reverse Reply 02:00:00:00:00:01 at 192.0.2.1, length 28\n");
  Frame ireq = on_ether(arp(8, kMac1, ip4a("192.0.2.1"), kMac2, ip4a("0.0.0.0")), 0x0806);
  CHECK(print(ireq) == "ARP, Inverse Request who-is 02:00:00:00:00:02 tell 02:00:00:00:00:01, length 28\n");
  Frame irep = on_ether(arp(9, kMac2, ip4a("192.0.2.2"), kMac1, ip4a("192.0.2.1")), 0x0806);
  CHECK(print(irep) == "ARP, Inverse Reply 02:00:00:00:00:02 at 192.0.2.2, length 28\n");
}

TEST_CASE("NACK and unknown opcodes dump the ARP header", "[proto][arp]") {
  Frame nack = on_ether(arp(10, kMac1, ip4a("192.0.2.1"), kMac2, ip4a("192.0.2.2")));
  CHECK(print(nack) == "ARP, NACK Reply \n"
                       "\t0x0000:  0001 0800 0604 000a 0200 0000 0001 c000  ................\n"
                       "\t0x0010:  0201 0200 0000 0002 c000 0202            ............\n");
  Frame unk = on_ether(arp(99, kMac1, ip4a("192.0.2.1"), kMac2, ip4a("192.0.2.2")));
  CHECK(print(unk) == "ARP, Unknown (99) \n"
                      "\t0x0000:  0001 0800 0604 0063 0200 0000 0001 c000  .......c........\n"
                      "\t0x0010:  0201 0200 0000 0002 c000 0202            ............\n");
}

TEST_CASE("non-Ethernet hardware and unusual address sizes", "[proto][arp]") {
  // IEEE 1394 (hlen 16) with IPv4: not the short form.
  Frame fw = on_ether(arp(1, Frame(16, 0x11), ip4a("192.0.2.1"), Frame(16, 0), ip4a("192.0.2.2"), 24));
  CHECK(print(fw) == "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 48\n");
  CHECK(print(fw, opts(1)) == "ARP, IEEE 1394 (len 16), IPv4 (len 4), Request who-has 192.0.2.2 tell 192.0.2.1, "
                              "length 48\n");
  // hlen 0: the short form gives way to the sizes.
  Frame empty = on_ether(arp(2, {}, ip4a("192.0.2.2"), {}, ip4a("192.0.2.1"), 32));
  CHECK(print(empty) == "ARP, InfiniBand (len 0), IPv4 (len 4), length 16\n");
  CHECK(print(empty, opts(1)) == "ARP, InfiniBand (len 0), IPv4 (len 4), Reply 192.0.2.2 is-at <empty>, length 16\n");
  // IPv6 protocol addresses (ptype 0x86dd, plen 16).
  Frame v6 = on_ether(arp(1, kMac1, Frame(16, 1), kZero6, Frame(16, 2), 1, 0x86dd));
  CHECK(print(v6) == "ARP, Ethernet (len 6), IPv6 (len 16), length 52\n");
  CHECK(print(v6, opts(1)) == "ARP, Ethernet (len 6), IPv6 (len 16), Request who-has <wrong proto type> "
                              "tell <wrong proto type>, length 52\n");
  // IPv4 type with the wrong size.
  Frame bad = on_ether(arp(1, kMac1, Frame(3, 1), kZero6, Frame(3, 2)));
  CHECK(print(bad, opts(1)) == "ARP, Ethernet (len 6), IPv4 (len 3), Request who-has <wrong len> tell <wrong len>, "
                               "length 26\n");
  // Unknown hardware and protocol types.
  Frame unk = on_ether(arp(1, kMac1, ip4a("192.0.2.1"), kZero6, ip4a("192.0.2.2"), 999, 0x1234));
  CHECK(print(unk) == "ARP, Unknown Hardware (999) (len 6), Unknown Protocol (0x1234) (len 4), length 28\n");
}

TEST_CASE("ARP length comes from the frame, padding included", "[proto][arp]") {
  Frame f = request();
  f.resize(60, 0);
  CHECK(print(f) == "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 46\n");
  // A longer frame on the wire than captured, all of ARP captured.
  CHECK(print(request(), {}, 1, 60) == "ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 46\n");
}

TEST_CASE("ARP truncated at every byte offset", "[proto][arp][truncation]") {
  const Frame full = request();
  for (netlab::PrintOptions o : {opts(0), opts(1), opts(0, true)}) {
    auto lines = print_prefixes(full, o);
    REQUIRE(lines.size() == full.size() + 1);
    CHECK(lines[0] == "[Invalid header: caplen==0]\n");
    for (std::size_t n = 1; n < 14; ++n) CHECK(lines[n] == " [|ether]\n");
    for (std::size_t n = 14; n < full.size(); ++n) {
      INFO(n << " bytes");
      if (o.link_header)
        CHECK(lines[n] == "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42:  [|arp]\n");
      else
        CHECK(lines[n] == " [|arp]\n");
    }
    CHECK(lines.back().find("[|") == std::string::npos);
  }
  // With hex output the whole frame is dumped after the mark.
  netlab::PrintOptions x;
  x.hex = netlab::HexStyle::Hex;
  CHECK(print(Frame(full.begin(), full.begin() + 20), x, 1, 42) ==
        " [|arp]\n\t0x0000:  ffff ffff ffff 0200 0000 0001 0806 0001\n\t0x0010:  0800 0604\n");
}

TEST_CASE("hostile ARP: random sizes and opcodes never over-read", "[proto][arp][robustness]") {
  Frame base = request();
  base.resize(60, 0x5a);
  for (netlab::PrintOptions o : {opts(0), opts(1, true)}) {
    auto lines = print_mutations(base, 14, 7, 400, o);
    for (const auto& l : lines) {
      INFO(l);
      CHECK(sane_line(l, 1200));
    }
  }
  // Largest address sizes (255) with too few bytes behind them.
  Frame big = on_ether(cat({be16(1), be16(0x0800), {255, 255}, be16(1), Frame(100, 0xaa)}));
  CHECK(print(big) == " [|arp]\n");
}
