// The echo probe of the diagnosis: ICMP (or ICMPv6) echo through the
// kernel's routing, as ping sends it. The first datagram makes the kernel
// resolve the next hop, its answer proves IP works, and large ones with DF
// set find an MTU mismatch on the path. Internal to diag/.
#pragma once

#include <netlab/diag.hpp>

#include "base/fd.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace netlab::diag {

class Pinger {
 public:
  using Clock = std::chrono::steady_clock;

  // A raw ICMP socket in ns; scope_id is the interface index used for a
  // link-local IPv6 target. Errors: System "ICMP socket: cannot open" (with
  // the CAP_NET_RAW hint when that is what is missing), namespace errors.
  static Result<Pinger> open(const Netns& ns, Family family, int scope_id);

  // The size of the IP datagram a small echo makes (ping's default 56 bytes).
  std::uint32_t small_size() const noexcept { return v6_ ? 104 : 84; }
  std::uint32_t header_size() const noexcept { return v6_ ? 48 : 28; }

  // Sends one echo of ip_size bytes (IP datagram) and appends its record to
  // echoes; the sequence number is its index there.
  void send(const IpAddr& target, std::uint32_t ip_size, std::vector<EchoResult>& echoes, Clock::time_point now);
  // Reads every waiting datagram and marks the echoes they answer.
  void receive(const IpAddr& target, std::vector<EchoResult>& echoes, Clock::time_point now);

 private:
  explicit Pinger(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
  bool v6_ = false;
  int scope_id_ = 0;
  std::uint16_t id_ = 0;
  std::vector<Clock::time_point> sent_at_;
};

}  // namespace netlab::diag
