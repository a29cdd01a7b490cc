// LinkTap: one libpcap handle in immediate, non-blocking mode, opened inside
// the target namespace (a packet socket belongs to the namespace it was made
// in), used both to inject frames and to read them as they arrive.
#include <netlab/linkio.hpp>

#include "base/privilege.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace netlab {
namespace {

struct PcapClose {
  void operator()(pcap_t* p) const noexcept { pcap_close(p); }
};
using PcapPtr = std::unique_ptr<pcap_t, PcapClose>;

Error tap_error(const std::string& iface, std::string reason, Errc kind = Errc::Pcap) {
  Error e;
  e.kind = kind;
  e.object = "interface " + iface;
  e.reason = std::move(reason);
  return e;
}

int poll_timeout_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = deadline - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  // Round up so a wait never ends a hair before its deadline.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

}  // namespace

double Frame::time() const noexcept {
  return static_cast<double>(meta.sec) + static_cast<double>(meta.frac) / (meta.nano ? 1e9 : 1e6);
}

double wall_clock_now() noexcept {
  const auto d = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(d).count();
}

struct LinkTap::Impl {
  PcapPtr pcap;
  std::string iface;
  int fd = -1;
};

LinkTap::LinkTap(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
LinkTap::LinkTap(LinkTap&&) noexcept = default;
LinkTap& LinkTap::operator=(LinkTap&&) noexcept = default;
LinkTap::~LinkTap() = default;

Result<LinkTap> LinkTap::open(const Netns& ns, std::string_view iface_view, const LinkTapOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->iface = std::string(iface_view);
  const std::string& iface = impl->iface;
  if (auto name = IfName::parse(iface); !name) return std::move(name).error();
  std::optional<NetnsScope> scope;
  if (!ns.is_current()) {
    auto s = NetnsScope::enter(ns);
    if (!s) return std::move(s).error();
    scope.emplace(std::move(*s));
  }
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(iface.c_str(), err);
  if (!p) return tap_error(iface, err);
  impl->pcap.reset(p);
  pcap_set_snaplen(p, options.snaplen);
  pcap_set_promisc(p, options.promiscuous ? 1 : 0);
  pcap_set_immediate_mode(p, 1);
  pcap_set_timeout(p, 10);
  const int rc = pcap_activate(p);
  if (rc < 0) {
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) return tap_error(iface, "No such device", Errc::NotFound);
    if (rc == PCAP_ERROR_PERM_DENIED) {
      Error e = tap_error(iface, "Operation not permitted");
      e.sys_errno = EPERM;
      return needs_capability(std::move(e), Capability::NetRaw);
    }
    std::string reason = pcap_geterr(p);
    if (reason.empty()) reason = pcap_statustostr(rc);
    return tap_error(iface, reason);
  }
  if (pcap_datalink(p) != DLT_EN10MB) return tap_error(iface, "not an Ethernet interface", Errc::Usage);
  if (options.direction != Direction::Both) {
    const auto dir = options.direction == Direction::In ? PCAP_D_IN : PCAP_D_OUT;
    if (pcap_setdirection(p, dir) < 0) return tap_error(iface, pcap_geterr(p));
  }
  if (!options.filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(p, &prog, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0)
      return Error::usage("filter \"" + options.filter + "\"", pcap_geterr(p));
    const int set = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (set < 0) return tap_error(iface, pcap_geterr(p));
  }
  if (pcap_setnonblock(p, 1, err) < 0) return tap_error(iface, err);
  impl->fd = pcap_get_selectable_fd(p);
  if (impl->fd < 0) return tap_error(iface, "no selectable descriptor");
  return LinkTap(std::move(impl));
}

const std::string& LinkTap::interface() const noexcept { return impl_->iface; }
int LinkTap::linktype() const noexcept { return pcap_datalink(impl_->pcap.get()); }
int LinkTap::fd() const noexcept { return impl_->fd; }

Result<void> LinkTap::send(std::span<const std::uint8_t> frame) {
  if (pcap_inject(impl_->pcap.get(), frame.data(), frame.size()) < 0) {
    Error e = tap_error(impl_->iface, std::string("cannot send: ") + pcap_geterr(impl_->pcap.get()));
    e.sys_errno = errno;
    return e;
  }
  return {};
}

Result<std::optional<Frame>> LinkTap::poll_one() {
  pcap_pkthdr* h = nullptr;
  const u_char* bytes = nullptr;
  const int rc = pcap_next_ex(impl_->pcap.get(), &h, &bytes);
  if (rc == 0) return std::optional<Frame>{};
  if (rc < 0) return tap_error(impl_->iface, pcap_geterr(impl_->pcap.get()));
  Frame f;
  f.meta.sec = h->ts.tv_sec;
  f.meta.frac = static_cast<std::uint32_t>(h->ts.tv_usec);
  f.meta.caplen = h->caplen;
  f.meta.len = h->len;
  f.bytes.assign(bytes, bytes + h->caplen);
  return std::optional<Frame>(std::move(f));
}

Result<std::optional<Frame>> LinkTap::next(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto got = poll_one();
    if (!got || *got) return got;
    pollfd pfd{impl_->fd, POLLIN, 0};
    const int timeout = poll_timeout_ms(deadline);
    if (timeout == 0) return std::optional<Frame>{};
    const int n = ::poll(&pfd, 1, timeout);
    if (n < 0 && errno != EINTR) return Error::from_errno(errno, "interface " + impl_->iface, "poll");
    if (n <= 0 && std::chrono::steady_clock::now() >= deadline) return std::optional<Frame>{};
  }
}

Result<std::vector<std::size_t>> wait_any(std::span<LinkTap* const> taps,
                                          std::chrono::steady_clock::time_point deadline) {
  std::vector<pollfd> fds;
  fds.reserve(taps.size());
  for (auto* t : taps) fds.push_back(pollfd{t->fd(), POLLIN, 0});
  std::vector<std::size_t> ready;
  const int n = ::poll(fds.data(), fds.size(), poll_timeout_ms(deadline));
  if (n < 0) {
    if (errno == EINTR) return ready;
    return Error::from_errno(errno, "capture", "poll");
  }
  for (std::size_t i = 0; i < fds.size(); ++i)
    if (fds[i].revents & (POLLIN | POLLERR)) ready.push_back(i);
  return ready;
}

}  // namespace netlab
