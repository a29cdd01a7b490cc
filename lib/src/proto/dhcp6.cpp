// DHCPv6: RFC 8415 (messages, relay messages, IA_NA, IA_TA, IA_PD, DUIDs,
// status codes), RFC 3319 and RFC 3646 (SIP and DNS servers and domain
// lists), RFC 4075 (SNTP), RFC 4242 (information refresh time), RFC 4280
// (BCMCS), RFC 4649 (remote ID), RFC 4580 (subscriber ID), RFC 4704 (client
// FQDN), RFC 4833 (time zones), RFC 5007 (leasequery), RFC 5908 (NTP
// server), RFC 6334 (AFTR name), RFC 8520 (MUD URL). The text form is
// tcpdump 4.99.3's print-dhcp6.c; the JSON form gives the same fields typed.
//
// tcpdump checks option lengths against the message's end and prints
// " [|dhcp6]" in place when they run past it, then goes on closing its
// parentheses; only a read past the capture (the relay addresses, a domain
// name pointer) ends the packet. The printer here does the same: a "view"
// is the captured message (for a relay message, clamped to its option, as
// tcpdump clamps its snapend), positions are offsets into it, and every byte
// is read through ByteReader.
#include "proto/proto.hpp"

#include <optional>

namespace netlab::proto {

namespace {

constexpr std::uint8_t kRelayForw = 12, kRelayReply = 13;

constexpr Tok kMessages[] = {{1, "solicit"},      {2, "advertise"},  {3, "request"},   {4, "confirm"},
                             {5, "renew"},        {6, "rebind"},     {7, "reply"},     {8, "release"},
                             {9, "decline"},      {10, "reconfigure"}, {11, "inf-req"}, {12, "relay-fwd"},
                             {13, "relay-reply"}, {14, "leasequery"}, {15, "leasequery-reply"}};

constexpr Tok kOptions[] = {
    {1, "client-ID"},           {2, "server-ID"},          {3, "IA_NA"},
    {4, "IA_TA"},               {5, "IA_ADDR"},            {6, "option-request"},
    {7, "preference"},          {8, "elapsed-time"},       {9, "relay-message"},
    {11, "authentication"},     {12, "server-unicast"},    {13, "status-code"},
    {14, "rapid-commit"},       {15, "user-class"},        {16, "vendor-class"},
    {17, "vendor-specific-info"}, {18, "interface-ID"},    {19, "reconfigure-message"},
    {20, "reconfigure-accept"}, {21, "SIP-servers-domain"}, {22, "SIP-servers-address"},
    {23, "DNS-server"},         {24, "DNS-search-list"},   {25, "IA_PD"},
    {26, "IA_PD-prefix"},       {27, "NIS-server"},        {28, "NIS+-server"},
    {29, "NIS-domain-name"},    {30, "NIS+-domain-name"},  {31, "SNTP-servers"},
    {32, "lifetime"},           {33, "BCMCS-domain-name"}, {34, "BCMCS-server"},
    {36, "Geoconf-Civic"},      {37, "Remote-ID"},         {38, "Subscriber-ID"},
    {39, "Client-FQDN"},        {40, "PANA-agent"},        {41, "POSIX-timezone"},
    {42, "POSIX-tz-database"},  {43, "Echo-request-option"}, {44, "Lease-query"},
    {45, "LQ-client-data"},     {46, "Clt-time"},          {47, "LQ-relay-data"},
    {48, "LQ-client-link"},     {56, "NTP-server"},        {64, "AFTR-Name"},
    {112, "MUD-URL"}};

constexpr Tok kStatusCodes[] = {{0, "Success"},       {1, "UnspecFail"},       {2, "NoAddrsAvail"},
                                {3, "NoBinding"},     {4, "NotOnLink"},        {5, "UseMulticast"},
                                {6, "NoPrefixAvail"}, {7, "UnknownQueryType"}, {8, "MalformedQuery"},
                                {9, "NotConfigured"}, {10, "NotAllowed"}};

constexpr Tok kDuidTypes[] = {{1, "LLT"}, {2, "EN"}, {3, "LL"}, {4, "UUID"}};

// DHCPv6 options (RFC 8415 21.1): a 16-bit code and a 16-bit length, walked
// by TlvWalker with kDhcp6Options.
struct Opt {
  std::uint16_t code = 0, len = 0;
};

Out& name_of(Out& o, std::uint16_t code) { return tok_print(o, kOptions, code, "opt_"); }

class Printer {
 public:
  explicit Printer(PrintCtx& p) : p_(p), o_(p.o) {}

  // tcpdump's dhcp6_print over `view` (the captured bytes from the
  // message's first byte), `length` long by its enclosing header.
  void message(Bytes view, std::uint32_t length) {
    o_ << "dhcp6";
    std::size_t ep = std::min<std::size_t>(view.size(), length);
    if (view.size() < 4) {
      trunc();
      return;
    }
    ByteReader r(view);
    std::uint8_t type = r.peek8(0);
    if (!p_.opt.verbose) {
      o_ << ' ';
      tok_print(o_, kMessages, type, "msgtype-");
      return;
    }
    o_ << ' ';
    tok_print(o_, kMessages, type, "msgtype-") << " (";
    if (type != kRelayForw && type != kRelayReply) {
      o_ << "xid=";
      o_.hex(be32_at(view, 0) & 0xffffff);
      options(view, 4, ep);
    } else {
      // tcpdump reads each address before printing its label.
      Bytes link = sub(view, 2, 16);
      o_ << "linkaddr=";
      o_.ip6(link);
      Bytes peer = sub(view, 18, 16);
      o_ << " peeraddr=";
      o_.ip6(peer);
      options(view, 34, ep);
    }
    o_ << ')';
  }

 private:
  void trunc() { o_ << " [|dhcp6]"; }

  void hex(Bytes b) {
    for (std::uint8_t c : b) o_.hex(c, 2);
  }

  // tcpdump's dhcp6opt_print: the options in [cp, ep) of the view. An
  // option whose header the capture cuts (Cut) or whose length runs past ep
  // (PastEnd) ends the list before its name; one whose value the capture
  // cuts (Truncated), after it.
  void options(Bytes view, std::size_t cp, std::size_t ep) {
    if (cp >= ep) return;
    TlvWalker walk(kDhcp6Options, view.subspan(std::min(cp, view.size())), ep - cp);
    while (auto t = walk.next()) {
      if (t->status == TlvStatus::Cut || t->status == TlvStatus::PastEnd) return trunc();
      o_ << " (";
      name_of(o_, t->type);
      if (t->status != TlvStatus::Ok) return trunc();  // tcpdump's ND_TCHECK_LEN
      if (!option(view, cp + t->offset + 4, Opt{t->type, t->length})) return trunc();
    }
  }

  // One option's value at [tp, tp + len) of the view, all captured. False
  // when tcpdump gives up on the whole list (its "goto trunc").
  bool option(Bytes view, std::size_t tp, Opt opt) {
    std::size_t len = opt.len, end = tp + len;
    ByteReader v(view.subspan(tp, len));
    auto bad = [&] { o_ << " ?)"; };
    switch (opt.code) {
      case 1:
      case 2: {  // client and server identifiers: a DUID
        if (len < 2) return bad(), true;
        std::uint16_t type = v.be16();
        if (type == 1) {
          if (len < 8) return bad(), true;
          o_ << " hwaddr/time type ";
          o_.u(v.be16()) << " time ";
          o_.u(v.be32()) << ' ';
          hex(v.rest());
          o_ << ')';
        } else if (type == 2) {
          if (len < 10) return bad(), true;
          o_ << " vid ";
          hex(v.bytes(8));
          o_ << ')';
        } else if (type == 3) {
          if (len < 4) return bad(), true;
          o_ << " hwaddr type ";
          o_.u(v.be16()) << ' ';
          hex(v.rest());
          o_ << ')';
        } else {
          o_ << " type ";
          o_.u(type) << ')';
        }
        return true;
      }
      case 5:  // IA address
        if (len < 24) return bad(), true;
        o_ << ' ';
        o_.ip6(v.bytes(16)) << " pltime:";
        o_.u(v.be32()) << " vltime:";
        o_.u(v.be32());
        if (len > 24) options(view, tp + 24, end);
        o_ << ')';
        return true;
      case 6:
      case 43:  // option request, echo request
        if (len % 2) return bad(), true;
        while (v.has(2)) {
          o_ << ' ';
          name_of(o_, v.be16());
        }
        o_ << ')';
        return true;
      case 7:
        if (len != 1) return bad(), true;
        o_ << ' ';
        o_.u(v.u8()) << ')';
        return true;
      case 8:
        if (len != 2) return bad(), true;
        o_ << ' ';
        o_.u(v.be16()) << ')';
        return true;
      case 9:  // relay message: a whole message, clamped to the option
        o_ << " (";
        message(view.subspan(tp, len), opt.len);
        o_ << ')';
        return true;
      case 11:
        auth(v, len);
        return true;
      case 14:
      case 20:  // rapid commit, reconfigure accept: no value
        o_ << ')';
        return true;
      case 18:
      case 38:  // interface ID, subscriber ID: the first ten bytes
        o_ << ' ';
        hex(v.bytes(std::min<std::size_t>(len, 10)));
        o_ << "...)";
        return true;
      case 19: {
        if (len != 1) return bad(), true;
        std::uint8_t t = v.u8();
        if (t == 5) o_ << " for renew)";
        else if (t == 11) o_ << " for inf-req)";
        else {
          o_ << " for ?\?\?(";
          o_.hex(t, 2) << "))";
        }
        return true;
      }
      case 22: case 23: case 27: case 28: case 31: case 34: case 40: case 48:  // address lists
        if (len % 16) return bad(), true;
        while (v.has(16)) {
          o_ << ' ';
          o_.ip6(v.bytes(16));
        }
        o_ << ')';
        return true;
      case 21:
      case 24: {  // domain lists
        std::size_t at = tp;
        while (at < end) {
          o_ << ' ';
          auto next = fqdn(view, at, end);
          if (!next) return false;
          at = *next;
        }
        o_ << ')';
        return true;
      }
      case 13: {
        if (len < 2) return bad(), true;
        std::uint16_t code = v.be16();
        o_ << ' ';
        if (code > 255) o_ << "INVALID code";
        else tok_print(o_, kStatusCodes, code, "code");
        o_ << ')';
        return true;
      }
      case 3:
      case 25:  // IA_NA, IA_PD
        if (len < 12) return bad(), true;
        o_ << " IAID:";
        o_.u(v.be32()) << " T1:";
        o_.u(v.be32()) << " T2:";
        o_.u(v.be32());
        if (len > 12) options(view, tp + 12, end);
        o_ << ')';
        return true;
      case 4:  // IA_TA
        if (len < 4) return bad(), true;
        o_ << " IAID:";
        o_.u(v.be32());
        if (len > 4) options(view, tp + 4, end);
        o_ << ')';
        return true;
      case 26: {  // IA prefix
        if (len < 25) return bad(), true;
        std::uint32_t pl = v.be32(), vl = v.be32();
        std::uint8_t plen = v.u8();
        o_ << ' ';
        o_.ip6(v.bytes(16)) << '/';
        o_.u(plen) << " pltime:";
        o_.u(pl) << " vltime:";
        o_.u(vl);
        if (len > 25) options(view, tp + 25, end);
        o_ << ')';
        return true;
      }
      case 32:
      case 46:
        if (len != 4) return bad(), true;
        o_ << ' ';
        o_.u(v.be32()) << ')';
        return true;
      case 37:  // remote ID: enterprise number, then ten bytes
        if (len < 4) return bad(), true;
        o_ << ' ';
        o_.u(v.be32()) << ' ';
        hex(v.bytes(std::min<std::size_t>(len, 14) - 4));
        o_ << "...)";
        return true;
      case 44: {  // leasequery query
        if (len < 17) return bad(), true;
        std::uint8_t qt = v.u8();
        if (qt == 1) o_ << " by-address";
        else if (qt == 2) o_ << " by-clientID";
        else {
          o_ << " type_";
          o_.u(qt);
        }
        o_ << ' ';
        o_.ip6(v.bytes(16));
        if (len > 17) options(view, tp + 17, end);
        o_ << ')';
        return true;
      }
      case 45:  // leasequery client data: options
        if (len > 0) options(view, tp, end);
        o_ << ')';
        return true;
      case 47:
        if (len < 16) return bad(), true;
        o_ << ' ';
        o_.ip6(v.bytes(16)) << ' ';
        hex(v.bytes(std::min<std::size_t>(len, 26) - 16));
        o_ << "...)";
        return true;
      case 56: {  // RFC 5908 NTP server: sub-options
        if (len < 4) return bad(), true;
        std::size_t at = tp;
        while (at < end - 4) {
          ByteReader s(view.subspan(at, end - at));
          std::uint16_t code = s.be16(), slen = s.be16();
          at += 4;
          if (at + slen > end) return false;
          o_ << " subopt:";
          o_.u(code);
          if (code == 1 || code == 2) {
            if (slen != 16) o_ << " ?";
            else {
              o_ << ' ';
              o_.ip6(sub(view, at, 16));
            }
          } else if (code == 3) {
            o_ << ' ';
            if (!fqdn(view, at, at + slen)) return false;
          } else {
            o_ << " ?";
          }
          at += slen;
        }
        o_ << ')';
        return true;
      }
      case 64: {  // RFC 6334 AFTR name: labels, read as tcpdump reads them
        if (len < 3) return bad(), true;
        ByteReader n(view.subspan(tp));  // may read on past the option, within the capture
        std::size_t remain = len;
        o_ << ' ';
        while (remain && n.peek8(0)) {
          std::uint8_t label = n.u8();
          if (label < remain - 1) {
            // tcpdump's nd_printjnp: up to a NUL, a read past the capture ends the packet
            Bytes text = n.rest().first(std::min<std::size_t>(label, n.remaining()));
            chars_to_nul(text);
            n.skip(label);
            remain -= label + 1u;
            if (n.peek8(0)) o_ << '.';
          } else {
            o_ << " ?";
            break;
          }
        }
        o_ << ')';
        return true;
      }
      case 41:
      case 42:
      case 112:  // time zones, MUD URL: text
        if (len < 5) return bad(), true;
        o_ << ' ';
        chars_to_nul(v.bytes(len));
        o_ << ')';
        return true;
      default:
        o_ << ')';
        return true;
    }
  }

  // tcpdump's nd_printjnp: characters up to a NUL.
  void chars_to_nul(Bytes b) {
    for (std::uint8_t c : b) {
      if (c == 0) break;
      print_char(o_, c);
    }
  }

  void auth(ByteReader& v, std::size_t len) {
    if (len < 11) {
      o_ << " ?)";
      return;
    }
    std::uint8_t proto = v.u8(), alg = v.u8(), rdm = v.u8();
    if (proto == 2) o_ << " proto: delayed";
    else if (proto == 3) o_ << " proto: reconfigure";
    else {
      o_ << " proto: ";
      o_.u(proto);
    }
    if (alg == 1) o_ << ", alg: HMAC-MD5";
    else {
      o_ << ", alg: ";
      o_.u(alg);
    }
    if (rdm == 0) o_ << ", RDM: mono";
    else {
      o_ << ", RDM: ";
      o_.u(rdm);
    }
    o_ << ", RD:";
    for (int k = 0; k < 4; ++k) {
      o_ << ' ';
      o_.hex(v.be16(), 4);
    }
    std::size_t info = len - 11;
    if (proto == 2) {
      if (info != 0) {
        if (info < 20) {
          o_ << " ??";
        } else {
          std::size_t realm = info - 20;
          if (realm > 0) o_ << ", realm: ";
          hex(v.bytes(realm));
          o_ << ", key ID: ";
          o_.hex(v.be32(), 8) << ", HMAC-MD5:";
          for (int k = 0; k < 4; ++k) {
            o_ << ' ';
            o_.hex(v.be32(), 8);
          }
        }
      }
    } else if (proto == 3) {
      if (info != 17) {
        o_ << " ??";
      } else {
        std::uint8_t t = v.u8();
        if (t == 1) o_ << " reconfig-key";
        else if (t == 2) o_ << " type: HMAC-MD5";
        else o_ << " type: ??";
        o_ << " value:";
        for (int k = 0; k < 4; ++k) {
          o_ << ' ';
          o_.hex(v.be32(), 8);
        }
      }
    } else {
      o_ << " ??";
    }
    o_ << ')';
  }

  // ---- domain names (RFC 1035 3.1), as tcpdump's fqdn_print reads them:
  // labels end at the capture's end, a pointer is taken from `base` (where
  // tcpdump's caller says the message starts), must point backwards, and
  // a name prints at most 255 characters. nullopt where tcpdump returns NULL.
  static constexpr std::size_t kMaxName = 255;

  // The length of the label at `at` (for a bit label, its bytes), or -1.
  long label_length(Bytes view, std::size_t at) {
    if (at >= view.size()) return -1;
    ByteReader r(view.subspan(at));
    std::uint8_t i = r.u8();
    switch (i & 0xc0) {
      case 0x40: {
        unsigned elt = i & 0x3f;
        if (elt != 1) {
          o_ << "<ELT " << std::to_string(elt) << '>';
          return -1;
        }
        if (!r.has(1)) return -1;
        unsigned bits = r.u8();
        if (bits == 0) bits = 256;
        return static_cast<long>((bits + 7) / 8 + 1);
      }
      case 0x80:
        o_ << "<BAD LABEL TYPE>";
        return -1;
      default:
        return i;
    }
  }

  // tcpdump's nd_printn with the capture's end: false if it ran out.
  bool chars_n(Bytes view, std::size_t at, std::size_t n) {
    ByteReader r(view.subspan(std::min(at, view.size())));
    for (; n > 0 && r.has(1); --n) print_char(o_, r.u8());
    return n == 0;
  }

  // An RFC 2673 bit-string label: "\[x<hex>/<bits>]".
  std::optional<std::size_t> bit_label(Bytes view, std::size_t at) {
    if (at >= view.size()) return std::nullopt;
    ByteReader r(view.subspan(at));
    unsigned bits = r.u8();
    if (bits == 0) bits = 256;
    std::size_t lim = at + 1 + (bits + 3) / 4;
    o_ << "\\[x";
    unsigned b = bits;
    std::size_t pos = at + 1;
    for (; pos < lim && b > 7; b -= 8, ++pos) o_.hex(r.u8(), 2);
    if (b > 4) {
      std::uint8_t tc = r.u8();
      o_.hex(tc & (0xff << (8 - b)) & 0xff, 2);
    } else if (b > 0) {
      std::uint8_t tc = r.u8();
      o_.hex(((tc >> 4) & 0x0f) & (0x0f << (4 - b)));
    }
    o_ << '/';
    o_.u(bits) << ']';
    return lim;
  }

  std::optional<std::size_t> fqdn(Bytes view, std::size_t cp, std::size_t base) {
    long l = label_length(view, cp);
    if (l < 0 || cp >= view.size()) return std::nullopt;
    auto byte_at = [&](std::size_t at) { return ByteReader(view.subspan(at)).peek8(0); };
    std::uint32_t max_offset = static_cast<std::uint32_t>(cp - base);
    std::uint8_t i = byte_at(cp++);
    std::optional<std::size_t> rp;
    bool compressed = false;
    if ((i & 0xc0) != 0xc0) rp = cp + static_cast<std::size_t>(l);
    if (i == 0) {
      o_ << '.';
      return rp;
    }
    std::size_t chars = 0;
    while (i && cp < view.size()) {
      switch (i & 0xc0) {
        case 0xc0: {
          if (!compressed) {
            rp = cp + 1;
            compressed = true;
          }
          std::uint32_t offset = ((static_cast<std::uint32_t>(i) << 8) | byte_at(cp)) & 0x3fff;
          if (offset >= max_offset) {
            o_ << "<BAD PTR>";
            return std::nullopt;
          }
          max_offset = offset;
          cp = base + offset;
          if (cp >= view.size()) return std::nullopt;
          i = byte_at(cp);
          l = label_length(view, cp);
          if (l < 0) return std::nullopt;
          ++cp;
          continue;
        }
        case 0x40:
          if ((i & 0x3f) != 1) {
            o_ << "<ELT " << std::to_string(i & 0x3f) << '>';
            return std::nullopt;
          }
          if (!bit_label(view, cp)) return std::nullopt;
          break;
        case 0x80:
          o_ << "<BAD LABEL TYPE>";
          return std::nullopt;
        default:
          if (chars + static_cast<std::size_t>(l) <= kMaxName) {
            if (!chars_n(view, cp, static_cast<std::size_t>(l))) return std::nullopt;
          } else if (chars < kMaxName) {
            if (!chars_n(view, cp, kMaxName - chars)) return std::nullopt;
          }
          chars += static_cast<std::size_t>(l);
          break;
      }
      cp += static_cast<std::size_t>(l);
      if (chars <= kMaxName) o_ << '.';
      ++chars;
      if (cp >= view.size()) return std::nullopt;
      i = byte_at(cp);
      l = label_length(view, cp);
      if (l < 0) return std::nullopt;
      ++cp;
      if (!compressed) *rp += static_cast<std::size_t>(l) + 1;
    }
    if (chars > kMaxName) o_ << "<DOMAIN NAME TOO LONG>";
    return rp;
  }

  PrintCtx& p_;
  Out& o_;
};

}  // namespace

void decode_dhcp6(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "dhcp6";
  auto& m = c.d.push<Dhcp6L>();
  m.msg = r.rest();
  m.length = length;
  // The text printer reads the bytes as it goes; the JSON status says up
  // front whether the message was captured whole.
  if (m.msg.size() < length) c.d.last()->status = Status::Truncated;
}

void print_dhcp6(PrintCtx& p, std::size_t i) {
  p.proto = "dhcp6";
  const auto& m = at<Dhcp6L>(p.d, i);
  Printer(p).message(m.msg, m.length);
}

}  // namespace netlab::proto

namespace netlab::proto {

namespace {

void json_message(JsonWriter& w, Bytes view, std::uint32_t length, int depth);

void json_option_list(JsonWriter& w, Bytes list, int depth);

// A DUID (RFC 8415 11): its type, then the fields of the three known types.
void json_duid(JsonWriter& w, ByteReader v) {
  if (!v.has(2)) return;
  std::uint16_t type = v.be16();
  w.member("duid_type", type);
  if (auto n = tok_name(kDuidTypes, type); !n.empty()) w.member("duid", n);
  if (type == 1 && v.has(6)) {
    w.member("hardware_type", v.be16());
    w.member("time", v.be32());
    w.member("link_address", mac_text(v.rest()));
  } else if (type == 2 && v.has(4)) {
    w.member("enterprise", v.be32());
    w.member("identifier", hex_text(v.rest()));
  } else if (type == 3 && v.has(2)) {
    w.member("hardware_type", v.be16());
    w.member("link_address", mac_text(v.rest()));
  } else {
    w.member("data", hex_text(v.rest()));
  }
}

// The options that carry options (IA_NA, IA_TA, IA_PD, IA address, IA
// prefix): their fixed fields, then the options inside, a level deeper.
void json_option_container(JsonWriter& w, std::uint16_t code, ByteReader v, int depth) {
  switch (code) {
    case 3:
    case 25:
      if (!v.has(12)) return;
      w.member("iaid", v.be32());
      w.member("t1", v.be32());
      w.member("t2", v.be32());
      break;
    case 4:
      if (!v.has(4)) return;
      w.member("iaid", v.be32());
      break;
    case 5:
      if (!v.has(24)) return;
      w.member("address", ip6_text(v.bytes(16)));
      w.member("preferred_lifetime", v.be32());
      w.member("valid_lifetime", v.be32());
      break;
    default: {  // 26: IA prefix
      if (!v.has(25)) return;
      w.member("preferred_lifetime", v.be32());
      w.member("valid_lifetime", v.be32());
      std::uint8_t plen = v.u8();
      w.member("prefix", ip6_text(v.bytes(16)) + "/" + std::to_string(plen));
      break;
    }
  }
  if (depth < 8) json_option_list(w, v.rest(), depth + 1);
}

// Status code (13): the code, its name and the message as printable text.
void json_status_code(JsonWriter& w, ByteReader v) {
  if (!v.has(2)) return;
  std::uint16_t sc = v.be16();
  w.member("status_code", sc);
  if (auto n = tok_name(kStatusCodes, sc); !n.empty()) w.member("status", n);
  std::string text;
  Out out(text);
  for (std::uint8_t c : v.rest()) print_char(out, c);
  w.member("message", text);
}

// One option's value by its code; `len` is the stated length (a relay
// message's inner message is read up to it).
void json_option_value(JsonWriter& w, std::uint16_t code, std::uint16_t len, ByteReader v, int depth) {
  switch (code) {
    case 1:
    case 2:
      return json_duid(w, v);
    case 3: case 4: case 5: case 25: case 26:
      return json_option_container(w, code, v, depth);
    case 6:
    case 43:
      w.key("requested");
      w.begin_array();
      while (v.has(2)) w.value(v.be16());
      w.end_array();
      return;
    case 7:
      if (v.has(1)) w.member("preference", v.u8());
      return;
    case 8:
      if (v.has(2)) w.member("elapsed", v.be16());
      return;
    case 9:
      if (depth < 8) {
        w.key("message");
        w.begin_object();
        json_message(w, v.rest(), len, depth + 1);
        w.end_object();
      }
      return;
    case 13:
      return json_status_code(w, v);
    case 22: case 23: case 27: case 28: case 31: case 34: case 40: case 48:
      w.key("addresses");
      w.begin_array();
      while (v.has(16)) w.value(ip6_text(v.bytes(16)));
      w.end_array();
      return;
    case 32:
    case 46:
      if (v.has(4)) w.member("value", v.be32());
      return;
    default:
      w.member("data", hex_text(v.rest()));
      return;
  }
}

// The options in `list` as a JSON array; nested lists (IA options, relay
// messages) recurse, at most a few levels deep as a hostile packet may nest
// relay messages without end.
void json_option_list(JsonWriter& w, Bytes list, int depth) {
  w.key("options");
  w.begin_array();
  TlvWalker walk(kDhcp6Options, list);
  while (auto t = walk.next()) {
    w.begin_object();
    if (t->status == TlvStatus::Cut) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    std::uint16_t code = t->type, len = t->length;
    w.member("type", code);
    if (auto n = tok_name(kOptions, code); !n.empty()) w.member("name", n);
    w.member("length", len);
    if (t->status != TlvStatus::Ok) {
      w.member("truncated", true);
      w.end_object();
      break;
    }
    json_option_value(w, code, len, ByteReader(t->value), depth);
    w.end_object();
  }
  w.end_array();
}

void json_message(JsonWriter& w, Bytes view, std::uint32_t length, int depth) {
  Bytes msg = view.first(std::min<std::size_t>(view.size(), length));
  ByteReader r(msg);
  if (!r.has(1)) return;
  std::uint8_t type = r.peek8(0);
  w.member("msg_type", type);
  if (auto n = tok_name(kMessages, type); !n.empty()) w.member("msg_name", n);
  if (type == kRelayForw || type == kRelayReply) {
    if (!r.has(34)) {
      w.member("truncated", true);
      return;
    }
    r.skip(1);
    w.member("hop_count", r.u8());
    w.member("link_address", ip6_text(r.bytes(16)));
    w.member("peer_address", ip6_text(r.bytes(16)));
  } else {
    if (!r.has(4)) {
      w.member("truncated", true);
      return;
    }
    w.member("xid", r.be32() & 0xffffff);
  }
  json_option_list(w, r.rest(), depth);
}

}  // namespace

void json_dhcp6(JsonWriter& w, const Dhcp6L& l) {
  w.member("layer", "dhcp6");
  w.member("length", l.length);
  json_message(w, l.msg, l.length, 0);
}

}  // namespace netlab::proto
