// Where the guest's frames go and come from: a TAP opened as a VMM opens it
// (TUNSETIFF), or a packet socket on any other Ethernet interface.
#pragma once

#include <netlab/error.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>
#include <netlab/netns.hpp>
#include <netlab/packet.hpp>
#include <netlab/types.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace netlab::guest {

// Metadata for a frame seen now (wall clock, as a capture stamps it).
PacketMeta meta_now(std::size_t size);

class Wire {
 public:
  virtual ~Wire() = default;
  virtual int fd() const noexcept = 0;
  virtual Result<void> send(std::span<const std::uint8_t> frame) = 0;
  // The next waiting frame, without blocking; nullopt when there is none.
  virtual Result<std::optional<Frame>> receive() = 0;
};

// Attaches to `link` in `ns` for a guest whose MAC is `mac`: a TAP for a
// tun-kind link, a packet socket for another Ethernet one; refuses TUN and
// non-Ethernet links (Usage).
Result<std::unique_ptr<Wire>> open_wire(const Netns& ns, const Link& link, const MacAddr& mac);

}  // namespace netlab::guest
