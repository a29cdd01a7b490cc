// SCTP (RFC 9260, IP protocol 132): the common header's ports and each
// chunk, as tcpdump 4.99.3's print-sctp.c shows them: "(n) [TYPE] ..." after
// "sctp", the DATA chunk's flags, TSN, stream, sequence and payload
// protocol, INIT and INIT ACK's tags and windows, SACK's cumulative ack with
// its gap blocks and duplicate TSNs; at -vv every chunk on its own line and
// DATA payloads in hex, but M3UA's (payload protocol 3) through m3ua.cpp. ForCES (RFC 5810) is recognised by its ports (6704
// to 6706) or payload protocol (21 to 23) and handed to forces.cpp.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kChunks[] = {{0, "DATA"},        {1, "INIT"},         {2, "INIT ACK"},    {3, "SACK"},
                           {4, "HB REQ"},      {5, "HB ACK"},       {6, "ABORT"},       {7, "SHUTDOWN"},
                           {8, "SHUTDOWN ACK"}, {9, "OP ERR"},      {10, "COOKIE ECHO"}, {11, "COOKIE ACK"},
                           {12, "ECN ECHO"},   {13, "ECN CWR"},     {14, "SHUTDOWN COMPLETE"},
                           {0xc0, "FOR CUM TSN"}, {0xc1, "REL CTRL"}, {0xc2, "REL CTRL ACK"}};

// Payload protocol identifiers (IANA "SCTP Payload Protocol Identifiers").
constexpr Tok kPpids[] = {{1, "ISDN Q.921"}, {2, "M2UA"},   {3, "M3UA"},   {4, "SUA"},     {5, "M2PA"},
                          {6, "V5.2"},       {7, "H.248"},  {8, "BICC"},   {9, "TALI"},    {10, "DUA"},
                          {11, "ASAP"},      {12, "ENRP"},  {13, "H.323"}, {14, "Q.IPC"},  {15, "SIMCO"},
                          {16, "DDPSC"},     {17, "DDPSSC"}, {18, "S1AP"}, {19, "RUA"},    {20, "HNBAP"},
                          {21, "ForCES HP"}, {22, "ForCES MP"}, {23, "ForCES LP"}, {24, "SBc-AP"},
                          {25, "NBAP"},      {27, "X2AP"}};

constexpr Tok kForcesPorts[] = {{6704, "ForCES HP"}, {6705, "ForCES MP"}, {6706, "ForCES LP"}};

// One chunk's body after its 4-byte descriptor. Returns false where tcpdump
// stops the whole packet ("bogus chunk length").
bool print_chunk(PrintCtx& p, const SctpL& s, std::size_t off, std::uint8_t id, std::uint8_t flags,
                 std::uint16_t clen, std::uint32_t crem, bool& forces) {
  Out& o = p.o;
  Bytes b = s.pkt;
  auto bogus = [&] {
    o << "bogus chunk length ";
    o.u(clen) << ']';
    return false;
  };
  switch (id) {
    case 0: {
      if (flags & 0x04) o << "(U)";
      if (flags & 0x02) o << "(B)";
      if (flags & 0x01) o << "(E)";
      if (flags & 0x07) o << ' ';
      if (crem < 12) return bogus();
      std::uint32_t ppid = be32_at(b, off + 8);
      o << "[TSN: ";
      o.u(be32_at(b, off)) << "] [SID: ";
      o.u(be16_at(b, off + 4)) << "] [SSEQ ";
      o.u(be16_at(b, off + 6)) << "] [PPID ";
      if (auto name = tok_name(kPpids, ppid); !name.empty()) o << name;
      else o << "0x", o.hex(ppid);
      o << "] ";
      if (!forces) forces = ppid >= 21 && ppid <= 23;
      std::uint32_t payload = crem - 12;
      if (payload == 0) return bogus();
      Bytes data = b.subspan(std::min(b.size(), off + 12));
      if (forces) {
        print_forces(p, data, payload);
        p.proto = "sctp";
      } else if (p.opt.verbose >= 2 && ppid == 3) {
        print_m3ua(p, data, payload);
        p.proto = "sctp";
      } else if (p.opt.verbose >= 2) {
        o << "[Payload:";
        hex_dump(o, sub(data, 0, payload), true);
        o << ']';
      }
      return true;
    }
    case 1:
    case 2:
      if (crem < 16) return bogus();
      o << "[init tag: ";
      o.u(be32_at(b, off)) << "] [rwnd: ";
      o.u(be32_at(b, off + 4)) << "] [OS: ";
      o.u(be16_at(b, off + 8)) << "] [MIS: ";
      o.u(be16_at(b, off + 10)) << "] [init TSN: ";
      o.u(be32_at(b, off + 12)) << "] ";
      return true;
    case 3: {
      if (crem < 12) return bogus();
      std::uint32_t cum = be32_at(b, off);
      std::uint16_t gaps = be16_at(b, off + 8), dups = be16_at(b, off + 10);
      o << "[cum ack ";
      o.u(cum) << "] [a_rwnd ";
      o.u(be32_at(b, off + 4)) << "] [#gap acks ";
      o.u(gaps) << "] [#dup tsns ";
      o.u(dups) << "] ";
      std::size_t at = off + 12;
      crem -= 12;
      for (unsigned k = 0; crem != 0 && k < gaps; ++k, at += 4, crem -= 4) {
        if (crem < 4) return bogus();
        o << "\n\t\t[gap ack block #";
        o.u(k + 1) << ": start = ";
        o.u(std::uint32_t(cum + be16_at(b, at))) << ", end = ";
        o.u(std::uint32_t(cum + be16_at(b, at + 2))) << "] ";
      }
      for (unsigned k = 0; crem != 0 && k < dups; ++k, at += 4, crem -= 4) {
        if (crem < 4) return bogus();
        o << "\n\t\t[dup TSN #";
        o.u(k + 1) << ": ";
        o.u(be32_at(b, at)) << "] ";
      }
      return true;
    }
    default: return true;
  }
}

}  // namespace

void decode_sctp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "sctp";
  auto& s = c.d.push<SctpL>();
  s.pkt = r.rest();
  s.length = length;
  if (r.has(4)) {
    s.sport = r.peek16(0);
    s.dport = r.peek16(2);
  }
}

void print_sctp(PrintCtx& p, std::size_t i) {
  p.proto = "sctp";
  const auto& s = at<SctpL>(p.d, i);
  Out& o = p.o;
  Bytes b = s.pkt;
  if (s.length < 12) {
    o << "truncated-sctp - ";
    o.u(12 - s.length) << " bytes missing!";
    return;
  }
  sub(b, 0, 12);  // the common header, captured whole
  print_ip_pair(p, enclosing_ip(p.d, i), s.sport, s.dport);
  o << ": sctp";
  bool forces = false;
  for (std::uint16_t port : {s.sport, s.dport})
    if (auto name = tok_name(kForcesPorts, port); !name.empty()) {
      o << '[' << name << ']';
      forces = true;
    }
  // tcpdump keeps these counts unsigned: a chunk longer than the packet
  // wraps them, and the next read past the capture ends the packet.
  std::uint32_t remaining = s.length - 12;
  std::size_t off = 12;
  const char* sep = p.opt.verbose >= 2 ? "\n\t" : " (";
  for (std::uint32_t n = 1; remaining != 0; ++n) {
    if (remaining < 4) {
      o << sep;
      o.u(n) << ") [chunk descriptor cut off at end of packet]";
      break;
    }
    std::uint16_t clen = be16_at(b, off + 2);
    if (clen < 4) {
      o << sep;
      o.u(n) << ") [Bad chunk length ";
      o.u(clen) << ", < size of chunk descriptor]";
      break;
    }
    std::uint32_t align = clen % 4 ? 4 - clen % 4 : 0;
    if (remaining < align) {
      o << sep;
      o.u(n) << ") [Bad chunk length ";
      o.u(clen) << ", > remaining data in packet]";
      break;
    }
    sub(b, off, clen);  // the chunk captured whole, or [|sctp]
    std::uint8_t id = b[off], flags = b[off + 1];
    o << sep;
    o.u(n) << ") [";
    if (auto name = tok_name(kChunks, id); !name.empty()) o << name;
    else o << "Unknown chunk type: 0x", o.hex(id);
    o << "] ";
    if (!print_chunk(p, s, off + 4, id, flags, clen, clen - 4u, forces)) return;
    off += clen;
    remaining -= clen;
    if (p.opt.verbose < 2) sep = ", (";
    if (align) {
      sub(b, off, align);
      off += align;
      remaining -= align;
    }
  }
}

void json_sctp(JsonWriter& w, const SctpL& l) {
  w.member("layer", "sctp");
  w.member("length", l.length);
  if (l.pkt.size() < 12 || l.length < 12) return;
  w.member("sport", static_cast<unsigned>(l.sport));
  w.member("dport", static_cast<unsigned>(l.dport));
  w.member("verification_tag", be32_at(l.pkt, 4));
  w.member("checksum", be32_at(l.pkt, 8));
  w.key("chunks");
  w.begin_array();
  std::size_t off = 12;
  std::uint32_t left = l.length - 12;
  while (left >= 4 && off + 4 <= l.pkt.size()) {
    std::uint16_t clen = be16_at(l.pkt, off + 2);
    w.begin_object();
    std::uint8_t id = l.pkt[off];
    if (auto name = tok_name(kChunks, id); !name.empty()) w.member("type", name);
    else w.member("type", static_cast<unsigned>(id));
    w.member("flags", static_cast<unsigned>(l.pkt[off + 1]));
    w.member("length", static_cast<unsigned>(clen));
    if (id == 0 && clen >= 16 && off + 16 <= l.pkt.size()) {
      w.member("tsn", be32_at(l.pkt, off + 4));
      w.member("stream", static_cast<unsigned>(be16_at(l.pkt, off + 8)));
      w.member("ssn", static_cast<unsigned>(be16_at(l.pkt, off + 10)));
      std::uint32_t ppid = be32_at(l.pkt, off + 12);
      w.member("ppid", ppid);
      // The payload's own header, typed: M3UA's (PPID 3) and ForCES's (its
      // ports or PPIDs 21-23), as far as it was captured.
      Bytes pay = l.pkt.subspan(off + 16, std::min<std::size_t>(clen - 16u, l.pkt.size() - (off + 16)));
      bool forces = (ppid >= 21 && ppid <= 23) || tok_find(kForcesPorts, l.sport) || tok_find(kForcesPorts, l.dport);
      if (forces && pay.size() >= 24) {
        w.key("forces");
        w.begin_object();
        w.member("version", static_cast<unsigned>(pay[0] >> 4));
        w.member("type", static_cast<unsigned>(pay[1]));
        w.member("length", static_cast<unsigned>(be16_at(pay, 2)) * 4u);
        w.member("src_id", be32_at(pay, 4));
        w.member("dst_id", be32_at(pay, 8));
        w.member("correlator", std::uint64_t(be32_at(pay, 12)) << 32 | be32_at(pay, 16));
        w.member("flags", be32_at(pay, 20));
        w.end_object();
      } else if (ppid == 3 && pay.size() >= 8) {
        w.key("m3ua");
        w.begin_object();
        w.member("version", static_cast<unsigned>(pay[0]));
        w.member("class", static_cast<unsigned>(pay[2]));
        w.member("type", static_cast<unsigned>(pay[3]));
        w.member("length", be32_at(pay, 4));
        w.end_object();
      }
    } else if (id == 3 && clen >= 16 && off + 16 <= l.pkt.size()) {
      w.member("cum_ack", be32_at(l.pkt, off + 4));
      w.member("a_rwnd", be32_at(l.pkt, off + 8));
    }
    w.end_object();
    std::uint32_t step = (clen + 3u) & ~3u;
    if (clen < 4 || step > left) break;
    off += step;
    left -= step;
  }
  w.end_array();
}

}  // namespace netlab::proto
