// libFuzzer target: BSD loopback frames (DLT_NULL host order, DLT_LOOP
// network order; byte 2 picks), decoded and printed with an option set
// chosen by the input's first byte (layout in fuzz_decode.hpp).
#include "fuzz_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < netlab::fuzz::kDecodeHeader) return 0;
  return netlab::fuzz::decode_one(data[2] & 1 ? 108 : 0, data, size);  // DLT_LOOP : DLT_NULL
}
