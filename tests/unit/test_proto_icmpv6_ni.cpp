// ICMPv6 node information (RFC 4620) and router renumbering (RFC 2894) in
// icmpv6.cpp, and the IPv6 Mobility Header (RFC 6275) in mobility.cpp:
// hostile input first: names whose labels run past the message or use
// compression, replies cut by the capture, a partial address record, a
// router renumbering command whose prefix count is far beyond the message,
// mobility options past the header, a header too short for its type, and
// every prefix of each message (never a read past the capture: run under the
// asan preset). Expected strings are tcpdump 4.99.3's text for the same
// bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

Frame icmp6(std::uint8_t type, std::uint8_t code, const Frame& body) {
  return ether(0x86dd, ipv6(58, cat({{type, code, 0, 0}, body}), "2001:db8::1", "2001:db8::2"));
}

// A node information message: Qtype, flags, the nonce, then data.
Frame ni(std::uint8_t type, std::uint8_t code, unsigned qtype, unsigned flags, const Frame& data) {
  return icmp6(type, code, cat({be16(qtype), be16(flags), Frame(8, 0x11), data}));
}

Frame cut(Frame f, std::size_t n) {
  f.resize(f.size() - n);
  return f;
}

// Every shorter capture of the frame prints one line and never throws.
void every_prefix(const Frame& f, netlab::PrintOptions o) {
  for (std::size_t n = 14; n < f.size(); ++n) {
    Frame p(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
    std::string text = print(p, o, 1, static_cast<std::uint32_t>(f.size()));
    CHECK(!text.empty());
  }
}

}  // namespace

TEST_CASE("node information names past the end or compressed", "[proto][icmp6]") {
  const std::string pre = "IP6 2001:db8::1 > 2001:db8::2: ICMP6, who-are-you request node information query ";
  // A label of 5 bytes with 2 left, then a compression pointer.
  CHECK(print(ni(139, 1, 2, 0, {5, 'a', 'b'})) == pre + "(DNS name, subject=DNS name, \"???\"), length 19\n");
  CHECK(print(ni(139, 1, 2, 0, {3, 'w', 'w', 'w', 0xc0, 0x0c})) ==
        pre + "(DNS name, subject=DNS name, \"www.???\"), length 22\n");
  CHECK(print(ni(139, 1, 2, 0, {3, 'w', 'w', 'w', 0})) == pre + "(DNS name, subject=DNS name, \"www.\"), length 21\n");
  // An IPv6 subject cut short: nothing of it, as tcpdump's ND_TTEST2; one too long.
  CHECK(print(ni(139, 0, 3, 2, Frame(8, 0)), v(1)).find("(node addresses [A])") != std::string::npos);
  CHECK(print(ni(139, 0, 3, 2, Frame(17, 0)), v(1)).find("(node addresses [A], invalid subject len)") !=
        std::string::npos);
}

TEST_CASE("node information replies cut or with a partial record", "[proto][icmp6]") {
  const std::string pre = "IP6 2001:db8::1 > 2001:db8::2: ICMP6, who-are-you reply";
  Frame addrs = cat({be32(30), ip6a("2001:db8::7"), be32(0), {0x20, 0x01}});
  CHECK(print(ni(140, 0, 3, 0x22, addrs)) ==
        pre + " node information reply (node addresses 2001:db8::7(30) [GA]), length 42\n");
  Frame name = ni(140, 0, 2, 1, cat({be32(600), {4, 'h', 'o', 's', 't', 0, 0}}));
  CHECK(print(name, v(1)).find("(success, DNS name, \"host\" [TTL=600])") != std::string::npos);
  CHECK(print(cut(name, 3), {}, 1, static_cast<std::uint32_t>(name.size())) ==
        pre + " [|icmp6], length 27\n");
  CHECK(print(ni(140, 1, 0, 0, {})) == pre + " node information reply (refused), length 16\n");
  every_prefix(name, v(2));
  every_prefix(ni(140, 0, 3, 0, addrs), v(1));
}

TEST_CASE("router renumbering with a prefix count past the message", "[proto][icmp6]") {
  Frame match = cat({{1, 255, 0, 48, 0, 128, 0, 0}, ip6a("2001:db8::")});
  Frame use = cat({{48, 16, 0, 0}, be32(100), be32(50), be32(0x80000000u), ip6a("2001:db8:1::")});
  Frame rr = icmp6(138, 0, cat({be32(7), {0, 0x40}, be16(0), be32(0), match, use}));
  CHECK(print(rr) == "IP6 2001:db8::1 > 2001:db8::2: ICMP6, router renumbering, command, seq=7 "
                     "match(add,2001:db8::/48) use(V,2001:db8:1::/48/16) [|icmp6], length 72\n");
  CHECK(print(rr, v(2)).find("seq=7[R,seg=0,maxdelay=0]\n\tmatch(add,ord=0,min=0,max=128,2001:db8::/48)"
                             "\n\tuse(V,mask=0x0,raflags=0x0,vltime=100,pltime=50,2001:db8:1::/48/16) [|icmp6]") !=
        std::string::npos);
  Frame odd = rr;
  odd[14 + 40 + 16 + 1] = 4;  // (4 - 3) % 4: no whole use-prefix parts
  CHECK(print(odd).find("match(add,2001:db8::/48) [|icmp6], length 72") != std::string::npos);
  every_prefix(rr, v(2));
}

TEST_CASE("mobility options past the header and short headers", "[proto][mobility]") {
  auto mh = [](std::uint8_t type, const Frame& rest, std::uint8_t len8) {
    return ether(0x86dd, ipv6(135, cat({{59, len8, type, 0}, be16(0), rest}), "2001:db8::1", "2001:db8::2"));
  };
  // A binding update whose PadN option claims 200 bytes of a 4-byte list.
  Frame bu = mh(5, cat({be16(1000), {0x80, 0}, be16(3600), {1, 200, 0, 0}}), 1);
  const std::string pre = "IP6 2001:db8::1 > 2001:db8::2: mobility: BU seq#=1000 A lifetime=14400";
  CHECK(print(bu) == pre + "\n");
  CHECK(print(bu, v(1)).find("mobility: BU seq#=1000 A lifetime=14400 [|mobility]") != std::string::npos);
  // A binding error in one 8-byte unit: too short for its home address.
  CHECK(print(mh(7, Frame(2, 0), 0)) ==
        "IP6 2001:db8::1 > 2001:db8::2: (header length 8 is too small for type 7) [|mobility]\n");
  Frame ack = mh(6, cat({{0, 0x80}, be16(5), be16(25), {2, 2}, be16(100)}), 1);
  // The refresh option fits the header, but the byte after it is not captured.
  CHECK(print(ack, v(1)).find("mobility: BA status=0 K seq#=5 lifetime=100 [|mobility]") !=
        std::string::npos);
  every_prefix(bu, v(1));
  every_prefix(ack, v(2));
}
