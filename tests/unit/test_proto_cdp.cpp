// CDP (cdp.cpp) and DTP (dtp.cpp) in Cisco SNAP: tcpdump 4.99.3's -n line
// (Device-ID, and the hex of every other TLV), the -v TLV list, the lengths
// it calls malformed or invalid, PDUs cut at every length and mutated
// (never a read past the capture: run under the asan preset), and the typed
// JSON. Expected text is tcpdump 4.99.3's for the same bytes.

#include <netlab/packet.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "mini_json.hpp"
#include "proto_test_support.hpp"

using namespace proto_test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Frame tlv(unsigned type, const Frame& value) { return cat({be16(type), be16(static_cast<unsigned>(4 + value.size())), value}); }
Frame text(std::string_view s) { return Frame(s.begin(), s.end()); }

// 802.3 frame: LLC/SNAP with the Cisco OUI and the PID, then the PDU.
Frame snap(unsigned pid, const Frame& pdu) {
  Frame llc = cat({{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c}, be16(pid), pdu});
  Frame f = cat({{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}, {0x02, 0, 0, 0, 0, 1}, be16(static_cast<unsigned>(llc.size())), llc});
  while (f.size() < 60) f.push_back(0);
  return f;
}

Frame cdp() {
  return snap(0x2000, cat({{2, 180}, be16(0x1234), tlv(1, text("S1")), tlv(3, text("Gi0/1")), tlv(4, be32(0x29)),
                           tlv(2, cat({be32(1), {1, 1, 0xcc}, be16(4), {192, 0, 2, 1}})), tlv(0x0a, be16(5)),
                           tlv(0x0b, {1}), tlv(0x10, be16(4500)), tlv(0x12, {0}), tlv(0x0d, {1, 2})}));
}

Frame dtp() {
  return snap(0x2004, cat({{1}, tlv(1, text(std::string_view("Lab\0\0", 5))), tlv(2, {0x81}), tlv(3, {0xa5}),
                           tlv(4, {0, 0x1f, 0x6d, 0x96, 0xec, 4})}));
}

}  // namespace

TEST_CASE("CDP: Device-ID and hex at -n and the TLVs at -v", "[proto][cdp]") {
  CHECK(has(print(cdp()),
            "CDPv2, ttl: 180s, Device-ID 'S1'\n\t  0x0000:  4769 302f 31\n\t  0x0000:  0000 0029\n\t  0x0000:  0000 "
            "0001 0101 cc00 04c0 0002 01\n\t  0x0000:  0005\n\t  0x0000:  01\n\t  0x0000:  1194\n\t  0x0000:  00\n\t  "
            "0x0000:  0102, length 72\n"));
  CHECK(has(print(cdp(), v(1)),
            "CDPv2, ttl: 180s, checksum: 0x1234 (unverified), length 72\n\tDevice-ID (0x01), value length: 2 bytes: "
            "'S1'\n\tPort-ID (0x03), value length: 5 bytes: 'Gi0/1'\n\tCapability (0x04), value length: 4 bytes: "
            "(0x00000029): Router, L2 Switch, IGMP snooping\n\tAddress (0x02), value length: 13 bytes: IPv4 (1) "
            "192.0.2.1\n\tNative VLAN ID (0x0a), value length: 2 bytes: 5\n\tDuplex (0x0b), value length: 1 byte: "
            "full\n\tpower consumption (0x10), value length: 2 bytes: 4.50W\n\tAVVID trust bitmap (0x12), value "
            "length: 1 byte: 0x00\n\tunknown field type (0x0d), value length: 2 bytes: \n"));
  CHECK(has(print(cdp(), v(0, true)), "pid CDP (0x2000), length 72: CDPv2, ttl: 180s, Device-ID 'S1'\n"));
}

TEST_CASE("CDP: malformed TLVs and short address lists", "[proto][cdp][truncated]") {
  Frame f = snap(0x2000, cat({{2, 180}, be16(0x1234), tlv(1, text("S1")), tlv(4, be16(0x29)), tlv(0x30, text("ab")),
                              tlv(0x08, text("xy")), tlv(0x0a, text("abc")), tlv(0x16, text("ab")),
                              tlv(2, cat({be32(2), {1, 1, 0xcc}, be16(4), {192, 0, 2, 1}}))}));
  CHECK(has(print(f), "CDPv2, ttl: 180s, Device-ID 'S1' (malformed TLV)\n\t  0x0000:  0029\n\t  0x0000:  6162\n\t  "
                      "0x0000:  7879 (malformed TLV)\n\t  0x0000:  6162 63 (malformed TLV)\n\t  0x0000:  6162\n\t  "
                      "0x0000:  0000 0002 0101 cc00 04c0 0002 01, length 58\n"));
  CHECK(has(print(f, v(1)),
            "\tCapability (0x04), value length: 2 bytes:  (malformed TLV)\n\t  0x0000:  0029\n\tunknown field type "
            "(0x30), value length: 2 bytes: \n\t  0x0000:  6162\n\tProtocol-Hello option (0x08), value length: 2 "
            "bytes: \n\tNative VLAN ID (0x0a), value length: 3 bytes:  (malformed TLV)\n\t  0x0000:  6162 "
            "63\n\tManagement Addresses (0x16), value length: 2 bytes:  (malformed TLV)\n\t  0x0000:  6162\n\tAddress "
            "(0x02), value length: 13 bytes: IPv4 (2) 192.0.2.1  (not enough space for PT+PL)\n"));
  CHECK(has(print(snap(0x2000, cat({{2, 180}, be16(0), be16(1), be16(2)}))), "CDPv2, ttl: 180s, Device-ID TLV length 2 too short (invalid)"));
  CHECK(has(print(snap(0x2000, {2, 180})), " (packet length 2 < 4) (invalid)"));
  Frame c = cdp();
  for (const auto& line : print_prefixes(c, v(1))) CHECK(sane_line(line, 2000));
  for (const auto& line : print_prefixes(c)) CHECK(sane_line(line, 2000));
  for (const auto& line : print_mutations(c, 22, 17, 300, v(1))) CHECK(sane_line(line, 8000));
}

TEST_CASE("DTP: version at -n and TLVs at -v", "[proto][dtp]") {
  CHECK(has(print(dtp()), "DTPv1, length 30\n"));
  CHECK(has(print(dtp(), v(1)),
            "DTPv1, length 30\n\tDomain (0x0001) TLV, length 9, Lab\n\tStatus (0x0002) TLV, length 5, 0x81\n\tDTP type "
            "(0x0003) TLV, length 5, 0xa5\n\tNeighbor (0x0004) TLV, length 10, 00:1f:6d:96:ec:04\n"));
  CHECK(has(print(dtp(), v(0, true)), "pid DTP (0x2004), length 30: DTPv1, length 30\n"));
  CHECK(has(print(snap(0x2004, cat({{1}, tlv(2, {1, 2})})), v(1)), "Status (0x0002) TLV, length 6 (invalid)"));
  Frame d = dtp();
  for (const auto& line : print_prefixes(d, v(1))) CHECK(sane_line(line, 800));
  for (const auto& line : print_mutations(d, 22, 5, 300, v(1))) CHECK(sane_line(line, 4000));
}

TEST_CASE("CDP and DTP: JSON has the typed TLVs", "[proto][cdp][dtp][json]") {
  auto last = [](const Frame& f) {
    auto doc = testjson::parse(print(f, json()));
    const auto& layers = doc["layers"].array();
    return layers.at(layers.size() - 1);
  };
  auto c = last(cdp());
  CHECK(c["layer"].str() == "cdp");
  CHECK(c["ttl"].num() == 180);
  CHECK(c["tlvs"].array().at(0)["value"].str() == "S1");
  auto d = last(dtp());
  CHECK(d["layer"].str() == "dtp");
  CHECK(d["tlvs"].array().at(0)["domain"].str() == "Lab");
  CHECK(d["tlvs"].array().at(3)["neighbor"].str() == "00:1f:6d:96:ec:04");
}
