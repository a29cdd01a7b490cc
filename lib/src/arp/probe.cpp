// arp probe: arping's job on two pcap handles. One handle sends and reads
// what comes in; a second one, restricted to outgoing frames, sees our own
// probe leave (a packet socket never receives the frames it sent itself), so
// each round trip is measured between two kernel capture timestamps rather
// than between a clock read in userspace and a capture timestamp.
#include <netlab/addr.hpp>
#include <netlab/arp.hpp>
#include <netlab/frames.hpp>
#include <netlab/link.hpp>
#include <netlab/linkio.hpp>

#include <algorithm>
#include <array>
#include <cerrno>

#include <net/if_arp.h>

namespace netlab::arp {
namespace {

using Clock = std::chrono::steady_clock;

// After the last expected answer we listen this much longer (at most one
// interval): a second station claiming the address answers within
// microseconds of the first, and stopping at the first answer would hide it.
constexpr std::chrono::milliseconds kConflictGrace{100};
// How long to wait for our own frame to show up on the outgoing tap.
constexpr std::chrono::milliseconds kEchoWait{50};

const char* kObject = "arp probe";

bool is_announcement(ProbeMode m) { return m == ProbeMode::AnnounceRequest || m == ProbeMode::AnnounceReply; }

bool is_limited_broadcast(const IpAddr& a) {
  auto b = a.bytes();
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0xff; });
}

Result<void> check_unicast_ipv4(const IpAddr& a, const char* what) {
  const std::string text = std::string(what) + " " + a.to_string();
  if (!a.is_v4()) return Error::usage(text, "is not an IPv4 address: ARP resolves IPv4 addresses only");
  if (a.is_multicast()) return Error::usage(text, "is a multicast address: ARP resolves unicast addresses only");
  if (is_limited_broadcast(a)) return Error::usage(text, "is the broadcast address");
  if (a == frames::ipv4_any()) return Error::usage(text, "is the unspecified address");
  return {};
}

Result<void> validate(const ProbeOptions& o) {
  if (auto name = IfName::parse(o.interface); !name) return std::move(name).error();
  NETLAB_TRY(check_unicast_ipv4(o.target, "target"));
  if (o.source) {
    if (o.mode == ProbeMode::DuplicateCheck)
      return Error::usage(kObject, "-D probes from 0.0.0.0 (RFC 5227); -s does not go with it");
    if (is_announcement(o.mode))
      return Error::usage(kObject, "an announcement (-U, -A) is sent from the target address; -s does not go with it");
    NETLAB_TRY(check_unicast_ipv4(*o.source, "source"));
  }
  if (o.count && *o.count == 0) return Error::usage(kObject, "count must be at least 1");
  if (o.interval <= std::chrono::milliseconds::zero()) return Error::usage(kObject, "interval must be above 0");
  if (o.deadline && *o.deadline <= std::chrono::milliseconds::zero())
    return Error::usage(kObject, "deadline must be above 0");
  return {};
}

std::vector<std::uint8_t> build_probe(const ProbeResult& r) {
  frames::Arp a;
  a.sha = r.source_mac;
  switch (r.mode) {
    case ProbeMode::Request:
      return frames::arp_request(r.source_mac, r.source, r.target);
    case ProbeMode::DuplicateCheck:
      return frames::arp_request(r.source_mac, frames::ipv4_any(), r.target);
    case ProbeMode::AnnounceRequest:
      // RFC 5227 announcement: a broadcast request with sender = target.
      a.op = frames::kArpRequest;
      a.spa = r.target;
      a.tpa = r.target;
      return frames::arp(frames::broadcast_mac(), r.source_mac, a);
    case ProbeMode::AnnounceReply:
      // arping -A: a broadcast reply; like arping, the target hardware
      // address is our own.
      a.op = frames::kArpReply;
      a.spa = r.target;
      a.tha = r.source_mac;
      a.tpa = r.target;
      return frames::arp(frames::broadcast_mac(), r.source_mac, a);
  }
  return {};
}

// Whether an ARP frame answers our probe, by arping's rules: the sender
// claims the target address and is not us; for a request, it is addressed
// to our address and MAC; for a duplicate check, anything from another
// station that claims the address counts.
bool answers(const frames::Arp& a, const ProbeResult& r) {
  if (!a.is_reply() && !a.is_request()) return false;
  if (a.spa != r.target || a.sha == r.source_mac) return false;
  if (r.mode == ProbeMode::Request) return a.tpa == r.source && a.tha == r.source_mac;
  return r.mode == ProbeMode::DuplicateCheck;
}

class Prober {
 public:
  Prober(const ProbeOptions& o, const ProbeCallbacks& cb, ProbeResult& r, LinkTap& io, LinkTap* echo)
      : o_(o), cb_(cb), r_(r), io_(io), echo_(echo), frame_(build_probe(r)) {
    r_.tx_timestamps = echo_ != nullptr;
  }

  Result<void> run() {
    const auto start = Clock::now();
    const auto interval = std::chrono::duration_cast<Clock::duration>(o_.interval);
    std::optional<Clock::time_point> deadline;
    if (o_.deadline) deadline = start + std::chrono::duration_cast<Clock::duration>(*o_.deadline);
    // How many probes to send: see ProbeOptions. Announcements expect no
    // answer, so a count always limits them.
    std::optional<unsigned> limit;
    if (o_.count && (!o_.deadline || is_announcement(o_.mode))) limit = *o_.count;
    else if (!o_.count && !o_.deadline) limit = 3;
    const auto grace = std::min(std::chrono::duration_cast<Clock::duration>(kConflictGrace), interval);

    Clock::time_point next_send = start;
    std::optional<Clock::time_point> finish;
    for (;;) {
      if (o_.stop && o_.stop()) {
        r_.interrupted = true;
        break;
      }
      auto now = Clock::now();
      if ((deadline && now >= *deadline) || (finish && now >= *finish)) break;
      const bool more = !limit || r_.sent < *limit;
      if (more && now >= next_send) {
        NETLAB_TRY(send_one());
        next_send += interval;
        if (next_send < now) next_send = now + interval;  // never a burst after a stall
        if (limit && r_.sent == *limit) {
          if (is_announcement(o_.mode)) break;  // nothing to wait for
          finish = now + interval;              // the last probe gets one interval, as in arping
        }
        continue;
      }
      auto wake = Clock::time_point::max();
      if (more) wake = std::min(wake, next_send);
      if (deadline) wake = std::min(wake, *deadline);
      if (finish) wake = std::min(wake, *finish);
      LinkTap* taps[] = {&io_};
      auto ready = wait_any(taps, wake);
      if (!ready) return std::move(ready).error();
      NETLAB_TRY(drain());
      if (enough_answers()) {
        if (o_.mode == ProbeMode::DuplicateCheck) break;  // taken: one answer decides
        const auto soon = Clock::now() + grace;
        finish = finish ? std::min(*finish, soon) : soon;
      }
    }
    return {};
  }

 private:
  // Every probe we mean to send is out and answered, or (count and deadline
  // both given) `count` probes were answered.
  bool enough_answers() const {
    if (is_announcement(o_.mode) || r_.sent == 0) return false;
    if (o_.mode == ProbeMode::DuplicateCheck) return r_.answered > 0;
    if (o_.count && o_.deadline) return r_.answered >= *o_.count;
    const unsigned limit = o_.count.value_or(o_.deadline ? 0u : 3u);
    return limit != 0 && r_.sent == limit && r_.answered == r_.sent;
  }

  Result<void> send_one() {
    const double before = wall_clock_now();
    NETLAB_TRY(io_.send(frame_));
    ++r_.sent;
    sent_at_.push_back(before);
    answered_.push_back(false);
    if (echo_) NETLAB_TRY(read_echo(before));
    return {};
  }

  // Replaces the clock reading of the probe just sent with the capture
  // timestamp of the frame as it left. Copies of earlier probes that show
  // up late are skipped by time; if ours never shows up, the clock reading
  // stays and the result says so.
  Result<void> read_echo(double before) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(kEchoWait);
    for (;;) {
      auto f = echo_->next(until);
      if (!f) return std::move(f).error();
      if (!*f) {
        r_.tx_timestamps = false;
        return {};
      }
      const Frame& frame = **f;
      if (frame.bytes == frame_ && frame.time() >= before - 0.001) {
        sent_at_.back() = frame.time();
        return {};
      }
    }
  }

  Result<void> drain() {
    return for_each_waiting_frame(io_, [this](const Frame& frame) { handle(frame); });
  }

  void handle(const Frame& frame) {
    if (r_.sent == 0 || is_announcement(o_.mode)) return;
    auto p = frames::parse(frame.bytes);
    if (!p || !p->arp || !answers(*p->arp, r_)) return;
    ProbeReply reply;
    reply.from = p->arp->spa;
    reply.mac = p->arp->sha;
    reply.eth_src = p->eth_src;
    reply.broadcast = p->eth_dst.is_broadcast();
    reply.request = p->arp->is_request();
    reply.probe = r_.sent;  // answers are credited to the latest probe, as arping does
    reply.time = frame.time();
    reply.rtt_ms = std::max(0.0, (reply.time - sent_at_[reply.probe - 1]) * 1000.0);
    if (!answered_[reply.probe - 1]) {
      answered_[reply.probe - 1] = true;
      ++r_.answered;
    }
    if (std::find(r_.macs.begin(), r_.macs.end(), reply.mac) == r_.macs.end()) r_.macs.push_back(reply.mac);
    r_.conflict = r_.macs.size() > 1;
    r_.replies.push_back(reply);
    if (cb_.reply) cb_.reply(r_.replies.back());
  }

  const ProbeOptions& o_;
  const ProbeCallbacks& cb_;
  ProbeResult& r_;
  LinkTap& io_;
  LinkTap* echo_;
  std::vector<std::uint8_t> frame_;
  std::vector<double> sent_at_;  // per probe: seconds since the epoch
  std::vector<bool> answered_;
};

}  // namespace

std::string_view probe_mode_name(ProbeMode mode) noexcept {
  switch (mode) {
    case ProbeMode::DuplicateCheck: return "duplicate-check";
    case ProbeMode::AnnounceRequest: return "announce-request";
    case ProbeMode::AnnounceReply: return "announce-reply";
    case ProbeMode::Request: break;
  }
  return "request";
}

bool ProbeResult::succeeded() const noexcept {
  switch (mode) {
    case ProbeMode::DuplicateCheck: return replies.empty();
    case ProbeMode::AnnounceRequest:
    case ProbeMode::AnnounceReply: return true;
    case ProbeMode::Request: break;
  }
  return answered > 0 && (!required_answers || answered >= *required_answers);
}

Result<ProbeResult> probe(const Netns& ns, const ProbeOptions& o, const ProbeCallbacks& cb) {
  NETLAB_TRY(validate(o));
  auto link = link::get(ns, o.interface);
  if (!link) return std::move(link).error();
  const std::string object = "link " + o.interface;
  if (link->link_type != ARPHRD_ETHER || !link->mac())
    return Error::usage(object, "is not an Ethernet interface (link type " + link->link_type_name() + ")");
  if (!link->is_up()) {
    Error e = Error::from_errno(ENETDOWN, object, "is down");
    e.hint = "bring it up with `netlab link set " + o.interface + " up`";
    return e;
  }

  ProbeResult r;
  r.interface = o.interface;
  r.mode = o.mode;
  r.target = o.target;
  r.source_mac = *link->mac();
  if (o.count && o.deadline) r.required_answers = *o.count;
  switch (o.mode) {
    case ProbeMode::Request:
      if (o.source) {
        r.source = *o.source;
      } else {
        addr::Filter af;
        af.dev = o.interface;
        af.family = Family::Inet;
        auto addrs = addr::list(ns, af);
        if (!addrs) return std::move(addrs).error();
        if (addrs->empty())
          return Error::usage(object, "has no IPv4 address to send from: give one with -s SOURCE (or use -D)");
        r.source = addrs->front().local.addr();
      }
      break;
    case ProbeMode::DuplicateCheck: r.source = frames::ipv4_any(); break;
    case ProbeMode::AnnounceRequest:
    case ProbeMode::AnnounceReply: r.source = o.target; break;
  }

  LinkTapOptions io_opts;
  io_opts.filter = "arp";
  io_opts.direction = Direction::In;
  auto io = LinkTap::open(ns, o.interface, io_opts);
  if (!io) return std::move(io).error();
  std::optional<LinkTap> echo;
  if (!is_announcement(o.mode)) {
    LinkTapOptions echo_opts;
    echo_opts.filter = "arp and ether src " + r.source_mac.to_string();
    echo_opts.direction = Direction::Out;
    auto opened = LinkTap::open(ns, o.interface, echo_opts);
    if (!opened) return std::move(opened).error();
    echo.emplace(std::move(*opened));
  }

  if (cb.started) cb.started(r);
  Prober prober(o, cb, r, *io, echo ? &*echo : nullptr);
  NETLAB_TRY(prober.run());
  return r;
}

}  // namespace netlab::arp
