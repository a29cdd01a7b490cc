// netlab::trace::Session: a private tracefs instance with kfree_skb, the
// receive/queue events and the neighbour events, read from the per-CPU raw
// buffers and turned into typed records.
//
// The steps of open(): find tracefs (trace/tracefs_root.cpp), parse the
// formats of the events we need with libtraceevent (fields by name, the
// reason enum from kfree_skb's print fmt), check the caller's words against
// them, remove stale instances, make ours, set its clock, buffer size and
// kernel-side filters, enable the events, open the per-CPU buffers.
//
// Reading: libtracefs's tracefs_iterate_raw_events() opens and closes the
// per-CPU files on every call, offers no descriptor to poll and does not
// report lost events; so the session keeps its own non-blocking
// trace_pipe_raw fds and walks each sub-buffer with libtraceevent's kbuffer
// (which also gives the kernel's missed-events count). Events are decoded
// with tep_* by field name only.
#include <netlab/trace.hpp>

#include "base/fd.hpp"
#include "trace/tracefs_root.hpp"

#include <event-parse.h>
// kbuffer.h has no extern "C" of its own (event-parse.h and trace-seq.h do).
extern "C" {
#include <kbuffer.h>
}
#include <trace-seq.h>
#include "trace/tracefs_c.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <unistd.h>

namespace netlab::trace {
namespace {

struct TepFree {
  void operator()(tep_handle* t) const noexcept { tep_free(t); }
};
using TepPtr = std::unique_ptr<tep_handle, TepFree>;
struct KbufFree {
  void operator()(kbuffer* k) const noexcept { kbuffer_free(k); }
};
using KbufPtr = std::unique_ptr<kbuffer, KbufFree>;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The formats of the events we read, from the tracefs at `dir`, parsed by
// libtraceevent. Not tracefs_local_events_system(): it also walks every
// event system and parses all of /proc/kallsyms, saved_cmdlines and
// printk_formats (0.36 s of a 0.5 s start here); the code location is
// resolved lazily, on the first drop. A missing format is reported by
// need_event() afterwards.
Result<TepPtr> load_formats(const std::string& dir) {
  TepPtr tep{tep_alloc()};
  if (!tep) return Error::from_errno(ENOMEM, "libtraceevent");
  const auto local = tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN;
  tep_set_file_bigendian(tep.get(), local);
  tep_set_local_bigendian(tep.get(), local);
  tep_set_long_size(tep.get(), static_cast<int>(sizeof(long)));
  tep_set_page_size(tep.get(), static_cast<int>(::getpagesize()));
  auto header = read_file(dir + "/events/header_page");
  if (!header) return tracefs_error(errno ? errno : ENOENT, "tracefs " + dir + "/events/header_page");
  tep_parse_header_page(tep.get(), header->data(), header->size(), static_cast<int>(sizeof(long)));
  static constexpr std::pair<const char*, const char*> kEvents[] = {
      {"skb", "kfree_skb"},    {"net", "netif_receive_skb"},      {"net", "net_dev_queue"},
      {"neigh", "neigh_update"}, {"neigh", "neigh_timer_handler"},
  };
  for (const auto& [sys, name] : kEvents) {
    auto fmt = read_file(dir + "/events/" + sys + "/" + name + "/format");
    if (!fmt) {
      if (errno == EACCES || errno == EPERM) return tracefs_error(errno, std::string("event ") + sys + ":" + name);
      continue;
    }
    tep_parse_event(tep.get(), fmt->data(), fmt->size(), sys);
  }
  return tep;
}

Result<tep_event*> need_event(tep_handle* tep, const char* sys, const char* name) {
  tep_event* ev = tep_find_event_by_name(tep, sys, name);
  if (!ev) {
    Error e{Errc::Unsupported, ENOENT, std::string("event ") + sys + ":" + name, "is missing in this kernel", {}, {}};
    return e;
  }
  return ev;
}

// The number -> name table of `field`'s __print_symbolic() in the event's
// print fmt, as libtraceevent parsed it.
void collect_symbols(const tep_print_arg* arg, const char* field, std::map<std::uint32_t, std::string>& out) {
  for (; arg; arg = arg->next) {
    switch (arg->type) {
      case TEP_PRINT_SYMBOL: {
        const tep_print_arg* f = arg->symbol.field;
        if (f && f->type == TEP_PRINT_FIELD && f->field.name && std::strcmp(f->field.name, field) == 0)
          for (const tep_print_flag_sym* s = arg->symbol.symbols; s; s = s->next)
            out[static_cast<std::uint32_t>(std::strtoull(s->value, nullptr, 0))] = s->str;
        break;
      }
      case TEP_PRINT_OP:
        collect_symbols(arg->op.left, field, out);
        collect_symbols(arg->op.right, field, out);
        break;
      case TEP_PRINT_TYPE: collect_symbols(arg->typecast.item, field, out); break;
      default: break;
    }
  }
}

Result<std::map<std::uint32_t, std::string>> reasons_of(tep_handle* tep) {
  auto ev = need_event(tep, "skb", "kfree_skb");
  if (!ev) return std::move(ev).error();
  if (!tep_find_field(*ev, "reason")) {
    Error e{Errc::Unsupported, ENOENT, "event skb:kfree_skb", "has no drop reason (kernels before 5.17)", {}, {}};
    return e;
  }
  std::map<std::uint32_t, std::string> names;
  collect_symbols((*ev)->print_fmt.args, "reason", names);
  if (names.empty()) {
    Error e{Errc::Unsupported, ENOENT, "event skb:kfree_skb", "names no reasons in its print fmt", {}, {}};
    return e;
  }
  return names;
}

std::uint64_t number(tep_format_field* f, const void* data) {
  unsigned long long v = 0;
  if (f) tep_read_number_field(f, data, &v);
  return v;
}

// A __data_loc string or a fixed array, through libtraceevent. The
// trace_seq is only written on errors (err=0 here), so one per thread serves
// every event: trace_seq_init() allocates a page, too much per packet.
trace_seq& quiet_seq() {
  struct Seq {
    trace_seq s;
    Seq() { trace_seq_init(&s); }
    ~Seq() { trace_seq_destroy(&s); }
  };
  thread_local Seq seq;
  return seq.s;
}

std::string_view raw_field(tep_event* ev, const char* name, tep_record* rec) {
  int len = 0;
  auto* p = static_cast<const char*>(tep_get_field_raw(&quiet_seq(), ev, name, rec, &len, 0));
  if (!p || len <= 0) return {};
  return {p, static_cast<std::size_t>(len)};
}

std::string text_field(tep_event* ev, const char* name, tep_record* rec) {
  auto v = raw_field(ev, name, rec);
  return std::string(v.data(), strnlen(v.data(), v.size()));
}

std::vector<std::uint8_t> bytes_field(tep_event* ev, const char* name, tep_record* rec) {
  auto v = raw_field(ev, name, rec);
  return {v.begin(), v.end()};
}

// Monotonic trace clock -> wall clock, measured once per session.
struct ClockMap {
  std::int64_t offset_ns = 0;  // realtime - monotonic
  ClockMap() {
    timespec mono{}, real{};
    ::clock_gettime(CLOCK_MONOTONIC, &mono);
    ::clock_gettime(CLOCK_REALTIME, &real);
    offset_ns = (real.tv_sec - mono.tv_sec) * 1'000'000'000ll + (real.tv_nsec - mono.tv_nsec);
  }
  Time wall(std::uint64_t mono_ns) const {
    return Time{std::chrono::duration_cast<Time::duration>(std::chrono::nanoseconds(static_cast<std::int64_t>(mono_ns) + offset_ns))};
  }
};

struct Cpu {
  int cpu = -1;
  Fd fd;
};

// One record read from a buffer, kept until the batch is sorted.
// The bytes live in the batch's arena (one allocation per poll, not per event).
struct Raw {
  std::uint64_t ts = 0;
  int cpu = -1;
  std::size_t offset = 0, size = 0;
  bool lost = false;  // a "the kernel lost events here" marker, not an event
  std::uint64_t lost_count = 0;
};

std::vector<int> online_cpus(const std::string& instance_dir) {
  std::vector<int> out;
  std::string list = instance_dir + "/per_cpu";
  if (DIR* d = ::opendir(list.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::strncmp(e->d_name, "cpu", 3) == 0) out.push_back(std::atoi(e->d_name + 3));
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

struct Session::Impl {
  std::shared_ptr<TracefsRoot> root;
  TepPtr tep;
  std::map<std::uint32_t, std::string> reasons;
  std::optional<OwnedInstance> instance;
  std::vector<Cpu> cpus;  // closed before the instance is removed (declared after it)
  KbufPtr kbuf;
  Options opts;
  ClockMap clock;
  Attributor attributor{namespaces_with_device};
  std::uint64_t lost = 0;
  bool kallsyms_loaded = false;

  // Event ids and fields, looked up once.
  tep_event *kfree = nullptr, *rx = nullptr, *queue = nullptr, *nupdate = nullptr, *ntimer = nullptr;
  tep_format_field *k_skb = nullptr, *k_loc = nullptr, *k_proto = nullptr, *k_reason = nullptr;
  tep_format_field *rx_skb = nullptr, *rx_len = nullptr, *q_skb = nullptr, *q_len = nullptr;
  tep_format_field *rx_name = nullptr, *q_name = nullptr;
  std::string name_buf;  // reused: one receive/queue event per packet must not allocate

  // NEIGH_* drops with no device yet, waiting for the neighbour event after them.
  struct Pending {
    Drop drop;
    std::uint64_t ts;
    std::uint64_t where;  // the location's address
    int polls = 0;
  };
  std::deque<Pending> pending;

  ~Impl() {
    cpus.clear();  // the kernel will not remove an instance with open files
    instance.reset();
  }

  // Before the first lookup: libtraceevent builds its function map once,
  // at the first tep_find_function(), and ignores symbols added later.
  void load_kallsyms() {
    if (kallsyms_loaded) return;
    kallsyms_loaded = true;
    std::ifstream in("/proc/kallsyms");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string all = ss.str();
    if (!all.empty()) tep_parse_kallsyms(tep.get(), all.c_str());
  }

  // symbols_at_open: the text symbols in a sorted table of our own. Hand
  // parsed because tep_parse_kallsyms() plus the map libtraceevent builds
  // from it took ~1 s on a loaded machine, five times this.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> text_syms;  // address -> offset in sym_names
  std::string sym_names;
  void load_text_symbols() {
    std::ifstream in("/proc/kallsyms");
    std::string line;
    while (std::getline(in, line)) {
      // "ffffffff81234560 T name\t[module]"
      const auto sp1 = line.find(' ');
      if (sp1 == std::string::npos || sp1 + 3 >= line.size()) continue;
      const char type = line[sp1 + 1];
      if (type != 't' && type != 'T') continue;
      const std::uint64_t a = std::strtoull(line.c_str(), nullptr, 16);
      if (a == 0) continue;  // kptr_restrict hides addresses: nothing to name
      const auto name_end = line.find_first_of(" \t", sp1 + 3);
      text_syms.emplace_back(a, static_cast<std::uint32_t>(sym_names.size()));
      sym_names.append(line, sp1 + 3, name_end == std::string::npos ? std::string::npos : name_end - (sp1 + 3));
      sym_names.push_back('\0');
    }
    std::sort(text_syms.begin(), text_syms.end());
  }

  std::string location(std::uint64_t addr) {
    if (!text_syms.empty()) {
      auto it = std::upper_bound(text_syms.begin(), text_syms.end(), std::pair{addr, UINT32_MAX});
      char buf[160];
      if (it != text_syms.begin() && addr != 0) {
        --it;
        std::snprintf(buf, sizeof buf, "%s+0x%llx", sym_names.c_str() + it->second,
                      static_cast<unsigned long long>(addr - it->first));
      } else {
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(addr));
      }
      return buf;
    }
    load_kallsyms();
    char buf[160];
    const char* fn = tep_find_function(tep.get(), addr);
    if (fn && addr != 0) {
      unsigned long long start = tep_find_function_address(tep.get(), addr);
      std::snprintf(buf, sizeof buf, "%s+0x%llx", fn, static_cast<unsigned long long>(addr - start));
    } else {
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(addr));
    }
    return buf;
  }

  Result<void> setup(const Options& o);
  void read_cpu(Cpu& c, std::vector<Raw>& batch);
  std::vector<std::uint8_t> arena;  // the bytes of the batch being read
  std::vector<std::uint8_t> page = std::vector<std::uint8_t>(1 << 16);
  void deliver(std::vector<Raw>& batch, const std::function<void(const Event&)>& sink, std::size_t& n);
  Result<void> find_drop_events(std::string& kfree_filter, std::string& dev_filter);
  NeighEvent read_neigh(tep_event* ev, tep_record& rec, const Raw& raw);
  bool wanted_device(const std::string& dev) const {
    return opts.devices.empty() || std::find(opts.devices.begin(), opts.devices.end(), dev) != opts.devices.end();
  }
};

// setup()'s part for drops: the three events and the fields netlab reads
// from them, and the filters of kfree_skb (protocol, reason) and of the
// device events.
Result<void> Session::Impl::find_drop_events(std::string& kfree_filter, std::string& dev_filter) {
  auto names = reasons_of(tep.get());
  if (!names) return std::move(names).error();
  reasons = std::move(*names);
  for (auto [ev, sys, name] : {std::tuple{&kfree, "skb", "kfree_skb"}, std::tuple{&rx, "net", "netif_receive_skb"},
                               std::tuple{&queue, "net", "net_dev_queue"}}) {
    auto e = need_event(tep.get(), sys, name);
    if (!e) return std::move(e).error();
    *ev = *e;
  }
  k_skb = tep_find_field(kfree, "skbaddr");
  k_loc = tep_find_field(kfree, "location");
  k_proto = tep_find_field(kfree, "protocol");
  k_reason = tep_find_field(kfree, "reason");
  rx_skb = tep_find_field(rx, "skbaddr");
  rx_len = tep_find_field(rx, "len");
  q_skb = tep_find_field(queue, "skbaddr");
  q_len = tep_find_field(queue, "len");
  rx_name = tep_find_field(rx, "name");
  q_name = tep_find_field(queue, "name");
  if (!k_skb || !k_loc || !k_proto || !rx_skb || !q_skb || !rx_name || !q_name ||
      !(rx_name->flags & TEP_FIELD_IS_DYNAMIC) || !(q_name->flags & TEP_FIELD_IS_DYNAMIC) ||
      (rx_name->flags & TEP_FIELD_IS_RELATIVE) || (q_name->flags & TEP_FIELD_IS_RELATIVE)) {
    Error e{Errc::Unsupported, ENOENT, "events skb:kfree_skb, net:netif_receive_skb, net:net_dev_queue",
            "lack a field netlab reads (skbaddr, location, protocol, name as __data_loc)", {}, {}};
    return e;
  }
  std::vector<std::string> parts;
  if (opts.protocol) parts.push_back("protocol == " + std::to_string(*opts.protocol));
  if (!opts.reason.empty()) {
    auto num = reason_number(reasons, opts.reason);
    if (!num) return std::move(num).error();
    parts.push_back("reason == " + std::to_string(*num));
  }
  for (const auto& p : parts) kfree_filter += (kfree_filter.empty() ? "" : " && ") + p;
  auto df = device_filter("name", opts.devices);
  if (!df) return std::move(df).error();
  dev_filter = *df;
  return {};
}

Result<void> Session::Impl::setup(const Options& o) {
  opts = o;
  auto r = TracefsRoot::get();
  if (!r) return std::move(r).error();
  root = std::move(*r);
  auto t = load_formats(root->path());
  if (!t) return std::move(t).error();
  tep = std::move(*t);

  // Every event we will enable must exist before anything is created.
  std::string kfree_filter, dev_filter, neigh_filter;
  if (opts.drops) NETLAB_TRY(find_drop_events(kfree_filter, dev_filter));
  if (opts.drops || opts.neigh) {
    // The neighbour events: asked for, or to name the device of NEIGH_* drops.
    for (auto [ev, name] : {std::pair{&nupdate, "neigh_update"}, std::pair{&ntimer, "neigh_timer_handler"}}) {
      auto e = need_event(tep.get(), "neigh", name);
      if (!e) {
        if (opts.neigh) return std::move(e).error();
        continue;  // drops alone do without
      }
      *ev = *e;
    }
    auto nf = device_filter("dev", opts.devices);
    if (!nf) return std::move(nf).error();
    neigh_filter = *nf;
  }

  if (auto stale = remove_stale(*root); !stale) return std::move(stale).error();
  auto inst = OwnedInstance::create(root);
  if (!inst) return std::move(inst).error();
  instance.emplace(std::move(*inst));

  // The instance's own settings: the monotonic clock (so times map to wall
  // time) and its buffer size. buffer_percent stays at the kernel's 50: with
  // 0 every event wakes the reader, which then spends a CPU reading one event
  // at a time (a veth flood lost half its rate); poll() wakes every 50 ms
  // anyway, which bounds the latency of a lone event.
  NETLAB_TRY(instance->write("trace_clock", "mono"));
  NETLAB_TRY(instance->write("buffer_size_kb", std::to_string(opts.buffer_kib)));

  auto enable = [&](tep_event* ev, const std::string& filter) -> Result<void> {
    if (!ev) return {};
    const std::string what = std::string("event ") + ev->system + ":" + ev->name;
    if (!filter.empty() &&
        tracefs_event_file_write(instance->get(), ev->system, ev->name, "filter", filter.c_str()) < 0)
      return tracefs_error(errno, what + " (filter \"" + filter + "\")");
    if (tracefs_event_enable(instance->get(), ev->system, ev->name) < 0) return tracefs_error(errno, what);
    return {};
  };
  NETLAB_TRY(enable(rx, dev_filter));
  NETLAB_TRY(enable(queue, dev_filter));
  NETLAB_TRY(enable(kfree, kfree_filter));
  NETLAB_TRY(enable(nupdate, neigh_filter));
  NETLAB_TRY(enable(ntimer, neigh_filter));

  const std::string dir = instance->dir();
  for (int cpu : online_cpus(dir)) {
    std::string path = dir + "/per_cpu/cpu" + std::to_string(cpu) + "/trace_pipe_raw";
    Fd fd{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (!fd) return tracefs_error(errno, "tracefs " + instance->name() + "/per_cpu/cpu" + std::to_string(cpu));
    cpus.push_back(Cpu{cpu, std::move(fd)});
  }
  if (cpus.empty()) return tracefs_error(ENOENT, "tracefs " + instance->name() + "/per_cpu");
  kbuf.reset(kbuffer_alloc(tep_get_long_size(tep.get()) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
                           tep_is_local_bigendian(tep.get()) ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE));
  if (!kbuf) return Error::from_errno(ENOMEM, "kbuffer");
  if (opts.on_recording) opts.on_recording();
  if (opts.symbols_at_open) load_text_symbols();  // the events record meanwhile
  return {};
}

void Session::Impl::read_cpu(Cpu& c, std::vector<Raw>& batch) {
  for (int guard = 0; guard < 4096; ++guard) {
    ssize_t n = ::read(c.fd.get(), page.data(), page.size());
    if (n <= 0) break;  // EAGAIN: drained
    if (kbuffer_load_subbuffer(kbuf.get(), page.data()) < 0) break;
    if (int missed = kbuffer_missed_events(kbuf.get()); missed != 0) {
      Raw marker;
      marker.cpu = c.cpu;
      marker.lost = true;
      marker.lost_count = missed > 0 ? static_cast<std::uint64_t>(missed) : 0;  // -1: some, count unknown
      const std::uint64_t t = kbuffer_subbuf_timestamp(kbuf.get(), page.data());
      marker.ts = t ? t - 1 : 0;
      lost += marker.lost_count ? marker.lost_count : 1;
      batch.push_back(std::move(marker));
    }
    unsigned long long ts = 0;
    for (void* d = kbuffer_read_event(kbuf.get(), &ts); d; d = kbuffer_next_event(kbuf.get(), &ts)) {
      int size = kbuffer_event_size(kbuf.get());
      if (size <= 0) continue;
      auto* p = static_cast<std::uint8_t*>(d);
      Raw r;
      r.ts = ts;
      r.cpu = c.cpu;
      r.offset = arena.size();
      r.size = static_cast<std::size_t>(size);
      arena.insert(arena.end(), p, p + size);
      batch.push_back(r);
    }
  }
}

// A neigh_update or neigh_timer_handler record as a NeighEvent.
NeighEvent Session::Impl::read_neigh(tep_event* ev, tep_record& rec, const Raw& raw) {
  NeighEvent ne;
  ne.time = clock.wall(raw.ts);
  ne.cpu = raw.cpu;
  ne.event = ev->name;
  ne.device = text_field(ev, "dev", &rec);
  const auto family = number(tep_find_field(ev, "family"), rec.data);
  if (family == 2) {
    auto b = bytes_field(ev, "primary_key4", &rec);
    if (b.size() == 4) ne.address = IpAddr::from_bytes(b);
  } else if (family == 10) {
    auto b = bytes_field(ev, "primary_key6", &rec);
    if (b.size() == 16) ne.address = IpAddr::from_bytes(b);
  }
  ne.old_state = static_cast<std::uint8_t>(number(tep_find_field(ev, "nud_state"), rec.data));
  ne.flags = static_cast<std::uint8_t>(number(tep_find_field(ev, "flags"), rec.data));
  if (ev == nupdate) {
    ne.new_state = static_cast<std::uint8_t>(number(tep_find_field(ev, "new_state"), rec.data));
    ne.update_flags = static_cast<std::uint32_t>(number(tep_find_field(ev, "update_flags"), rec.data));
    ne.pid = static_cast<std::uint32_t>(number(tep_find_field(ev, "pid"), rec.data));
    const auto lllen = number(tep_find_field(ev, "lladdr_len"), rec.data);
    auto ll = bytes_field(ev, "new_lladdr", &rec);
    if (lllen == 6 && ll.size() >= 6) {
      std::array<std::uint8_t, 6> mac{};
      std::copy_n(ll.begin(), 6, mac.begin());
      if (mac != std::array<std::uint8_t, 6>{}) ne.lladdr = MacAddr(mac);
    }
  } else {
    ne.new_state = ne.old_state;  // the timer handler reports the state it left
  }
  return ne;
}

void Session::Impl::deliver(std::vector<Raw>& batch, const std::function<void(const Event&)>& sink, std::size_t& n) {
  std::stable_sort(batch.begin(), batch.end(), [](const Raw& a, const Raw& b) { return a.ts < b.ts; });
  // The location is named only for the drops handed over (the first one
  // reads /proc/kallsyms): with -i most drops of the system are not.
  auto emit_drop = [&](Drop& d, std::uint64_t location_addr) {
    if (d.device.empty() && !opts.devices.empty()) return;  // not seen on the devices asked for
    if (!d.device.empty() && !wanted_device(d.device)) return;
    d.location = location(location_addr);
    sink(Event{d});
    ++n;
  };
  for (auto& p : pending) ++p.polls;
  for (auto& raw : batch) {
    if (raw.lost) {
      sink(Event{Lost{raw.cpu, raw.lost_count}});
      ++n;
      continue;
    }
    tep_record rec{};
    rec.ts = raw.ts;
    rec.cpu = raw.cpu;
    rec.data = arena.data() + raw.offset;
    rec.size = static_cast<int>(raw.size);
    const int type = tep_data_type(tep.get(), &rec);
    if (kfree && type == kfree->id) {
      Drop d;
      d.time = clock.wall(raw.ts);
      d.cpu = raw.cpu;
      d.skbaddr = number(k_skb, rec.data);
      d.protocol = static_cast<std::uint16_t>(number(k_proto, rec.data));
      const auto reason = static_cast<std::uint32_t>(number(k_reason, rec.data));
      auto it = reasons.find(reason);
      d.reason = it != reasons.end() ? it->second : "reason " + std::to_string(reason);
      const std::uint64_t where = number(k_loc, rec.data);
      if (!attributor.attribute(d, raw.ts) && d.reason.rfind("NEIGH_", 0) == 0) {
        pending.push_back({std::move(d), raw.ts, where, 0});
        continue;
      }
      emit_drop(d, where);
    } else if ((rx && type == rx->id) || (queue && type == queue->id)) {
      const bool is_rx = rx && type == rx->id;
      // The hot path (every packet of the watched devices): the name's
      // field is found once; its __data_loc word (offset | length << 16,
      // read by libtraceevent) points into the record.
      const std::uint64_t loc = number(is_rx ? rx_name : q_name, rec.data);
      const std::size_t off = loc & 0xffff, len = (loc >> 16) & 0xffff;
      if (off + len > raw.size) continue;
      const char* name = static_cast<const char*>(rec.data) + off;
      name_buf.assign(name, strnlen(name, len));
      attributor.saw_skb(number(is_rx ? rx_skb : q_skb, rec.data), name_buf,
                         static_cast<std::uint32_t>(number(is_rx ? rx_len : q_len, rec.data)), raw.ts, !is_rx);
    } else if ((nupdate && type == nupdate->id) || (ntimer && type == ntimer->id)) {
      const NeighEvent ne = read_neigh(nupdate && type == nupdate->id ? nupdate : ntimer, rec, raw);
      for (auto it = pending.begin(); it != pending.end();) {
        if (Attributor::attribute_from_neigh(it->drop, it->ts, ne, raw.ts)) {
          emit_drop(it->drop, it->where);
          it = pending.erase(it);
        } else {
          ++it;
        }
      }
      if (opts.neigh && wanted_device(ne.device)) {
        sink(Event{ne});
        ++n;
      }
    }
  }
  // Drops whose neighbour event did not come within a poll go out unnamed.
  while (!pending.empty() && pending.front().polls >= 1) {
    emit_drop(pending.front().drop, pending.front().where);
    pending.pop_front();
  }
}

// ---- Session ----------------------------------------------------------------------

Session::Session(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::open(const Options& opts) {
  if (!opts.drops && !opts.neigh) return Error::usage("trace session", "asks for no events (drops or neigh)");
  auto impl = std::make_unique<Impl>();
  if (auto r = impl->setup(opts); !r) return std::move(r).error();  // ~Impl removes what was made
  return Session(std::move(impl));
}

Result<std::size_t> Session::poll(std::chrono::milliseconds timeout, const std::function<void(const Event&)>& sink) {
  std::vector<pollfd> pfds;
  for (const auto& c : impl_->cpus) pfds.push_back(pollfd{c.fd.get(), POLLIN, 0});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t n = 0;
  for (;;) {
    std::vector<Raw> batch;
    impl_->arena.clear();
    for (auto& c : impl_->cpus) impl_->read_cpu(c, batch);
    impl_->deliver(batch, sink, n);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (n > 0 || left.count() <= 0) return n;
    // The kernel may wake a poller only when a sub-buffer fills; waking
    // every 50 ms bounds the latency of a lone event.
    const int wait = static_cast<int>(std::min<long long>(left.count(), 50));
    if (::poll(pfds.data(), pfds.size(), wait) < 0 && errno == EINTR) return n;
  }
}

std::vector<int> Session::fds() const {
  std::vector<int> out;
  for (const auto& c : impl_->cpus) out.push_back(c.fd.get());
  return out;
}

const std::string& Session::instance_name() const { return impl_->instance->name(); }
std::string Session::instance_path() const { return impl_->instance->dir(); }
std::uint64_t Session::lost_events() const { return impl_->lost; }

Result<std::map<std::uint32_t, std::string>> reason_names() {
  auto r = TracefsRoot::get();
  if (!r) return std::move(r).error();
  auto t = load_formats((*r)->path());
  if (!t) return std::move(t).error();
  return reasons_of(t->get());
}

Result<std::map<std::uint32_t, std::string>> reasons_from_format(std::string_view format) {
  TepPtr tep{tep_alloc()};
  if (!tep) return Error::from_errno(ENOMEM, "libtraceevent");
  if (tep_parse_event(tep.get(), format.data(), format.size(), "skb") != TEP_ERRNO__SUCCESS) {
    Error e{Errc::Unsupported, EINVAL, "event skb:kfree_skb", "its format cannot be parsed", {}, {}};
    return e;
  }
  return reasons_of(tep.get());
}

Result<std::size_t> remove_stale_instances() {
  auto r = TracefsRoot::get();
  if (!r) return std::move(r).error();
  return remove_stale(**r);
}

}  // namespace netlab::trace
