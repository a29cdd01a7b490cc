// An 802.1D configuration BPDU every 2 s (Config::bpdu): a guest that
// claims to be the root bridge, as a misconfigured VM bridge does.
#include "frames/bytes.hpp"
#include "guest/parts.hpp"

#include <cstdint>
#include <vector>

namespace netlab::guest {
namespace {

using frames::detail::put;
using frames::detail::put16;
using frames::detail::put32;

constexpr auto kBpduInterval = 2s;  // 802.1D's default hello time

// An IEEE 802.3 frame (length, not type) to the bridge group address with
// LLC DSAP/SSAP 0x42 and UI control, carrying a 35-byte 802.1D
// configuration BPDU that claims the guest is the root bridge.
std::vector<std::uint8_t> config_bpdu(const MacAddr& mac) {
  const MacAddr stp_group({0x01, 0x80, 0xc2, 0x00, 0x00, 0x00});
  std::vector<std::uint8_t> body{0x42, 0x42, 0x03};  // LLC
  auto put_bridge_id = [&](std::uint16_t priority) {
    put16(body, priority);
    put(body, mac.bytes());
  };
  put16(body, 0x0000);    // protocol identifier: STP
  body.push_back(0x00);   // version 0 (802.1D)
  body.push_back(0x00);   // type: configuration
  body.push_back(0x00);   // flags: no topology change
  put_bridge_id(0x8000);  // root identifier
  put32(body, 0);         // root path cost
  put_bridge_id(0x8000);  // bridge identifier
  put16(body, 0x8001);    // port identifier
  put16(body, 0);         // message age, in 1/256 s
  put16(body, 20 * 256);  // max age 20 s
  put16(body, 2 * 256);   // hello time 2 s
  put16(body, 15 * 256);  // forward delay 15 s
  return frames::ethernet(stp_group, mac, static_cast<std::uint16_t>(body.size()), body);
}

class BpduPart final : public Component {
 public:
  explicit BpduPart(Shared& s) : s_(s) {}

  void start(Clock::time_point) override {
    s_.transmit(config_bpdu(s_.mac));
    next_ = Clock::now() + kBpduInterval;
  }

  Clock::time_point tick(Clock::time_point now) override {
    if (now >= next_) {
      s_.transmit(config_bpdu(s_.mac));
      next_ += kBpduInterval;
      if (next_ <= now) next_ = now + kBpduInterval;  // after a stall, no burst of catch-up BPDUs
    }
    return next_;
  }

 private:
  Shared& s_;
  Clock::time_point next_ = Clock::time_point::max();
};

}  // namespace

std::unique_ptr<Component> make_bpdu(Shared& s) { return std::make_unique<BpduPart>(s); }

}  // namespace netlab::guest
