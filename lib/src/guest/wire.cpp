// The guest's wire (wire.hpp): a TAP file descriptor or a packet socket.
#include "guest/wire.hpp"

#include <netlab/tuntap.hpp>

#include "base/fd.hpp"
#include "base/privilege.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>

namespace netlab::guest {
namespace {

// A TAP device opened as a VMM does: the fd carries whole Ethernet frames
// (IFF_NO_PI), and holding it open is what gives the tap its carrier.
class TapWire final : public Wire {
 public:
  static Result<std::unique_ptr<TapWire>> open(const Netns& ns, const Link& link) {
    const std::string object = "interface " + link.name;
    // The tun driver finds the device by name in the opener's namespace.
    std::optional<NetnsScope> scope;
    if (!ns.is_current()) {
      auto s = NetnsScope::enter(ns);
      if (!s) return std::move(s).error();
      scope.emplace(std::move(*s));
    }
    Fd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
      Error e = Error::from_errno(errno, object, std::string("open /dev/net/tun: ") + std::strerror(errno));
      if (e.sys_errno == ENOENT || e.sys_errno == ENODEV) e.hint = "no /dev/net/tun: load the tun module (modprobe tun)";
      if (e.sys_errno == EACCES) e.hint = "run as root, or let this user open /dev/net/tun";
      return e;
    }
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, link.name.c_str(), std::min(link.name.size(), std::size_t{IFNAMSIZ - 1}));
    // A multi-queue device only lets in openers that ask for multi-queue too.
    const bool multi_queue = link.tun && link.tun->multi_queue;
    ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | (multi_queue ? IFF_MULTI_QUEUE : 0));
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
      const int err = errno;
      Error e = Error::from_errno(err, object, std::string("TUNSETIFF: ") + std::strerror(err));
      if (err == EPERM) {
        const std::size_t plain = e.reason.size();
        e = needs_capability(std::move(e), Capability::NetAdmin);
        // The other way in, on the same line: a tap made for this user.
        if (e.reason.size() > plain) e.reason.insert(e.reason.size() - 1, ", or a tap owned by this user");
      }
      if (err == EBUSY) {
        e.reason = "already attached to another process";
        auto taps = tap::list(ns, link.name);
        std::string who;
        if (taps && !taps->empty())
          for (const auto& h : taps->front().holders)
            who += (who.empty() ? "" : ", ") + fmt::format("pid {} ({})", h.pid, h.command);
        e.hint = who.empty() ? "a single-queue tap takes one process at a time" : "held open by " + who;
      }
      return e;
    }
    return std::unique_ptr<TapWire>(new TapWire(std::move(fd)));
  }

  int fd() const noexcept override { return fd_.get(); }

  Result<void> send(std::span<const std::uint8_t> frame) override {
    const ssize_t n = ::write(fd_.get(), frame.data(), frame.size());
    if (n < 0) return Error::from_errno(errno, "interface", std::string("write: ") + std::strerror(errno));
    return {};
  }

  Result<std::optional<Frame>> receive() override {
    const ssize_t n = ::read(fd_.get(), buf_.data(), buf_.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<Frame>{};
      return Error::from_errno(errno, "interface", std::string("read: ") + std::strerror(errno));
    }
    Frame f;
    f.meta = meta_now(static_cast<std::size_t>(n));
    f.bytes.assign(buf_.begin(), buf_.begin() + n);
    return std::optional<Frame>(std::move(f));
  }

 private:
  explicit TapWire(Fd fd) : fd_(std::move(fd)), buf_(70000) {}
  Fd fd_;
  std::vector<std::uint8_t> buf_;  // above the largest frame a tap hands out (64 KiB + header)
};

// Any other Ethernet interface: a packet socket that sees only what arrives
// (not the guest's own transmissions).
class PcapWire final : public Wire {
 public:
  explicit PcapWire(LinkTap tap) : tap_(std::move(tap)) {}
  int fd() const noexcept override { return tap_.fd(); }
  Result<void> send(std::span<const std::uint8_t> frame) override { return tap_.send(frame); }
  Result<std::optional<Frame>> receive() override { return tap_.poll_one(); }

 private:
  LinkTap tap_;
};

}  // namespace

PacketMeta meta_now(std::size_t size) {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  PacketMeta m;
  m.sec = ts.tv_sec;
  m.frac = static_cast<std::uint32_t>(ts.tv_nsec / 1000);
  m.caplen = static_cast<std::uint32_t>(size);
  m.len = m.caplen;
  return m;
}

Result<std::unique_ptr<Wire>> open_wire(const Netns& ns, const Link& link, const MacAddr& mac) {
  const std::string& iface = link.name;
  std::unique_ptr<Wire> wire;
  if (link.kind == "tun") {
    if (link.tun && !link.tun->tap)
      return Error::usage("interface " + iface,
                          "is a TUN (layer 3) device; the guest needs a TAP (layer 2) device: netlab tap create NAME");
    auto tap = TapWire::open(ns, link);
    if (!tap) return std::move(tap).error();
    wire = std::move(*tap);
  } else {
    if (link.link_type != ARPHRD_ETHER)
      return Error::usage("interface " + iface, "is not an Ethernet interface (link/" + link.link_type_name() + ")");
    LinkTapOptions lo;
    lo.direction = Direction::In;  // the guest's own frames are printed when sent, not again when seen
    // A NIC with a MAC other than the interface's own only hears its unicast in promiscuous mode.
    lo.promiscuous = !(link.mac() && *link.mac() == mac);
    lo.snaplen = 65535;
    auto tap = LinkTap::open(ns, iface, lo);
    if (!tap) return std::move(tap).error();
    wire = std::make_unique<PcapWire>(std::move(*tap));
  }

  return wire;
}

}  // namespace netlab::guest
