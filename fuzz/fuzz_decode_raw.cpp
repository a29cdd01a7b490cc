// libFuzzer target: raw IP packets (DLT_RAW 12 and 14, LINKTYPE_RAW 101,
// IPV4 228, IPV6 229; byte 2 picks), decoded and printed with an option set
// chosen by the input's first byte (layout in fuzz_decode.hpp).
#include "fuzz_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr int kDlts[] = {12, 14, 101, 228, 229};  // DLT_RAW (both values), LINKTYPE_RAW, IPV4, IPV6
  if (size < netlab::fuzz::kDecodeHeader) return 0;
  return netlab::fuzz::decode_one(kDlts[data[2] % 5], data, size);
}
