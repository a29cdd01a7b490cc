// Broadcom switch tags (LINKTYPE_DSA_TAG_BRCM 281: 4 bytes between an
// Ethernet frame's source address and its type; LINKTYPE_DSA_TAG_BRCM_PREPEND
// 282: the same 4 bytes before the frame). An ingress tag (opcode bit 0x20)
// has traffic class, tag enforcement, time stamp and destination map; an
// egress one classification id, reason code, traffic class and port. The
// text follows tcpdump 4.99.3's print-brcmtag.c, which prints the
// prepended tag under -e only.
#include "proto/proto.hpp"

namespace netlab::proto {
namespace {

constexpr Tok kTe[] = {{0, "None"}, {1, "Untag"}, {2, "Header"}, {3, "Reserved"}};
constexpr Tok kRc[] = {{1, "mirror"}, {2, "MAC learning"}, {4, "switching"}, {8, "prot term"},
                       {16, "prot snoop"}, {32, "exception"}};

bool ingress(Bytes t) { return t[0] & 0x20; }

}  // namespace

void print_brcm_tag(Out& o, Bytes t) {
  o << "BRCM tag OP: " << (t[0] ? "IG" : "EG");  // tcpdump tests the whole byte here
  if (ingress(t)) {
    o << ", TC: ";
    o.u((t[1] >> 2) & 0x07) << ", TE: ";
    name_or(o, kTe, t[1] & 0x03, "unknown") << ", TS: ";
    o.u(t[1] >> 7) << ", DST map: 0x";
    o.hex((t[2] << 8 | t[3]) & 0x1ff, 4);
  } else {
    o << ", CID: ";
    o.u(t[1]) << ", RC: ";
    name_or(o, kRc, t[2], "reserved") << ", TC: ";
    o.u((t[3] >> 5) & 0x07) << ", port: ";
    o.u(t[3] & 0x1f);
  }
  o << ", ";
}

void json_brcm_tag(JsonWriter& w, Bytes t) {
  bool ig = ingress(t);
  w.member("opcode", ig ? std::string_view("ingress") : std::string_view("egress"));
  if (ig) {
    w.member("tc", (t[1] >> 2) & 0x07);
    w.member("te", t[1] & 0x03);
    w.member("ts", t[1] >> 7);
    w.member("dst_map", (t[2] << 8 | t[3]) & 0x1ff);
  } else {
    w.member("cid", t[1]);
    w.member("reason", t[2]);
    w.member("tc", (t[3] >> 5) & 0x07);
    w.member("port", t[3] & 0x1f);
  }
}

}  // namespace netlab::proto
