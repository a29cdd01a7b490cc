// Lab notes for `netlab capture --annotate` (lab_annotate.hpp): STP topology
// and root changes (IEEE 802.1D-2004 9.3: the BPDU formats; 17.21: TC and
// TCN), DNS queries left unanswered (RFC 1035 4.1), and IGMP (RFC 2236,
// RFC 3376) / MLD (RFC 2710, RFC 3810) reports that no querier refreshes
// (RFC 4541 2.1.1: a snooping switch's group state lives on queries).
#include <netlab/frames.hpp>
#include <netlab/json.hpp>
#include <netlab/lab_annotate.hpp>

#include "proto/byte_reader.hpp"

#include <fmt/format.h>

#include <deque>
#include <map>
#include <tuple>

namespace netlab {
namespace {

using Nanos = std::chrono::nanoseconds;
using proto::ByteReader;
using proto::Truncated;

constexpr int kDltEthernet = 1;
constexpr std::size_t kMaxEntries = 65536;

std::int64_t time_ns(const PacketMeta& m) {
  return m.sec * 1000000000 + (m.nano ? std::int64_t(m.frac) : std::int64_t(m.frac) * 1000);
}

std::string seconds_text(Nanos d) { return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1e9); }

// "8000.02:00:5e:00:00:01", tcpdump's and `netlab bridge`'s form of a bridge id.
std::string bridge_id(proto::Bytes b) {
  if (b.size() < 8) return {};
  return fmt::format("{:02x}{:02x}.{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4], b[5],
                     b[6], b[7]);
}

std::string dns_type(std::uint16_t t) {
  switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 255: return "ANY";
    default: return std::to_string(t);
  }
}

// The question's name, labels joined by dots; a compression pointer or a
// name past 255 bytes ends it (a query's question is never compressed).
std::string dns_name(ByteReader& r) {
  std::string name;
  for (;;) {
    const std::uint8_t len = r.u8();
    if (len == 0) break;
    if (len >= 0xc0 || name.size() + len > 255) throw Truncated{};
    auto label = r.bytes(len);
    if (!name.empty()) name += '.';
    for (std::uint8_t ch : label) name += (ch > 0x20 && ch < 0x7f) ? static_cast<char>(ch) : '?';
  }
  return name.empty() ? "." : name;
}

struct DnsKey {
  IpAddr client, server;
  std::uint16_t port = 0, id = 0;
  bool operator<(const DnsKey& o) const {
    return std::tie(client, server, port, id) < std::tie(o.client, o.server, o.port, o.id);
  }
};

struct PendingQuery {
  DnsUnansweredQuery q;
  std::int64_t at = 0;
};

}  // namespace

struct LabAnnotator::State {
  int linktype = kDltEthernet;
  LabAnnotateOptions options;
  LabSummary s;
  std::uint64_t packet = 0;
  std::map<std::string, bool> tc_by_bridge;  // a bridge id -> its last BPDU carried TC
  std::map<DnsKey, PendingQuery> pending;
  std::deque<DnsKey> pending_order;          // oldest first, for the timeout
  std::optional<std::int64_t> first_report4, first_report6;
  bool told_querier4 = false, told_querier6 = false;

  void stp(proto::Bytes llc_payload, const MacAddr& src, std::vector<Note>& notes);
  void dns(const IpAddr& src, const IpAddr& dst, proto::Bytes udp, std::int64_t now);
  void expire_dns(std::int64_t now, std::vector<Note>& notes, bool all);
  void multicast(bool v6, bool query, std::int64_t now, std::vector<Note>& notes);
};

LabAnnotator::LabAnnotator(int linktype, LabAnnotateOptions options) : state_(std::make_unique<State>()) {
  state_->linktype = linktype;
  state_->options = std::move(options);
  state_->s.bridge = state_->options.bridge;
}
LabAnnotator::~LabAnnotator() = default;
LabAnnotator::LabAnnotator(LabAnnotator&&) noexcept = default;
LabAnnotator& LabAnnotator::operator=(LabAnnotator&&) noexcept = default;

void LabAnnotator::State::stp(proto::Bytes bpdu, const MacAddr& src, std::vector<Note>& notes) {
  ByteReader r(bpdu);
  if (r.be16() != 0) return;  // protocol identifier 0: spanning tree
  r.u8();                      // version: 0 STP, 2 RSTP, 3 MSTP
  const std::uint8_t type = r.u8();
  ++s.bpdus;
  if (type == 0x80) {  // a topology change notification, towards the root
    ++s.topology_changes;
    notes.push_back({NoteKind::TopologyChange, packet,
                     fmt::format("STP topology change notification from {}: the root will set TC, and every bridge "
                                 "ages its MAC table out in forward-delay, flooding meanwhile",
                                 src.to_string()),
                     std::nullopt, std::nullopt});
    return;
  }
  if (type != 0x00 && type != 0x02) return;
  const std::uint8_t flags = r.u8();
  const std::string root = bridge_id(r.bytes(8));
  r.be32();  // root path cost
  const std::string bridge = bridge_id(r.bytes(8));
  const std::uint16_t port = r.be16();
  if (!s.root.empty() && root != s.root) {
    ++s.root_changes;
    notes.push_back({NoteKind::RootChange, packet,
                     fmt::format("STP root is now {} (was {}), as bridge {} sees it", root, s.root, bridge),
                     std::nullopt, std::nullopt});
  }
  s.root = root;
  const bool tc = flags & 0x01;
  auto it = tc_by_bridge.find(bridge);
  const bool was_tc = it != tc_by_bridge.end() && it->second;
  if (it == tc_by_bridge.end() && tc_by_bridge.size() < kMaxEntries) it = tc_by_bridge.emplace(bridge, tc).first;
  if (it != tc_by_bridge.end()) it->second = tc;
  if (tc && !was_tc) {
    ++s.topology_changes;
    notes.push_back({NoteKind::TopologyChange, packet,
                     fmt::format("STP topology change: bridge {} port {:04x} sets TC; MAC tables age out in "
                                 "forward-delay and unknown unicast floods meanwhile",
                                 bridge, port),
                     std::nullopt, std::nullopt});
  }
}

void LabAnnotator::State::expire_dns(std::int64_t now, std::vector<Note>& notes, bool all) {
  const std::int64_t timeout = options.dns_timeout.count();
  while (!pending_order.empty()) {
    auto it = pending.find(pending_order.front());
    if (it == pending.end()) {  // answered meanwhile
      pending_order.pop_front();
      continue;
    }
    const Nanos waited(now - it->second.at);
    if (!all && waited.count() < timeout) break;
    const auto& q = it->second.q;
    if (!all)
      notes.push_back({NoteKind::DnsUnanswered, q.packet,
                       fmt::format("DNS query #{} ({} {}) from {} to {} got no answer in {}", q.packet, q.type, q.name,
                                   q.client.to_string(), q.server.to_string(), seconds_text(waited)),
                       std::nullopt, waited});
    if (s.dns_unanswered.size() < kMaxEntries) s.dns_unanswered.push_back(q);
    else ++s.dns_unanswered_unlisted;
    pending.erase(it);
    pending_order.pop_front();
  }
}

void LabAnnotator::State::dns(const IpAddr& src, const IpAddr& dst, proto::Bytes udp, std::int64_t now) {
  ByteReader r(udp);
  const std::uint16_t sport = r.be16(), dport = r.be16();
  r.skip(4);  // length, checksum
  if (sport != 53 && dport != 53) return;
  const std::uint16_t id = r.be16(), flags = r.be16(), qdcount = r.be16();
  r.skip(6);
  const bool response = flags & 0x8000;
  if ((flags >> 11 & 0xf) != 0) return;  // only standard queries pair up
  if (!response && dport == 53) {
    if (qdcount == 0) return;
    DnsUnansweredQuery q;
    q.packet = packet;
    q.name = dns_name(r);
    q.type = dns_type(r.be16());
    q.client = src;
    q.server = dst;
    ++s.dns_queries;
    DnsKey key{src, dst, sport, id};
    if (pending.size() >= kMaxEntries) {
      ++s.dns_unanswered_unlisted;  // no room to wait for its answer: counted
      return;
    }
    if (pending.emplace(key, PendingQuery{q, now}).second) pending_order.push_back(key);
  } else if (response && sport == 53) {
    auto it = pending.find(DnsKey{dst, src, dport, id});
    if (it == pending.end()) return;
    ++s.dns_answered;
    pending.erase(it);
  }
}

void LabAnnotator::State::multicast(bool v6, bool query, std::int64_t now, std::vector<Note>& notes) {
  auto& queries = v6 ? s.mld_queries : s.igmp_queries;
  auto& reports = v6 ? s.mld_reports : s.igmp_reports;
  auto& first = v6 ? first_report6 : first_report4;
  auto& told = v6 ? told_querier6 : told_querier4;
  const char* proto = v6 ? "MLD" : "IGMP";
  if (query) {
    ++queries;
    return;
  }
  ++reports;
  if (!first) first = now;
  if (queries || told) return;
  const bool bridge_forgets = options.bridge && options.bridge->snooping && !options.bridge->querier;
  const bool long_enough = now - *first >= options.querier_window.count();
  if (!bridge_forgets && !long_enough) return;
  told = true;
  std::string text;
  if (bridge_forgets) {
    const auto& b = *options.bridge;
    text = fmt::format("{} report and no querier: {} snoops multicast with its own querier off, so it forgets the "
                       "group in 260 s and stops forwarding it; fix: ip link set dev {} type bridge mcast_querier 1",
                       proto, b.name, b.name);
  } else {
    text = fmt::format("{} reports for {} and no query: no querier on this link; a snooping bridge forgets the groups "
                       "and stops forwarding them",
                       proto, seconds_text(Nanos(now - *first)));
  }
  notes.push_back({NoteKind::NoQuerier, packet, std::move(text), std::nullopt, std::nullopt});
}

std::vector<Note> LabAnnotator::annotate(const PacketMeta& meta, std::span<const std::uint8_t> bytes) {
  State& st = *state_;
  ++st.packet;
  std::vector<Note> notes;
  if (st.linktype != kDltEthernet) return notes;
  const std::int64_t now = time_ns(meta);
  st.expire_dns(now, notes, false);
  try {
    ByteReader eth(bytes);
    eth.skip(6);
    MacAddr src;
    {
      auto m = eth.bytes(6);
      std::array<std::uint8_t, 6> a{};
      std::copy(m.begin(), m.end(), a.begin());
      src = MacAddr(a);
    }
    const std::uint16_t type_len = eth.be16();
    if (type_len <= 1500) {
      // 802.3 with LLC: the spanning tree's SAP 0x42, UI frames.
      if (eth.u8() == 0x42 && eth.u8() == 0x42 && eth.u8() == 0x03) st.stp(eth.rest(), src, notes);
      return notes;
    }
    auto p = frames::parse(bytes);
    if (!p) return notes;
    if (p->ipv4 && p->ipv4->fragment_offset == 0) {
      if (p->ipv4->protocol == 17) st.dns(p->ipv4->src, p->ipv4->dst, p->l3_payload, now);
      if (p->ipv4->protocol == 2) {
        ByteReader r(p->l3_payload);
        const std::uint8_t t = r.u8();
        // 0x11 query; 0x12, 0x16, 0x22 v1, v2 and v3 reports (a leave is neither).
        if (t == 0x11) st.multicast(false, true, now, notes);
        else if (t == 0x12 || t == 0x16 || t == 0x22) st.multicast(false, false, now, notes);
      }
    } else if (p->ipv6 && p->ipv6->upper_protocol == 17 && !p->ipv6->payload.empty()) {
      st.dns(p->ipv6->src, p->ipv6->dst, p->ipv6->payload, now);
    } else if (p->mld) {
      // 130 query; 131 and 143 v1 and v2 reports.
      const std::uint8_t t = p->mld->type;
      if (t == 130) st.multicast(true, true, now, notes);
      else if (t == 131 || t == 143) st.multicast(true, false, now, notes);
    }
  } catch (const Truncated&) {
    // A frame cut before what a note needs gets none.
  }
  return notes;
}

LabSummary LabAnnotator::summary() const {
  State copy = *state_;
  std::vector<Note> ignored;
  copy.expire_dns(0, ignored, true);  // queries still waiting count as unanswered
  LabSummary s = copy.s;
  s.igmp_querier_missing = s.igmp_reports && !s.igmp_queries;
  s.mld_querier_missing = s.mld_reports && !s.mld_queries;
  return s;
}

void append_lab_summary_text(const LabSummary& s, std::string& out, std::size_t max_listed) {
  out += "Lab summary:\n";
  if (s.bpdus)
    out += fmt::format("  STP: BPDUs {}, topology changes {}, root changes {}, root {}\n", s.bpdus,
                       s.topology_changes, s.root_changes, s.root.empty() ? "none seen" : s.root);
  if (s.dns_queries) {
    const std::uint64_t unanswered = s.dns_unanswered.size() + s.dns_unanswered_unlisted;
    out += fmt::format("  DNS: queries {}, answered {}, unanswered {}\n", s.dns_queries, s.dns_answered, unanswered);
    std::size_t shown = 0;
    for (const auto& q : s.dns_unanswered) {
      if (shown++ == max_listed) break;
      out += fmt::format("  unanswered: #{} {} {} from {} to {}\n", q.packet, q.type, q.name, q.client.to_string(),
                         q.server.to_string());
    }
    if (unanswered > max_listed)
      out += fmt::format("  ... and {} more unanswered (-j lists them all)\n", unanswered - max_listed);
  }
  auto mcast = [&](const char* name, std::uint64_t queries, std::uint64_t reports, bool missing) {
    if (!queries && !reports) return;
    out += fmt::format("  {}: queries {}, reports {}{}\n", name, queries, reports,
                       missing ? ", no query seen" : "");
  };
  mcast("IGMP", s.igmp_queries, s.igmp_reports, s.igmp_querier_missing);
  mcast("MLD", s.mld_queries, s.mld_reports, s.mld_querier_missing);
  if (s.bridge && (s.igmp_reports || s.mld_reports))
    out += fmt::format("  bridge {}: multicast snooping {}, querier {}\n", s.bridge->name, s.bridge->snooping ? "on" : "off",
                       s.bridge->querier ? "on" : "off");
}

void append_lab_summary_json(const LabSummary& s, std::string& out) {
  JsonWriter w(out);
  w.begin_object();
  w.key("lab_summary");
  w.begin_object();
  w.key("stp");
  w.begin_object();
  w.member("bpdus", s.bpdus);
  w.member("topology_changes", s.topology_changes);
  w.member("root_changes", s.root_changes);
  w.key("root");
  if (s.root.empty()) w.null();
  else w.value(s.root);
  w.end_object();
  w.key("dns");
  w.begin_object();
  w.member("queries", s.dns_queries);
  w.member("answered", s.dns_answered);
  w.member("unanswered_unlisted", s.dns_unanswered_unlisted);
  w.key("unanswered");
  w.begin_array();
  for (const auto& q : s.dns_unanswered) {
    w.begin_object();
    w.member("packet", q.packet);
    w.member("type", q.type);
    w.member("name", q.name);
    w.member("client", q.client.to_string());
    w.member("server", q.server.to_string());
    w.end_object();
  }
  w.end_array();
  w.end_object();
  auto mcast = [&](const char* key, std::uint64_t queries, std::uint64_t reports, bool missing) {
    w.key(key);
    w.begin_object();
    w.member("queries", queries);
    w.member("reports", reports);
    w.member("querier_missing", missing);
    w.end_object();
  };
  mcast("igmp", s.igmp_queries, s.igmp_reports, s.igmp_querier_missing);
  mcast("mld", s.mld_queries, s.mld_reports, s.mld_querier_missing);
  w.key("bridge");
  if (!s.bridge) {
    w.null();
  } else {
    w.begin_object();
    w.member("name", s.bridge->name);
    w.member("multicast_snooping", s.bridge->snooping);
    w.member("multicast_querier", s.bridge->querier);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  w.newline();
}

}  // namespace netlab
