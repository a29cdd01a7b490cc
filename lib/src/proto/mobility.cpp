// The IPv6 Mobility Header (RFC 6275 section 6.1), IP protocol 135 and the
// old 62, reached from the IPv6 next-header chain as tcpdump 4.99.3's
// ip6_print reaches print-mobility.c. At -n "mobility: BU seq#=1000 A
// lifetime=14400"; from -v the cookies and tokens of the return routability
// messages and the mobility options (RFC 6275 section 6.2). tcpdump checks
// the byte after each option is captured, so an option list that ends the
// captured message ends in " [|mobility]".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kTypes[] = {{0, "BRR"}, {1, "HoTI"}, {2, "CoTI"}, {3, "HoT"},
                          {4, "CoT"}, {5, "BU"},   {6, "BA"},   {7, "BE"}};

// The smallest header each message needs (tcpdump's ip6m_hdrlen).
constexpr unsigned kMinLength[] = {8, 16, 16, 24, 24, 12, 12, 24};

std::uint8_t byte_at(Bytes b, std::size_t off) { return sub(b, off, 1)[0]; }

void cookie(Out& o, Bytes b, std::size_t off, std::string_view who, std::string_view what) {
  std::uint32_t hi = be32_at(b, off), lo = be32_at(b, off + 4);
  o << ' ' << who << ' ' << what << '=';
  o.hex(hi, 8) << ':';
  o.hex(lo, 8);
}

// The binding lifetime at bytes 10-11, in units of 4 seconds.
void lifetime(Out& o, Bytes b) {
  std::uint32_t secs = std::uint32_t(be16_at(b, 10)) << 2;
  o << " lifetime=";
  o.u(secs);
}

// One option at opts[i] whose whole length fits the list; left is what the
// list holds from it on.
void print_option(Out& o, Bytes opts, std::size_t i, std::size_t left) {
  std::uint8_t type = opts[i];
  auto need = [&](std::size_t min, std::string_view name) {
    if (left >= min) return;
    o << '(' << name << ": trunc)";
    throw Truncated{};
  };
  switch (type) {
    case 0: o << "(pad1)"; break;
    case 1: need(2, "padn"), o << "(padn)"; break;
    case 2: {
      need(4, "refresh");
      std::uint32_t secs = std::uint32_t(be16_at(opts, i + 2)) << 2;  // read before anything is printed
      o << "(refresh: ";
      o.u(secs) << ')';
      break;
    }
    case 3: {
      need(18, "altcoa");
      Bytes coa = sub(opts, i + 2, 16);
      o << "(alt-CoA: ";
      o.ip6(coa) << ')';
      break;
    }
    case 4: {
      need(6, "ni");
      std::uint16_t ho = be16_at(opts, i + 2), co = be16_at(opts, i + 4);
      o << "(ni: ho=0x";
      o.hex(ho, 4) << " co=0x";
      o.hex(co, 4) << ')';
      break;
    }
    case 5: need(12, "auth"), o << "(auth)"; break;
    default:
      if (left < 2) {
        o << "(sopt_type ";
        o.u(type) << ": trunc)";
        throw Truncated{};
      }
      o << "(type-0x";
      o.hex(type, 2) << ": len=";
      o.u(opts[i + 1]) << ')';
  }
}

// The option list: opts is the captured rest of the message, len what the
// header length leaves for options.
void print_options(Out& o, Bytes opts, std::size_t len) {
  std::size_t optlen = 0;
  for (std::size_t i = 0; i < len; i += optlen) {
    if (byte_at(opts, i) == 0) optlen = 1;
    else if (i + 1 < len) optlen = byte_at(opts, i + 1) + 2u;
    else throw Truncated{};
    if (i + optlen > len) throw Truncated{};
    byte_at(opts, i + optlen);  // tcpdump's check of the byte after the option
    print_option(o, opts, i, len - i);
  }
}

// The message's fixed part after "mobility: <type>"; the length of the
// header before the options, or 0 for a type without them.
std::size_t print_message(Out& o, bool verbose, Bytes b, std::uint8_t type) {
  switch (type) {
    case 0: return 8;
    case 1:
    case 2:
      if (verbose) cookie(o, b, 8, type == 1 ? "Home" : "Care-of", "Init Cookie");
      return 16;
    case 3:
    case 4: {
      std::string_view who = type == 3 ? "Home" : "Care-of";
      std::uint16_t nonce = be16_at(b, 6);  // each value read before its text, as tcpdump's GET_ arguments
      o << " nonce id=0x";
      o.hex(nonce);
      if (verbose) cookie(o, b, 8, who, "Init Cookie");
      if (verbose) cookie(o, b, 16, who, "Keygen Token");
      return 24;
    }
    case 5: {
      std::uint16_t seq = be16_at(b, 6);
      o << " seq#=";
      o.u(seq);
      std::uint8_t fl = sub(b, 8, 2)[0];  // tcpdump checks the flags and the reserved byte together
      if (fl & 0xf0) {
        o << ' ';
        static constexpr std::pair<std::uint8_t, char> kFlags[] = {{0x80, 'A'}, {0x40, 'H'}, {0x20, 'L'}, {0x10, 'K'}};
        for (auto [bit, ch] : kFlags)
          if (fl & bit) o << ch;
      }
      lifetime(o, b);
      return 12;
    }
    case 6: {
      std::uint8_t status = byte_at(b, 6);
      o << " status=";
      o.u(status);
      if (byte_at(b, 7) & 0x80) o << " K";
      std::uint16_t seq = be16_at(b, 8);
      o << " seq#=";
      o.u(seq);
      lifetime(o, b);
      return 12;
    }
    case 7: {
      std::uint8_t status = byte_at(b, 6);
      o << " status=";
      o.u(status);
      Bytes home = sub(b, 8, 16);
      o << " homeaddr ";
      o.ip6(home);
      return 24;
    }
    default:
      o << " len=";
      o.u(b[1]);
      return 0;
  }
}

}  // namespace

void decode_mobility(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "mobility";
  auto& m = c.d.push<MobilityL>();
  m.msg = r.rest();
  m.length = length;
}

void print_mobility(PrintCtx& p, std::size_t i) {
  p.proto = "mobility";
  const auto& m = at<MobilityL>(p.d, i);
  Out& o = p.o;
  Bytes b = m.msg;
  unsigned mhlen = (byte_at(b, 1) + 1u) << 3;
  std::uint8_t type = byte_at(b, 2);
  if (type < std::size(kMinLength) && mhlen < kMinLength[type]) {
    o << "(header length ";
    o.u(mhlen) << " is too small for type ";
    o.u(type) << ')';
    throw Truncated{};
  }
  o << "mobility: ";
  tok_print(o, kTypes, type, "type-#", "");
  std::size_t hlen = print_message(o, p.opt.verbose > 0, b, type);
  if (hlen && p.opt.verbose) print_options(o, b.subspan(std::min(hlen, b.size())), mhlen - hlen);
}

void json_mobility(JsonWriter& w, const MobilityL& l) {
  w.member("layer", "mobility");
  w.member("length", l.length);
  Bytes b = l.msg;
  if (b.size() < 3) return;
  w.member("header_length", (b[1] + 1u) * 8u);
  w.member("type", b[2]);
  if (auto name = tok_name(kTypes, b[2]); !name.empty()) w.member("name", name);
  if (b.size() < 12) return;
  switch (b[2]) {
    case 3:
    case 4: w.member("nonce_index", be16_at(b, 6)); break;
    case 5:
      w.member("seq", be16_at(b, 6));
      w.member("flags", b[8]);
      w.member("lifetime", std::uint32_t(be16_at(b, 10)) * 4u);
      break;
    case 6:
      w.member("status", b[6]);
      w.member("seq", be16_at(b, 8));
      w.member("lifetime", std::uint32_t(be16_at(b, 10)) * 4u);
      break;
    case 7:
      w.member("status", b[6]);
      if (b.size() >= 24) w.member("home_address", ip6_text(sub(b, 8, 16)));
      break;
    default: break;
  }
}

}  // namespace netlab::proto
