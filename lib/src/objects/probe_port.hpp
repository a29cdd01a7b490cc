// A temporary port on a bridge for a probe that must look like a guest on
// it: frames the host sends from the bridge device itself are the host's
// own traffic to everything on the host (a DHCP server, the forwarding
// path), while frames entering through a port are a guest's. A veth pair
// "nlp<pid>p" (we talk on it) and "nlp<pid>b" (the bridge's port), created,
// enslaved and up, or not at all; removed when the owner goes (deleting one
// end takes the other along), on every return path.
#pragma once

#include <netlab/error.hpp>
#include <netlab/link.hpp>
#include <netlab/netns.hpp>
#include <netlab/types.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace netlab {

class ProbePort {
 public:
  using Clock = std::chrono::steady_clock;
  // The pair with `mac` on our end, enslaved to `bridge` and up; waits until
  // the port forwards (STP listens and learns first) or `deadline` passes
  // (ETIMEDOUT, naming `object`). A stop() that returns true ends the wait
  // without an error.
  static Result<std::unique_ptr<ProbePort>> create(const Netns& ns, const Link& bridge, const MacAddr& mac,
                                                   Clock::time_point deadline, const std::function<bool()>& stop,
                                                   const std::string& object);
  ProbePort(const ProbePort&) = delete;
  ProbePort& operator=(const ProbePort&) = delete;
  ~ProbePort();
  const IfName& talk() const noexcept { return talk_; }
  // The bridge's end, named before it exists (to trace drops on it).
  static std::string port_name();

 private:
  ProbePort(const Netns& ns, IfName talk) : ns_(ns), talk_(std::move(talk)) {}
  Result<void> wait_forwarding(const IfName& port, const Link& bridge, Clock::time_point deadline,
                               const std::function<bool()>& stop, const std::string& object);

  Netns ns_;
  IfName talk_;
  bool created_ = true;
};

}  // namespace netlab
