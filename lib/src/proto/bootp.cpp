// BOOTP and DHCPv4: RFC 951 (the fixed header), RFC 1497 and RFC 2132 (the
// vendor extensions and DHCP options), RFC 2131 (DHCP), RFC 3004 (user
// class), RFC 3046 (relay agent information), RFC 3442 (classless static
// routes), RFC 4702 (client FQDN), RFC 5859 (TFTP server address), RFC 8520
// (MUD URL). The text form is tcpdump 4.99.3's print-bootp.c line for line;
// the JSON form gives the same fields typed.
//
// Every byte is read through ByteReader or the TLV walker. tcpdump ends a
// packet in two ways here: a read past the capture (its GET_ macros) and its
// own checks (ND_TCHECK_*, nd_printztn), which print " [|bootp]" without
// unwinding; the second kind sets local_trunc before throwing, so -x dumps
// stay as tcpdump prints them.
#include "proto/proto.hpp"

namespace netlab::proto {

namespace {

// The BOOTP header (RFC 951): offsets into the message.
constexpr std::size_t kChaddr = 28, kSname = 44, kFile = 108, kVend = 236;
constexpr std::size_t kSnameLen = 64, kFileLen = 128;
constexpr std::uint32_t kRfc1048Cookie = 0x63825363;  // 99.130.83.99
constexpr std::uint32_t kCmuCookie = 0x434d5500;      // "CMU\0"

// The DHCP options RFC 1497/2132 list plus those tcpdump 4.99.3 names.
constexpr Tok kTagNames[] = {
    {0, "PAD"}, {1, "Subnet-Mask"}, {2, "Time-Zone"}, {3, "Default-Gateway"}, {4, "Time-Server"},
    {5, "IEN-Name-Server"}, {6, "Domain-Name-Server"}, {7, "LOG"}, {8, "CS"}, {9, "LPR-Server"}, {10, "IM"},
    {11, "RL"}, {12, "Hostname"}, {13, "BS"}, {14, "DP"}, {15, "Domain-Name"}, {16, "SS"}, {17, "RP"},
    {18, "EP"}, {19, "IPF"}, {20, "SRT"}, {21, "PF"}, {22, "RSZ"}, {23, "TTL"}, {24, "MTU-Timeout"},
    {25, "MTU-Table"}, {26, "MTU"}, {27, "LSN"}, {28, "BR"}, {29, "MD"}, {30, "MS"}, {31, "Router-Discovery"},
    {32, "RSA"}, {33, "Static-Route"}, {34, "UT"}, {35, "AT"}, {36, "IE"}, {37, "TT"}, {38, "KI"}, {39, "KG"},
    {40, "YD"}, {41, "YS"}, {42, "NTP"}, {43, "Vendor-Option"}, {44, "Netbios-Name-Server"}, {45, "WDD"},
    {46, "Netbios-Node"}, {47, "Netbios-Scope"}, {48, "XFS"}, {49, "XDM"}, {50, "Requested-IP"},
    {51, "Lease-Time"}, {52, "OO"}, {53, "DHCP-Message"}, {54, "Server-ID"}, {55, "Parameter-Request"},
    {56, "MSG"}, {57, "MSZ"}, {58, "RN"}, {59, "RB"}, {60, "Vendor-Class"}, {61, "Client-ID"}, {64, "N+D"},
    {65, "N+S"}, {66, "TFTP"}, {67, "BF"}, {68, "MH"}, {69, "SMTP"}, {70, "POP3"}, {71, "NNTP"}, {72, "WWW"},
    {73, "FG"}, {74, "IRC"}, {75, "STS"}, {76, "STDA"}, {77, "User-Class"}, {78, "SLP-DA"}, {79, "SLP-SCOPE"},
    {80, "SLP-NA"}, {81, "FQDN"}, {82, "Agent-Information"}, {83, "ARMT"}, {88, "TZSTR"}, {89, "FQDNS"},
    {90, "AUTH"}, {91, "Last-Transaction-Time"}, {92, "Associated-IP"}, {93, "ARCH"}, {94, "NDI"},
    {95, "LDAP"}, {97, "GUID"}, {98, "UAP"}, {100, "POSIX-TZ"}, {101, "TZ-Name"}, {112, "NI"}, {113, "NITAG"},
    {114, "URL"}, {116, "NOAUTO"}, {117, "NSSEARCH"}, {118, "SUBNET"}, {121, "Classless-Static-Route"},
    {150, "TFTP-Server-Address"}, {161, "MUD-URL"}, {249, "Classless-Static-Route-Microsoft"}, {255, "END"}};

// How an option's value is shown: tcpdump's one-letter formats.
enum class Fmt : char {
  Addr = 'i',      // IPv4 addresses, comma separated
  AddrPair = 'p',  // (address:address) pairs
  U32 = 'l',       // unsigned 32-bit numbers
  S32 = 'L',       // signed 32-bit numbers
  U16 = 's',       // unsigned 16-bit numbers
  Bytes = 'b',     // dotted decimal bytes
  Bool = 'B',      // Y/N per byte
  Text = 'a',      // a quoted string
  Special = '$',   // its own printer
  Raw = ' ',       // PAD, END, DHCP-Message of a length other than 1: bytes
  Unknown = '?',   // not in the table: chosen by the length
};

Fmt tag_format(std::uint8_t tag) {
  switch (tag) {
    case 1: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10: case 11: case 16: case 28:
    case 32: case 41: case 42: case 44: case 45: case 48: case 49: case 50: case 54: case 65: case 68:
    case 69: case 70: case 71: case 72: case 73: case 74: case 75: case 76: case 92: case 112: case 118:
    case 150:
      return Fmt::Addr;
    case 21: case 33:
      return Fmt::AddrPair;
    case 2: case 91:
      return Fmt::S32;
    case 24: case 35: case 38: case 51: case 58: case 59:
      return Fmt::U32;
    case 13: case 22: case 25: case 26: case 57: case 64: case 93: case 117:
      return Fmt::U16;
    case 23: case 37: case 43: case 55: case 78: case 79: case 83: case 89: case 90: case 94: case 97:
      return Fmt::Bytes;
    case 19: case 20: case 27: case 29: case 30: case 31: case 34: case 36: case 39: case 116:
      return Fmt::Bool;
    case 12: case 14: case 15: case 17: case 18: case 40: case 47: case 56: case 60: case 66: case 67:
    case 80: case 88: case 95: case 98: case 100: case 101: case 113: case 114: case 161:
      return Fmt::Text;
    case 46: case 52: case 61: case 77: case 81: case 82: case 121: case 249:
      return Fmt::Special;
    case 0: case 53: case 255:
      return Fmt::Raw;
    default:
      return Fmt::Unknown;
  }
}

constexpr Tok kOps[] = {{1, "Request"}, {2, "Reply"}};
constexpr Tok kDhcpMessages[] = {{1, "Discover"}, {2, "Offer"},   {3, "Request"}, {4, "Decline"},
                                 {5, "ACK"},      {6, "NACK"},    {7, "Release"}, {8, "Inform"},
                                 // RFC 4388 leasequery
                                 {10, "LeaseQuery"}, {11, "LeaseUnassigned"}, {12, "LeaseUnknown"},
                                 {13, "LeaseActive"}};
constexpr Tok kNetbiosNodes[] = {{1, "b-node"}, {2, "p-node"}, {4, "m-node"}, {8, "h-node"}};
constexpr Tok kOverload[] = {{1, "file"}, {2, "sname"}, {3, "file+sname"}};
constexpr Tok kHwTypes[] = {{1, "ether"}, {6, "ieee802"}, {7, "arcnet"}, {15, "frelay"}, {23, "strip"}, {24, "ieee1394"}};
constexpr Tok kAgentSubopts[] = {{1, "Circuit-ID"}, {2, "Remote-ID"}, {6, "Subscriber-ID"}};

// kDhcpOptions (options.hpp): the walker knows PAD; END is the loop's
// below (it only ends the list below -vvv).

[[noreturn]] void local_trunc(PrintCtx& p) {
  p.local_trunc = true;
  throw Truncated{};
}

// tcpdump's nd_printn on bytes known to be captured.
void chars(Out& o, Bytes b) {
  for (std::uint8_t c : b) print_char(o, c);
}

// tcpdump's nd_printztn over a fixed field: characters up to a NUL. Returns
// false when the field has no NUL or the capture ends first (tcpdump's
// "truncated", which it reports even for a full 64-byte name).
bool chars_to_nul(Out& o, Bytes msg, std::size_t off, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    if (off + k >= msg.size()) return false;
    std::uint8_t c = msg[off + k];
    if (c == 0) return true;
    print_char(o, c);
  }
  return false;
}

// The printers of the options with their own layout ('$' in tcpdump's
// table), one per option. Each reads from `v` and leaves in `len` what it did
// not use, which the caller reports as trailing data.

// After an error tcpdump steps over what is left of the value: none of it
// is then reported as trailing data.
void skip_rest(ByteReader& v, std::size_t& len) {
  v.skip(len);
  len = 0;
}

// An option shorter than the fixed part of its layout: tcpdump's
// "[ERROR: length < N bytes]", and the value is skipped.
bool shorter_than(Out& o, ByteReader& v, std::size_t& len, std::size_t need) {
  if (len >= need) return false;
  o << "[ERROR: length < ";
  o.u(need) << " bytes]";
  skip_rest(v, len);
  return true;
}

// NetBIOS node type (46) and option overload (52): one byte, by name.
void one_byte_name(Out& o, ByteReader& v, std::size_t& len, std::span<const Tok> table) {
  if (shorter_than(o, v, len, 1)) return;
  std::uint8_t x = v.u8();
  --len;
  tok_print(o, table, x, "#");
}

// RFC 4702 client FQDN (81): flags, two RCODEs, the name.
void print_client_fqdn(Out& o, ByteReader& v, std::size_t& len) {
  if (shorter_than(o, v, len, 3)) return;
  std::uint8_t flags = v.u8();
  if (flags & 0xf0) {
    o << "[ERROR: MBZ nibble 0x";
    o.hex((flags & 0xf0) >> 4) << " != 0] ";
  }
  if (flags & 0x0f) {
    o << '[';
    if (flags & 1) o << 'S';
    if (flags & 2) o << 'O';
    if (flags & 4) o << 'E';
    if (flags & 8) o << 'N';
    o << "] ";
  }
  std::uint8_t rc1 = v.u8(), rc2 = v.u8();
  if (rc1 || rc2) {
    o.u(rc1) << '/';
    o.u(rc2) << ' ';
  }
  o << '"';
  chars(o, v.bytes(len - 3));
  o << '"';
  len = 0;
}

// Client identifier (61): a hardware type and address, or type 0 and text.
void print_client_id(Out& o, ByteReader& v, std::size_t& len) {
  if (shorter_than(o, v, len, 1)) return;
  std::uint8_t type = v.u8();
  --len;
  if (type == 0) {
    o << '"';
    chars(o, v.bytes(len));
    o << '"';
  } else {
    tok_print(o, kHwTypes, type, "hardware-type ", ",") << ' ';
    o.mac(v.bytes(len));
  }
  len = 0;
}

// tcpdump's print_unknown_data under a sub-option: a hex dump, one tab deeper.
void hex_dump_one_tab_deeper(Out& o, Bytes data) {
  std::string dump;
  Out d(dump);
  hex_dump(d, data, false);
  for (std::size_t k = 0; k < dump.size(); ++k) {
    o << dump[k];
    if (dump[k] == '\n' && k + 1 < dump.size() && dump[k + 1] == '\t') o << '\t';
  }
}

// RFC 3046 relay agent information (82): sub-options, the known ones as text.
void print_agent_information(Out& o, ByteReader& v, std::size_t& len) {
  while (len >= 2) {
    std::uint8_t sub = v.u8(), sublen = v.u8();
    len -= 2;
    std::string_view name = tok_name(kAgentSubopts, sub);
    o << "\n\t      " << (name.empty() ? std::string_view("Unknown") : name) << " SubOption ";
    o.u(sub) << ", length ";
    o.u(sublen) << ": ";
    if (sublen > len) {
      o << "length goes past end of option";
      skip_rest(v, len);
      break;
    }
    Bytes data = v.bytes(sublen);
    if (sub == 1 || sub == 2 || sub == 6) chars(o, data);
    else hex_dump_one_tab_deeper(o, data);
    len -= sublen;
  }
}

// An RFC 3442 route's destination as "a.b.c.d/width": the significant
// octets, zeros for the rest. The text and the JSON forms both write it.
void classless_destination(Out& o, Bytes net, std::uint8_t width) {
  for (std::size_t k = 0; k < 4; ++k) {
    if (k) o << '.';
    o.u(k < net.size() ? net[k] : 0);
  }
  o << '/';
  o.u(width);
}

// RFC 3442 classless static routes (121, and Microsoft's 249): width,
// significant octets, router.
void print_classless_routes(Out& o, ByteReader& v, std::size_t& len) {
  if (shorter_than(o, v, len, 5)) return;
  bool first = true;
  while (len > 0) {
    if (!first) o << ',';
    first = false;
    std::uint8_t width = v.u8();
    --len;
    if (width > 32) {
      o << "[ERROR: Mask width (";
      o.u(width) << ") > 32]";
      skip_rest(v, len);
      break;
    }
    std::size_t significant = (width + 7u) / 8u;
    if (len < significant + 4) {
      o << "[ERROR: Remaining length (";
      o.u(len) << ") < ";
      o.u(significant + 4) << " bytes]";
      skip_rest(v, len);
      break;
    }
    o << '(';
    Bytes net = v.bytes(significant);
    if (width == 0) o << "default";
    else classless_destination(o, net, width);
    o << ':';
    o.ip4(v.bytes(4)) << ')';
    len -= significant + 4;
  }
}

// RFC 3004 user class (77): counted instances.
void print_user_class(Out& o, ByteReader& v, std::size_t& len) {
  if (shorter_than(o, v, len, 2)) return;
  unsigned n = 1;
  while (len > 0) {
    std::uint8_t sublen = v.u8();
    --len;
    o << "\n\t      instance#";
    o.u(n) << ": ";
    if (sublen == 0) {
      o << "[ERROR: suboption length must be non-zero]";
      skip_rest(v, len);
      break;
    }
    if (len < sublen) {
      o << "[ERROR: invalid option]";
      skip_rest(v, len);
      break;
    }
    o << '"';
    chars(o, v.bytes(sublen));
    o << "\", length ";
    o.u(sublen);
    ++n;
    len -= sublen;
  }
}

void print_special(PrintCtx& p, std::uint8_t tag, ByteReader& v, std::size_t& len) {
  Out& o = p.o;
  switch (tag) {
    case 46: return one_byte_name(o, v, len, kNetbiosNodes);
    case 52: return one_byte_name(o, v, len, kOverload);
    case 61: return print_client_id(o, v, len);
    case 77: return print_user_class(o, v, len);
    case 81: return print_client_fqdn(o, v, len);
    case 82: return print_agent_information(o, v, len);
    case 121: case 249: return print_classless_routes(o, v, len);
  }
}

// One option's value, by its format; `len` is what the format left over.
void print_value(PrintCtx& p, std::uint8_t tag, Fmt fmt, ByteReader& v, std::size_t& len) {
  Out& o = p.o;
  if (fmt == Fmt::Unknown) fmt = (len & 1) ? Fmt::Bytes : (len & 2) ? Fmt::U16 : Fmt::U32;
  bool first = true;
  auto sep = [&](char c) {
    if (!first) o << c;
    first = false;
  };
  switch (fmt) {
    case Fmt::Text:
      o << '"';
      chars(o, v.bytes(len));
      o << '"';
      len = 0;
      break;
    case Fmt::Addr:
    case Fmt::U32:
    case Fmt::S32:
      for (; len >= 4; len -= 4) {
        sep(',');
        if (fmt == Fmt::Addr) o.ip4(v.bytes(4));
        else if (fmt == Fmt::S32) o.i(static_cast<std::int32_t>(v.be32()));
        else o.u(v.be32());
      }
      break;
    case Fmt::AddrPair:
      for (; len >= 8; len -= 8) {
        sep(',');
        o << '(';
        o.ip4(v.bytes(4)) << ':';
        o.ip4(v.bytes(4)) << ')';
      }
      break;
    case Fmt::U16:
      for (; len >= 2; len -= 2) {
        sep(',');
        o.u(v.be16());
      }
      break;
    case Fmt::Bool:
      for (; len > 0; --len) {
        sep(',');
        std::uint8_t b = v.u8();
        if (b == 0) o << 'N';
        else if (b == 1) o << 'Y';
        else o.u(b) << '?';
      }
      break;
    case Fmt::Special:
      print_special(p, tag, v, len);
      break;
    default:  // Bytes, Raw
      for (; len > 0; --len) {
        sep('.');
        o.u(v.u8());
      }
      break;
  }
}

void print_rfc1048(PrintCtx& p, Bytes msg) {
  Out& o = p.o;
  o << "\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x";
  o.hex(be32_at(msg, kVend), 8);
  Bytes list = msg.subspan(kVend + 4);
  // tcpdump steps over PAD and stops at END below -vvv; at -vvv it counts a
  // run of PADs as one line and goes on after END: the walker then restarts
  // where tcpdump's loop goes on (base: where the walker's bytes start).
  std::size_t base = 0;
  TlvWalker walk(kDhcpOptions, list);
  auto restart = [&](std::size_t at) {
    base = at;
    walk = TlvWalker(kDhcpOptions, list.subspan(std::min(at, list.size())));
  };
  while (auto t = walk.next()) {
    std::uint8_t tag = t->type;
    std::size_t here = base + t->offset;
    if (tag == 0 && p.opt.verbose < 3) continue;
    if (tag == 255 && p.opt.verbose < 3) return;
    std::size_t len = 0;
    if (tag != 0 && tag != 255) {
      if (t->status == TlvStatus::Cut) throw Truncated{};  // the length byte is not there
      len = t->length;
    }
    std::string_view name = tok_name(kTagNames, tag);
    o << "\n\t    " << (name.empty() ? std::string_view("Unknown") : name) << " (";
    o.u(tag) << "), length ";
    o.u(len);
    if (len > 0) o << ": ";
    ByteReader v(t->rest.subspan(tag == 0 || tag == 255 ? 1 : 2));
    if (tag == 0) {  // -vvv: a run of PADs is one line
      unsigned run = 1;
      std::size_t next = here + 1;
      ByteReader pads(list.subspan(std::min(next, list.size())));
      while (pads.has(1) && pads.peek8(0) == 0) {
        pads.skip(1);
        ++run;
        ++next;
      }
      if (run > 1) {
        o << ", occurs ";
        o.u(run);
      }
      restart(next);
    }
    if (tag == 255) restart(here + 1);  // -vvv goes on after END, as tcpdump does
    if (!v.has(len)) local_trunc(p);  // tcpdump's ND_TCHECK_LEN
    if (tag == 53 && len == 1) {
      tok_print(o, kDhcpMessages, v.u8(), "Unknown (", ")");
      continue;
    }
    if (tag == 55) {  // parameter request list: four names a line
      for (std::size_t k = 0; k < len; ++k) {
        std::uint8_t asked = v.u8();
        o << (k % 4 == 0 ? "\n\t      " : ", ");
        std::string_view an = tok_name(kTagNames, asked);
        o << (an.empty() ? std::string_view("Unknown") : an) << " (";
        o.u(asked) << ')';
      }
      continue;
    }
    print_value(p, tag, tag_format(tag), v, len);
    if (len) {
      o << "\n\t  trailing data length ";
      o.u(len);
    }
  }
}

void print_cmu(PrintCtx& p, Bytes msg) {
  Out& o = p.o;
  o << " vend-cmu";
  if (msg.size() < kVend + 8) local_trunc(p);
  std::uint8_t flags = msg[kVend + 4];
  if (flags & ~1u) {
    o << " F:0x";
    o.hex(flags);
  }
  struct Field {
    std::size_t off;
    std::string_view name;
  };
  const Field fields[] = {{12, "DG"}, {8, (flags & 1) ? "SM" : "SM*"}, {16, "NS1"}, {20, "NS2"},
                          {24, "IEN1"}, {28, "IEN2"}, {32, "TS1"}, {36, "TS2"}};
  for (const auto& f : fields) {
    if (msg.size() < kVend + f.off + 4) local_trunc(p);
    Bytes a = msg.subspan(kVend + f.off, 4);
    if (be32_at(a, 0) != 0) {
      o << ' ' << f.name << ':';
      o.ip4(a);
    }
  }
}

}  // namespace

void decode_bootp(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "bootp";
  auto& b = c.d.push<BootpL>();
  b.msg = r.rest();
  b.length = length;
  // The text printer reads the bytes as it goes; the JSON status says up
  // front whether the message was captured whole.
  if (b.msg.size() < length) c.d.last()->status = Status::Truncated;
}

void print_bootp(PrintCtx& p, std::size_t i) {
  p.proto = "bootp";
  const auto& b = at<BootpL>(p.d, i);
  Out& o = p.o;
  Bytes msg = b.msg;
  ByteReader r(msg);
  std::uint8_t op = r.peek8(0);
  o << "BOOTP/DHCP, ";
  if (const Tok* t = tok_find(kOps, op)) {
    o << t->name;
  } else {
    o << "unknown (0x";
    o.hex(op, 2) << ')';
  }
  std::uint8_t htype = r.peek8(1), hlen = r.peek8(2);
  bool ether = htype == 1 && hlen == 6;
  if (ether && op == 1) {
    Bytes chaddr = sub(msg, kChaddr, 6);  // read before printing: a cut one ends the line here
    o << " from ";
    o.mac(chaddr);
  }
  o << ", length ";
  o.u(b.length);
  if (!p.opt.verbose) return;
  if (msg.size() < 10) local_trunc(p);
  if (htype != 1) {
    o << ", htype ";
    o.u(htype);
  }
  if (!ether) {
    o << ", hlen ";
    o.u(hlen);
  }
  if (std::uint8_t hops = msg[3]) {
    o << ", hops ";
    o.u(hops);
  }
  if (std::uint32_t xid = be32_at(msg, 4)) {
    o << ", xid 0x";
    o.hex(xid);
  }
  if (std::uint16_t secs = be16_at(msg, 8)) {
    o << ", secs ";
    o.u(secs);
  }
  std::uint16_t flags = be16_at(msg, 10);
  o << ", Flags [" << ((flags & 0x8000) ? "Broadcast" : "none") << ']';
  if (p.opt.verbose > 1) {
    o << " (0x";
    o.hex(flags, 4) << ')';
  }
  constexpr std::string_view kAddrNames[] = {"Client-IP", "Your-IP", "Server-IP", "Gateway-IP"};
  for (std::size_t k = 0; k < 4; ++k) {
    Bytes a = sub(msg, 12 + 4 * k, 4);
    if (be32_at(a, 0) != 0) {
      o << "\n\t  " << kAddrNames[k] << ' ';
      o.ip4(a);
    }
  }
  if (ether) {
    Bytes chaddr = sub(msg, kChaddr, 6);
    o << "\n\t  Client-Ethernet-Address ";
    o.mac(chaddr);
  }
  auto name_field = [&](std::size_t off, std::size_t n, std::string_view label) {
    if (sub(msg, off, 1)[0] == 0) return;
    o << "\n\t  " << label << " \"";
    bool whole = chars_to_nul(o, msg, off, n);
    o << '"';
    if (!whole) local_trunc(p);
  };
  name_field(kSname, kSnameLen, "sname");
  name_field(kFile, kFileLen, "file");
  if (msg.size() < kVend + 4) local_trunc(p);
  std::uint32_t cookie = be32_at(msg, kVend);
  if (cookie == kRfc1048Cookie) print_rfc1048(p, msg);
  else if (cookie == kCmuCookie) print_cmu(p, msg);
  else if (cookie != 0) {
    o << "\n\t  Vendor-#0x";
    o.hex(cookie);
  }
}

}  // namespace netlab::proto

namespace netlab::proto {

namespace {

// Text of captured bytes for JSON: printable ASCII kept, the rest as
// tcpdump shows it (^X, M-x), so the value is always valid JSON text.
std::string printable(Bytes b) {
  std::string s;
  Out o(s);
  for (std::uint8_t c : b) print_char(o, c);
  return s;
}

// The options with a byte format ('b', and those tcpdump prints as bytes):
// the DHCP message type and the parameter request list by number, the
// others as hex.
void json_byte_value(JsonWriter& w, std::uint8_t tag, Bytes v) {
  if (tag == 53 && v.size() == 1) {
    w.member("message_type", v[0]);
    if (auto n = tok_name(kDhcpMessages, v[0]); !n.empty()) w.member("message", n);
    return;
  }
  if (tag == 55) {
    w.key("requested");
    w.begin_array();
    for (std::uint8_t x : v) w.value(x);
    w.end_array();
    return;
  }
  w.member("data", hex_text(v));
}

// The options whose table format says how to read them: text, addresses,
// numbers, booleans.
void json_formatted_value(JsonWriter& w, Fmt fmt, Bytes v) {
  ByteReader r(v);
  switch (fmt) {
    case Fmt::Text:
      w.member("text", printable(v));
      return;
    case Fmt::Addr:
    case Fmt::AddrPair:
      w.key("addresses");
      w.begin_array();
      while (r.has(4)) w.value(ip4_text(r.bytes(4)));
      w.end_array();
      return;
    case Fmt::U32:
    case Fmt::S32:
    case Fmt::U16:
      w.key("values");
      w.begin_array();
      if (fmt == Fmt::U16) {
        while (r.has(2)) w.value(r.be16());
      } else {
        while (r.has(4)) {
          std::uint32_t x = r.be32();
          if (fmt == Fmt::S32) w.value(static_cast<std::int64_t>(static_cast<std::int32_t>(x)));
          else w.value(static_cast<std::uint64_t>(x));
        }
      }
      w.end_array();
      return;
    default:  // Bool
      w.key("values");
      w.begin_array();
      for (std::uint8_t x : v) w.value(x != 0);
      w.end_array();
      return;
  }
}

// RFC 3046 relay agent information (82): each sub-option as an object.
void json_agent_information(JsonWriter& w, ByteReader r) {
  w.key("suboptions");
  w.begin_array();
  while (r.has(2)) {
    std::uint8_t sub = r.u8(), len = r.u8();
    w.begin_object();
    w.member("type", sub);
    if (auto n = tok_name(kAgentSubopts, sub); !n.empty()) w.member("name", n);
    w.member("length", len);
    if (!r.has(len)) {
      w.member("past_end", true);
      w.end_object();
      break;
    }
    w.member("data", hex_text(r.bytes(len)));
    w.end_object();
  }
  w.end_array();
}

// RFC 3442 classless static routes (121, 249): destination and router pairs,
// up to the first malformed route.
void json_classless_routes(JsonWriter& w, ByteReader r) {
  w.key("routes");
  w.begin_array();
  while (r.has(1)) {
    std::uint8_t width = r.u8();
    std::size_t significant = (width + 7u) / 8u;
    if (width > 32 || !r.has(significant + 4)) break;
    std::string dst;
    Out d(dst);
    classless_destination(d, r.bytes(significant), width);
    w.begin_object();
    w.member("destination", dst);
    w.member("router", ip4_text(r.bytes(4)));
    w.end_object();
  }
  w.end_array();
}

// The options with their own layout ('$'), one case each.
void json_special_value(JsonWriter& w, std::uint8_t tag, Bytes v) {
  ByteReader r(v);
  switch (tag) {
    case 61:
      if (r.has(1)) {
        std::uint8_t type = r.u8();
        w.member("hardware_type", type);
        if (type == 0) w.member("text", printable(r.rest()));
        else w.member("address", mac_text(r.rest()));
      }
      return;
    case 81:
      if (r.has(3)) {
        w.member("flags", r.u8());
        w.member("rcode1", r.u8());
        w.member("rcode2", r.u8());
        w.member("name", printable(r.rest()));
      }
      return;
    case 82:
      return json_agent_information(w, r);
    case 121:
    case 249:
      return json_classless_routes(w, r);
    case 77: {
      w.key("instances");
      w.begin_array();
      while (r.has(1)) {
        std::uint8_t len = r.u8();
        if (len == 0 || !r.has(len)) break;
        w.value(printable(r.bytes(len)));
      }
      w.end_array();
      return;
    }
    default:  // 46 Netbios node type, 52 overload
      if (r.has(1)) w.member("value", r.u8());
      return;
  }
}

// One option's value, chosen by the same format table as the text form.
void json_option_value(JsonWriter& w, std::uint8_t tag, Bytes v) {
  Fmt fmt = tag_format(tag);
  if (fmt == Fmt::Unknown || fmt == Fmt::Raw || fmt == Fmt::Bytes) json_byte_value(w, tag, v);
  else if (fmt == Fmt::Special) json_special_value(w, tag, v);
  else json_formatted_value(w, fmt, v);
}

}  // namespace

void json_bootp(JsonWriter& w, const BootpL& l) {
  w.member("layer", "bootp");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.size() >= 1) {
    w.member("op", m[0]);
    if (auto n = tok_name(kOps, m[0]); !n.empty()) w.member("op_name", n);
  }
  if (m.size() >= 4) {
    w.member("htype", m[1]);
    w.member("hlen", m[2]);
    w.member("hops", m[3]);
  }
  if (m.size() >= 8) w.member("xid", be32_at(m, 4));
  if (m.size() >= 10) w.member("secs", be16_at(m, 8));
  if (m.size() >= 12) {
    std::uint16_t flags = be16_at(m, 10);
    w.member("flags", flags);
    w.member("broadcast", (flags & 0x8000) != 0);
  }
  constexpr std::string_view kKeys[] = {"ciaddr", "yiaddr", "siaddr", "giaddr"};
  for (std::size_t k = 0; k < 4; ++k)
    if (m.size() >= 16 + 4 * k) w.member(kKeys[k], ip4_text(m.subspan(12 + 4 * k, 4)));
  if (m.size() >= kChaddr + 16 && m.size() >= 3) {
    std::size_t hlen = std::min<std::size_t>(m[2], 16);
    w.member("chaddr", mac_text(m.subspan(kChaddr, hlen)));
  }
  auto name = [&](std::string_view key, std::size_t off, std::size_t n) {
    if (m.size() < off + n) return;
    Bytes f = m.subspan(off, n);
    std::size_t end = 0;
    while (end < f.size() && f[end] != 0) ++end;
    w.member(key, printable(f.first(end)));
  };
  name("sname", kSname, kSnameLen);
  name("file", kFile, kFileLen);
  if (m.size() < kVend + 4) return;
  std::uint32_t cookie = be32_at(m, kVend);
  w.member("cookie", cookie);
  if (cookie != kRfc1048Cookie) return;
  json_options(w, TlvWalker(kDhcpOptions, m.subspan(kVend + 4)),
               [](JsonWriter& jw, const Tlv& t, TlvWalker& walker) {
                 jw.member("type", t.type);
                 if (auto n = tok_name(kTagNames, t.type); !n.empty()) jw.member("name", n);
                 if (t.type == 255) {
                   walker = TlvWalker(kDhcpOptions, {});  // END: the list is over
                   return;
                 }
                 if (t.type == 0) return;
                 if (t.status != TlvStatus::Ok) throw Truncated{};
                 jw.member("length", t.length);
                 json_option_value(jw, t.type, t.value);
               });
}

}  // namespace netlab::proto
