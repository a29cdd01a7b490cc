// libFuzzer target: Ethernet frames (DLT_EN10MB), decoded and printed with an option set chosen
// by the input's first byte (layout in fuzz_decode.hpp).
#include "fuzz_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return netlab::fuzz::decode_one(1, data, size);  // DLT_EN10MB
}
