// PTP: IEEE 1588-2008 (version 2) messages over Ethernet (ethertype
// 0x88f7) and UDP (319 event, 320 general messages). The 34-byte common
// header, then per message type the origin, receive or precise origin
// timestamp (48-bit seconds, 32-bit nanoseconds), a requesting port
// identity, the announce message's grandmaster fields or the management
// message's hops. The text follows tcpdump 4.99.3's print-ptp.c, which
// prints the same line at every -v level: "PTPv2, v1 compat : no, msg type
// : sync msg, length : 44, ...". 4.99.3 takes the version from the whole
// second byte (1588-2019's minorVersionPTP included: "PTPv18" for 2.1) and
// prints nothing more for a version other than 1 and 2.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint32_t kHeaderLen = 34;

constexpr Tok kMsgTypes[] = {{0x0, "sync msg"},           {0x1, "delay req msg"},
                             {0x2, "peer delay req msg"}, {0x3, "peer delay resp msg"},
                             {0x8, "follow up msg"},      {0x9, "delay resp msg"},
                             {0xa, "pdelay resp fup msg"}, {0xb, "announce msg"},
                             {0xc, "signaling msg"},      {0xd, "management msg"}};
constexpr Tok kControl[] = {{0, "Sync"},       {1, "Delay_Req"},  {2, "Follow_Up"},
                            {3, "Delay_Resp"}, {4, "Management"}, {5, "Other"}};
// The flag field's bits in tcpdump's order (bittok2str joins them with ", ").
constexpr Tok kFlags[] = {{0x0001, "l1 61"},
                          {0x0002, "l1 59"},
                          {0x0004, "utc reasonable"},
                          {0x0008, "timescale"},
                          {0x0010, "time tracable"},
                          {0x0020, "frequency tracable"},
                          {0x0100, "alternate master"},
                          {0x0200, "two step"},
                          {0x0400, "unicast"},
                          {0x1000, "profile specific 1"},
                          {0x2000, "profile specific 2"},
                          {0x4000, "security mask"},
                          {0x18c0, "unknown"}};

std::uint64_t be48_at(Bytes m, std::size_t off) {
  Bytes b = sub(m, off, 6);
  std::uint64_t v = 0;
  for (std::uint8_t x : b) v = v << 8 | x;
  return v;
}
std::uint64_t be64_at(Bytes m, std::size_t off) {
  return std::uint64_t{be32_at(m, off)} << 32 | be32_at(m, off + 4);
}

// tcpdump's tok2str with a format that prints no number: "Reserved".
Out& name_or(Out& o, std::span<const Tok> table, unsigned v) {
  std::string_view name = tok_name(table, v);
  return o << (name.empty() ? std::string_view("Reserved") : name);
}

// tcpdump's bittok2str: the entries that are one set bit of the value, in
// the table's order, ", " between; an entry of several bits (0x18c0
// "unknown") never matches, as in tcpdump.
void print_flags(Out& o, std::uint16_t flags) {
  bool any = false;
  for (const auto& t : kFlags) {
    if (t.value == 0 || (t.value & (t.value - 1)) != 0 || (flags & t.value) == 0) continue;
    if (any) o << ", ";
    o << t.name;
    any = true;
  }
  if (!any) o << "none";
}

// A timestamp at off: ", NAME : S seconds, N nanoseconds" (the announce
// message has no comma after "seconds").
void print_timestamp(Out& o, Bytes m, std::size_t off, std::string_view name, bool comma = true) {
  o << ", " << name << " :";
  std::uint64_t secs = be48_at(m, off);
  o << ' ';
  o.u(secs) << " seconds" << (comma ? "," : "");
  std::uint32_t ns = be32_at(m, off + 6);
  o << ' ';
  o.u(ns) << " nanoseconds";
}

void print_port_identity(Out& o, Bytes m, std::size_t off) {
  std::uint64_t id = be64_at(m, off);
  o << ", port identity : 0x";
  o.hex(id);
  std::uint16_t port = be16_at(m, off + 8);
  o << ", port id : ";
  o.u(port);
}

void print_announce(Out& o, Bytes m) {
  print_timestamp(o, m, kHeaderLen, "originTimeStamp", false);
  std::uint16_t utc = be16_at(m, 44);
  o << ", origin cur utc :";
  o.u(utc);
  std::uint8_t rsvd = sub(m, 46, 1)[0];
  o << ", rsvd : ";
  o.u(rsvd);
  std::uint8_t prio1 = sub(m, 47, 1)[0];
  o << ", gm priority_1 : ";
  o.u(prio1);
  std::uint8_t cls = sub(m, 48, 1)[0];
  o << ", gm clock class : ";
  o.u(cls);
  std::uint8_t acc = sub(m, 49, 1)[0];
  o << ", gm clock accuracy : ";
  o.u(acc);
  std::uint16_t var = be16_at(m, 50);
  o << ", gm clock variance : ";
  o.u(var);
  std::uint8_t prio2 = sub(m, 52, 1)[0];
  o << ", gm priority_2 : ";
  o.u(prio2);
  std::uint64_t gm = be64_at(m, 53);
  o << ", gm clock id : 0x";
  o.hex(gm);
  std::uint16_t steps = be16_at(m, 61);
  o << ", steps removed : ";
  o.u(steps);
  std::uint8_t src = sub(m, 63, 1)[0];
  o << ", time source : 0x";
  o.hex(src);
}

// tcpdump's print_field labels carry their own ", " and a trailing space,
// hence ", , start boundary hops  255"; and 4.99.3 hands each field the
// message's body pointer unadvanced, so all four show the first byte of
// the requesting port identity.
void print_management(Out& o, Bytes m) {
  print_port_identity(o, m, kHeaderLen);
  static constexpr std::string_view kLabels[] = {", start boundary hops ", ", boundary hops ", ", flags ",
                                                 ", reserved "};
  for (std::size_t k = 0; k < 4; ++k) {
    std::uint8_t v = sub(m, kHeaderLen, 1)[0];
    o << ", " << kLabels[k];
    if (k >= 2) o << " 0x", o.hex(v);
    else o << ' ', o.u(v);
  }
}

void print_v2(Out& o, Bytes m) {
  std::uint8_t first = sub(m, 0, 1)[0];
  o << ", v1 compat : " << (first & 0x10 ? "yes" : "no") << ", msg type : ";
  unsigned type = first & 0x0fu;
  name_or(o, kMsgTypes, type);
  std::uint16_t msg_len = be16_at(m, 2);
  o << ", length : ";
  o.u(msg_len);
  std::uint16_t domain = be16_at(m, 4);
  o << ", domain : ";
  o.u(domain >> 8) << ", reserved1 : ";
  o.u(domain & 0xffu);
  std::uint16_t flags = be16_at(m, 6);
  o << ", Flags [";
  print_flags(o, flags);
  o << ']';
  std::uint64_t ns = be48_at(m, 8);
  o << ", NS correction : ";
  o.u(ns);
  std::uint16_t subns = be16_at(m, 14);
  o << ", sub NS correction : ";
  o.u(subns);
  std::uint32_t rsvd2 = be32_at(m, 16);
  o << ", reserved2 : ";
  o.u(rsvd2);
  std::uint64_t clock = be64_at(m, 20);
  o << ", clock identity : 0x";
  o.hex(clock);
  std::uint16_t port = be16_at(m, 28);
  o << ", port id : ";
  o.u(port);
  std::uint16_t seq = be16_at(m, 30);
  o << ", seq id : ";
  o.u(seq);
  std::uint8_t control = sub(m, 32, 1)[0];
  o << ", control : ";
  o.u(control) << " (";
  name_or(o, kControl, control) << ')';
  std::uint16_t lmi = be16_at(m, 32);
  o << ", log message interval : ";
  o.u(lmi & 0xffu);
  switch (type) {
    case 0x0:
    case 0x1: print_timestamp(o, m, kHeaderLen, "originTimeStamp"); break;
    case 0x8: print_timestamp(o, m, kHeaderLen, "preciseOriginTimeStamp"); break;
    case 0x2:
    case 0xa:
      print_timestamp(o, m, kHeaderLen, "preciseOriginTimeStamp");
      print_port_identity(o, m, kHeaderLen + 10);
      break;
    case 0x3:
    case 0x9:
      print_timestamp(o, m, kHeaderLen, "receiveTimeStamp");
      print_port_identity(o, m, kHeaderLen + 10);
      break;
    case 0xb: print_announce(o, m); break;
    case 0xc: print_port_identity(o, m, kHeaderLen); break;
    case 0xd: print_management(o, m); break;
    default: break;
  }
}

}  // namespace

void decode_ptp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "ptp";
  auto& l = c.d.push<PtpL>();
  l.msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  l.length = length;
}

void print_ptp(PrintCtx& p, std::size_t i) {
  p.proto = "ptp";
  const auto& l = at<PtpL>(p.d, i);
  Out& o = p.o;
  if (l.length < kHeaderLen) {  // tcpdump's ND_ICHECK_U, before anything else is printed
    o << " [length ";
    o.u(l.length) << " < ";
    o.u(kHeaderLen) << "] (invalid)";
    return;
  }
  std::uint16_t vers = be16_at(l.msg, 0) & 0xffu;
  o << "PTPv";
  o.u(vers);
  if (vers == 1) o << " (not implemented)";
  else if (vers == 2) print_v2(o, l.msg);
}

}  // namespace netlab::proto

namespace netlab::proto {

// The common header's fields and, per message type, its timestamp, port
// identity, announce or management fields; whatever was not captured is
// left out and "truncated" says so.
void json_ptp(JsonWriter& w, const PtpL& l) {
  w.member("layer", "ptp");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    std::uint8_t first = sub(m, 0, 1)[0];
    unsigned version = sub(m, 1, 1)[0];
    w.member("version", version & 0x0fu);
    w.member("minor_version", version >> 4);
    if ((version & 0x0fu) != 2) return;
    unsigned type = first & 0x0fu;
    w.member("transport_specific", first >> 4);
    w.member("msg_type", type);
    w.member("msg_type_name", tok_name(kMsgTypes, type));
    w.member("msg_length", be16_at(m, 2));
    w.member("domain", sub(m, 4, 1)[0]);
    std::uint16_t flags = be16_at(m, 6);
    w.member("flags", flags);
    w.member("two_step", (flags & 0x0200) != 0);
    w.member("unicast", (flags & 0x0400) != 0);
    w.member("correction_ns", be48_at(m, 8));
    w.member("correction_subns", be16_at(m, 14));
    w.member("clock_identity", hex_text(sub(m, 20, 8)));
    w.member("port_number", be16_at(m, 28));
    w.member("sequence_id", be16_at(m, 30));
    w.member("control", sub(m, 32, 1)[0]);
    w.member("log_message_interval", static_cast<int>(static_cast<std::int8_t>(sub(m, 33, 1)[0])));
    auto timestamp = [&](std::string_view name) {
      std::uint64_t secs = be48_at(m, kHeaderLen);
      std::uint32_t ns = be32_at(m, kHeaderLen + 6);  // both read before the object opens
      w.key(name);
      w.begin_object();
      w.member("seconds", secs);
      w.member("nanoseconds", ns);
      w.end_object();
    };
    auto port_identity = [&](std::size_t off) {
      std::string id = hex_text(sub(m, off, 8));
      std::uint16_t port = be16_at(m, off + 8);
      w.key("port_identity");
      w.begin_object();
      w.member("clock_identity", id);
      w.member("port_number", port);
      w.end_object();
    };
    switch (type) {
      case 0x0:
      case 0x1: timestamp("origin_timestamp"); break;
      case 0x8: timestamp("precise_origin_timestamp"); break;
      case 0x2:
      case 0xa:
        timestamp("precise_origin_timestamp");
        port_identity(kHeaderLen + 10);
        break;
      case 0x3:
      case 0x9:
        timestamp("receive_timestamp");
        port_identity(kHeaderLen + 10);
        break;
      case 0xb:
        timestamp("origin_timestamp");
        w.member("current_utc_offset", be16_at(m, 44));
        w.member("gm_priority1", sub(m, 47, 1)[0]);
        w.member("gm_clock_class", sub(m, 48, 1)[0]);
        w.member("gm_clock_accuracy", sub(m, 49, 1)[0]);
        w.member("gm_clock_variance", be16_at(m, 50));
        w.member("gm_priority2", sub(m, 52, 1)[0]);
        w.member("gm_clock_identity", hex_text(sub(m, 53, 8)));
        w.member("steps_removed", be16_at(m, 61));
        w.member("time_source", sub(m, 63, 1)[0]);
        break;
      case 0xc: port_identity(kHeaderLen); break;
      case 0xd:
        port_identity(kHeaderLen);
        w.member("starting_boundary_hops", sub(m, 44, 1)[0]);
        w.member("boundary_hops", sub(m, 45, 1)[0]);
        break;
      default: break;
    }
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
