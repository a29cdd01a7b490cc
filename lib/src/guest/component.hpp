// The guest's parts: each concern (ARP, echo, ping, IPv6 addresses, ND,
// RA, MLD, BPDU) is one Component that sees every accepted frame, parsed
// once by the loop (loop.cpp), and says when its timers next need the loop.
// They share one state, Shared (state.hpp), by reference. A new concern (the DHCP
// client and server next) is one more Component registered in loop.cpp;
// copy bpdu.cpp for a timer-only one, arp.cpp for one that answers frames.
#pragma once

#include <netlab/frames.hpp>
#include <netlab/frames6.hpp>

#include <chrono>
#include <cstdint>
#include <span>

namespace netlab::guest {

using Clock = std::chrono::steady_clock;

// A received frame that passed the NIC's checks (length, VLAN, destination
// MAC): the parse, and the bytes it points into.
struct Parsed : frames::Parsed {
  std::span<const std::uint8_t> frame;
};

class Component {
 public:
  virtual ~Component() = default;
  // Once, before the first frame, in registration order.
  virtual void start(Clock::time_point /*now*/) {}
  // Every accepted frame; a component ignores what is not its own.
  virtual void on_frame(const Parsed& /*p*/) {}
  // Advances the timers; returns when the component next needs the loop
  // (Clock::time_point::max(): only a frame can wake it).
  virtual Clock::time_point tick(Clock::time_point /*now*/) { return Clock::time_point::max(); }
  // The link-local IPv6 address passed DAD (its report of groups is sent).
  virtual void on_link_local_ready(Clock::time_point /*now*/) {}
  // Once, after the loop ends.
  virtual void finish() {}
};

}  // namespace netlab::guest
