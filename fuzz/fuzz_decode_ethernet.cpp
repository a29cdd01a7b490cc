// libFuzzer target: Ethernet frames (DLT_EN10MB), decoded and printed with an option set chosen
// by the input's first byte (layout in fuzz_decode.hpp); the same frame also goes through the
// light parsers of the frames netlab acts on (frames.hpp, frames_dhcp.hpp), which read
// answers off the wire as hostile input too.
#include "fuzz_check.hpp"
#include "fuzz_decode.hpp"

#include <netlab/frames.hpp>
#include <netlab/frames_dhcp.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= netlab::fuzz::kDecodeHeader) {
    std::span<const std::uint8_t> frame(data + netlab::fuzz::kDecodeHeader, size - netlab::fuzz::kDecodeHeader);
    (void)netlab::frames::parse(frame);
    if (auto d = netlab::frames::parse_dhcp(frame)) NETLAB_FUZZ_CHECK(d->op == 2);
    if (auto d = netlab::frames::parse_dhcp6(frame)) NETLAB_FUZZ_CHECK(d->xid <= 0xffffff);
  }
  return netlab::fuzz::decode_one(1, data, size);  // DLT_EN10MB
}
