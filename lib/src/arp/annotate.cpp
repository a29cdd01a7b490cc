// ArpAnnotator: the ARP diagnosis notes of `netlab capture --annotate`.
//
// RFC 826 (ARP), RFC 5227 (IPv4 address conflict detection: probes with
// sender 0.0.0.0, announcements with sender == target), RFC 792 (ICMP echo).
//
// A request and its retransmissions form a series, keyed by what the
// requester sent (VLAN, spa, tpa, sha); a reply answers the series whose
// requester it names (tpa, tha) for the address it gives (spa). Address to
// MAC bindings are learnt from replies, gratuitous replies and announcements:
// a second MAC for one address is a conflict. All tables are bounded, so a
// long live capture or a hostile file cannot grow memory without limit.
#include <netlab/annotate.hpp>
#include <netlab/frames.hpp>
#include <netlab/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>

namespace netlab {
namespace {

using Nanos = std::chrono::nanoseconds;

constexpr int kDltEthernet = 1;
constexpr std::uint32_t kUntagged = 0x10000;  // outside the 12-bit VLAN range
// Table bounds: far above a lab's needs, small enough for any machine.
constexpr std::size_t kMaxSeries = 1u << 16;
constexpr std::size_t kMaxBindings = 1u << 16;
constexpr std::size_t kMaxEcho = 1u << 16;
constexpr std::size_t kMaxEvicted = 1u << 16;

// Capture time in nanoseconds. Seconds are clamped so that the difference
// of two times cannot overflow, whatever a file claims (year 2112 and on).
std::int64_t time_ns(const PacketMeta& m) {
  constexpr std::int64_t kMaxSec = 4'500'000'000;
  const std::int64_t sec = std::clamp<std::int64_t>(m.sec, -kMaxSec, kMaxSec);
  const std::int64_t frac = m.nano ? std::int64_t{m.frac} : std::int64_t{m.frac} * 1000;
  return sec * 1'000'000'000 + frac;
}

std::string ms(Nanos d) { return fmt::format("{:.3f} ms", static_cast<double>(d.count()) / 1e6); }
std::string seconds(Nanos d) { return fmt::format("{:.3f} s", static_cast<double>(d.count()) / 1e9); }
std::int64_t rounded_us(Nanos d) {
  const auto n = d.count();
  return n >= 0 ? (n + 500) / 1000 : -((-n + 500) / 1000);
}

struct SeriesKey {
  std::uint32_t vlan = kUntagged;
  IpAddr requester, target;
  MacAddr requester_mac;
  auto operator<=>(const SeriesKey&) const = default;
};

struct Series {
  std::uint64_t first = 0, last = 0, tries = 0;
  std::int64_t last_time = 0;
  bool probe = false;
  std::optional<std::uint64_t> answered_by;
  std::uint64_t answered_request = 0;  // the try the first reply answered
};

struct BindingKey {
  std::uint32_t vlan = kUntagged;
  IpAddr address;
  auto operator<=>(const BindingKey&) const = default;
};

struct Binding {
  struct Seen {
    MacAddr mac;
    std::uint64_t packet = 0;
  };
  std::vector<Seen> macs;
  std::uint64_t conflict_packet = 0;
};

struct EchoKey {
  std::uint32_t vlan = kUntagged;
  IpAddr src, dst;
  std::uint16_t id = 0, seq = 0;
  auto operator<=>(const EchoKey&) const = default;
};

struct Echo {
  std::uint64_t packet = 0;
  std::int64_t time = 0;
  std::optional<std::uint64_t> answered_by;
  bool reported = false;  // noted unanswered already
};

// A ping flow: one requester, one destination, one identifier.
struct FlowKey {
  std::uint32_t vlan = kUntagged;
  IpAddr src, dst;
  std::uint16_t id = 0;
  auto operator<=>(const FlowKey&) const = default;
};

LatencyStats stats_of(std::vector<std::int64_t> samples) {
  LatencyStats s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const std::size_t mid = samples.size() / 2;
  const std::int64_t median =
      samples.size() % 2 ? samples[mid] : samples[mid - 1] + (samples[mid] - samples[mid - 1]) / 2;
  s.median = Nanos(median);
  s.max = Nanos(samples.back());
  return s;
}

}  // namespace

std::string_view note_kind_name(NoteKind kind) noexcept {
  switch (kind) {
    case NoteKind::Reply: return "reply";
    case NoteKind::Unanswered: return "unanswered";
    case NoteKind::Retransmission: return "retransmission";
    case NoteKind::DuplicateReply: return "duplicate-reply";
    case NoteKind::Unsolicited: return "unsolicited";
    case NoteKind::Gratuitous: return "gratuitous";
    case NoteKind::Announcement: return "announcement";
    case NoteKind::Probe: return "probe";
    case NoteKind::Conflict: return "conflict";
    case NoteKind::WrongDestination: return "wrong-destination";
    case NoteKind::InvalidSourceMac: return "invalid-source-mac";
    case NoteKind::SenderMismatch: return "sender-mismatch";
    case NoteKind::EchoReply: return "echo-reply";
    case NoteKind::EchoUnanswered: return "echo-unanswered";
    case NoteKind::EchoDuplicate: return "echo-duplicate";
    case NoteKind::TopologyChange: return "topology-change";
    case NoteKind::RootChange: return "root-change";
    case NoteKind::DnsUnanswered: return "dns-unanswered";
    case NoteKind::NoQuerier: return "no-querier";
  }
  return "unknown";
}

struct ArpAnnotator::State {
  int linktype = kDltEthernet;
  AnnotateOptions options;
  ArpSummary counts;  // the counters; lists and latencies are built by summary()

  std::map<SeriesKey, Series> series;
  std::map<BindingKey, Binding> bindings;
  std::map<BindingKey, Binding> evicted_conflicts;  // conflicts kept when their table was trimmed
  std::vector<UnansweredRequest> evicted_unanswered;
  std::uint64_t unanswered_unlisted = 0;
  std::vector<std::int64_t> latencies;

  std::map<EchoKey, Echo> echoes;
  std::map<FlowKey, std::deque<std::pair<std::uint16_t, std::uint64_t>>> flows;  // (seq, packet), in order
  std::uint64_t echo_reported_unanswered = 0;
  std::vector<std::int64_t> echo_latencies;

  // The packet being annotated.
  std::uint64_t packet = 0;
  std::int64_t now = 0;
  std::vector<Note>* notes = nullptr;

  void note(NoteKind kind, std::string text, std::optional<std::uint64_t> related = std::nullopt,
            std::optional<Nanos> latency = std::nullopt) {
    notes->push_back(Note{kind, packet, std::move(text), related, latency});
  }

  void frame(const frames::Parsed& p) {
    check_source(p);
    if (p.arp) arp(p, *p.arp);
    else if (options.echo && p.ipv4 && p.icmp) echo(p, *p.ipv4, *p.icmp);
  }

  // A bridge drops frames whose source is a group address or all zero
  // (br_handle_frame: !is_valid_ether_addr), so such a guest is never heard.
  // Linux loopback frames carry zero for both MACs: those are normal.
  void check_source(const frames::Parsed& p) {
    if (p.eth_src.is_zero() && p.eth_dst.is_zero()) return;
    const char* why = p.eth_src.is_zero() ? "all zero" : p.eth_src.is_multicast() ? "multicast: I/G bit set" : nullptr;
    if (!why) return;
    ++counts.invalid_source;
    note(NoteKind::InvalidSourceMac,
         fmt::format("invalid source MAC {} ({}): bridges drop it (cause invalid-guest-mac)", p.eth_src.to_string(), why));
  }

  void arp(const frames::Parsed& p, const frames::Arp& a) {
    const std::uint32_t vlan = p.vlan ? *p.vlan : kUntagged;
    if (a.sha != p.eth_src) {
      ++counts.sender_mismatch;
      note(NoteKind::SenderMismatch, fmt::format("ARP sender MAC {} differs from Ethernet source {}", a.sha.to_string(),
                                                 p.eth_src.to_string()));
    }
    if (a.is_request()) {
      ++counts.requests;
      request(vlan, a);
    } else if (a.is_reply()) {
      ++counts.replies;
      reply(p, vlan, a);
    }
    // RARP and InARP opcodes have nothing to pair here.
  }

  void request(std::uint32_t vlan, const frames::Arp& a) {
    if (a.is_gratuitous()) {
      // RFC 5227 2.3: an announcement is a request with sender == target
      // (the target MAC is ignored); nothing answers it.
      ++counts.announcements;
      ++counts.gratuitous;
      note(NoteKind::Announcement,
           fmt::format("gratuitous ARP: RFC 5227 ARP announcement, {} is-at {}", a.spa.to_string(), a.sha.to_string()));
      learn(vlan, a.spa, a.sha);
      return;
    }
    const bool probe = a.is_probe();
    if (probe) ++counts.probes;
    const SeriesKey key{vlan, a.spa, a.tpa, a.sha};
    auto it = series.find(key);
    if (it != series.end() && !it->second.answered_by) {
      Series& s = it->second;
      const Nanos waited(now - s.last_time);
      ++s.tries;
      if (probe) {
        // RFC 5227 sends PROBE_NUM probes on purpose: silence is success.
        note(NoteKind::Probe, fmt::format("RFC 5227 ARP probe for {} from {} (try {}, first #{})", a.tpa.to_string(),
                                          a.sha.to_string(), s.tries, s.first),
             s.first);
      } else {
        if (waited >= options.unanswered_after)
          note(NoteKind::Unanswered,
               fmt::format("request #{} for {} unanswered after {}", s.last, a.tpa.to_string(), seconds(waited)),
               s.last, waited);
        note(NoteKind::Retransmission, fmt::format("retransmission of request #{} (try {})", s.first, s.tries),
             s.first);
      }
      s.last = packet;
      s.last_time = now;
      return;
    }
    if (probe)
      note(NoteKind::Probe, fmt::format("RFC 5227 ARP probe for {} from {}", a.tpa.to_string(), a.sha.to_string()));
    Series s;
    s.first = s.last = packet;
    s.tries = 1;
    s.last_time = now;
    s.probe = probe;
    series[key] = s;  // a new series, or a new one after an answered one
    if (series.size() > kMaxSeries) trim_series();
  }

  // The pending series a reply answers: exact (its tha names the requester's
  // MAC), else the latest series between the same two addresses.
  std::map<SeriesKey, Series>::iterator match(std::uint32_t vlan, const frames::Arp& a, bool& exact) {
    exact = true;
    if (auto it = series.find(SeriesKey{vlan, a.tpa, a.spa, a.tha}); it != series.end()) return it;
    exact = false;
    auto best = series.end();
    for (auto it = series.lower_bound(SeriesKey{vlan, a.tpa, a.spa, MacAddr{}});
         it != series.end() && it->first.vlan == vlan && it->first.requester == a.tpa && it->first.target == a.spa; ++it)
      if (best == series.end() || it->second.last > best->second.last) best = it;
    return best;
  }

  void reply(const frames::Parsed& p, std::uint32_t vlan, const frames::Arp& a) {
    if (a.is_gratuitous()) {
      ++counts.gratuitous;
      note(NoteKind::Gratuitous, fmt::format("gratuitous ARP reply: {} is-at {}", a.spa.to_string(), a.sha.to_string()));
      learn(vlan, a.spa, a.sha);
      return;
    }
    bool exact = true;
    auto it = match(vlan, a, exact);
    bool wrong = false;
    if (it != series.end()) {
      Series& s = it->second;
      const MacAddr& requester_mac = it->first.requester_mac;
      if (!s.answered_by) {
        const Nanos latency(now - s.last_time);
        ++counts.answered;
        latencies.push_back(latency.count());
        s.answered_by = packet;
        s.answered_request = s.last;
        if (s.probe)
          note(NoteKind::Reply,
               fmt::format("reply to probe #{} after {}: {} is already in use by {}", s.last, ms(latency),
                           a.spa.to_string(), a.sha.to_string()),
               s.last, latency);
        else
          note(NoteKind::Reply, fmt::format("reply to #{} after {}", s.last, ms(latency)), s.last, latency);
      } else {
        ++counts.duplicate_replies;
        note(NoteKind::DuplicateReply,
             fmt::format("another reply to #{} (first answered by #{})", s.answered_request, *s.answered_by),
             *s.answered_by);
      }
      if (!exact) {
        wrong = true;
        note(NoteKind::WrongDestination,
             fmt::format("reply's target MAC {} is not the requester's {} (request #{})", a.tha.to_string(),
                         requester_mac.to_string(), s.last),
             s.last);
      }
      if (p.eth_dst != requester_mac && !p.eth_dst.is_broadcast()) {
        wrong = true;
        note(NoteKind::WrongDestination,
             fmt::format("reply sent to {}, but request #{} came from {}", p.eth_dst.to_string(), s.last,
                         requester_mac.to_string()),
             s.last);
      }
    } else {
      ++counts.unsolicited;
      note(NoteKind::Unsolicited, "reply without a request seen in this capture");
      // Live: nobody here asked, so it should at least be for us.
      if (options.local_mac && p.eth_dst != *options.local_mac && !p.eth_dst.is_broadcast()) {
        wrong = true;
        note(NoteKind::WrongDestination, fmt::format("reply sent to {}, not to this interface ({})",
                                                     p.eth_dst.to_string(), options.local_mac->to_string()));
      }
    }
    if (wrong) ++counts.wrong_destination;
    learn(vlan, a.spa, a.sha);
  }

  // Records that `mac` claims `address`; a second MAC is a conflict.
  void learn(std::uint32_t vlan, const IpAddr& address, const MacAddr& mac) {
    if (address == frames::ipv4_any()) return;
    Binding& b = bindings[BindingKey{vlan, address}];
    for (const auto& seen : b.macs)
      if (seen.mac == mac) return;
    if (!b.macs.empty()) {
      std::string earlier;
      for (std::size_t i = 0; i < b.macs.size(); ++i) {
        if (i) earlier += ", ";
        earlier += fmt::format("{} (#{})", b.macs[i].mac.to_string(), b.macs[i].packet);
      }
      note(NoteKind::Conflict, fmt::format("conflict: {} is-at {} and {}", address.to_string(), earlier, mac.to_string()),
           b.macs.back().packet);
      if (b.macs.size() == 1) b.conflict_packet = packet;
    }
    if (b.macs.size() < 16) b.macs.push_back({mac, packet});  // the list of one address stays short
    if (bindings.size() > kMaxBindings) trim_bindings();
  }

  void echo(const frames::Parsed& p, const frames::Ipv4& ip, const frames::Icmp& icmp) {
    const std::uint32_t vlan = p.vlan ? *p.vlan : kUntagged;
    if (icmp.type == frames::kIcmpEchoRequest) {
      ++counts.echo_requests;
      const FlowKey flow{vlan, ip.src, ip.dst, icmp.id};
      auto& pending = flows[flow];
      // The requests of this flow sent long enough ago and still unanswered.
      while (!pending.empty()) {
        auto e = echoes.find(EchoKey{vlan, ip.src, ip.dst, icmp.id, pending.front().first});
        if (e == echoes.end() || e->second.packet != pending.front().second || e->second.answered_by) {
          pending.pop_front();
          continue;
        }
        const Nanos waited(now - e->second.time);
        if (waited < options.unanswered_after) break;
        e->second.reported = true;
        ++echo_reported_unanswered;
        note(NoteKind::EchoUnanswered,
             fmt::format("echo request #{} unanswered after {}", e->second.packet, seconds(waited)), e->second.packet,
             waited);
        pending.pop_front();
      }
      echoes[EchoKey{vlan, ip.src, ip.dst, icmp.id, icmp.seq}] = Echo{packet, now, std::nullopt, false};
      pending.emplace_back(icmp.seq, packet);
      if (echoes.size() > kMaxEcho) trim_echo();
      return;
    }
    if (icmp.type != frames::kIcmpEchoReply) return;
    ++counts.echo_replies;
    auto e = echoes.find(EchoKey{vlan, ip.dst, ip.src, icmp.id, icmp.seq});
    if (e == echoes.end()) return;  // a broadcast ping's answers come from others: left alone
    Echo& req = e->second;
    if (req.answered_by) {
      note(NoteKind::EchoDuplicate, fmt::format("another echo reply to #{} (first #{})", req.packet, *req.answered_by),
           *req.answered_by);
      return;
    }
    const Nanos latency(now - req.time);
    req.answered_by = packet;
    ++counts.echo_answered;
    echo_latencies.push_back(latency.count());
    std::string late;
    if (req.reported) {
      --echo_reported_unanswered;
      late = " (late)";
    }
    note(NoteKind::EchoReply, fmt::format("echo reply to #{} after {}{}", req.packet, ms(latency), late), req.packet,
         latency);
  }

  // Over the bound: answered series go first (they only serve to spot
  // duplicate replies); then the older half of the rest, kept for the summary.
  void trim_series() {
    std::erase_if(series, [](const auto& kv) { return kv.second.answered_by.has_value(); });
    if (series.size() <= kMaxSeries / 2) return;
    std::vector<std::uint64_t> lasts;
    lasts.reserve(series.size());
    for (const auto& [k, s] : series) lasts.push_back(s.last);
    auto mid = lasts.begin() + static_cast<std::ptrdiff_t>(lasts.size() / 2);
    std::nth_element(lasts.begin(), mid, lasts.end());
    const std::uint64_t cut = *mid;
    std::erase_if(series, [&](const auto& kv) {
      if (kv.second.last >= cut) return false;
      if (!kv.second.probe) keep_unanswered(kv.first, kv.second);
      return true;
    });
  }

  void keep_unanswered(const SeriesKey& k, const Series& s) {
    if (evicted_unanswered.size() < kMaxEvicted)
      evicted_unanswered.push_back({k.target, k.requester, k.requester_mac, s.first, s.last, s.tries});
    else
      ++unanswered_unlisted;
  }

  // Addresses with one MAC are forgotten (a later second MAC will then not be
  // seen as a conflict); conflicts are kept, bounded too.
  void trim_bindings() {
    for (auto it = bindings.begin(); it != bindings.end();) {
      if (it->second.macs.size() > 1 && evicted_conflicts.size() < kMaxEvicted) evicted_conflicts.insert(*it);
      it = bindings.erase(it);
    }
  }

  void trim_echo() {
    std::erase_if(echoes, [](const auto& kv) { return kv.second.answered_by.has_value(); });
    if (echoes.size() > kMaxEcho / 2) {
      // Still full of unanswered requests: drop them, counted as unanswered.
      for (const auto& [k, e] : echoes)
        if (!e.reported) ++echo_reported_unanswered;
      echoes.clear();
    }
    flows.clear();  // their entries point at requests that may be gone; the lookups cope
  }
};

ArpAnnotator::ArpAnnotator(int linktype, AnnotateOptions options) : state_(std::make_unique<State>()) {
  state_->linktype = linktype;
  state_->options = options;
  state_->counts.linktype = linktype;
  state_->counts.annotated = linktype == kDltEthernet;
}
ArpAnnotator::~ArpAnnotator() = default;
ArpAnnotator::ArpAnnotator(ArpAnnotator&&) noexcept = default;
ArpAnnotator& ArpAnnotator::operator=(ArpAnnotator&&) noexcept = default;

bool ArpAnnotator::annotates() const noexcept { return state_->counts.annotated; }

std::vector<Note> ArpAnnotator::annotate(const PacketMeta& meta, std::span<const std::uint8_t> bytes) {
  State& s = *state_;
  ++s.counts.packets;
  std::vector<Note> notes;
  if (!s.counts.annotated) return notes;
  auto parsed = frames::parse(bytes);
  if (!parsed) return notes;
  s.packet = s.counts.packets;
  s.now = time_ns(meta);
  s.notes = &notes;
  s.frame(*parsed);
  s.notes = nullptr;
  return notes;
}

ArpSummary ArpAnnotator::summary() const {
  const State& s = *state_;
  ArpSummary out = s.counts;
  out.unanswered = s.evicted_unanswered;
  for (const auto& [k, series] : s.series)
    if (!series.answered_by && !series.probe)
      out.unanswered.push_back({k.target, k.requester, k.requester_mac, series.first, series.last, series.tries});
  std::sort(out.unanswered.begin(), out.unanswered.end(),
            [](const UnansweredRequest& a, const UnansweredRequest& b) { return a.first < b.first; });
  out.unanswered_unlisted = s.unanswered_unlisted;

  auto add_conflicts = [&out](const std::map<BindingKey, Binding>& table) {
    for (const auto& [k, b] : table) {
      if (b.macs.size() < 2) continue;
      AddressConflict c;
      c.address = k.address;
      for (const auto& seen : b.macs) c.macs.push_back(seen.mac);
      c.packet = b.conflict_packet;
      out.duplicates.push_back(std::move(c));
    }
  };
  add_conflicts(s.evicted_conflicts);
  add_conflicts(s.bindings);
  std::sort(out.duplicates.begin(), out.duplicates.end(),
            [](const AddressConflict& a, const AddressConflict& b) { return a.packet < b.packet; });

  out.latency = stats_of(s.latencies);
  out.echo_unanswered = s.echo_reported_unanswered;
  for (const auto& [k, e] : s.echoes)
    if (!e.answered_by && !e.reported) ++out.echo_unanswered;
  out.echo_latency = stats_of(s.echo_latencies);
  return out;
}

void append_note_text(const Note& note, std::string& out) {
  out += "    ^ ";
  out += note.text;
  out += '\n';
}

void append_note_json(const Note& note, std::string& out) {
  JsonWriter w(out);
  w.begin_object();
  w.key("annotation");
  w.begin_object();
  w.member("packet", note.packet);
  w.member("kind", note_kind_name(note.kind));
  if (note.related) w.member("related", *note.related);
  if (note.latency) w.member("latency_us", rounded_us(*note.latency));
  w.member("text", note.text);
  w.end_object();
  w.end_object();
  w.newline();
}

namespace {

std::string latency_text(const LatencyStats& l) {
  if (l.count == 0) return "none measured";
  return fmt::format("median {}, max {}", ms(l.median), ms(l.max));
}

void latency_json(JsonWriter& w, std::string_view key, const LatencyStats& l) {
  w.key(key);
  w.begin_object();
  w.member("count", l.count);
  if (l.count) {
    w.member("median_us", rounded_us(l.median));
    w.member("max_us", rounded_us(l.max));
  }
  w.end_object();
}

std::string mac_list(const std::vector<MacAddr>& macs) {
  std::string s;
  for (std::size_t i = 0; i < macs.size(); ++i) {
    if (i) s += i + 1 == macs.size() ? " and " : ", ";
    s += macs[i].to_string();
  }
  return s;
}

}  // namespace

void append_summary_text(const ArpSummary& s, std::string& out, std::size_t max_listed) {
  out += "ARP summary:\n";
  if (!s.annotated) {
    out += fmt::format("  not annotated: link type {} is not Ethernet\n", s.linktype);
    return;
  }
  const std::uint64_t unanswered = s.unanswered.size() + s.unanswered_unlisted;
  out += fmt::format("  requests {}, replies {}, answered {}, unanswered {}\n", s.requests, s.replies, s.answered,
                     unanswered);
  out += fmt::format("  latency: {}\n", latency_text(s.latency));
  std::size_t shown = 0;
  for (const auto& u : s.unanswered) {
    if (shown++ == max_listed) break;
    out += fmt::format("  unanswered: who-has {} tell {} ({}), {} {}, #{}", u.target.to_string(),
                       u.requester.to_string(), u.requester_mac.to_string(), u.tries, u.tries == 1 ? "try" : "tries",
                       u.first);
    out += u.last != u.first ? fmt::format(" to #{}\n", u.last) : "\n";
  }
  if (unanswered > max_listed) out += fmt::format("  ... and {} more unanswered (-j lists them all)\n", unanswered - max_listed);
  shown = 0;
  for (const auto& c : s.duplicates) {
    if (shown++ == max_listed) break;
    out += fmt::format("  conflict: {} is-at {}, from #{}\n", c.address.to_string(), mac_list(c.macs), c.packet);
  }
  if (s.duplicates.size() > max_listed)
    out += fmt::format("  ... and {} more conflicts (-j lists them all)\n", s.duplicates.size() - max_listed);
  out += fmt::format("  duplicate replies {}, unsolicited replies {}, wrong destination {}\n", s.duplicate_replies,
                     s.unsolicited, s.wrong_destination);
  out += fmt::format("  probes {}, announcements {}, gratuitous {}\n", s.probes, s.announcements, s.gratuitous);
  out += fmt::format("  invalid source MACs {}, sender mismatches {}\n", s.invalid_source, s.sender_mismatch);
  out += fmt::format("  echo: requests {}, replies {}, answered {}, unanswered {}; latency: {}\n", s.echo_requests,
                     s.echo_replies, s.echo_answered, s.echo_unanswered, latency_text(s.echo_latency));
}

void append_summary_json(const ArpSummary& s, std::string& out) {
  JsonWriter w(out);
  w.begin_object();
  w.key("arp_summary");
  w.begin_object();
  w.member("annotated", s.annotated);
  w.member("linktype", s.linktype);
  w.member("packets", s.packets);
  if (s.annotated) {
    w.member("requests", s.requests);
    w.member("replies", s.replies);
    w.member("answered", s.answered);
    w.member("unanswered_count", static_cast<std::uint64_t>(s.unanswered.size() + s.unanswered_unlisted));
    w.key("unanswered");
    w.begin_array();
    for (const auto& u : s.unanswered) {
      w.begin_object();
      w.member("target", u.target.to_string());
      w.member("requester", u.requester.to_string());
      w.member("requester_mac", u.requester_mac.to_string());
      w.member("tries", u.tries);
      w.member("first", u.first);
      w.member("last", u.last);
      w.end_object();
    }
    w.end_array();
    w.key("duplicates");
    w.begin_array();
    for (const auto& c : s.duplicates) {
      w.begin_object();
      w.member("address", c.address.to_string());
      std::vector<std::string> macs;
      for (const auto& m : c.macs) macs.push_back(m.to_string());
      w.member("macs", macs);
      w.member("packet", c.packet);
      w.end_object();
    }
    w.end_array();
    w.member("duplicate_replies", s.duplicate_replies);
    w.member("unsolicited", s.unsolicited);
    w.member("wrong_destination", s.wrong_destination);
    w.member("probes", s.probes);
    w.member("announcements", s.announcements);
    w.member("gratuitous", s.gratuitous);
    w.member("invalid_source", s.invalid_source);
    w.member("sender_mismatch", s.sender_mismatch);
    latency_json(w, "latency", s.latency);
    w.key("echo");
    w.begin_object();
    w.member("requests", s.echo_requests);
    w.member("replies", s.echo_replies);
    w.member("answered", s.echo_answered);
    w.member("unanswered", s.echo_unanswered);
    latency_json(w, "latency", s.echo_latency);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  w.newline();
}

}  // namespace netlab
