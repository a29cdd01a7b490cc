// libpcap behind RAII: PcapHandle (pcap_close), BpfProgram (pcap_freecode)
// and Dumper (pcap_dump_close). A live handle is created after entering the
// target network namespace, because a packet socket belongs to the
// namespace it was opened in.
#include <netlab/capture.hpp>

#include "privilege.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>

namespace netlab {
namespace {

template <auto Release>
struct Releaser {
  template <typename T>
  void operator()(T* p) const noexcept {
    Release(p);
  }
};
using PcapHandle = std::unique_ptr<pcap_t, Releaser<pcap_close>>;
using Dumper = std::unique_ptr<pcap_dumper_t, Releaser<pcap_dump_close>>;

class BpfProgram {
 public:
  BpfProgram() = default;
  BpfProgram(const BpfProgram&) = delete;
  BpfProgram& operator=(const BpfProgram&) = delete;
  ~BpfProgram() {
    if (compiled_) pcap_freecode(&prog_);
  }
  bpf_program* get() noexcept { return &prog_; }
  void set_compiled() noexcept { compiled_ = true; }

 private:
  bpf_program prog_{};
  bool compiled_ = false;
};

Error pcap_error(std::string object, std::string reason) {
  Error e;
  e.kind = Errc::Pcap;
  e.object = std::move(object);
  e.reason = std::move(reason);
  return e;
}

// pcap's messages for a missing file start with the path; keep only the reason.
std::string strip_prefix(std::string msg, const std::string& prefix) {
  if (!prefix.empty() && msg.rfind(prefix + ": ", 0) == 0) msg.erase(0, prefix.size() + 2);
  return msg;
}

}  // namespace

struct Capture::Impl {
  PcapHandle pcap;
  Dumper dumper;
  bool live = false;
  std::uint64_t captured = 0;
  const Callback* cb = nullptr;
  bool callback_stop = false;
  std::string source;

  static void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* self = reinterpret_cast<Impl*>(user);
    ++self->captured;
    if (self->dumper) pcap_dump(reinterpret_cast<u_char*>(self->dumper.get()), h, bytes);
    if (self->cb && *self->cb) {
      PacketMeta m;
      m.sec = h->ts.tv_sec;
      m.frac = static_cast<std::uint32_t>(h->ts.tv_usec);
      m.nano = pcap_get_tstamp_precision(self->pcap.get()) == PCAP_TSTAMP_PRECISION_NANO;
      m.caplen = h->caplen;
      m.len = h->len;
      if (!(*self->cb)(m, std::span<const std::uint8_t>(bytes, h->caplen))) {
        self->callback_stop = true;
        pcap_breakloop(self->pcap.get());
      }
    }
  }
};

Capture::Capture(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Capture::Capture(Capture&&) noexcept = default;
Capture& Capture::operator=(Capture&&) noexcept = default;
Capture::~Capture() = default;

Result<Capture> Capture::open(const CaptureOptions& o) {
  auto impl = std::make_unique<Impl>();
  char err[PCAP_ERRBUF_SIZE] = {};
  int precision = o.nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO;
  if (!o.read_file.empty()) {
    impl->source = o.read_file;
    pcap_t* p = nullptr;
    if (o.read_file == "-") {
      p = pcap_fopen_offline_with_tstamp_precision(stdin, static_cast<u_int>(precision), err);
    } else {
      p = pcap_open_offline_with_tstamp_precision(o.read_file.c_str(), static_cast<u_int>(precision), err);
    }
    if (!p) return pcap_error("file " + o.read_file, strip_prefix(err, o.read_file));
    impl->pcap.reset(p);
  } else {
    std::string dev = o.interface.empty() ? std::string("any") : o.interface;
    impl->source = dev;
    impl->live = true;
    std::optional<NetnsScope> scope;
    if (!o.netns.is_current()) {
      auto s = NetnsScope::enter(o.netns);
      if (!s) return std::move(s).error();
      scope.emplace(std::move(*s));
    }
    pcap_t* p = pcap_create(dev.c_str(), err);
    if (!p) return pcap_error("interface " + dev, err);
    impl->pcap.reset(p);
    pcap_set_snaplen(p, o.snaplen);
    pcap_set_promisc(p, o.promiscuous ? 1 : 0);
    pcap_set_timeout(p, 1000);
    if (o.immediate) pcap_set_immediate_mode(p, 1);
    if (o.buffer_kib > 0) pcap_set_buffer_size(p, o.buffer_kib * 1024);
    pcap_set_tstamp_precision(p, precision);
    int rc = pcap_activate(p);
    if (rc < 0) {
      std::string reason;
      if (rc == PCAP_ERROR_NO_SUCH_DEVICE) reason = "No such device";
      else if (rc == PCAP_ERROR_PERM_DENIED) reason = "Operation not permitted";
      else reason = pcap_geterr(p);
      if (reason.empty()) reason = pcap_statustostr(rc);
      Error e = pcap_error("interface " + dev, reason);
      if (rc == PCAP_ERROR_NO_SUCH_DEVICE) e.kind = Errc::NotFound;
      if (rc == PCAP_ERROR_PERM_DENIED) {
        e.sys_errno = EPERM;
        e = needs_capability(std::move(e), Capability::NetRaw);
      }
      return e;
    }
  }
  pcap_t* p = impl->pcap.get();
  if (!o.filter.empty()) {
    BpfProgram prog;
    bpf_u_int32 net = PCAP_NETMASK_UNKNOWN;
    if (pcap_compile(p, prog.get(), o.filter.c_str(), 1, net) < 0)
      return Error::usage("filter \"" + o.filter + "\"", pcap_geterr(p));
    prog.set_compiled();
    if (pcap_setfilter(p, prog.get()) < 0) return pcap_error("filter \"" + o.filter + "\"", pcap_geterr(p));
  }
  if (!o.write_file.empty()) {
    pcap_dumper_t* d = pcap_dump_open(p, o.write_file.c_str());
    if (!d) return pcap_error("file " + o.write_file, strip_prefix(pcap_geterr(p), o.write_file));
    impl->dumper.reset(d);
  }
  return Capture(std::move(impl));
}

int Capture::linktype() const noexcept { return pcap_datalink(impl_->pcap.get()); }

std::string Capture::linktype_name() const {
  const char* n = pcap_datalink_val_to_name(linktype());
  return n ? n : std::to_string(linktype());
}

std::string Capture::linktype_description() const {
  const char* n = pcap_datalink_val_to_description_or_dlt(linktype());
  return n ? n : std::string();
}

int Capture::snaplen() const noexcept { return pcap_snapshot(impl_->pcap.get()); }

Result<void> Capture::run(std::uint64_t count, const Callback& on_packet) {
  impl_->cb = &on_packet;
  impl_->callback_stop = false;
  int cnt = count == 0 || count > INT_MAX ? -1 : static_cast<int>(count);
  int rc = pcap_loop(impl_->pcap.get(), cnt, &Impl::on_packet, reinterpret_cast<u_char*>(impl_.get()));
  impl_->cb = nullptr;
  if (impl_->dumper) pcap_dump_flush(impl_->dumper.get());
  if (rc == PCAP_ERROR) {
    std::string what = impl_->live ? "interface " + impl_->source : "file " + impl_->source;
    return pcap_error(what, pcap_geterr(impl_->pcap.get()));
  }
  return {};
}

void Capture::stop() noexcept {
  if (impl_ && impl_->pcap) pcap_breakloop(impl_->pcap.get());
}

void Capture::flush_writer() noexcept {
  if (impl_->dumper) pcap_dump_flush(impl_->dumper.get());
}

CaptureStats Capture::stats() const {
  CaptureStats s;
  s.captured = impl_->captured;
  s.live = impl_->live;
  if (impl_->live) {
    pcap_stat ps{};
    if (pcap_stats(impl_->pcap.get(), &ps) == 0) {
      s.received = ps.ps_recv;
      s.dropped = ps.ps_drop;
    }
  }
  return s;
}

}  // namespace netlab
