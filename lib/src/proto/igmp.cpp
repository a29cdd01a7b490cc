// IGMP: version 1 (RFC 1112 appendix I), version 2 (RFC 2236) and version 3
// (RFC 3376 4.1 queries, 4.2 reports), plus the multicast traceroute query
// and response (draft-ietf-idmr-traceroute-ipm). The text follows tcpdump
// 4.99.3's print-igmp.c; DVMRP and PIMv1 carried in IGMP print their type
// word only (their bodies are not decoded here).
#include "proto/proto.hpp"

#include <cstdio>

namespace netlab::proto {
namespace {

constexpr std::uint8_t kQuery = 0x11, kV1Report = 0x12, kDvmrp = 0x13, kPimv1 = 0x14, kV2Report = 0x16,
                       kLeave = 0x17, kV3Report = 0x22, kMtraceResp = 0x1e, kMtrace = 0x1f;

// RFC 3376 4.2.12 record types.
constexpr Tok kRecordTypes[] = {{1, "is_in"}, {2, "is_ex"}, {3, "to_in"},
                                {4, "to_ex"}, {5, "allow"}, {6, "block"}};

// RFC 3376 4.1.1: a Max Resp Code of 128 or more is a floating-point value.
std::uint32_t max_resp_time(std::uint8_t code) {
  if (code < 128) return code;
  return ((code & 0x0fu) | 0x10u) << (((code & 0x70u) >> 4) + 3);
}

void print_v3_query(Out& o, Bytes m, std::uint32_t len, int verbose) {
  o << " v3";
  if (len < 12 || (len & 3)) {
    o << " [invalid len ";
    o.u(len) << ']';
    return;
  }
  std::uint8_t code = sub(m, 1, 1)[0];
  if (code != 100) {
    std::uint32_t mrt = max_resp_time(code);
    o << " [max resp time ";
    if (mrt < 600) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1fs", mrt * 0.1);
      o << std::string_view(buf);
    } else {
      print_relts(o, mrt / 10);
    }
    o << ']';
  }
  if (be32_at(m, 4) == 0) return;
  o << " [gaddr ";
  o.ip4(sub(m, 4, 4));
  std::uint32_t nsrcs = be16_at(m, 10);
  if (nsrcs > 0) {
    if (len < 12 + (nsrcs << 2)) {
      o << " [invalid number of sources]";
    } else if (verbose > 1) {
      o << " {";
      for (std::uint32_t k = 0; k < nsrcs; ++k) {
        Bytes a = sub(m, 12 + 4 * k, 4);
        o << ' ';
        o.ip4(a);
      }
      o << " }";
    } else {
      o << ", ";
      o.u(nsrcs) << " source(s)";
    }
  }
  o << ']';
}

void print_v3_report(Out& o, Bytes m, std::uint32_t len, int verbose) {
  if (len < 16 || (len & 3)) {
    o << " [invalid len ";
    o.u(len) << ']';
    return;
  }
  std::uint32_t ngroups = be16_at(m, 6);
  o << ", ";
  o.u(ngroups) << " group record(s)";
  if (!verbose) return;
  std::uint32_t at = 8;
  for (std::uint32_t g = 0; g < ngroups; ++g) {
    if (len < at + 8) {
      o << " [invalid number of groups]";
      return;
    }
    Bytes group = sub(m, at + 4, 4);
    o << " [gaddr ";
    o.ip4(group);
    std::uint8_t type = sub(m, at, 1)[0];
    o << ' ';
    tok_print(o, kRecordTypes, type, " [v3-report-#", "]");
    std::uint32_t nsrcs = be16_at(m, at + 2);
    if (len < at + 8 + (nsrcs << 2)) {
      o << " [invalid number of sources ";
      o.u(nsrcs) << ']';
      return;
    }
    if (verbose == 1) {
      o << ", ";
      o.u(nsrcs) << " source(s)";
    } else {
      o << " {";
      for (std::uint32_t k = 0; k < nsrcs; ++k) {
        Bytes a = sub(m, at + 8 + 4 * k, 4);
        o << ' ';
        o.ip4(a);
      }
      o << " }";
    }
    at += 8 + (nsrcs << 2);
    o << ']';
  }
}

// Multicast traceroute query (0x1f) and response (0x1e): the query block
// after the 8-byte IGMP header.
void print_mtrace(Out& o, std::string_view name, Bytes m, std::uint32_t len) {
  if (len < 8 + 16) {
    o << " [invalid len ";
    o.u(len) << ']';
    return;
  }
  Bytes q = sub(m, 8, 16);
  o << name << ' ';
  o.u(std::uint32_t(q[13]) << 16 | std::uint32_t(q[14]) << 8 | q[15]) << ": ";
  o.ip4(q.subspan(0, 4)) << " to ";
  o.ip4(q.subspan(4, 4)) << " reply-to ";
  o.ip4(q.subspan(8, 4));
  if ((q[8] & 0xf0) == 0xe0) {
    o << " with-ttl ";
    o.u(q[12]);
  }
}

}  // namespace

void decode_igmp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "igmp";
  auto& g = c.d.push<IgmpL>();
  g.length = length;
  g.msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  if (g.msg.size() < length) c.d.last()->status = Status::Truncated;  // for JSON; the text stops where tcpdump does
}

namespace {

// DVMRP (draft-ietf-idmr-dvmrp-v3, and mrinfo's Ask-neighbors2/Neighbors2)
// after "igmp dvmrp", as tcpdump 4.99.3's dvmrp_print: m is the message
// from the IGMP header on, len its length (at least 8).
constexpr Tok kDvmrpTypes[] = {{1, "Probe"},     {2, "Report"},         {3, "Ask-neighbors"},
                               {4, "Neighbors"}, {5, "Ask-neighbors2"}, {6, "Neighbors2"},
                               {7, "Prune"},     {8, "Graft"},          {9, "Graft-ACK"}};

void dvmrp_invalid(Out& o) { o << " (invalid)"; }

// The complaint of a message body shorter than it must be: " [what len < min]".
void dvmrp_short(Out& o, const char* what, std::uint32_t len, unsigned min) {
  o << what;
  o.u(len) << " < ";
  o.u(min) << ']';
  dvmrp_invalid(o);
}

// Probe: the generation id, and from -vv the neighbours.
void dvmrp_probe(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t len) {
  Out& o = p.o;
  if (!p.opt.verbose) return;
  if (len < 4) return dvmrp_short(o, " [full length ", len, 4);
  o << (p.opt.verbose > 1 ? "\n\t" : " ") << "genid ";
  o.u(be32_at(m, at));
  if (p.opt.verbose < 2) return;
  at += 4, len -= 4;
  while (len > 0) {
    if (len < 4) return dvmrp_short(o, "[remaining length ", len, 4);
    o << "\n\tneighbor ";
    o.ip4(sub(m, at, 4));
    at += 4, len -= 4;
  }
}

// Report: masks and origins with their metrics, from -vv.
void dvmrp_report(PrintCtx& p, Bytes m, std::size_t at, std::uint32_t len) {
  Out& o = p.o;
  if (p.opt.verbose < 2) return;
  while (len > 0) {
    if (len < 3) return dvmrp_short(o, " [length ", len, 3);
    Bytes mk = sub(m, at, 3);
    unsigned width = mk[2] ? 4 : mk[1] ? 3 : mk[0] ? 2 : 1;
    std::uint8_t mask[4] = {0xff, mk[0], mk[1], mk[2]};
    o << "\n\tMask ";
    o.ip4(Bytes(mask, 4));
    at += 3, len -= 3;
    bool done = false;
    while (!done) {
      if (len < width + 1) {
        o << "\n\t  [Truncated Report]";
        return dvmrp_invalid(o);
      }
      std::uint8_t origin[4] = {0, 0, 0, 0};
      Bytes ob = sub(m, at, width + 1);
      for (unsigned k = 0; k < width; ++k) origin[k] = ob[k];
      std::uint8_t metric = ob[width];
      done = metric & 0x80;
      o << "\n\t  ";
      o.ip4(Bytes(origin, 4)) << " metric ";
      o.u(metric & 0x7f);
      at += width + 1, len -= width + 1;
    }
  }
}

// Neighbors: local address, metric, threshold, count, addresses.
void dvmrp_neighbors(Out& o, Bytes m, std::size_t at, std::uint32_t len) {
  while (len > 0) {
    if (len < 7) return dvmrp_short(o, " [length ", len, 7);
    Bytes local = sub(m, at, 4);
    Bytes h = sub(m, at + 4, 3);
    at += 7, len -= 7;
    for (int n = h[2]; n > 0; --n) {
      if (len < 4) return dvmrp_short(o, " [length ", len, 4);
      o << " [";
      o.ip4(local) << " -> ";
      o.ip4(sub(m, at, 4)) << ", (";
      o.u(h[0]) << '/';
      o.u(h[1]) << ")]";
      at += 4, len -= 4;
    }
  }
}

// Neighbors2: the version sits in the IGMP group field.
void dvmrp_neighbors2(Out& o, Bytes m, std::size_t at, std::uint32_t len) {
  Bytes ver = sub(m, 6, 2);
  o << " (v ";
  o.u(ver[1]) << '.';
  o.u(ver[0]) << "):";
  while (len > 0) {
    if (len < 8) return dvmrp_short(o, " [length ", len, 8);
    Bytes local = sub(m, at, 4);
    Bytes h = sub(m, at + 4, 4);
    at += 8, len -= 8;
    int n = h[3];
    for (; n > 0 && len > 0; --n) {
      if (len < 4) return dvmrp_short(o, " [length ", len, 4);
      o << " [";
      o.ip4(local) << " -> ";
      o.ip4(sub(m, at, 4)) << " (";
      o.u(h[0]) << '/';
      o.u(h[1]);
      if (h[2] & 0x01) o << "/tunnel";
      if (h[2] & 0x02) o << "/srcrt";
      if (h[2] & 0x40) o << "/querier";
      if (h[2] & 0x20) o << "/disabled";
      if (h[2] & 0x10) o << "/down";
      o << ")]";
      at += 4, len -= 4;
    }
    if (n != 0) {
      o << " [invalid ncount]";
      return dvmrp_invalid(o);
    }
  }
}

// Prune, Graft and Graft-ACK: the source and the group.
void dvmrp_src_grp(Out& o, Bytes m, std::size_t at) {
  o << " src ";
  o.ip4(sub(m, at, 4)) << " grp ";
  o.ip4(sub(m, at + 4, 4));
}

void print_dvmrp(PrintCtx& p, Bytes m, std::uint32_t len) {
  p.proto = "dvmrp";
  Out& o = p.o;
  std::uint8_t type = sub(m, 1, 1)[0];
  std::size_t at = 8;
  len -= 8;
  o << ' ';
  tok_print(o, kDvmrpTypes, type, "[type ", "]");
  switch (type) {
    case 1: return dvmrp_probe(p, m, at, len);
    case 2: return dvmrp_report(p, m, at, len);
    case 4: return dvmrp_neighbors(o, m, at, len);
    case 6: return dvmrp_neighbors2(o, m, at, len);
    case 7:
      dvmrp_src_grp(o, m, at);
      o << " timer ";
      print_relts(o, be32_at(m, at + 8));
      return;
    case 8:
    case 9: dvmrp_src_grp(o, m, at); return;
    default: return;
  }
}

}  // namespace

void print_igmp(PrintCtx& p, std::size_t i) {
  p.proto = "igmp";
  const auto& g = at<IgmpL>(p.d, i);
  Out& o = p.o;
  Bytes m = g.msg;
  std::uint32_t len = g.length;
  if (p.opt.quiet) {
    o << "igmp";
    return;
  }
  std::uint8_t type = sub(m, 0, 1)[0];
  switch (type) {
    case kQuery:
      o << "igmp query";
      if (len >= 12) {
        print_v3_query(o, m, len, p.opt.verbose);
        break;
      }
      if (std::uint8_t code = sub(m, 1, 1)[0]) {
        o << " v2";
        if (code != 100) {
          o << " [max resp time ";
          o.u(code) << ']';
        }
      } else {
        o << " v1";
      }
      if (be32_at(m, 4) != 0) {
        o << " [gaddr ";
        o.ip4(sub(m, 4, 4)) << ']';
      }
      if (len != 8) {
        o << " [len ";
        o.u(len) << ']';
      }
      break;
    case kV1Report:
    case kV2Report:
    case kLeave: {
      Bytes group = sub(m, 4, 4);
      o << (type == kV1Report ? "igmp v1 report " : type == kV2Report ? "igmp v2 report " : "igmp leave ");
      o.ip4(group);
      if (type == kV1Report && len != 8) {
        o << " [len ";
        o.u(len) << ']';
      }
      break;
    }
    case kV3Report:
      o << "igmp v3 report";
      print_v3_report(o, m, len, p.opt.verbose);
      break;
    case kDvmrp:
      o << "igmp dvmrp";
      if (len < 8) {
        o << " [len ";
        o.u(len) << ']';
      } else {
        print_dvmrp(p, m, len);
      }
      break;
    case kPimv1:
      o << "igmp pimv1";
      print_pimv1(p, m, len);
      break;
    case kMtraceResp: print_mtrace(o, "mresp", m, len); break;
    case kMtrace: print_mtrace(o, "mtrace", m, len); break;
    default:
      o << "igmp-";
      o.u(type);
      break;
  }
  if (p.opt.verbose && len >= 4 && m.size() >= len) {
    if (fold_checksum(ones_sum(m.first(len))) != 0) {
      o << " bad igmp cksum ";
      o.hex(be16_at(m, 2)) << '!';
    }
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

namespace {

// A query: its version (from its length and code), the group, and for
// version 3 the flags and the sources.
void json_query(JsonWriter& w, const IgmpL& l, Bytes m, std::uint8_t code) {
  int version = l.length >= 12 ? 3 : code ? 2 : 1;
  w.member("message", "query");
  w.member("version", version);
  w.member("group", ip4_text(sub(m, 4, 4)));
  if (version > 1) w.member("max_resp_time_ds", version == 3 ? max_resp_time(code) : code);
  if (version != 3) return;
  std::uint8_t flags = sub(m, 8, 1)[0];
  w.member("s_flag", (flags & 0x08) != 0);
  w.member("qrv", flags & 0x07);
  w.member("qqic", sub(m, 9, 1)[0]);
  std::uint32_t nsrcs = be16_at(m, 10);
  w.key("sources");
  w.begin_array();
  std::uint32_t k = 0;
  for (; k < nsrcs && 12 + 4 * (k + 1) <= std::min<std::size_t>(l.length, m.size()); ++k)
    w.value(ip4_text(m.subspan(12 + 4 * k, 4)));
  w.end_array();
  if (k < nsrcs) w.member("sources_truncated", true);
}

// One version 3 group record at m[at] (its fixed 8 bytes captured) as an
// object; the bytes it takes by its counts.
std::uint32_t json_group_record(JsonWriter& w, const IgmpL& l, Bytes m, std::uint32_t at) {
  std::uint8_t rtype = m[at];
  std::uint32_t aux = m[at + 1];
  std::uint32_t nsrcs = be16_at(m, at + 2);
  Bytes group = m.subspan(at + 4, 4);
  w.begin_object();
  w.member("group", ip4_text(group));
  w.member("record_type", rtype);
  if (auto name = tok_name(kRecordTypes, rtype); !name.empty()) w.member("record", name);
  w.key("sources");
  w.begin_array();
  bool cut = false;
  for (std::uint32_t k = 0; k < nsrcs; ++k) {
    if (at + 8 + 4 * (k + 1) > l.length || at + 8 + 4 * (k + 1) > m.size()) {
      cut = true;
      break;
    }
    w.value(ip4_text(sub(m, at + 8 + 4 * k, 4)));
  }
  w.end_array();
  if (cut) w.member("sources_truncated", true);
  w.end_object();
  return 8 + 4 * nsrcs + 4 * aux;
}

void json_v3_report(JsonWriter& w, const IgmpL& l, Bytes m) {
  w.member("message", "report");
  w.member("version", 3);
  std::uint32_t ngroups = be16_at(m, 6);
  w.key("groups");
  w.begin_array();
  std::uint32_t at = 8;
  std::uint32_t g = 0;
  for (; g < ngroups && at + 8 <= std::min<std::size_t>(l.length, m.size()); ++g)
    at += json_group_record(w, l, m, at);
  w.end_array();
  if (g < ngroups) w.member("groups_truncated", true);
}

// The DVMRP message's type, and the fields of its fixed part: a probe's
// generation id, the source and group of a prune or graft, the version of
// a Neighbors2 (mrinfo's answer).
void json_dvmrp(JsonWriter& w, const IgmpL& l, Bytes m, std::uint8_t code) {
  w.member("message", "dvmrp");
  w.member("dvmrp_type", code);
  if (auto name = tok_name(kDvmrpTypes, code); !name.empty()) w.member("dvmrp_name", name);
  std::size_t have = std::min<std::size_t>(l.length, m.size());
  if (code == 1 && have >= 12) w.member("generation_id", be32_at(m, 8));
  if (code >= 7 && code <= 9 && have >= 16) {
    w.member("source", ip4_text(m.subspan(8, 4)));
    w.member("group", ip4_text(m.subspan(12, 4)));
  }
  if (code == 7 && have >= 20) w.member("prune_lifetime", be32_at(m, 16));
  if (code == 6) {
    Bytes ver = sub(m, 6, 2);  // in the IGMP group field, minor first
    w.member("version", std::to_string(ver[1]) + "." + std::to_string(ver[0]));
  }
}

}  // namespace

// Typed members: the message type, the group, and for version 3 the sources
// of a query and the group records of a report, each as an object. Whatever
// was not captured is left out, and "truncated" says so.
void json_igmp(JsonWriter& w, const IgmpL& l) {
  w.member("layer", "igmp");
  w.member("length", l.length);
  Bytes m = l.msg;
  try {
    std::uint8_t type = sub(m, 0, 1)[0];
    w.member("type", type);
    std::uint8_t code = sub(m, 1, 1)[0];
    w.member("checksum", be16_at(m, 2));
    switch (type) {
      case kQuery: json_query(w, l, m, code); break;
      case kV1Report:
      case kV2Report:
      case kLeave:
        w.member("message", type == kLeave ? "leave" : "report");
        w.member("version", type == kV1Report ? 1 : 2);
        w.member("group", ip4_text(sub(m, 4, 4)));
        break;
      case kV3Report: json_v3_report(w, l, m); break;
      case kDvmrp: json_dvmrp(w, l, m, code); break;
      case kPimv1: w.member("message", "pimv1"); break;
      case kMtrace:
      case kMtraceResp: w.member("message", type == kMtrace ? "mtrace" : "mresp"); break;
      default: break;
    }
  } catch (const Truncated&) {
    w.member("truncated", true);
  }
}

}  // namespace netlab::proto
