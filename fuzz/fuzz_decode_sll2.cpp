// libFuzzer target: Linux cooked v2 frames (DLT_LINUX_SLL2), decoded and printed with an option set chosen
// by the input's first byte (layout in fuzz_decode.hpp).
#include "fuzz_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return netlab::fuzz::decode_one(276, data, size);  // DLT_LINUX_SLL2
}
