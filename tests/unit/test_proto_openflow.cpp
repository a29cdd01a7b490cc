// OpenFlow (openflow.cpp, openflow_bodies.cpp): at -n every message header
// of a segment with the 1.0 and 1.3 type names, unknown versions and types, a
// length shorter than the header, a header or a body that runs past the
// segment, tcpdump's port order; at -v and -vv the 1.0 bodies (features and
// ports, match and actions, flow statistics) and the 1.3 ones tcpdump
// decodes (hello elements, role, async), with hostile lengths (action length
// 0, past its list, not the type's, a vendor action not a multiple of 8, a
// flow entry or hello element past the message) and cut bodies; segments cut
// at every length and mutated (never a read past the capture: run under the
// asan preset), and the typed JSON. Expected text is tcpdump 4.99.3's for
// the same bytes (re-checked with NETLAB_PROTO_PCAP_DIR, see
// test_proto_support.cpp).

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame seg(unsigned sport, unsigned dport, const Frame& payload) {
  Frame tcp = cat({be16(sport), be16(dport), be32(1000), be32(2000), {0x50, 0x18}, be16(65535), be16(0), be16(0),
                   payload});
  return ether(0x0800, ipv4(6, tcp, "192.0.2.1", "192.0.2.2"));
}

Frame msg(std::uint8_t version, std::uint8_t type, unsigned length, std::uint32_t xid, const Frame& body = {}) {
  return cat({{version, type}, be16(length), be32(xid), body});
}

}  // namespace

TEST_CASE("OpenFlow: message headers of 1.0 and 1.3 at -n", "[proto][openflow]") {
  Frame two = cat({msg(1, 0, 8, 0x10), msg(1, 14, 72, 0x11, Frame(64, 0))});
  CHECK(has(print(seg(40000, 6633, two)),
            "length 80: OpenFlow\n\tversion 1.0, type HELLO, length 8, xid 0x00000010\n\tversion 1.0, type FLOW_MOD, "
            "length 72, xid 0x00000011\n"));
  // A length the type cannot have (FLOW_MOD is at least 72, BARRIER_REQUEST
  // exactly 8), then the next message.
  CHECK(has(print(seg(6653, 40000, cat({msg(1, 14, 12, 1, Frame(4, 0)), msg(1, 18, 8, 2)}))),
            "\tversion 1.0, type FLOW_MOD, length 12, xid 0x00000001 (invalid)\n\tversion 1.0, type BARRIER_REQUEST, "
            "length 8, xid 0x00000002\n"));
  CHECK(has(print(seg(6653, 40000, msg(4, 29, 8, 1))), ": OpenFlow\n\tversion 1.3, type METER_MOD, length 8, xid 0x00000001\n"));
  CHECK(has(print(seg(6653, 40000, msg(2, 0, 8, 1))), "\tversion 1.1, type unknown (0x00), length 8, xid 0x00000001\n"));
  CHECK(has(print(seg(6653, 40000, msg(0x5c, 30, 8, 1))), "\tversion unknown (0x5c), type unknown (0x1e), length 8"));
  CHECK(has(print(seg(6653, 40000, msg(1, 22, 8, 1))), "\tversion 1.0, type unknown (0x16), length 8"));
  CHECK(has(print(seg(6653, 40000, cat({msg(0, 0, 0, 7), Frame(4, 0)}))),
            "\tversion unknown (0x00), type unknown (0x00), length 0 (too short!), xid 0x00000007 (invalid)\n"));
}

TEST_CASE("OpenFlow: partial headers and bodies past the segment", "[proto][openflow][truncated]") {
  CHECK(has(print(seg(6653, 40000, cat({msg(1, 2, 8, 1), {1, 3, 0}}))),
            "xid 0x00000001\n\tversion 1.0, type ECHO_REPLY (end of TCP payload)\n"));
  CHECK(has(print(seg(6653, 40000, {4})), ": OpenFlow\n\tversion 1.3 (end of TCP payload)\n"));
  CHECK(has(print(seg(6653, 40000, msg(1, 14, 80, 0x16, Frame(8, 0)))),
            "version 1.0, type FLOW_MOD, length 80, xid 0x00000016 [|openflow]\n"));
  Frame f = seg(40000, 6653, cat({msg(4, 2, 12, 5, {1, 2, 3, 4}), msg(1, 18, 8, 6)}));
  for (const auto& line : print_prefixes(f)) CHECK(sane_line(line, 600));
  for (const auto& line : print_mutations(f, 54, 66, 300)) CHECK(sane_line(line, 4000));
  // SSH's port comes first in tcpdump's chain.
  CHECK(has(print(seg(22, 6653, msg(1, 0, 8, 1))), "length 8\n"));
}

TEST_CASE("OpenFlow: JSON lists the message headers", "[proto][openflow][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  auto doc = testjson::parse(print(seg(40000, 6653, cat({msg(4, 2, 8, 5), msg(1, 18, 8, 6)})), o));
  const auto& m = doc["layers"].array().at(3)["messages"].array();
  REQUIRE(m.size() == 2);
  CHECK(m.at(0)["type"].str() == "ECHO_REQUEST");
  CHECK(m.at(1)["type"].str() == "BARRIER_REQUEST");
  CHECK(m.at(1)["xid"].num() == 6);
}

namespace {

netlab::PrintOptions verbose(int v) {
  netlab::PrintOptions o;
  o.verbose = v;
  return o;
}

// An ofp_match (40 bytes) with the given wildcards and fields.
Frame of10_match(std::uint32_t wildcards, unsigned in_port, unsigned dl_type, std::uint8_t nw_proto,
                 const char* nw_dst) {
  return cat({be32(wildcards), be16(in_port), Frame(12, 0x02), be16(0xffff), {0, 0}, be16(dl_type), {0, nw_proto},
              {0, 0}, ip4a("192.0.2.9"), ip4a(nw_dst), be16(8), be16(0)});
}

// A FLOW_MOD (ADD) around a match and an action list.
Frame flow_mod(const Frame& match, const Frame& actions) {
  Frame body = cat({match, be32(0), be32(0x12), be16(0), be16(60), be16(0), be16(100), be32(0xffffffff),
                    be16(0xffff), be16(1), actions});
  return msg(1, 14, unsigned(8 + body.size()), 0x21, body);
}

Frame action(unsigned type, unsigned len, const Frame& rest) { return cat({be16(type), be16(len), rest}); }

}  // namespace

TEST_CASE("OpenFlow 1.0: switch features and ports at -v and -vv", "[proto][openflow]") {
  Frame port = cat({be16(1), {0x00, 0x00, 0x5e, 0x00, 0x53, 0x01}, {'e', 't', 'h', '1'}, Frame(12, 0), be32(0x80000001),
                    be32(0x00000200), be32(0x00000021), be32(0), be32(0), be32(0)});
  Frame body = cat({be32(0), be32(0x0001e88a), be32(256), {3, 0, 0, 0}, be32(0x87), be32(0x00000fff), port});
  Frame f = seg(6633, 40000, msg(1, 6, unsigned(8 + body.size()), 2, body));
  CHECK(has(print(f, verbose(1)),
            "\tversion 1.0, type FEATURES_REPLY, length 80, xid 0x00000002\n\t dpid 0x000000000001e88a, n_buffers 256, "
            "n_tables 3\n\t capabilities 0x00000087 (FLOW_STATS, TABLE_STATS, PORT_STATS, ARP_MATCH_IP)\n\t actions "
            "0x00000fff (OUTPUT, SET_VLAN_VID, SET_VLAN_PCP, STRIP_VLAN, SET_DL_SRC, SET_DL_DST, SET_NW_SRC, SET_NW_DST, "
            "SET_NW_TOS, SET_TP_SRC, SET_TP_DST, ENQUEUE)\n\t  port_no 1, hw_addr 00:00:5e:00:53:01, name 'eth1'\n"));
  CHECK(has(print(f, verbose(2)),
            "name 'eth1'\n\t   config 0x80000001 (PORT_DOWN) (bogus)\n\t   state 0x00000200 (STP_FORWARD)\n\t   curr "
            "0x00000021 (10MB_HD, 1GB_FD)\n\t   advertised 0x00000000\n"));
  // -n stays the header only.
  CHECK(has(print(f), "xid 0x00000002\n"));
  // A port list that is not a multiple of 48 bytes.
  Frame odd = cat({body, Frame(8, 0)});
  CHECK(has(print(seg(6633, 40000, msg(1, 6, unsigned(8 + odd.size()), 2, odd)), verbose(1)),
            "name 'eth1' (invalid)\n"));
}

TEST_CASE("OpenFlow 1.0: flow mod match and actions at -v", "[proto][openflow]") {
  Frame acts = cat({action(0, 8, cat({be16(0xfffd), be16(128)})),
                    action(4, 16, cat({{0x00, 0x00, 0x5e, 0x00, 0x53, 0x02}, Frame(6, 0)})),
                    action(7, 8, ip4a("198.51.100.7"))});
  // Wildcards: all but in_port, dl_type, nw_proto, nw_dst (/24) and tp_src.
  Frame m = of10_match(0x0032208e, 3, 0x0800, 1, "203.0.113.0");
  CHECK(has(print(seg(40000, 6633, flow_mod(m, acts)), verbose(1)),
            "\tversion 1.0, type FLOW_MOD, length 104, xid 0x00000021\n\t match in_port 3\n\t match dl_type 0x0800\n\t "
            "match nw_proto 1\n\t match nw_dst 203.0.113.0/24\n\t match icmp_type 8\n\t cookie 0x0000000000000012, "
            "command ADD, idle_timeout 60, priority 100, buffer_id NONE, flags 0x0001 (SEND_FLOW_REM)\n\t action type "
            "OUTPUT, len 8, port CONTROLLER, max_len 128\n\t action type SET_DL_SRC, len 16, dl_addr "
            "00:00:5e:00:53:02\n\t action type SET_NW_DST, len 8, nw_addr 198.51.100.7\n"));
}

TEST_CASE("OpenFlow 1.0: hostile action and entry lengths", "[proto][openflow][truncated]") {
  Frame m = of10_match(0x003fffff, 0, 0, 0, "0.0.0.0");
  // An action length of 0: the rest of the list is invalid, the next message still prints.
  Frame zero = cat({flow_mod(m, action(0, 0, be32(0))), msg(1, 18, 8, 9)});
  CHECK(has(print(seg(40000, 6633, zero), verbose(1)),
            "flags 0x0001 (SEND_FLOW_REM)\n\t action type OUTPUT, len 0 (invalid)\n\tversion 1.0, type "
            "BARRIER_REQUEST, length 8, xid 0x00000009\n"));
  // A length not what the type needs, and a vendor action not a multiple of 8: skipped as bogus.
  Frame bogus = flow_mod(m, cat({action(0, 16, Frame(12, 0)), action(0xffff, 12, cat({be32(0x5c16c7), be32(0)})),
                                 action(3, 8, be32(0))}));
  CHECK(has(print(seg(40000, 6633, bogus), verbose(1)),
            "\n\t action type OUTPUT, len 16 (bogus)\n\t action type VENDOR, len 12 (bogus)\n\t action type "
            "STRIP_VLAN, len 8\n"));
  // An action that runs past the list.
  CHECK(has(print(seg(40000, 6633, flow_mod(m, action(5, 64, Frame(12, 0)))), verbose(1)),
            "\n\t action type SET_DL_DST, len 64 (invalid)\n"));
  // A flow statistics entry longer than the reply.
  Frame entry = cat({be16(400), {1, 0}, m, Frame(44, 0)});
  Frame reply = cat({be16(1), be16(0), entry});
  CHECK(has(print(seg(6633, 40000, msg(1, 17, unsigned(8 + reply.size()), 4, reply)), verbose(1)),
            "\n\t type FLOW, flags 0x0000\n\t length 400 (invalid)\n"));
  // A body cut by the capture: fields up to the cut, then [|openflow].
  Frame cut = seg(40000, 6633, flow_mod(m, action(0, 8, cat({be16(1), be16(0)}))));
  cut.resize(cut.size() - 14);
  CHECK(has(print(cut, verbose(1)), "\n\t cookie 0x0000000000000012, command ADD, idle_timeout 60, priority 100 [|openflow]"));
  // A message longer than the segment whose printer reads less than the
  // segment holds: tcpdump checks only what it reads, and the list ends.
  Frame past = seg(40000, 6633, cat({msg(1, 16, 400, 7, cat({be16(0x0203), be16(0)})), Frame(8, 0)}));
  CHECK(has(print(past, verbose(1)), "length 400, xid 0x00000007\n\t type invalid (0x0203), flags 0x0000\n"));
  CHECK(has(print(past), "length 400, xid 0x00000007 [|openflow]\n"));
  // Every prefix and seeded mutations at -vv: sane lines, no read past the capture.
  Frame two = seg(40000, 6633, cat({bogus, msg(1, 17, unsigned(8 + reply.size()), 4, reply)}));
  for (const auto& line : print_prefixes(two, verbose(2))) CHECK(sane_line(line, 4000));
  for (const auto& line : print_mutations(two, 54, 67, 400, verbose(2))) CHECK(sane_line(line, 20000));
}

TEST_CASE("OpenFlow 1.0: JSON types the body fields", "[proto][openflow][json]") {
  netlab::PrintOptions o;
  o.json = true;
  o.ts = netlab::TimestampStyle::None;
  Frame m = of10_match(0x003fffff, 0, 0, 0, "0.0.0.0");
  auto doc = testjson::parse(print(seg(40000, 6653, flow_mod(m, action(0, 8, cat({be16(2), be16(0)})))), o));
  const auto& msg0 = doc["layers"].array().at(3)["messages"].array().at(0);
  CHECK(msg0["type"].str() == "FLOW_MOD");
  CHECK(msg0["cookie"].str() == "0x0000000000000012");
  CHECK(msg0["command"].num() == 0);
  CHECK(msg0["priority"].num() == 100);
  CHECK(msg0["buffer_id"].num() == 4294967295.0);
  CHECK(msg0["actions_length"].num() == 8);
}

TEST_CASE("OpenFlow 1.3: hello elements role and async at -v", "[proto][openflow]") {
  Frame hello = msg(4, 0, 16, 1, cat({be16(1), be16(8), be32(0x12)}));
  CHECK(has(print(seg(6653, 40000, hello), verbose(1)),
            "\tversion 1.3, type HELLO, length 16, xid 0x00000001\n\t type VERSIONBITMAP, length 8, bitmap 0x00000012 "
            "(1.1, 1.4)\n"));
  // An element longer than the message, then one of length 0.
  CHECK(has(print(seg(6653, 40000, msg(4, 0, 16, 1, cat({be16(1), be16(40), be32(0)}))), verbose(1)),
            "\n\t type VERSIONBITMAP, length 40 (invalid)\n"));
  CHECK(has(print(seg(6653, 40000, msg(4, 0, 16, 1, cat({be16(7), be16(0), be32(0)}))), verbose(1)),
            "\n\t type unknown (0x0007), length 0 (invalid)\n"));
  Frame role = msg(4, 24, 24, 2, cat({be32(2), be32(0), be32(0), be32(0x2a)}));
  CHECK(has(print(seg(6653, 40000, role), verbose(1)),
            "type ROLE_REQUEST, length 24, xid 0x00000002\n\t role MASTER, generation_id 0x000000000000002a\n"));
  Frame async = msg(4, 28, 32, 3, cat({be32(3), be32(2), be32(7), be32(2), be32(8), be32(4)}));
  CHECK(has(print(seg(6653, 40000, async), verbose(1)),
            "\n\t packet_in_mask[EM] 0x00000003 (NO_MATCH, ACTION)\n\t packet_in_mask[S] 0x00000002 (ACTION)\n\t "
            "port_status_mask[EM] 0x00000007 (ADD, DELETE, MODIFY)\n\t port_status_mask[S] 0x00000002 (DELETE)\n\t "
            "flow_removed_mask[EM] 0x00000008 (bogus)\n\t flow_removed_mask[S] 0x00000004 (MODIFY)\n"));
  // -n stays the header only; a cut body ends in [|openflow].
  CHECK(has(print(seg(6653, 40000, role)), "xid 0x00000002\n"));
  Frame cut = seg(6653, 40000, role);
  cut.resize(cut.size() - 4);
  CHECK(has(print(cut, verbose(1)), "\n\t role MASTER [|openflow]"));
  for (const auto& line : print_mutations(seg(6653, 40000, cat({hello, role, async})), 54, 68, 300, verbose(2)))
    CHECK(sane_line(line, 8000));
}
