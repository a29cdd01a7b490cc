// libFuzzer target: DHCPv4 (BOOTP) and DHCPv6 messages. The input's payload is
// wrapped in Ethernet, IPv4 or IPv6 and UDP headers whose lengths are its own
// (ports 68 -> 67 or 67 -> 68, 546 -> 547 or 547 -> 546), so every run reaches
// the BOOTP and DHCPv6 printers at every -v level and in JSON, and the probe's
// answer parsers, where a random Ethernet frame would seldom be DHCP.
//
// Input layout: byte 0 the option set (fuzz_decode.hpp); byte 1 bit 0 DHCPv6,
// bit 1 from the server, bits 2-7 bytes the wire length claims beyond the
// capture; the rest is the UDP payload (at most 65507 bytes are used).
#include "fuzz_check.hpp"
#include "fuzz_decode.hpp"

#include <netlab/frames_dhcp.hpp>

#include <algorithm>
#include <vector>

namespace {

void put16(std::vector<std::uint8_t>& v, std::size_t at, std::size_t value) {
  v[at] = static_cast<std::uint8_t>(value >> 8);
  v[at + 1] = static_cast<std::uint8_t>(value);
}

std::vector<std::uint8_t> wrap(bool v6, bool from_server, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> f(14, 0);
  for (int i = 0; i < 6; ++i) f[i] = 0xff;
  f[6] = 0x02;
  f[11] = 0x01;
  const std::size_t udp_len = 8 + payload.size();
  std::uint16_t sport = v6 ? (from_server ? 547 : 546) : (from_server ? 67 : 68);
  std::uint16_t dport = v6 ? (from_server ? 546 : 547) : (from_server ? 68 : 67);
  if (v6) {
    f[12] = 0x86, f[13] = 0xdd;
    std::vector<std::uint8_t> ip(40, 0);
    ip[0] = 0x60;
    put16(ip, 4, udp_len);
    ip[6] = 17;
    ip[7] = 64;
    ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 0x01;                // fe80::1
    ip[24] = 0xff, ip[25] = 0x02, ip[37] = 0x01, ip[39] = 0x02;  // ff02::1:2
    f.insert(f.end(), ip.begin(), ip.end());
  } else {
    f[12] = 0x08, f[13] = 0x00;
    std::vector<std::uint8_t> ip(20, 0);
    ip[0] = 0x45;
    put16(ip, 2, 20 + udp_len);
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 192, ip[13] = 0, ip[14] = 2, ip[15] = 1;
    ip[16] = ip[17] = ip[18] = ip[19] = 255;
    f.insert(f.end(), ip.begin(), ip.end());
  }
  std::vector<std::uint8_t> udp(8, 0);
  put16(udp, 0, sport);
  put16(udp, 2, dport);
  put16(udp, 4, udp_len);
  f.insert(f.end(), udp.begin(), udp.end());
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool v6 = data[1] & 1, from_server = data[1] & 2;
  std::span<const std::uint8_t> payload(data + 2, std::min<std::size_t>(size - 2, 65507));
  const auto frame = wrap(v6, from_server, payload);
  if (auto d = netlab::frames::parse_dhcp(frame)) NETLAB_FUZZ_CHECK(d->op == 2);
  if (auto d = netlab::frames::parse_dhcp6(frame)) NETLAB_FUZZ_CHECK(d->xid <= 0xffffff);
  // decode_one's layout: option set, wire length (beyond the capture), variant.
  std::vector<std::uint8_t> input{data[0], static_cast<std::uint8_t>(data[1] >> 2), 0};
  input.insert(input.end(), frame.begin(), frame.end());
  return netlab::fuzz::decode_one(1, input.data(), input.size());  // DLT_EN10MB
}
