// libpcap behind RAII: PcapHandle (pcap_close) and BpfProgram
// (pcap_freecode), plus our own pcap file writer (see PcapWriter). A live
// handle is created after entering the target network namespace, because a
// packet socket belongs to the namespace it was opened in.
#include <netlab/capture.hpp>

#include "base/privilege.hpp"
#include "capture/savefile_reader.hpp"

#include <pcap/pcap.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

bool write_all(int fd, const char* data, std::size_t size, std::size_t& done) {
  done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = ENOSPC;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The -w file, written record by record so that it always ends on a whole
// record: pcap_dump's stdio buffer can leave half a record behind when the
// disk fills mid-fwrite, which readers report as a truncated dump. Records
// gather in one buffer (few write(2)s); when a write fails, the file is cut
// back to the last record that reached it whole. A signal only breaks the
// capture loop, and run() then flushes here, so the file holds every
// packet captured until the signal.
class PcapWriter {
 public:
  PcapWriter() = default;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter() {
    (void)flush();
    if (fd_ >= 0 && owned_) ::close(fd_);
  }

  // The file header comes from libpcap itself (magic for the timestamp
  // precision, LINKTYPE_ mapped from the DLT, snaplen) through a memory stream.
  Result<void> open(pcap_t* p, const std::string& path) {
    path_ = path;
    char* head = nullptr;
    std::size_t head_size = 0;
    FILE* mem = open_memstream(&head, &head_size);
    if (!mem) return Error::from_errno(errno, "file " + path, "cannot build the pcap header");
    pcap_dumper_t* d = pcap_dump_fopen(p, mem);
    if (!d) {
      std::fclose(mem);
      std::free(head);
      return Error::from_errno(EIO, "file " + path, pcap_geterr(p));
    }
    pcap_dump_close(d);  // closes the stream: head/head_size now hold the header
    std::string header(head, head_size);
    std::free(head);

    if (path == "-") {
      fd_ = STDOUT_FILENO;
      owned_ = false;
    } else {
      fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
      if (fd_ < 0) return Error::from_errno(errno, "file " + path);
      struct stat st {};
      seekable_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
    }
    std::size_t done = 0;
    if (!write_all(fd_, header.data(), header.size(), done)) {
      int err = errno;
      if (seekable_) (void)::ftruncate(fd_, 0);
      return Error::from_errno(err, "capture: " + path, std::string(std::strerror(err)) + " (0 packets written)");
    }
    committed_ = header.size();
    return {};
  }

  // False once a write failed: the capture must stop.
  bool append(const pcap_pkthdr* h, const u_char* bytes) {
    if (err_) return false;
    // The on-disk record header: 32-bit seconds and fraction, host order, as pcap_dump writes it.
    const std::uint32_t rec[4] = {static_cast<std::uint32_t>(h->ts.tv_sec), static_cast<std::uint32_t>(h->ts.tv_usec),
                                  h->caplen, h->len};
    buf_.append(reinterpret_cast<const char*>(rec), sizeof rec);
    buf_.append(reinterpret_cast<const char*>(bytes), h->caplen);
    ends_.push_back(buf_.size());
    return buf_.size() < kBuffer || flush();
  }

  bool flush() noexcept {
    if (err_ || fd_ < 0) return !err_;
    if (buf_.empty()) return true;
    std::size_t done = 0;
    bool ok = write_all(fd_, buf_.data(), buf_.size(), done);
    if (!ok) err_ = errno;
    // Count (and keep) only the records that reached the file whole.
    std::size_t whole = 0, whole_bytes = 0;
    for (std::size_t end : ends_) {
      if (end > done) break;
      ++whole;
      whole_bytes = end;
    }
    records_ += whole;
    committed_ += whole_bytes;
    if (!ok && seekable_) (void)::ftruncate(fd_, static_cast<off_t>(committed_));
    buf_.clear();
    ends_.clear();
    return ok;
  }

  int error() const noexcept { return err_; }
  std::uint64_t records() const noexcept { return records_; }
  Error failure() const {
    return Error::from_errno(err_, "capture: " + path_,
                             std::string(std::strerror(err_)) + " (" + std::to_string(records_) +
                                 (records_ == 1 ? " packet" : " packets") + " written)");
  }

 private:
  static constexpr std::size_t kBuffer = 1 << 16;
  std::string path_;
  int fd_ = -1;
  bool owned_ = true;
  bool seekable_ = false;
  std::string buf_;
  std::vector<std::size_t> ends_;  // where each buffered record ends in buf_
  std::uint64_t committed_ = 0;    // bytes of the file known good
  std::uint64_t records_ = 0;
  int err_ = 0;
};

}  // namespace

struct Capture::Impl {
  // The stdio buffer of a read file: libpcap reads records with fread, and
  // stdio's default 4 KiB buffer made a read(2) per few packets, a quarter of
  // an offline decode's time. Declared before pcap: it must outlive the FILE
  // that pcap_close closes.
  std::unique_ptr<char[]> read_buffer;
  PcapHandle pcap;
  // A read file's records, read in blocks while they are plain ones
  // (capture/savefile_reader.hpp); libpcap reads the rest.
  std::optional<SavefileReader> reader;
  // The filter again, for the records libpcap does not read (pcap_setfilter
  // keeps its own copy for the others).
  std::unique_ptr<BpfProgram> filter;
  std::unique_ptr<PcapWriter> writer;
  bool live = false;
  std::uint64_t captured = 0;
  const Callback* cb = nullptr;
  bool callback_stop = false;
  std::atomic<bool> stop_requested{false};  // stop() while the reader reads
  int seek_errno = 0;                       // the hand-over to libpcap failed
  bool nano = false;                        // timestamps in nanoseconds
  std::string source;

  // Reads the reader's records until it has no plain one left, COUNT were
  // delivered (0: no limit), or the loop was stopped. Returns how many were
  // delivered; libpcap is then positioned at the first record not read.
  std::uint64_t run_reader(std::uint64_t count) {
    std::uint64_t delivered = 0;
    pcap_pkthdr h{};
    const u_char* data = nullptr;
    while ((count == 0 || delivered < count) && !callback_stop && !stop_requested.load(std::memory_order_relaxed) &&
           reader->next(h, data)) {
      if (filter && pcap_offline_filter(filter->get(), &h, data) == 0) continue;
      on_packet(reinterpret_cast<u_char*>(this), &h, data);
      ++delivered;
    }
    const auto resume_at = static_cast<long>(reader->position());
    reader.reset();
    // libpcap must go on exactly here; a stream that cannot seek back is a
    // read error of the file, not a silent skip.
    if (std::fseek(pcap_file(pcap.get()), resume_at, SEEK_SET) != 0) seek_errno = errno;
    return delivered;
  }

  static void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* self = reinterpret_cast<Impl*>(user);
    ++self->captured;
    if (self->writer && !self->writer->append(h, bytes)) {
      self->callback_stop = true;
      pcap_breakloop(self->pcap.get());
      return;
    }
    if (self->cb && *self->cb) {
      PacketMeta m;
      m.sec = h->ts.tv_sec;
      m.frac = static_cast<std::uint32_t>(h->ts.tv_usec);
      m.nano = self->nano;
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
    constexpr std::size_t kReadBuffer = 1 << 20;
    FILE* f = stdin;
    if (o.read_file != "-") {
      f = std::fopen(o.read_file.c_str(), "rb");
      if (!f) return pcap_error("file " + o.read_file, std::strerror(errno));
    }
    // Not zero-filled: on a paravirtualised machine the page faults of
    // clearing a megabyte cost more than reading a small capture. When the
    // block reader will read the records, stdio only reads the file header
    // (and whatever follows a record the reader leaves to libpcap), and a
    // megabyte read ahead at the header would be read twice.
    const std::size_t stdio_buffer = SavefileReader::may_serve(fileno(f)) ? kReadBuffer / 16 : kReadBuffer;
    impl->read_buffer.reset(new char[stdio_buffer]);
    std::setvbuf(f, impl->read_buffer.get(), _IOFBF, stdio_buffer);
    p = pcap_fopen_offline_with_tstamp_precision(f, static_cast<u_int>(precision), err);
    if (!p) {
      // pcap_fopen_offline leaves the stream to its caller on failure.
      if (f != stdin) std::fclose(f);
      return pcap_error("file " + o.read_file, strip_prefix(err, o.read_file));
    }
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
  impl->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;  // fixed once activated
  if (!o.filter.empty()) {
    auto prog = std::make_unique<BpfProgram>();
    bpf_u_int32 net = PCAP_NETMASK_UNKNOWN;
    if (pcap_compile(p, prog->get(), o.filter.c_str(), 1, net) < 0)
      return Error::usage("filter \"" + o.filter + "\"", pcap_geterr(p));
    prog->set_compiled();
    if (pcap_setfilter(p, prog->get()) < 0) return pcap_error("filter \"" + o.filter + "\"", pcap_geterr(p));
    impl->filter = std::move(prog);
  }
  if (!impl->live && o.read_file != "-")
    if (auto r = SavefileReader::open(pcap_file(p), p, o.read_ahead)) impl->reader.emplace(std::move(*r));
  if (!o.write_file.empty()) {
    impl->writer = std::make_unique<PcapWriter>();
    NETLAB_TRY(impl->writer->open(p, o.write_file));
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
  int rc = 0;
  std::uint64_t left = count;
  bool done = false;
  if (impl_->reader) {
    const std::uint64_t delivered = impl_->run_reader(count);
    if (count != 0) left -= delivered;
    done = impl_->callback_stop || impl_->stop_requested.load() || (count != 0 && left == 0);
    if (!done && impl_->seek_errno != 0) {
      impl_->cb = nullptr;
      if (impl_->writer && !impl_->writer->flush()) return impl_->writer->failure();
      return pcap_error("file " + impl_->source, std::strerror(impl_->seek_errno));
    }
  }
  if (!done) {
    int cnt = left == 0 || left > INT_MAX ? -1 : static_cast<int>(left);
    rc = pcap_loop(impl_->pcap.get(), cnt, &Impl::on_packet, reinterpret_cast<u_char*>(impl_.get()));
  }
  impl_->cb = nullptr;
  // Also after a signal's breakloop: the file gets every packet captured so far.
  if (impl_->writer && !impl_->writer->flush()) return impl_->writer->failure();
  if (rc == PCAP_ERROR) {
    std::string what = impl_->live ? "interface " + impl_->source : "file " + impl_->source;
    return pcap_error(what, pcap_geterr(impl_->pcap.get()));
  }
  return {};
}

void Capture::stop() noexcept {
  if (impl_) impl_->stop_requested.store(true);
  if (impl_ && impl_->pcap) pcap_breakloop(impl_->pcap.get());
}

void Capture::flush_writer() noexcept {
  if (impl_->writer) (void)impl_->writer->flush();
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
