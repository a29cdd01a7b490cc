// Helpers shared by the decoder unit tests (defined in test_proto_support.cpp):
// frame builders with correct checksums, and runners that print frames through
// the public PacketPrinter, including every prefix and seeded mutations.
#pragma once

#include <netlab/packet.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace proto_test {
using Frame = std::vector<std::uint8_t>;
std::vector<std::string> print_all(const std::vector<Frame>& frames, netlab::PrintOptions o = {}, int dlt = 1,
                                   const std::vector<std::uint32_t>& wire = {});
std::string print(const Frame& frame, netlab::PrintOptions o = {}, int dlt = 1, std::uint32_t wire = 0);
std::vector<std::string> print_prefixes(const Frame& full, netlab::PrintOptions o = {}, int dlt = 1);
std::vector<std::string> print_mutations(const Frame& base, std::size_t skip, unsigned seed, int count,
                                         netlab::PrintOptions o = {}, int dlt = 1);
Frame cat(std::initializer_list<Frame> parts);
Frame be16(unsigned v);
Frame be32(std::uint32_t v);
Frame ip4a(const char* text);
Frame ip6a(const char* text);
std::uint32_t sum16(const Frame& f, std::size_t off, std::size_t len, std::uint32_t acc = 0);
std::uint16_t fold(std::uint32_t acc);
Frame ipv4(std::uint8_t proto, const Frame& payload, const char* src = "192.0.2.1", const char* dst = "192.0.2.2",
           const Frame& options = {});
void fix_ip4_sum(Frame& f, std::size_t off = 14);
Frame ipv6(std::uint8_t nh, const Frame& payload, const char* src = "2001:db8::1", const char* dst = "2001:db8::2");
Frame ether(unsigned type, const Frame& payload, const Frame& dst = {}, const Frame& src = {});
bool sane_line(const std::string& s, std::size_t max);
// The option sets most cases print with: -v repeated n times (and -e with
// link_header), and -j without timestamps (a JSON line to compare whole).
netlab::PrintOptions v(int n, bool link_header = false);
netlab::PrintOptions json();
}  // namespace proto_test
