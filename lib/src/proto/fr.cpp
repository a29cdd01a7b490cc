// Frame Relay (link type 107, LINKTYPE_FRELAY, and the frames inside FRF.16
// fragments): the ITU-T Q.922 address (2 to 4 bytes: DLCI, C/R, FECN, BECN,
// DE), then either Cisco's encapsulation, an ethertype right after the
// address, or RFC 2427's UI control byte, optional pad and NLPID (SNAP, IPv4,
// IPv6, the OSI protocols, PPP, ITU-T Q.933 signalling and FRF.15
// fragments). The text follows tcpdump 4.99.3's print-fr.c: nothing before
// the network layer at -n but its complaints ("UI 08! " when the byte after
// the address is no UI and no ethertype it knows follows, "Pad! ", "No
// pad! "), "Q.922, hdr-len 2, DLCI 302, Flags [none], cisco-ethertype IPv6
// (0x86dd), length 80: " or "..., NLPID SNAP (0x80), length 80: " under -e.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::uint8_t kUi = 0x03;
constexpr std::uint8_t kNlpidSnap = 0x80, kNlpidClnp = 0x81, kNlpidEsis = 0x82, kNlpidIsis = 0x83,
                       kNlpidIp = 0xcc, kNlpidIp6 = 0x8e, kNlpidQ933 = 0x08, kNlpidFrf15 = 0xb1,
                       kNlpidPpp = 0xcf;

// tcpdump's fr_header_flag_values over the four flag bytes as one number,
// in its order.
constexpr Tok kFlags[] = {
    {0x02000000, "C!"}, {0x00020000, "DE"}, {0x00040000, "BECN"}, {0x00080000, "FECN"}, {0x00000002, "sdlcore"}};
// FRF.15/FRF.16 fragment bits (tcpdump's frf_flag_values).
constexpr Tok kFragFlags[] = {{0x80, "Begin"}, {0x40, "End"}, {0x20, "Control"}};

// The ethertypes tcpdump 4.99.3's ethertype_print knows: after a Q.922
// address and a byte other than UI, one of these is Cisco's encapsulation;
// any other sends tcpdump on to the NLPID header ("UI %02x! ").
bool tcpdump_ethertype(std::uint16_t t) {
  switch (t) {
    case 0x0707: case 0x0800: case 0x0806: case 0x1111: case 0x3c12: case 0x3c13: case 0x6003:
    case 0x8035: case 0x809b: case 0x80f3: case 0x8137: case 0x86dd: case 0x8808: case 0x8809:
    case 0x880b: case 0x8847: case 0x8848: case 0x8863: case 0x8864: case 0x886f: case 0x888e:
    case 0x8899: case 0x88a2: case 0x88ca: case 0x88cc: case 0x88f7: case 0x8902: case 0x8947:
    case 0x894f: case 0x9000: case 0xabcd: case 0xfefe:
      return true;
    default:
      return false;
  }
}

// tcpdump's parse_q922_header over the captured bytes b and the length:
// 1 a valid address (f filled), 0 not a Q.922 address, -1 cut short.
int read_q922(Bytes b, std::uint32_t length, FrL& f) {
  if (b.empty() || length < 1) return -1;
  if (b[0] & 0x01) return 0;  // the EA bit ends the address after one byte
  if (b.size() < 2 || length < 2) return -1;
  f.addr_len = 2;
  f.dlci = static_cast<std::uint32_t>((b[0] & 0xfc) << 2 | (b[1] & 0xf0) >> 4);
  f.flags = static_cast<std::uint32_t>(b[0] & 0x02) << 24 | static_cast<std::uint32_t>(b[1] & 0x0e) << 16;
  if (b[1] & 0x01) return 1;
  std::size_t at = 2;
  if (b.size() < 3 || length < 3) return -1;
  f.addr_len = 3;
  if (!(b[2] & 0x01)) {  // a 4-byte address: seven more DLCI bits
    f.dlci = f.dlci << 7 | b[2] >> 1;
    f.addr_len = 4;
    at = 3;
  }
  if (b.size() < at + 1 || length < at + 1) return -1;
  if (!(b[at] & 0x01)) return 0;  // more than four address bytes
  f.flags |= static_cast<std::uint32_t>(b[at] & 0x02);
  f.dlci = f.dlci << 6 | b[at] >> 2;
  return 1;
}

// tcpdump's fr_hdr_print: type <= 0xff is an NLPID, else an ethertype.
void print_header(Out& o, const PrintOptions& opt, const FrL& f, std::uint32_t length, std::uint32_t addr_len,
                  std::uint16_t type) {
  if (opt.quiet) {
    o << "Q.922, DLCI ";
    o.u(f.dlci) << ", length ";
    o.u(length) << ": ";
    return;
  }
  o << "Q.922, hdr-len ";
  o.u(addr_len) << ", DLCI ";
  o.u(f.dlci) << ", Flags [";
  print_bit_names(o, kFlags, f.flags, "none");
  if (type <= 0xff) {
    o << "], NLPID ";
    name_or(o, nlpid_names(), type, "unknown") << " (0x";
    o.hex(type, 2);
  } else {
    std::string_view name = ethertype_name(type);
    o << "], cisco-ethertype " << (name.empty() ? std::string_view("unknown") : name) << " (0x";
    o.hex(type, 4);
  }
  o << "), length ";
  o.u(length) << ": ";
}

// tcpdump's ND_DEFAULTPRINT: the hex and ASCII of the bytes, " [|proto]"
// (the printer last at work) when fewer were captured than the length says.
void default_print(PrintCtx& p, Bytes b, std::uint32_t length, std::string_view proto) {
  if (p.opt.hex != HexStyle::None) return;
  hex_dump(p.o, b.first(std::min<std::size_t>(b.size(), length)), true);
  if (b.size() < length) p.o << " [|" << proto << ']';
}

// ---- ITU-T Q.933 (NLPID 0x08): tcpdump's q933_print ----------------------

constexpr Tok kQ933Messages[] = {
    {0x00, "ESC to National"}, {0x01, "Alert"},   {0x02, "Call proceeding"}, {0x07, "Connect"},
    {0x0f, "Connect ACK"},     {0x03, "Progress"}, {0x05, "Setup"},          {0x45, "Disconnect"},
    {0x4d, "Release"},         {0x5a, "Release Complete"}, {0x46, "Restart"}, {0x4e, "Restart ACK"},
    {0x7d, "Status Reply"},    {0x75, "Status Enquiry"}};
// The information elements of codesets 0 and 5 (ANSI T1.617 Annex D and
// ITU-T Q.933 Annex A link management).
constexpr Tok kQ933Ies[] = {{0x01, "ANSI Report Type"}, {0x19, "ANSI Link Verify"}, {0x03, "ANSI Link Verify"},
                            {0x07, "ANSI PVC Status"},  {0x51, "CCITT Report Type"}, {0x53, "CCITT Link Verify"},
                            {0x57, "CCITT PVC Status"}};
constexpr Tok kReportTypes[] = {{0, "Full Status"}, {1, "Link verify"}, {2, "Async PVC Status"}};

// printf's "%3d" of a byte.
void pad3(Out& o, std::uint8_t v) {
  if (v < 100) o << ' ';
  if (v < 10) o << ' ';
  o.u(v);
}

// An IE of codeset 0 or 5 (ie its bytes, all captured); false when tcpdump
// has no printer for it.
bool print_q933_ie(Out& o, const PrintOptions& opt, std::uint8_t code, Bytes ie) {
  std::size_t n = ie.size();
  switch (code) {
    case 0x01:
    case 0x51:
      if (opt.verbose) {
        name_or(o, kReportTypes, ie[0], "unknown") << " (";
        o.u(ie[0]) << ')';
      }
      return true;
    case 0x03:
    case 0x53:
    case 0x19:
      if (!opt.verbose) o << ", ";
      if (n < 2) {
        o << "Invalid LINK VERIFY IE";
        return true;
      }
      o << "TX Seq: ";
      pad3(o, ie[0]);
      o << ", RX Seq: ";
      pad3(o, ie[1]);
      return true;
    case 0x07:
    case 0x57: {
      if (!opt.verbose) o << ", ";
      bool bad = n < 3 || (ie[0] & 0x80) || n > 5 || !(ie[n - 1] & 0x80) || (n == 3 && !(ie[1] & 0x80)) ||
                 (n == 4 && ((ie[1] & 0x80) || !(ie[2] & 0x80))) ||
                 (n == 5 && ((ie[1] & 0x80) || (ie[2] & 0x80) || !(ie[3] & 0x80)));
      if (bad) {
        o << "Invalid DLCI in PVC STATUS IE";
        return true;
      }
      std::uint32_t dlci = static_cast<std::uint32_t>((ie[0] & 0x3f) << 4 | (ie[1] & 0x78) >> 3);
      if (n == 4) dlci = dlci << 6 | (ie[2] & 0x7e) >> 1;
      else if (n == 5) dlci = dlci << 13 | (ie[2] & 0x7f) | (ie[3] & 0x7e) >> 1;
      o << "DLCI ";
      o.u(dlci) << ": status " << ((ie[n - 1] & 0x08) ? "New, " : "") << ((ie[n - 1] & 0x02) ? "Active" : "Inactive");
      return true;
    }
    default:
      return false;
  }
}

// Q.933's codeset state: the current codeset, the one a non-locking shift
// returns to, and where such a shift stands (1: just seen, 2: one IE on).
struct Q933Shift {
  unsigned codeset = 0, unshift = 0, non_locking = 0;
};

// The information elements from AT for LENGTH bytes; false where tcpdump
// stops at an empty one (no closing length then).
bool print_q933_ies(PrintCtx& p, Bytes b, std::size_t at, std::uint32_t length, std::uint32_t olen, Q933Shift sh) {
  Out& o = p.o;
  const bool v = p.opt.verbose > 0;
  auto cut_ie = [&] {
    if (!v) {
      o << ", length ";
      o.u(olen);
    }
    throw Truncated{};
  };
  while (length != 0) {
    if (sh.non_locking == 1) {
      sh.non_locking = 2;
    } else if (sh.non_locking == 2) {
      sh.codeset = sh.unshift;
      sh.non_locking = 0;
    }
    if (b.size() <= at) cut_ie();
    std::uint8_t ie = b[at++];
    --length;
    if (ie & 0x80) {  // a single-octet IE: only shifts change anything
      if ((ie & 0xf0) == 0x90) {
        if (!(ie & 0x08)) {
          sh.non_locking = 0;
        } else {
          sh.non_locking = 1;
          sh.unshift = sh.codeset;
        }
        sh.codeset = ie & 0x07;
      }
      continue;
    }
    if (length == 0 || b.size() <= at) cut_ie();
    std::uint8_t ielen = b[at++];
    --length;
    const bool table = sh.codeset == 0 || sh.codeset == 5;
    if (v) {
      o << "\n\t";
      if (table) name_or(o, kQ933Ies, ie, "unknown");
      else o << "unknown";
      o << " IE (0x";
      o.hex(ie, 2) << "), length ";
      o.u(ielen) << ": ";
    }
    if (ie == 0 || ielen == 0) return false;
    if (length < ielen || b.size() < at + ielen) cut_ie();
    Bytes body = b.subspan(at, ielen);
    bool known = table && print_q933_ie(o, p.opt, ie, body);
    if (known) {
      if (p.opt.verbose > 1) print_unknown_data(o, body, ielen, "\n\t  ");
    } else if (v) {
      print_unknown_data(o, body, ielen, "\n\t");
    }
    length -= ielen;
    at += ielen;
  }
  return true;
}

// b the captured bytes from the call reference's length octet on, length
// the message's length.
void print_q933(PrintCtx& p, Bytes b, std::uint32_t length) {
  p.proto = "q.933";
  Out& o = p.o;
  const bool eflag = p.opt.link_header, v = p.opt.verbose > 0;
  o << (eflag ? "" : "Q.933");
  const std::uint32_t olen = length;
  auto cut = [&] {  // the header's own truncation: the length, then " [|q.933]"
    if (!eflag) o << ", ";
    o << "length ";
    o.u(olen);
    throw Truncated{};
  };
  std::size_t at = 0;
  if (length == 0 || b.empty()) cut();
  std::uint32_t crl = b[0] & 0x0f;
  ++at;
  --length;
  if (length < crl || b.size() < at + crl) cut();
  Bytes call_ref = b.subspan(at, crl);
  at += crl;
  length -= crl;
  if (length == 0 || b.size() <= at) cut();
  std::uint8_t msgtype = b[at++];
  --length;
  unsigned codeset = 0, unshift = 0, non_locking = 0;
  bool ansi = false;
  if (length != 0) {
    if (b.size() <= at) cut();
    std::uint8_t ie = b[at];
    if ((ie & 0xf0) == 0x90) {  // a shift first
      ++at;
      --length;
      codeset = ie & 0x07;
      if (!(ie & 0x08)) {
        if (codeset == 5) ansi = true;  // a locking shift to codeset 5: T1.617 Annex D
      } else {
        non_locking = 1;
        unshift = 0;
      }
    }
  }
  if (!eflag) o << ", ";
  o << (ansi ? "ANSI" : "CCITT") << ", codeset ";
  o.u(codeset);
  if (crl != 0) {
    // tcpdump 4.99.3 tests the byte after the message type (and any
    // shift), not the reference's, and only for a one-byte reference
    if (crl == 1 && b.size() <= at) throw Truncated{};
    if (crl > 1 || b[at] != 0) {
      o << ", Call Ref: 0x";
      for (std::uint8_t x : call_ref) o.hex(x, 2);
    }
  }
  if (v) {
    o << ", ";
    name_or(o, kQ933Messages, msgtype, "unknown message") << " (0x";
    o.hex(msgtype, 2) << "), length ";
    o.u(olen);
  } else {
    o << ", ";
    if (auto name = tok_name(kQ933Messages, msgtype); !name.empty()) {
      o << name;
    } else {
      o << "unknown message 0x";
      o.hex(msgtype, 2);
    }
  }
  if (!print_q933_ies(p, b, at, length, olen, Q933Shift{codeset, unshift, non_locking})) return;
  if (!v) {
    o << ", length ";
    o.u(olen);
  }
}

// ---- FRF.15 (NLPID 0xb1): tcpdump's frf15_print --------------------------
void print_frf15(PrintCtx& p, Bytes b, std::uint32_t length) {
  Out& o = p.o;
  if (length < 2 || b.size() < 2) throw Truncated{};  // " [|fr]"
  std::uint16_t seq = static_cast<std::uint16_t>((b[0] & 0x1e) << 7 | b[1]);
  o << "FRF.15, seq 0x";
  o.hex(seq, 3) << ", Flags [";
  print_bit_names(o, kFragFlags, b[0] & 0xe0, "none");
  o << "]," << ((b[0] & 0x01) ? "Interface" : "End-to-End") << " Fragmentation, length ";
  o.u(length);
}

}  // namespace

void decode_fr(Ctx& c, ByteReader r, std::uint32_t length, bool link) {
  c.d.trunc_proto = "fr";
  if (link && !r.has(4)) throw Truncated{};  // tcpdump's minimum frame header
  auto& f = c.d.push<FrL>();
  f.length = length;
  Bytes b = r.rest();
  f.frame = b.first(std::min<std::size_t>(b.size(), length));
  int q = read_q922(b, length, f);
  if (q < 0) throw Truncated{};
  f.stage = 1;
  if (q == 0) {
    f.invalid = true;
    return;
  }
  const std::size_t a = f.addr_len;
  if (b.size() < a + 1 || length < a + 1) throw Truncated{};
  f.control = b[a];
  if (f.control != kUi && f.dlci != 0) {
    // Cisco's encapsulation: an ethertype right after the address
    if (b.size() < a + 2 || length < a + 2) {
      f.ui_bang = true;
    } else {
      f.cisco = true;
      f.type = static_cast<std::uint16_t>(b[a] << 8 | b[a + 1]);
      if (tcpdump_ethertype(f.type)) {
        f.stage = 3;
        r.skip(a + 2);
        decode_ethertype(c, f.type, r, length - static_cast<std::uint32_t>(a) - 2);
        return;
      }
      f.ui_bang = true;
    }
  }
  if (b.size() < a + 2 || length < a + 2) throw Truncated{};
  std::size_t hdr = a + 2;
  if (b[a + 1] == 0) {  // a pad byte after UI, which only 3-byte addresses should have
    if (a != 3) f.pad = FrL::PadUnexpected;
    hdr = a + 3;
  } else if (a == 3) {
    f.pad = FrL::PadMissing;
  }
  if (b.size() < hdr || length < hdr) throw Truncated{};
  f.nlpid = b[hdr - 1];
  f.hdr_len = static_cast<std::uint8_t>(hdr);
  f.stage = 2;
  std::uint32_t rest = length - static_cast<std::uint32_t>(hdr);
  switch (f.nlpid) {
    case kNlpidIp: r.skip(hdr); decode_ipv4(c, r, rest); return;
    case kNlpidIp6: r.skip(hdr); decode_ipv6(c, r, rest); return;
    case kNlpidIsis: r.skip(hdr - 1); decode_isis(c, r, rest + 1); return;  // from the NLPID on
    case kNlpidSnap: r.skip(hdr); decode_snap(c, r, rest); return;
    case kNlpidPpp: r.skip(hdr); decode_ppp(c, r, rest, false); return;
    default: return;  // Q.933, FRF.15, the OSI protocols netlab lacks and the rest: printed from frame
  }
}

void print_fr(PrintCtx& p, std::size_t i) {
  p.proto = "fr";
  const auto& f = at<FrL>(p.d, i);
  Out& o = p.o;
  const bool eflag = p.opt.link_header;
  if (f.stage < 1) return;  // " [|fr]"
  if (f.invalid) {
    o << "Q.922, invalid address";
    return;
  }
  if (f.cisco) {
    if (eflag) print_header(o, p.opt, f, f.length, f.addr_len, f.type);
    if (f.stage == 3) {
      print_link_payload(p, i, [&] { print_header(o, p.opt, f, f.length, f.addr_len, f.type); });
      return;
    }
  }
  if (f.ui_bang) {
    o << "UI ";
    o.hex(f.control, 2) << "! ";
  }
  // The pad byte's complaint comes before the NLPID is read.
  if (f.pad == FrL::PadUnexpected) o << "Pad! ";
  else if (f.pad == FrL::PadMissing) o << "No pad! ";
  if (f.stage < 2) return;  // " [|fr]"
  if (eflag) print_header(o, p.opt, f, f.length, f.addr_len, f.nlpid);
  const std::uint32_t rest = f.length - f.hdr_len;
  Bytes payload = f.frame.subspan(std::min<std::size_t>(f.hdr_len, f.frame.size()));
  switch (f.nlpid) {
    case kNlpidIp:
    case kNlpidIp6:
    case kNlpidIsis:
    case kNlpidPpp:
      print_layers(p, i + 1);
      return;
    case kNlpidClnp:
    case kNlpidEsis: {
      // tcpdump's isoclns_print: netlab has no CLNP or ES-IS printer yet,
      // so their bytes follow the prefix -e prints.
      p.proto = "isoclns";
      if (eflag) {
        o << "OSI NLPID ";
        name_or(o, nlpid_names(), f.nlpid, "Unknown") << " (0x";
        o.hex(f.nlpid, 2) << "): ";
      }
      Bytes osi = f.frame.subspan(std::min<std::size_t>(f.hdr_len - 1u, f.frame.size()));
      if (p.opt.hex == HexStyle::None) hex_dump(o, osi, true);
      return;
    }
    case kNlpidSnap: {
      print_layers(p, i + 1);
      // snap_print knew nothing of the OUI and PID: the header (unless -e
      // printed it, and with hdr-len where the address length belongs)
      // and the whole frame's bytes.
      if (!is<LlcL>(p.d, i + 1) || at<LlcL>(p.d, i + 1).stage < 2 || i + 2 < p.d.size()) return;
      if (!eflag) print_header(o, p.opt, f, f.length, f.hdr_len, f.nlpid);
      if (!p.opt.quiet) default_print(p, f.frame, f.length, "snap");  // -q suppresses this dump, not the others
      return;
    }
    case kNlpidQ933:
      print_q933(p, payload, rest);
      return;
    case kNlpidFrf15:
      print_frf15(p, payload, rest);
      return;
    default:
      if (!eflag) print_header(o, p.opt, f, f.length, f.addr_len, f.nlpid);
      default_print(p, payload, rest, "fr");
      return;
  }
}

void json_fr(JsonWriter& w, const FrL& l) {
  w.member("layer", "frame_relay");
  w.member("length", l.length);
  if (l.stage < 1) return;
  w.member("valid_address", !l.invalid);
  if (l.invalid) return;
  w.member("dlci", l.dlci);
  w.member("address_length", l.addr_len);
  w.member("cr", (l.flags & 0x02000000u) != 0);
  w.member("de", (l.flags & 0x00020000u) != 0);
  w.member("fecn", (l.flags & 0x00080000u) != 0);
  w.member("becn", (l.flags & 0x00040000u) != 0);
  w.member("sdlc", (l.flags & 0x00000002u) != 0);
  if (l.cisco || l.ui_bang) w.member("control", l.control);
  if (l.stage == 3) {
    w.member("encapsulation", "cisco");
    w.member("ethertype", l.type);
    return;
  }
  if (l.stage < 2) return;
  w.member("encapsulation", "rfc2427");
  w.member("pad", l.hdr_len == l.addr_len + 3u);
  w.member("nlpid", l.nlpid);
  std::string_view name = tok_name(nlpid_names(), l.nlpid);
  if (!name.empty()) w.member("nlpid_name", name);
  Bytes payload = l.frame.subspan(std::min<std::size_t>(l.hdr_len, l.frame.size()));
  if (l.nlpid == kNlpidFrf15 && payload.size() >= 2) {
    w.key("frf15");
    w.begin_object();
    w.member("seq", (payload[0] & 0x1e) << 7 | payload[1]);
    w.member("begin", (payload[0] & 0x80) != 0);
    w.member("end", (payload[0] & 0x40) != 0);
    w.member("control", (payload[0] & 0x20) != 0);
    w.member("interface", (payload[0] & 0x01) != 0);
    w.end_object();
  } else if (l.nlpid == kNlpidQ933 && !payload.empty()) {
    std::size_t crl = payload[0] & 0x0f;
    if (payload.size() > crl + 1) {
      w.key("q933");
      w.begin_object();
      w.member("call_reference", hex_text(payload.subspan(1, crl)));
      w.member("message_type", payload[crl + 1]);
      std::string_view m = tok_name(kQ933Messages, payload[crl + 1]);
      if (!m.empty()) w.member("message", m);
      w.end_object();
    }
  }
}

}  // namespace netlab::proto
