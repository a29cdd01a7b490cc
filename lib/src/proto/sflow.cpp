// sFlow version 5 (sflow.org's "sFlow Version 5", July 2004) on UDP 6343,
// what Open vSwitch and most switches export: the datagram header (agent
// address, IPv4 or IPv6, sub-agent id, sequence number, uptime, sample
// count), then flow samples (format 1, expanded 3) with their flow records
// (raw packet header, Ethernet frame, extended switch data) and counter
// samples (2, expanded 4) with their counter records (generic interface,
// Ethernet, 100BaseVG, VLAN, processor). The text follows tcpdump 4.99.3's
// print-sflow.c: "sFlowv5, IPv4 agent A, agent-id N, length L" at -n, the
// samples and records under -v, hex of unknown ones at -v only. Its quirks
// are kept: the lengths checked against what is left of the datagram, not
// of the sample; a counter record's enterprise from bits 20 and up.
#include "proto/proto.hpp"

#include <array>

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader4 = 28, kHeader6 = 40, kSampleHeader = 8, kRecordHeader = 8;

constexpr Tok kSampleFormats[] = {
    {1, "flow sample"}, {2, "counter sample"}, {3, "expanded flow sample"}, {4, "expanded counter sample"}};
constexpr Tok kFlowTypes[] = {{1, "Raw packet"},
                              {2, "Ethernet frame"},
                              {3, "IPv4 Data"},
                              {4, "IPv6 Data"},
                              {1001, "Extended Switch data"},
                              {1002, "Extended Router data"},
                              {1003, "Extended Gateway data"},
                              {1004, "Extended User data"},
                              {1005, "Extended URL data"},
                              {1006, "Extended MPLS data"},
                              {1007, "Extended NAT data"},
                              {1008, "Extended MPLS tunnel"},
                              {1009, "Extended MPLS VC"},
                              {1010, "Extended MPLS FEC"},
                              {1011, "Extended MPLS LVP FEC"},
                              {1012, "Extended VLAN Tunnel"}};
constexpr Tok kCounterTypes[] = {{1, "Generic counter"},    {2, "Ethernet counter"}, {3, "Token ring counter"},
                                 {4, "100 BaseVG counter"}, {5, "Vlan counter"},     {1001, "Processor counter"}};
constexpr Tok kRawProtocols[] = {{1, "Ethernet"}, {11, "IPv4"}, {12, "IPv6"}};
constexpr Tok kDirections[] = {{0, "unknown"}, {1, "full-duplex"}, {2, "half-duplex"}, {3, "in"}, {4, "out"}};

std::uint64_t be64_at(Bytes b, std::size_t off) {
  return std::uint64_t(be32_at(b, off)) << 32 | be32_at(b, off + 4);
}

// One record's body: m the datagram, at the body's offset, left what is
// left of the datagram's length from there. true: too short for it
// (tcpdump's "return 1", which ends the sample as invalid).
using RecordPrinter = bool (*)(Out&, Bytes, std::size_t, std::uint32_t);

// The fields of one printed line, all read before any of it is printed
// (tcpdump reads a line's GET_* arguments before its printf).
template <std::size_t N>
std::array<std::uint32_t, N> words(Bytes m, std::size_t at, const std::array<std::size_t, N>& offs) {
  std::array<std::uint32_t, N> v{};
  for (std::size_t k = 0; k < N; ++k) v[k] = be32_at(m, at + offs[k]);
  return v;
}

bool raw_packet(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 16) return true;
  auto v = words<4>(m, at, {0, 4, 8, 12});
  o << "\n\t      protocol ";
  name_or(o, kRawProtocols, v[0], "Unknown") << " (";
  o.u(v[0]) << "), length ";
  o.u(v[1]) << ", stripped bytes ";
  o.u(v[2]) << ", header_size ";
  o.u(v[3]);
  return false;
}

bool ethernet_frame(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 24) return true;
  auto v = words<2>(m, at, {0, 20});  // the frame length, then the type after the two 8-byte MACs
  o << "\n\t      frame len ";
  o.u(v[0]) << ", type ";
  o.u(v[1]);
  return false;
}

bool switch_data(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 16) return true;
  auto v = words<4>(m, at, {0, 4, 8, 12});
  o << "\n\t      src vlan ";
  o.u(v[0]) << ", src pri ";
  o.u(v[1]) << ", dst vlan ";
  o.u(v[2]) << ", dst pri ";
  o.u(v[3]);
  return false;
}

// Octets, then four packet counters: the generic counter's In and Out lines.
void octets_line(Out& o, std::string_view label, Bytes m, std::size_t at) {
  std::uint64_t octets = be64_at(m, at);
  auto v = words<4>(m, at, {8, 12, 16, 20});
  o << label;
  o.u(octets) << ", unicast pkts ";
  o.u(v[0]) << ", multicast pkts ";
  o.u(v[1]) << ", broadcast pkts ";
  o.u(v[2]) << ", discards ";
  o.u(v[3]);
}

bool generic_counter(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 88) return true;
  auto v = words<2>(m, at, {0, 4});
  std::uint64_t speed = be64_at(m, at + 8);
  std::uint32_t direction = be32_at(m, at + 16);
  o << "\n\t      ifindex ";
  o.u(v[0]) << ", iftype ";
  o.u(v[1]) << ", ifspeed ";
  o.u(speed) << ", ifdirection ";
  o.u(direction) << " (";
  name_or(o, kDirections, direction, "Unknown") << ')';
  std::uint32_t status = be32_at(m, at + 20);
  o << "\n\t      ifstatus ";
  o.u(status) << ", adminstatus: " << (status & 1 ? "up" : "down");
  o << ", operstatus: " << (status & 2 ? "up" : "down");
  octets_line(o, "\n\t      In octets ", m, at + 24);
  auto in = words<2>(m, at, {48, 52});
  o << "\n\t      In errors ";
  o.u(in[0]) << ", unknown protos ";
  o.u(in[1]);
  octets_line(o, "\n\t      Out octets ", m, at + 56);
  auto out = words<2>(m, at, {80, 84});
  o << "\n\t      Out errors ";
  o.u(out[0]) << ", promisc mode ";
  o.u(out[1]);
  return false;
}

bool ethernet_counter(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 52) return true;
  auto a = words<5>(m, at, {0, 4, 8, 12, 16});
  o << "\n\t      align errors ";
  o.u(a[0]) << ", fcs errors ";
  o.u(a[1]) << ", single collision ";
  o.u(a[2]) << ", multiple collision ";
  o.u(a[3]) << ", test error ";
  o.u(a[4]);
  auto b = words<4>(m, at, {20, 24, 28, 32});
  o << "\n\t      deferred ";
  o.u(b[0]) << ", late collision ";
  o.u(b[1]) << ", excessive collision ";
  o.u(b[2]) << ", mac trans error ";
  o.u(b[3]);
  auto c = words<4>(m, at, {36, 40, 44, 48});
  o << "\n\t      carrier error ";
  o.u(c[0]) << ", frames too long ";
  o.u(c[1]) << ", mac receive errors ";
  o.u(c[2]) << ", symbol errors ";
  o.u(c[3]);
  return false;
}

bool token_ring_counter(Out&, Bytes, std::size_t, std::uint32_t) { return false; }  // tcpdump prints nothing

bool basevg_counter(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 80) return true;
  auto frames_octets = [&](std::string_view a, std::string_view b, std::size_t off) {
    std::uint32_t frames = be32_at(m, at + off);
    std::uint64_t octets = be64_at(m, at + off + 4);
    o << a;
    o.u(frames) << b;
    o.u(octets);
  };
  frames_octets("\n\t      in high prio frames ", ", in high prio octets ", 0);
  frames_octets("\n\t      in norm prio frames ", ", in norm prio octets ", 12);
  auto e = words<4>(m, at, {24, 28, 32, 36});
  o << "\n\t      in ipm errors ";
  o.u(e[0]) << ", oversized ";
  o.u(e[1]) << ", in data errors ";
  o.u(e[2]) << ", null addressed frames ";
  o.u(e[3]);
  std::uint32_t trans = be32_at(m, at + 52);
  frames_octets("\n\t      out high prio frames ", ", out high prio octets ", 40);
  o << ", trans into frames ";
  o.u(trans);
  std::uint64_t h[3] = {be64_at(m, at + 56), be64_at(m, at + 64), be64_at(m, at + 72)};
  o << "\n\t      in hc high prio octets ";
  o.u(h[0]) << ", in hc norm prio octets ";
  o.u(h[1]) << ", out hc high prio octets ";
  o.u(h[2]);
  return false;
}

bool vlan_counter(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 28) return true;
  std::uint64_t octets = be64_at(m, at + 4);
  auto v = words<5>(m, at, {0, 12, 16, 20, 24});
  o << "\n\t      vlan_id ";
  o.u(v[0]) << ", octets ";
  o.u(octets) << ", unicast_pkt ";
  o.u(v[1]) << ", multicast_pkt ";
  o.u(v[2]) << ", broadcast_pkt ";
  o.u(v[3]) << ", discards ";
  o.u(v[4]);
  return false;
}

bool processor_counter(Out& o, Bytes m, std::size_t at, std::uint32_t left) {
  if (left < 28) return true;
  auto v = words<3>(m, at, {0, 4, 8});
  std::uint64_t total = be64_at(m, at + 12), free = be64_at(m, at + 20);
  o << "\n\t      5sec ";
  o.u(v[0]) << ", 1min ";
  o.u(v[1]) << ", 5min ";
  o.u(v[2]) << ", total_mem ";
  o.u(total) << ", total_mem ";  // sic: tcpdump labels the free memory so too
  o.u(free);
  return false;
}

struct RecordRow {
  std::uint32_t type;
  RecordPrinter print;  // nullptr: a known type tcpdump does not decode
};
constexpr RecordRow kFlowRecords[] = {{1, raw_packet},  {2, ethernet_frame}, {1001, switch_data},
                                      {3, nullptr},     {4, nullptr},        {1002, nullptr},
                                      {1003, nullptr},  {1004, nullptr},     {1005, nullptr},
                                      {1006, nullptr},  {1007, nullptr},     {1008, nullptr},
                                      {1009, nullptr},  {1010, nullptr},     {1011, nullptr},
                                      {1012, nullptr}};
constexpr RecordRow kCounterRecords[] = {{1, generic_counter}, {2, ethernet_counter}, {3, token_ring_counter},
                                         {4, basevg_counter},  {5, vlan_counter},     {1001, processor_counter}};

// A sample's records: `count` of them from `at`, with `left` bytes of the
// datagram's length left. Each record is bounded by that length, so a huge
// count ends after at most left / 8 records. true: invalid.
bool print_records(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t left, std::uint32_t count, bool flow) {
  Out& o = p.o;
  for (; count > 0; --count) {
    if (left < kRecordHeader) return true;
    std::uint32_t format = be32_at(m, at), len = be32_at(m, at + 4);
    std::uint32_t type = format & 0x0fff, enterprise = format >> (flow ? 12 : 20);
    std::span<const Tok> names = flow ? std::span<const Tok>(kFlowTypes) : std::span<const Tok>(kCounterTypes);
    o << "\n\t    enterprise ";
    o.u(enterprise) << (flow ? " " : ", ");
    if (enterprise == 0) name_or(o, names, type, "Unknown");
    else o << "Unknown";
    o << " (";
    o.u(type) << ") length ";
    o.u(len);
    at += kRecordHeader;
    left -= kRecordHeader;
    if (left < len) return true;
    if (enterprise == 0) {
      std::span<const RecordRow> rows =
          flow ? std::span<const RecordRow>(kFlowRecords) : std::span<const RecordRow>(kCounterRecords);
      const RecordRow* row = nullptr;
      for (const auto& r : rows)
        if (r.type == type) row = &r;
      if (row && row->print && row->print(o, m, at, left)) return true;
      if (!row && p.opt.verbose <= 1) print_unknown_data(o, m.subspan(at), len, "\n\t\t");
    }
    at += len;
    left -= len;
  }
  return false;
}

// One sample's body by its format (1-4), at `at` with `left` bytes of the
// datagram's length left. true: invalid.
bool print_sample(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t left, std::uint32_t format) {
  Out& o = p.o;
  bool flow = format == 1 || format == 3, expanded = format >= 3;
  std::size_t size = flow ? (expanded ? 44 : 32) : (expanded ? 16 : 12);
  if (left < size) return true;
  std::uint32_t seq = be32_at(m, at);
  std::uint32_t type = expanded ? be32_at(m, at + 4) : sub(m, at + 4, 1)[0];
  std::uint32_t index = expanded ? be32_at(m, at + 8) : be32_at(m, at + 4) & 0xffffff;
  std::uint32_t records = be32_at(m, at + size - 4);
  o << " seqnum ";
  o.u(seq) << ", type ";
  o.u(type) << ", idx ";
  o.u(index);
  if (flow) {
    auto v = words<3>(m, at, {expanded ? 12u : 8u, expanded ? 16u : 12u, expanded ? 20u : 16u});
    o << ", rate ";
    o.u(v[0]) << ", pool ";
    o.u(v[1]) << ", drops ";
    o.u(v[2]);
    if (!expanded) {
      auto io = words<2>(m, at, {20, 24});
      o << ", input ";
      o.u(io[0]) << " output ";
      o.u(io[1]);
    }
    o << (expanded ? ", records " : " records ");
  } else {
    o << ", records ";
  }
  o.u(records);
  return print_records(p, m, at + size, static_cast<std::uint32_t>(left - size), records, flow);
}

// The samples after the header; ends " (invalid)" (and " [|sflow]" when
// the rest is not captured) as tcpdump's invalid label does.
void print_samples(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t left, std::uint32_t count) {
  Out& o = p.o;
  auto invalid = [&] {
    o << " (invalid)";
    sub(m, at, left);  // tcpdump's ND_TCHECK_LEN(tptr, tlen)
  };
  while (count > 0 && left > 0) {
    std::uint32_t format = be32_at(m, at) & 0x0fff, len = be32_at(m, at + 4);
    if (left < kSampleHeader) return invalid();
    at += kSampleHeader;
    left -= kSampleHeader;
    o << "\n\t";
    name_or(o, kSampleFormats, format, "Unknown") << " (";
    o.u(format) << "), length ";
    o.u(len) << ',';
    if (format == 0 || len == 0) return;
    if (left < len) return invalid();
    sub(m, at, len);  // the whole sample captured, or " [|sflow]"
    if (format >= 1 && format <= 4) {
      if (print_sample(p, m, at, left, format)) return invalid();
    } else if (p.opt.verbose <= 1) {
      print_unknown_data(o, m.subspan(at), len, "\n\t    ");
    }
    at += len;
    left -= len;
    --count;
  }
}

}  // namespace

void decode_sflow(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "sflow";
  auto& s = c.d.push<SflowL>();
  s.msg = r.rest();
  s.length = length;
  if (s.msg.size() < kHeader4) {
    c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
    return;
  }
  std::uint32_t ipv = be32_at(s.msg, 4);
  if (length < (ipv == 1 ? kHeader4 : kHeader6)) c.d.last()->status = Status::Invalid;  // tcpdump's "[length L < 28]"
}

void print_sflow(PrintCtx& p, std::size_t i) {
  p.proto = "sflow";
  const auto& s = at<SflowL>(p.d, i);
  Bytes m = s.msg;
  Out& o = p.o;
  std::uint32_t ipv = be32_at(m, 4);
  bool v4 = ipv == 1;
  if ((s.length < kHeader4 && v4) || (s.length < kHeader6 && ipv == 2)) {
    std::uint32_t version = be32_at(m, 0);
    o << "sFlowv";
    o.u(version) << " [length ";
    o.u(s.length) << " < 28] (invalid)";  // sic: 28 for IPv6 agents too
    return;
  }
  sub(m, 0, kHeader4);
  std::uint32_t version = be32_at(m, 0);
  if (version != 5) {
    o << "sFlow version ";
    o.u(version) << " packet not supported";
    return;
  }
  Bytes agent = sub(m, 8, v4 ? 4 : 16);
  std::size_t rest = v4 ? 12 : 24;  // agent-id, seqnum, uptime, samples
  std::array<std::uint32_t, 4> v{be32_at(m, rest), 0, 0, 0};
  if (p.opt.verbose) v = words<4>(m, rest, {0, 4, 8, 12});
  o << "sFlowv5, " << (v4 ? "IPv4" : "IPv6") << " agent ";
  v4 ? o.ip4(agent) : o.ip6(agent);
  o << ", agent-id ";
  o.u(v[0]);
  if (p.opt.verbose) {
    o << ", seqnum ";
    o.u(v[1]) << ", uptime ";
    o.u(v[2]) << ", samples ";
    o.u(v[3]);
  }
  o << ", length ";
  o.u(s.length);
  if (!p.opt.verbose) return;
  std::size_t header = v4 ? kHeader4 : kHeader6;
  if (s.length < header) {  // an agent address type neither 1 nor 2 on a short datagram
    o << " (invalid)";
    sub(m, 0, s.length);
    return;
  }
  print_samples(p, m, header, static_cast<std::uint32_t>(s.length - header), v[3]);
}

namespace {

// One whole captured sample's fields (format 1-4, `b` its body) and its
// records' enterprise, format, name and length, the records bounded by the
// sample (so a huge count costs at most one entry per 8 bytes). The
// enterprise is the record word's top 20 bits for both kinds (the text keeps
// tcpdump's top 12 for counter records).
void json_sample(JsonWriter& w, Bytes b, std::uint32_t format) {
  bool flow = format == 1 || format == 3, expanded = format >= 3;
  std::size_t size = flow ? (expanded ? 44 : 32) : (expanded ? 16 : 12);
  if (b.size() < size) return;
  w.member("sequence", be32_at(b, 0));
  w.member("source_type", expanded ? be32_at(b, 4) : b[4]);
  w.member("source_index", expanded ? be32_at(b, 8) : be32_at(b, 4) & 0xffffff);
  if (flow) {
    std::size_t k = expanded ? 12 : 8;
    w.member("sampling_rate", be32_at(b, k));
    w.member("sample_pool", be32_at(b, k + 4));
    w.member("drops", be32_at(b, k + 8));
    // The expanded sample gives each interface a format word before its value.
    w.member("input", be32_at(b, expanded ? 28 : 20));
    w.member("output", be32_at(b, expanded ? 36 : 24));
  }
  std::uint32_t count = be32_at(b, size - 4);
  w.member("record_count", count);
  w.key("records");
  w.begin_array();
  std::span<const Tok> names = flow ? std::span<const Tok>(kFlowTypes) : std::span<const Tok>(kCounterTypes);
  for (std::size_t at = size; count > 0 && at + kRecordHeader <= b.size(); --count) {
    std::uint32_t word = be32_at(b, at), len = be32_at(b, at + 4);
    std::uint32_t type = word & 0x0fff, enterprise = word >> 12;
    w.begin_object();
    w.member("enterprise", enterprise);
    w.member("format", type);
    if (enterprise == 0) w.member("name", tok_name(names, type));
    w.member("length", len);
    w.end_object();
    if (len > b.size() - at - kRecordHeader) break;
    at += kRecordHeader + len;
  }
  w.end_array();
}

}  // namespace

// The header's fields and each sample's format and length, as far as the
// datagram's length and the capture go (at most one entry per 8 bytes).
void json_sflow(JsonWriter& w, const SflowL& l) {
  w.member("layer", "sflow");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    std::uint32_t version = be32_at(m, 0), ipv = be32_at(m, 4);
    w.member("version", version);
    w.member("agent_address_type", ipv);
    if (version != 5) return;
    bool v4 = ipv == 1;
    std::size_t rest = v4 ? 12 : 24, header = v4 ? kHeader4 : kHeader6;
    if (l.length < header) return;  // the header is not in the datagram (status "invalid")
    auto v = words<4>(m, rest, {0, 4, 8, 12});
    w.member("agent", v4 ? ip4_text(sub(m, 8, 4)) : ip6_text(sub(m, 8, 16)));
    w.member("agent_id", v[0]);
    w.member("sequence", v[1]);
    w.member("uptime_ms", v[2]);
    w.member("sample_count", v[3]);
    w.key("samples");
    w.begin_array();
    std::size_t at = header;
    std::uint32_t left = l.length - static_cast<std::uint32_t>(header);
    for (std::uint32_t n = v[3]; n > 0 && left >= kSampleHeader && at + kSampleHeader <= m.size(); --n) {
      std::uint32_t format = be32_at(m, at) & 0x0fff, len = be32_at(m, at + 4);
      w.begin_object();
      w.member("format", format);
      w.member("name", tok_name(kSampleFormats, format));
      w.member("length", len);
      left -= kSampleHeader;
      if (format >= 1 && format <= 4 && len > 0 && left >= len && at + kSampleHeader + len <= m.size())
        json_sample(w, m.subspan(at + kSampleHeader, len), format);
      w.end_object();
      if (format == 0 || len == 0 || left < len) break;
      at += kSampleHeader + len;
      left -= len;
    }
    w.end_array();
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
