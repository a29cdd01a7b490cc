// M3UA (RFC 4666, SS7 MTP3 user adaptation) messages carried by SCTP DATA
// chunks with payload protocol 3, printed from -vv on as tcpdump 4.99.3's
// print-m3ua.c prints them: the message class and type on their own line,
// then each parameter's name with its value (network appearance, routing
// context and correlation id as a 32-bit hex word: the parameter's first
// word, as 4.99.3 prints it) or its length. A version
// other than 1 prints nothing; a length that disagrees with the chunk's is
// "Corrupted length"; a parameter shorter than its header is " (invalid)".
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr std::size_t kHeader = 8;  // version, reserved, class, type, length
constexpr std::size_t kParamHeader = 4;

constexpr Tok kClasses[] = {{0, "Management"}, {1, "Transfer"}, {2, "SS7"},
                            {3, "ASP"},        {4, "ASP"},      {9, "Routing Key Management"}};
constexpr Tok kMgmt[] = {{0, "Error"}, {1, "Notify"}};
constexpr Tok kTransfer[] = {{1, "Data"}};
constexpr Tok kSsnm[] = {{1, "Destination Unavailable"},           {2, "Destination Available"},
                         {3, "Destination State Audit"},           {4, "Signalling Congestion"},
                         {5, "Destination User Part Unavailable"}, {6, "Destination Restricted"}};
constexpr Tok kAspsm[] = {{1, "Up"},
                          {2, "Down"},
                          {3, "Heartbeat"},
                          {4, "Up Acknowledgement"},
                          {5, "Down Acknowledgement"},
                          {6, "Heartbeat Acknowledgement"}};
constexpr Tok kAsptm[] = {
    {1, "Active"}, {2, "Inactive"}, {3, "Active Acknowledgement"}, {4, "Inactive Acknowledgement"}};
constexpr Tok kRkm[] = {{1, "Registration Request"},
                        {2, "Registration Response"},
                        {3, "Deregistration Request"},
                        {4, "Deregistration Response"}};

constexpr Tok kParams[] = {{0x0004, "INFO String"},
                           {0x0006, "Routing Context"},
                           {0x0007, "Diagnostic Info"},
                           {0x0009, "Heartbeat Data"},
                           {0x000b, "Traffic Mode Type"},
                           {0x000c, "Error Code"},
                           {0x000d, "Status"},
                           {0x0011, "ASP Identifier"},
                           {0x0012, "Affected Point Code"},
                           {0x0013, "Correlation ID"},
                           {0x0200, "Network Appearance"},
                           {0x0204, "User/Cause"},
                           {0x0205, "Congestion Indications"},
                           {0x0206, "Concerned Destination"},
                           {0x0207, "Routing Key"},
                           {0x0208, "Registration Result"},
                           {0x0209, "Deregistration Result"},
                           {0x020a, "Local Routing Key Identifier"},
                           {0x020b, "Destination Point Code"},
                           {0x020c, "Service Indicators"},
                           {0x020e, "Originating Point Code List"},
                           {0x0210, "Protocol Data"},
                           {0x0212, "Registration Status"},
                           {0x0213, "Deregistration Status"}};

std::span<const Tok> types_of(std::uint8_t cls) {
  switch (cls) {
    case 0: return kMgmt;
    case 1: return kTransfer;
    case 2: return kSsnm;
    case 3: return kAspsm;
    case 4: return kAsptm;
    case 9: return kRkm;
    default: return {};
  }
}

// The parameter list (b: the bytes after the common header, size their
// stated length); each value is padded to 4 bytes.
void params(Out& o, Bytes b, std::uint32_t size) {
  std::size_t at = 0;
  while (at < size) {
    if (at + kParamHeader > size) {
      o << " (invalid)";
      sub(b, 0, size);
      return;
    }
    std::uint16_t tag = be16_at(b, at);
    o << "\n\t\t\t";
    if (auto name = tok_name(kParams, tag); !name.empty()) o << name;
    else o << "Unknown Parameter (0x", o.hex(tag, 4) << ')';
    o << ": ";
    std::uint16_t len = be16_at(b, at + 2);
    if (len < kParamHeader) {
      o << " (invalid)";
      sub(b, 0, size);
      return;
    }
    std::size_t align = (at + len) % 4 ? 4 - (at + len) % 4 : 0;
    sub(b, at, len + align);
    std::size_t vlen = len - kParamHeader;
    switch (tag) {
      case 0x0200:
      case 0x0006:
      case 0x0013:
        // tcpdump 4.99.3 hands its value printer the parameter's header,
        // not its value: the word printed is the tag and length.
        if (vlen < 4) o << " (invalid)";
        else o << "0x", o.hex(be32_at(b, at), 8);
        break;
      default: o << "(length ", o.u(len) << ')';
    }
    at += len + align;
  }
}

}  // namespace

void print_m3ua(PrintCtx& p, Bytes msg, std::uint32_t size) {
  p.proto = "m3ua";
  Out& o = p.o;
  if (size < kHeader) {
    o << " (invalid)";
    sub(msg, 0, size);
    return;
  }
  sub(msg, 0, kHeader);
  if (msg[0] != 1) return;
  std::uint8_t cls = msg[2];
  o << "\n\t\t";
  if (auto name = tok_name(kClasses, cls); !name.empty()) o << name;
  else o << "Unknown message class ", o.u(cls);
  if (auto types = types_of(cls); !types.empty()) {
    o << ' ';
    if (auto name = tok_name(types, msg[3]); !name.empty()) o << name;
    else o << "Unknown (0x", o.hex(msg[3], 2) << ')';
    o << " Message";
  }
  std::uint32_t len = be32_at(msg, 4);
  if (len != size) {
    o << "\n\t\t\t@@@@@@ Corrupted length ";
    o.u(len) << " of message @@@@@@";
    return;
  }
  params(o, msg.subspan(kHeader), len - kHeader);
}

}  // namespace netlab::proto
