// Sending and receiving raw frames on an interface through libpcap, for the
// tools that talk on the wire themselves (arp probe, diagnosis probes, the
// test guest on a non-TAP interface). Several LinkTaps can be waited on at
// once through their file descriptors (poll(2)), which is how the diagnosis
// watches an interface, its bridge and the bridge's ports at the same time.
//
// A LinkTap owns one libpcap handle (a packet socket) in immediate,
// non-blocking mode; it is move-only and closes the handle when destroyed.
// Opening one needs CAP_NET_RAW in the target namespace. A LinkTap is not
// thread-safe: use each from one thread at a time (several taps may be used
// by several threads). A packet socket does not see the frames it sent
// itself, which the diagnosis accounts for.
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
#include <utility>
#include <vector>

namespace netlab {

// One received frame: a copy the caller owns.
struct NETLAB_API Frame {
  PacketMeta meta;
  std::vector<std::uint8_t> bytes;
  // Seconds since the epoch, from the capture timestamp.
  double time() const noexcept;
};

// Seconds since the epoch now, on the clock of Frame::time(): what a tool
// reads when it sends, to set against the capture timestamps of the answers.
NETLAB_API double wall_clock_now() noexcept;

// Which frames to receive: all, only those arriving, only those leaving.
enum class Direction : std::uint8_t { Both, In, Out };

// How a LinkTap receives; sending is unaffected by these.
struct LinkTapOptions {
  std::string filter;        // BPF expression; empty: every frame
  bool promiscuous = false;  // off by default: promisc on a bridge changes what it passes up
  Direction direction = Direction::Both;
  int snaplen = 2048;
};

// One packet socket on one interface, for sending and receiving frames.
class NETLAB_API LinkTap {
 public:
  // Opens a packet socket on `iface` inside `ns`, in immediate mode.
  // Errors name the interface; a missing privilege says CAP_NET_RAW.
  // Usage for a malformed interface name, a non-Ethernet link ("not an
  // Ethernet interface") or a filter libpcap cannot compile; NotFound "No such
  // device"; Pcap with sys_errno EPERM and the CAP_NET_RAW hint; Pcap with
  // libpcap's text otherwise; the namespace-entry errors of error.hpp. The
  // socket stays bound to `ns` after the call returns.
  static Result<LinkTap> open(const Netns& ns, std::string_view iface, const LinkTapOptions& options = {});
  LinkTap(LinkTap&&) noexcept;
  LinkTap& operator=(LinkTap&&) noexcept;
  ~LinkTap();

  // The name given to open(); valid while the LinkTap lives.
  const std::string& interface() const noexcept;
  int linktype() const noexcept;  // DLT_*
  // A descriptor that polls readable when frames are waiting.
  int fd() const noexcept;

  // Transmits one complete link-layer frame.
  // The frame is copied by the kernel; the span need only live for the call.
  // Pcap error "cannot send: ..." with the errno (ENETDOWN for a down link,
  // ENOBUFS, EMSGSIZE for a frame larger than the MTU).
  Result<void> send(std::span<const std::uint8_t> frame);
  // Returns the next waiting frame without blocking, or nullopt.
  // A Pcap error when the socket fails (e.g. the interface was deleted).
  Result<std::optional<Frame>> poll_one();
  // Waits for the next frame until `deadline`; nullopt on timeout.
  // Signals (EINTR) do not end the wait early; System errno if poll fails.
  Result<std::optional<Frame>> next(std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  explicit LinkTap(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Waits until any tap has a frame or the deadline passes; returns the
// indexes of the readable taps (empty on timeout). EINTR returns early.
// The pointers must be valid for the call; the taps are not read, so call
// poll_one() on each ready one (a tap may poll ready and yield no frame that
// passes its filter). System errno if poll fails otherwise.
NETLAB_API Result<std::vector<std::size_t>> wait_any(std::span<LinkTap* const> taps,
                                                     std::chrono::steady_clock::time_point deadline);

// Hands every frame already waiting on `tap` to `on_frame(const Frame&)`, in
// order, without blocking: what a tool does with a tap wait_any() found
// ready. Stops at the first error of poll_one() and returns it.
template <typename OnFrame>
Result<void> for_each_waiting_frame(LinkTap& tap, OnFrame&& on_frame) {
  for (;;) {
    auto f = tap.poll_one();
    if (!f) return std::move(f).error();
    if (!*f) return {};
    const Frame& frame = **f;
    on_frame(frame);
  }
}

}  // namespace netlab
