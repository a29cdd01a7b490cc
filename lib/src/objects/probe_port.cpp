// The temporary bridge port of probe_port.hpp.
#include "objects/probe_port.hpp"

#include <array>
#include <cerrno>
#include <thread>

#include <unistd.h>

namespace netlab {
namespace {

constexpr std::chrono::milliseconds kPortPoll{20};
constexpr std::uint8_t kBrStateForwarding = 3;  // BR_STATE_FORWARDING

std::string stem() { return "nlp" + std::to_string(::getpid()); }

}  // namespace

std::string ProbePort::port_name() { return stem() + "b"; }

Result<std::unique_ptr<ProbePort>> ProbePort::create(const Netns& ns, const Link& bridge, const MacAddr& mac,
                                                     Clock::time_point deadline, const std::function<bool()>& stop,
                                                     const std::string& object) {
  auto talk = IfName::parse(stem() + "p");
  auto port = IfName::parse(port_name());
  if (!talk || !port) return Error::usage(object, "cannot name the probe's veth pair " + stem());
  auto self = std::unique_ptr<ProbePort>(new ProbePort(ns, *talk));
  link::CreateOptions co;
  co.address = mac;  // frames unicast to the probe's MAC are then for this end
  co.up = true;
  if (auto r = link::add_veth(ns, *talk, *port, co); !r) {
    self->created_ = false;
    return std::move(r).error();
  }
  // A bridge without an address of its own takes its lowest port's: the
  // port's end gets the highest locally administered address there is, so
  // joining never moves the bridge's MAC (the guests' ARP entries for it,
  // and frames to it, would go stale for as long as the probe runs).
  link::Change high;
  high.address = MacAddr(std::array<std::uint8_t, 6>{0xfe, 0xff, 0xff, 0xff, 0xff, 0xfe});
  NETLAB_TRY(link::set(ns, *port, high));
  link::Change c;
  c.master = IfName::parse(bridge.name).value();
  c.up = true;
  NETLAB_TRY(link::set(ns, *port, c));
  NETLAB_TRY(self->wait_forwarding(*port, bridge, deadline, stop, object));
  return self;
}

ProbePort::~ProbePort() {
  if (created_) (void)link::remove(ns_, talk_);
}

Result<void> ProbePort::wait_forwarding(const IfName& port, const Link& bridge, Clock::time_point deadline,
                                        const std::function<bool()>& stop, const std::string& object) {
  for (;;) {
    if (stop && stop()) return {};
    auto l = link::get(ns_, port.str());
    if (!l) return std::move(l).error();
    if (l->bridge_port && l->bridge_port->state == kBrStateForwarding && l->carrier != false) return {};
    if (Clock::now() >= deadline) {
      std::string why = "port " + port.str() + " of bridge " + bridge.name + " did not start forwarding in time";
      if (bridge.bridge && bridge.bridge->stp_state != 0) why += " (STP is on: the port listens and learns first)";
      return Error::from_errno(ETIMEDOUT, object, why);
    }
    std::this_thread::sleep_for(kPortPoll);
  }
}

}  // namespace netlab
