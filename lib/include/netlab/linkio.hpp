// Sending and receiving raw frames on an interface through libpcap, for the
// tools that talk on the wire themselves (arp probe, diagnosis probes, the
// test guest on a non-TAP interface). Several LinkTaps can be waited on at
// once through their file descriptors (poll(2)), which is how the diagnosis
// watches an interface, its bridge and the bridge's ports at the same time.
#pragma once

#include <netlab/error.hpp>
#include <netlab/export.hpp>
#include <netlab/netns.hpp>
#include <netlab/packet.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace netlab {

struct NETLAB_API Frame {
  PacketMeta meta;
  std::vector<std::uint8_t> bytes;
  // Seconds since the epoch, from the capture timestamp.
  double time() const noexcept;
};

enum class Direction : std::uint8_t { Both, In, Out };

struct LinkTapOptions {
  std::string filter;        // BPF expression; empty: every frame
  bool promiscuous = false;  // off by default: promisc on a bridge changes what it passes up
  Direction direction = Direction::Both;
  int snaplen = 2048;
};

class NETLAB_API LinkTap {
 public:
  // Opens a packet socket on `iface` inside `ns`, in immediate mode.
  // Errors name the interface; a missing privilege says CAP_NET_RAW.
  static Result<LinkTap> open(const Netns& ns, std::string_view iface, const LinkTapOptions& options = {});
  LinkTap(LinkTap&&) noexcept;
  LinkTap& operator=(LinkTap&&) noexcept;
  ~LinkTap();

  const std::string& interface() const noexcept;
  int linktype() const noexcept;  // DLT_*
  // A descriptor that polls readable when frames are waiting.
  int fd() const noexcept;

  // Transmits one complete link-layer frame.
  Result<void> send(std::span<const std::uint8_t> frame);
  // Returns the next waiting frame without blocking, or nullopt.
  Result<std::optional<Frame>> poll_one();
  // Waits for the next frame until `deadline`; nullopt on timeout.
  Result<std::optional<Frame>> next(std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  explicit LinkTap(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Waits until any tap has a frame or the deadline passes; returns the
// indexes of the readable taps (empty on timeout). EINTR returns early.
NETLAB_API Result<std::vector<std::size_t>> wait_any(std::span<LinkTap* const> taps,
                                                     std::chrono::steady_clock::time_point deadline);

}  // namespace netlab
