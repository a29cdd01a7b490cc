// ATA over Ethernet (ethertype 0x88a2), Coraid's "AoE Protocol Definition"
// revision 11 (Brantley Coile, 2009): the version 1 common header (flags,
// error, shelf and slot, command, tag) and the arguments of its four
// commands (issue ATA command, query config information, MAC mask list,
// reserve/release). The text follows tcpdump 4.99.3's print-aoe.c: "AoE
// length 46, Ver 1, Flags: [Response]" at -n, the header and the command's
// arguments under -v; a length a field does not allow prints " (invalid)".
#include "proto/proto.hpp"

#include <algorithm>

namespace netlab::proto {
namespace {

constexpr std::size_t kCommonHeader = 10;  // up to the command's arguments
constexpr std::uint8_t kFlagError = 0x04;

constexpr Tok kCommands[] = {
    {0, "Issue ATA Command"}, {1, "Query Config Information"}, {2, "MAC Mask List"}, {3, "Reserve/Release"}};
constexpr Tok kFlags[] = {{0x08, "Response"}, {kFlagError, "Error"}, {0x02, "MBZ-1"}, {0x01, "MBZ-0"}};
constexpr Tok kErrors[] = {{1, "Unrecognized command code"}, {2, "Bad argument parameter"},
                           {3, "Device unavailable"},        {4, "Config string present"},
                           {5, "Unsupported version"},       {6, "Target is reserved"}};
constexpr Tok kAtaFlags[] = {{0x80, "MBZ-7"}, {0x40, "Ext48"}, {0x20, "MBZ-5"}, {0x10, "Device"},
                             {0x08, "MBZ-3"}, {0x04, "MBZ-2"}, {0x02, "Async"}, {0x01, "Write"}};
constexpr Tok kConfigCommands[] = {{0, "read config string"},
                                   {1, "test config string"},
                                   {2, "test config string prefix"},
                                   {3, "set config string"},
                                   {4, "force set config string"}};
constexpr Tok kMaskCommands[] = {{0, "Read Mac Mask List"}, {1, "Edit Mac Mask List"}};
constexpr Tok kMaskErrors[] = {{1, "Unspecified Error"}, {2, "Bad DCmd directive"}, {3, "Mask list full"}};
constexpr Tok kDirectives[] = {
    {0, "No Directive"}, {1, "Add mac address to mask list"}, {2, "Delete mac address from mask list"}};
constexpr Tok kReserveCommands[] = {{0, "Read reserve list"}, {1, "Set reserve list"}, {2, "Force set reserve list"}};

// tcpdump's bittok2str: the names of the set bits joined by ", ", or "none".
void print_bits(Out& o, std::span<const Tok> table, std::uint8_t bits) {
  bool any = false;
  for (const auto& t : table) {
    if (!(bits & t.value)) continue;
    o << (any ? ", " : "") << t.name;
    any = true;
  }
  if (!any) o << "none";
}

// tcpdump's tok2str with "Unknown (0x%02x)".
void name_hex(Out& o, std::span<const Tok> table, std::uint8_t v) {
  auto n = tok_name(table, v);
  if (!n.empty()) {
    o << n;
    return;
  }
  o << "Unknown (0x";
  o.hex(v, 2) << ')';
}

// The arguments of a command: a reader over the arguments as captured
// (bounds-checked), `len` their length by the frame. Each returns false
// where tcpdump's printer goes to its invalid label; `r` is then where it
// stopped, and `len` what was left of the length there.
using ArgPrinter = bool (*)(Out&, ByteReader&, std::uint32_t&);

bool issue_args(Out& o, ByteReader& r, std::uint32_t& len) {
  if (len < 12) return false;
  std::uint8_t f = r.u8();
  o << "\n\tAFlags: [";
  print_bits(o, kAtaFlags, f);
  o << ']';
  const char* labels[] = {", Err/Feature: ", ", Sector Count: ", ", Cmd/Status: ", "\n\tlba0: ",
                          ", lba1: ",        ", lba2: ",         ", lba3: ",       ", lba4: ",
                          ", lba5: "};
  for (const char* label : labels) {
    std::uint8_t b = r.u8();
    o << label;
    o.u(b);
  }
  r.skip(2);  // reserved
  len -= 12;
  if (len) o << "\n\tData: ", o.u(len) << " bytes";
  return true;
}

bool query_args(Out& o, ByteReader& r, std::uint32_t& len) {
  if (len < 8) return false;
  std::uint16_t buffers = r.be16();
  o << "\n\tBuffer Count: ";
  o.u(buffers);
  std::uint16_t firmware = r.be16();
  o << ", Firmware Version: ";
  o.u(firmware);
  std::uint8_t sectors = r.u8();
  o << ", Sector Count: ";
  o.u(sectors);
  std::uint8_t ccmd = r.u8();
  o << ", AoE: ";
  o.u(ccmd >> 4) << ", CCmd: ";
  name_or(o, kConfigCommands, ccmd & 0x0f, "Unknown (0x02x)");  // sic: tcpdump's format has no %
  std::uint16_t cslen = r.be16();
  len -= 8;
  if (cslen > 1024 || cslen > len) return false;
  if (cslen) {
    o << "\n\tConfig String (length ";
    o.u(cslen) << "): ";
    for (std::uint16_t k = 0; k < cslen; ++k) print_char(o, r.u8());
  }
  return true;
}

bool mask_args(Out& o, ByteReader& r, std::uint32_t& len) {
  if (len < 4) return false;
  r.skip(1);  // reserved (tcpdump skips it unread)
  std::uint8_t mcmd = r.u8();
  o << "\n\tMCmd: ";
  name_hex(o, kMaskCommands, mcmd);
  std::uint8_t merror = r.u8();
  o << ", MError: ";
  name_hex(o, kMaskErrors, merror);
  std::uint8_t count = r.u8();
  o << ", Dir Count: ";
  o.u(count);
  len -= 4;
  if (count * 8u > len) return false;
  for (unsigned k = 0; k < count; ++k) {
    r.skip(1);
    std::uint8_t dcmd = r.u8();
    o << "\n\t DCmd: ";
    name_hex(o, kDirectives, dcmd);
    Bytes mac = r.bytes(6);
    o << ", Ethernet Address: ";
    o.mac(mac);
    len -= 8;
  }
  return true;
}

bool reserve_args(Out& o, ByteReader& r, std::uint32_t& len) {
  if (len < 2 || (len - 2) % 6) return false;
  std::uint8_t rcmd = r.u8();
  o << "\n\tRCmd: ";
  name_hex(o, kReserveCommands, rcmd);
  std::uint8_t count = r.u8();
  o << ", NMacs: ";
  o.u(count);
  len -= 2;
  if (count * 6u != len) return false;
  for (unsigned k = 0; k < count; ++k) {
    Bytes mac = r.bytes(6);
    o << "\n\tEthernet Address ";
    o.u(k) << ": ";
    o.mac(mac);
  }
  return true;
}

constexpr ArgPrinter kArgPrinters[] = {issue_args, query_args, mask_args, reserve_args};

// tcpdump's invalid label: " (invalid)", then " [|aoe]" when the rest of
// the stated length was not captured.
void invalid(Out& o, const ByteReader& r, std::uint32_t len) {
  o << " (invalid)";
  r.require(len);
}

// Version 1, from the Ver/Flags byte on.
void print_v1(PrintCtx& p, ByteReader r, std::uint32_t len) {
  Out& o = p.o;
  if (len < kCommonHeader) return invalid(o, r, len);
  std::uint8_t flags = r.u8() & 0x0f;
  o << ", Flags: [";
  print_bits(o, kFlags, flags);
  o << ']';
  if (!p.opt.verbose) return;
  std::uint8_t error = r.u8();
  if (flags & kFlagError) {
    o << "\n\tError: ";
    tok_print(o, kErrors, error, "Invalid (", ")");
  }
  std::uint16_t major = r.be16();
  o << "\n\tMajor: 0x";
  o.hex(major, 4);
  std::uint8_t minor = r.u8();
  o << ", Minor: 0x";
  o.hex(minor, 2);
  std::uint8_t command = r.u8();
  o << ", Command: ";
  name_hex(o, kCommands, command);
  std::uint32_t tag = r.be32();
  o << ", Tag: 0x";
  o.hex(tag, 8);
  len -= kCommonHeader;
  if (command < std::size(kArgPrinters) && !kArgPrinters[command](o, r, len)) invalid(o, r, len);
}

}  // namespace

void decode_aoe(Ctx& c, ByteReader r, std::uint32_t length) {
  c.d.trunc_proto = "aoe";
  auto& a = c.d.push<AoeL>();
  a.msg = r.rest().first(std::min<std::size_t>(r.remaining(), length));
  a.length = length;
  if (length < 1 || (!a.msg.empty() && a.msg[0] >> 4 == 1 && length < kCommonHeader))
    c.d.last()->status = Status::Invalid;  // tcpdump's " (invalid)"
  else if (a.msg.size() < std::min<std::uint32_t>(length, kCommonHeader))
    c.d.last()->status = Status::Truncated;
}

void print_aoe(PrintCtx& p, std::size_t i) {
  p.proto = "aoe";
  const auto& a = at<AoeL>(p.d, i);
  Out& o = p.o;
  ByteReader r(a.msg);
  o << "AoE length ";
  o.u(a.length);
  if (a.length < 1) return invalid(o, r, a.length);
  unsigned version = r.peek8(0) >> 4;
  o << ", Ver ";
  o.u(version);
  if (version == 1) print_v1(p, r, a.length);
}

// The version 1 header's fields; the command's arguments are left out.
namespace {

// A command's arguments as an "arguments" object: the fields the text
// prints, as far as the frame's length says and the capture holds. Counts
// are bounded by the length, as in the text.
void json_args(JsonWriter& w, std::uint8_t command, Bytes args, std::uint32_t len) {
  ByteReader r(args.first(std::min<std::size_t>(args.size(), len)));
  w.key("arguments");
  w.begin_object();
  try {
    switch (command) {
      case 0: {  // issue ATA command
        if (len < 12) break;
        w.member("ata_flags", r.u8());
        w.member("feature", r.u8());
        w.member("sector_count", r.u8());
        w.member("ata_command", r.u8());
        std::uint64_t lba = 0;
        for (int k = 0; k < 6; ++k) lba |= std::uint64_t(r.u8()) << (8 * k);
        w.member("lba", lba);
        w.member("data_length", len - 12);
        break;
      }
      case 1: {  // query config information
        if (len < 8) break;
        w.member("buffer_count", r.be16());
        w.member("firmware_version", r.be16());
        w.member("sector_count", r.u8());
        std::uint8_t ccmd = r.u8();
        w.member("aoe_version", ccmd >> 4);
        w.member("config_command", ccmd & 0x0f);
        w.member("config_command_name", tok_name(kConfigCommands, ccmd & 0x0f));
        std::uint16_t cslen = r.be16();
        if (cslen > 1024 || cslen > len - 8) break;
        Bytes cs = r.bytes(cslen);
        if (std::all_of(cs.begin(), cs.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; }))
          w.member("config_string", std::string_view(reinterpret_cast<const char*>(cs.data()), cs.size()));
        else
          w.member("config_string_hex", hex_text(cs));
        break;
      }
      case 2: {  // MAC mask list
        if (len < 4) break;
        r.skip(1);
        w.member("mask_command", r.u8());
        w.member("mask_error", r.u8());
        std::uint8_t count = r.u8();
        if (count * 8u > len - 4 || count * 8u > r.remaining()) break;  // an array is written whole or not at all
        w.key("directives");
        w.begin_array();
        for (unsigned k = 0; k < count; ++k) {
          r.skip(1);
          std::uint8_t dcmd = r.u8();
          Bytes mac = r.bytes(6);
          w.begin_object();
          w.member("command", dcmd);
          w.member("command_name", tok_name(kDirectives, dcmd));
          w.member("mac", mac_text(mac));
          w.end_object();
        }
        w.end_array();
        break;
      }
      case 3: {  // reserve/release
        if (len < 2 || (len - 2) % 6) break;
        std::uint8_t rcmd = r.u8();
        w.member("reserve_command", rcmd);
        w.member("reserve_command_name", tok_name(kReserveCommands, rcmd));
        std::uint8_t count = r.u8();
        if (count * 6u != len - 2 || count * 6u > r.remaining()) break;
        w.key("macs");
        w.begin_array();
        for (unsigned k = 0; k < count; ++k) w.value(mac_text(r.bytes(6)));
        w.end_array();
        break;
      }
      default: break;
    }
  } catch (const Truncated&) {
    // What the capture holds is written; the layer's status says it was cut.
  }
  w.end_object();
}

}  // namespace

void json_aoe(JsonWriter& w, const AoeL& l) {
  w.member("layer", "aoe");
  w.member("length", l.length);
  Bytes m = l.msg;
  if (m.empty()) return;
  w.member("version", m[0] >> 4);
  if (m[0] >> 4 != 1 || l.length < kCommonHeader) return;
  if (m.size() < kCommonHeader) {
    w.member("truncated", true);
    return;
  }
  w.member("flags", m[0] & 0x0f);
  w.member("response", (m[0] & 0x08) != 0);
  if (m[0] & kFlagError) w.member("error", m[1]);
  w.member("major", be16_at(m, 2));
  w.member("minor", m[4]);
  w.member("command", m[5]);
  w.member("command_name", tok_name(kCommands, m[5]));
  w.member("tag", be32_at(m, 6));
  if (m[5] < std::size(kArgPrinters)) json_args(w, m[5], m.subspan(kCommonHeader), l.length - kCommonHeader);
}

}  // namespace netlab::proto
