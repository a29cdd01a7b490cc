// Internals shared by the protocol files: the per-packet context, the
// output helpers and each protocol's decode and print entry points.
#pragma once

#include "proto/model.hpp"
#include "proto/options.hpp"

#include <netlab/json.hpp>
#include <netlab/packet.hpp>

#include <array>
#include <cstring>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace netlab::proto {

// Appends to a std::string. The hot formatting paths are hand-written
// (addresses, decimal numbers), the rest goes through fmt.
//
// Two modes. Direct (the default): every call appends to the string, which
// stays whole between calls; local scratch strings use it. Buffered (the
// packet line, written some thirty times per packet): the string is grown
// once by a slack that writes fill through a cursor, and cut back to what was
// written by str() and by the destructor; a std::string append per field
// (a call, a size check, a memcpy call for two bytes) was a sixth of an
// offline decode. Under Buffered, read the string only through str().
class Out {
 public:
  enum Mode { Direct, Buffered };
  explicit Out(std::string& s, Mode mode = Direct) noexcept : s_(s), buffered_(mode == Buffered) {}
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;
  ~Out() { sync(); }

  Out& operator<<(std::string_view v) {
    // Strictly less: a detached cursor (both null) always takes the slow path.
    if (v.size() < static_cast<std::size_t>(end_ - p_)) {
      if (!v.empty()) std::memcpy(p_, v.data(), v.size());  // an empty view's data() may be null
      p_ += v.size();
    } else {
      slow_write(v.data(), v.size());
    }
    return *this;
  }
  Out& operator<<(char c) {
    if (p_ != end_) *p_++ = c;
    else slow_put(c);  // by value: c is not spilled on the fast path
    return *this;
  }
  // The first n of the N bytes at src (all N readable): a fixed-size copy
  // where a string_view's would be a memcpy call of n bytes.
  template <std::size_t N>
  Out& put_padded(const char* src, std::size_t n) {
    if (N < static_cast<std::size_t>(end_ - p_) && n <= N) {
      std::memcpy(p_, src, N);
      p_ += n;
    } else {
      slow_write(src, n);
    }
    return *this;
  }
  Out& u(std::uint64_t v);
  Out& u(std::uint64_t v, int width);  // zero padded to width (at most 20)
  Out& i(std::int64_t v);
  Out& hex(std::uint64_t v, int width = 0);  // lower-case, zero padded to width
  Out& ip4(Bytes b);
  Out& ip6(Bytes b);
  Out& mac(Bytes b);  // colon-separated bytes, any length (tcpdump's linkaddr)
  // The whole string (a buffered Out is cut back to what was written first).
  std::string& str() {
    sync();
    return s_;
  }

 private:
  // Room for n more bytes at p_ (Buffered), or nullptr (Direct: append n
  // bytes made elsewhere). Returns where to write.
  char* room(std::size_t n) {
    if (n < static_cast<std::size_t>(end_ - p_)) return p_;
    return grow(n);
  }
  char* grow(std::size_t n);
  void slow_write(const char* v, std::size_t n);
  void slow_put(char c);
  void sync() noexcept {
    if (p_) {
      s_.resize(static_cast<std::size_t>(p_ - s_.data()));
      p_ = end_ = nullptr;
    }
  }
  std::string& s_;
  char* p_ = nullptr;    // Buffered: the next byte to write; null while detached
  char* end_ = nullptr;  // the end of the slack
  bool buffered_;
};

// tcpdump's per-conversation sequence-number bases, in an open-addressing
// table: the lookup runs for every TCP segment with ACK, and a node-based map
// with a byte-wise hash was a sixth of an offline decode's time.
class TcpTracker {
 public:
  struct Key {
    std::array<std::uint8_t, 16> src{}, dst{};
    std::uint32_t port = 0;
    bool v6 = false;
    bool operator==(const Key&) const = default;
  };
  struct Base {
    std::uint32_t seq = 0, ack = 0;
  };
  // The entry, or nullptr.
  Base* find(const Key& k);
  // The entry, made (zeroed) when it did not exist.
  Base& insert(const Key& k);
  std::size_t size() const noexcept { return used_; }

  // Memory stays bounded whatever the capture: past this many conversations
  // the table starts over (later segments of a forgotten one count from their
  // next SYN or first ACK again, as a capture started mid-conversation does).
  static constexpr std::size_t kMaxEntries = std::size_t(1) << 20;

 private:
  struct Slot {
    std::uint64_t hash = 0;  // 0: empty (hash() never returns 0)
    Key key;
    Base base;
  };
  static std::uint64_t hash(const Key& k) noexcept;
  Slot* probe(const Key& k, std::uint64_t h) noexcept;
  void grow();
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

// tcpdump's ISAKMP initiator-cookie table (print-isakmp.c's cookiecache):
// the last kSlots IKEv1 initiator cookies with the addresses of the packet
// that introduced them, which decide the " I" / " R" / " ?" of later
// messages. Fixed size: memory stays bounded whatever the capture.
class IsakmpCookies {
 public:
  static constexpr std::size_t kSlots = 20;
  int find(Bytes cookie) const noexcept;  // the slot holding this 8-byte cookie, or -1
  void record(Bytes cookie, unsigned ip_version, Bytes src, Bytes dst) noexcept;
  // Whether src is slot k's initiator (or responder) address.
  bool from(int k, unsigned ip_version, Bytes src, bool initiator) const noexcept;

 private:
  struct Slot {
    std::array<std::uint8_t, 8> cookie{};
    unsigned version = 0;
    std::array<std::uint8_t, 16> iaddr{}, raddr{};
  };
  std::array<Slot, kSlots> slots_{};
  std::size_t next_ = 0;
};

// tcpdump's RX call cache (print-rx.c's rx_cache): the last kSlots AFS
// calls (call number, client and server address, server port, service id)
// with their operation, which name the replies. Fixed size, like tcpdump's.
class RxCalls {
 public:
  static constexpr std::size_t kSlots = 64;
  struct Key {
    std::uint32_t call = 0, client = 0, server = 0;
    std::uint16_t port = 0, service = 0;
    bool operator==(const Key&) const = default;
  };
  void insert(const Key& k, std::uint32_t opcode) noexcept;
  // The operation of the call k answers, searched from the last hit on.
  std::optional<std::uint32_t> find(const Key& k) noexcept;

 private:
  std::array<Key, kSlots> keys_{};
  std::array<std::uint32_t, kSlots> ops_{};
  std::size_t next_ = 0, hint_ = 0;
};

class NfsXids;

struct Ctx {
  const PrintOptions& opt;
  TcpTracker& tcp;
  Decoded& d;
  IsakmpCookies* ike = nullptr;  // the capture's cookie table; null: every IKEv1 side is decided afresh
  RxCalls* rx = nullptr;         // the capture's RX call cache; null: no reply is named
  NfsXids* nfs = nullptr;        // the capture's NFS xid map; null: no reply is named
};

// ---- decoders (fill d; may throw Truncated) -------------------------------
void decode_link(Ctx& c, int dlt, ByteReader r);
// The same with the packet's wire length given (a link type inside another: PKTAP).
void decode_link(Ctx& c, int dlt, ByteReader r, std::uint32_t length);
// tag_kind: a SwitchTagL::Kind after the addresses, or -1 for none.
void decode_ethernet(Ctx& c, ByteReader r, std::uint32_t length, int tag_kind = -1);
// Frame Relay: link type 107 (link: tcpdump's fr_if_print, four bytes
// captured first), or inside an FRF.16 fragment (fr_print).
void decode_fr(Ctx& c, ByteReader r, std::uint32_t length, bool link = true);
void decode_mfr(Ctx& c, ByteReader r, std::uint32_t length);  // link type 182, FRF.16
// Link types with one file each: r the frame, length its wire length.
void decode_nflog(Ctx& c, ByteReader r, std::uint32_t length);   // 239
void decode_ipoib(Ctx& c, ByteReader r, std::uint32_t length);   // 242
void decode_ipnet(Ctx& c, ByteReader r, std::uint32_t length);   // 226
void decode_arcnet(Ctx& c, ByteReader r, std::uint32_t length, bool linux_hdr);  // 7, 129
void decode_chdlc(Ctx& c, ByteReader r, std::uint32_t length);   // 104
void decode_pktap(Ctx& c, ByteReader r, std::uint32_t length);   // 258, 149
// The link header length tcpdump counts for PKTAP with inner bytes of inner link header.
std::size_t pktap_link_header_length(const PktapL& l, std::size_t inner);
void decode_atm_rfc1483(Ctx& c, ByteReader r, std::uint32_t length);  // DLT 11
// Ethernet with a switch tag of tag_len bytes after the addresses (DSA 284,
// EDSA 285, Broadcom 281), or a Broadcom tag before them (282).
void decode_ethernet_tagged(Ctx& c, ByteReader r, std::uint32_t length, SwitchTagL::Kind kind);
std::size_t switch_tag_length(SwitchTagL::Kind kind);
// The tag's text as tcpdump prints it where the frame has it.
void print_switch_tag(Out& o, const PrintOptions& opt, const SwitchTagL& t);
void print_dsa_tag(Out& o, const PrintOptions& opt, const SwitchTagL& t);  // dsa.cpp
void json_dsa_tag(JsonWriter& w, const SwitchTagL& t);
void print_brcm_tag(Out& o, Bytes tag);  // brcmtag.cpp
void json_brcm_tag(JsonWriter& w, Bytes tag);
// ppp.cpp: link types 9 (DLT_PPP) and 50 (DLT_PPP_SERIAL), tcpdump's
// ppp_print (ethertype 0x880b sets colon) and PPPoE (0x8863, 0x8864).
void decode_ppp_link(Ctx& c, ByteReader r, std::uint32_t length);
void decode_ppp_hdlc_link(Ctx& c, ByteReader r, std::uint32_t length);
void decode_ppp(Ctx& c, ByteReader r, std::uint32_t length, bool colon);
void decode_pppoe(Ctx& c, ByteReader r, std::uint32_t length);
void decode_ethertype(Ctx& c, std::uint16_t type, ByteReader r, std::uint32_t length);
void decode_arp(Ctx& c, ByteReader r, std::uint32_t length);
// The ARP header and its four addresses (sizes from hlen/plen), the one ARP
// reader of the decoder and of frames; fields read before a Truncated stay.
void read_arp(ByteReader r, ArpL& a);
void decode_ipv4(Ctx& c, ByteReader r, std::uint32_t length);
void decode_ipv6(Ctx& c, ByteReader r, std::uint32_t length);
// The IP payload demultiplexer shared by IPv4 and IPv6; ip is the index of
// the enclosing IP layer in c.d.
void decode_ip_payload(Ctx& c, std::uint8_t proto, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented);
void decode_icmp(Ctx& c, ByteReader r, std::uint32_t length, bool fragmented);
void decode_icmp6(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented);
void decode_tcp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented);
void decode_udp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented);
// 802.2 LLC (and SNAP, and what they carry) in an 802.3 frame of this length field.
void decode_llc(Ctx& c, ByteReader r, std::uint32_t length);
// A SNAP header with no LLC header before it (Frame Relay's NLPID 0x80):
// an LlcL of hdrlen 0, then what the OUI and PID carry.
void decode_snap(Ctx& c, ByteReader r, std::uint32_t length);
void decode_stp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_lldp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_slow(Ctx& c, ByteReader r, std::uint32_t length);
void decode_udld(Ctx& c, ByteReader r, std::uint32_t length);
void decode_cdp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_dtp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_igmp(Ctx& c, ByteReader r, std::uint32_t length);
// GRE in IPv4 or IPv6 (IP protocol 47): r the IP payload as captured, length its length.
void decode_gre(Ctx& c, ByteReader r, std::uint32_t length);
// VRRP (IP protocol 112); ip the enclosing IP layer (TTL, pseudo-header).
// SCTP (IP protocol 132): r the IP payload as captured, length its length.
void decode_sctp(Ctx& c, ByteReader r, std::uint32_t length);
// DCCP (IP protocol 33); ip the enclosing IP layer (pseudo-header).
void decode_dccp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip);
void decode_vrrp(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip);
// ESP (IP protocol 50) and its UDP encapsulation (port 4500, RFC 3948).
void decode_esp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_udp_encap(Ctx& c, ByteReader r, std::uint32_t length);
// AH (IP protocol 51): the header, then the payload its next header names.
void decode_ah(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip, bool fragmented);
// EIGRP (IP protocol 88).
void decode_eigrp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_mobility(Ctx& c, ByteReader r, std::uint32_t length);
// PIM (IP protocol 103); ip the enclosing IP layer (the IPv6 checksum).
void decode_pim(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip);
// OSPF (IP protocol 89); ip the enclosing IP layer (IPv6: OSPFv3).
void decode_ospf(Ctx& c, ByteReader r, std::uint32_t length, std::size_t ip);
// IS-IS (LLC/OSI, NLPID 0x83), from the NLPID on.
void decode_isis(Ctx& c, ByteReader r, std::uint32_t length);
// UDP payloads: r holds the payload as captured (to the IP layer's end),
// length the UDP payload length.
void decode_bootp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_dhcp6(Ctx& c, ByteReader r, std::uint32_t length);
void decode_dns(Ctx& c, ByteReader r, std::uint32_t length);
void decode_mdns(Ctx& c, ByteReader r, std::uint32_t length);
void decode_vxlan(Ctx& c, ByteReader r, std::uint32_t length);
void decode_otv(Ctx& c, ByteReader r, std::uint32_t length);
void decode_vxlan_gpe(Ctx& c, ByteReader r, std::uint32_t length);
// NSH (ethertype 0x894f, VXLAN-GPE, GRE): r from the base header on.
void decode_nsh(Ctx& c, ByteReader r, std::uint32_t length);
// CFM (ethertypes 0x8902, 0xabcd) and VTP (SNAP, Cisco PID 0x2003).
void decode_cfm(Ctx& c, ByteReader r, std::uint32_t length);
void decode_vtp(Ctx& c, ByteReader r, std::uint32_t length);
// A MACsec SecTAG after the Ethernet addresses: r and length from the SecTAG
// on. True when an ethertype inside follows (type set, r and length at its
// payload, the ICV and short length applied); false when the layer ends.
bool decode_macsec(Ctx& c, ByteReader& r, std::uint32_t& length, std::uint16_t& type);
// Arista's header (ethertype 0xd28b, arista.cpp) where Ethernet reads a
// type: r and length from the subtype on. True when the frame's own
// ethertype follows (type set, r and length at its payload); false when the
// layer ends (too short for a subtype, an unknown subtype or format).
bool decode_arista(Ctx& c, ByteReader& r, std::uint32_t& length, std::uint16_t& type);
void decode_ntp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_hsrp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_bfd(Ctx& c, ByteReader r, std::uint32_t length);
void decode_syslog(Ctx& c, ByteReader r, std::uint32_t length);
void decode_tftp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_geneve(Ctx& c, ByteReader r, std::uint32_t length);
void decode_rx(Ctx& c, ByteReader r, std::uint32_t length);
// ISAKMP/IKE on UDP 500, 7500 and 8500; and on UDP 4500 (r and length from
// the four-byte non-ESP marker on).
void decode_isakmp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_isakmp_natt(Ctx& c, ByteReader r, std::uint32_t length);
void decode_babel(Ctx& c, ByteReader r, std::uint32_t length);
void decode_sflow(Ctx& c, ByteReader r, std::uint32_t length);
// AoE (ethertype 0x88a2): r the Ethernet payload, length its length.
void decode_aoe(Ctx& c, ByteReader r, std::uint32_t length);
void decode_eapol(Ctx& c, ByteReader r, std::uint32_t length);
void decode_radius(Ctx& c, ByteReader r, std::uint32_t length);
// MPLS (ethertypes 0x8847/0x8848, UDP 6635): r the label stack on, length its length.
void decode_mpls(Ctx& c, ByteReader r, std::uint32_t length);
// MPLS LSP ping (UDP 3503).
void decode_lspping(Ctx& c, ByteReader r, std::uint32_t length);
// RIP (UDP 520) and RIPng (UDP 521).
void decode_rip(Ctx& c, ByteReader r, std::uint32_t length);
void decode_ripng(Ctx& c, ByteReader r, std::uint32_t length);
// LDP (UDP and TCP 646).
void decode_ldp(Ctx& c, ByteReader r, std::uint32_t length);
// RSVP (IP protocol 46): r the IP payload as captured, length its length.
void decode_rsvp(Ctx& c, ByteReader r, std::uint32_t length);
// SNMP v1, v2c and v3 (UDP 161, 162): r the message as captured, length the UDP payload length.
void decode_snmp(Ctx& c, ByteReader r, std::uint32_t length);
// PTP over UDP 319/320 and ethertype 0x88f7: r the payload, length its length.
void decode_ptp(Ctx& c, ByteReader r, std::uint32_t length);
// TCP payloads: r and length as for UDP, the two-byte prefix included.
void decode_dns_tcp(Ctx& c, ByteReader r, std::uint32_t length);
void decode_http(Ctx& c, ByteReader r, std::uint32_t length);
void decode_ssh(Ctx& c, ByteReader r, std::uint32_t length);
void decode_openflow(Ctx& c, ByteReader r, std::uint32_t length);
void decode_bgp(Ctx& c, ByteReader r, std::uint32_t length);

// An MPTCP option (TCP option 30, RFC 8684) as mptcp.cpp reads it: opt is
// the whole option, kind and length included, as far as it was captured
// (tcp.cpp has checked its stated length was). `ok` is false where tcpdump
// prints "[bad opt]" (a length the subtype does not have).
struct MptcpOption {
  std::uint8_t length = 0, subtype = 8, version = 0, addr_id = 0, dss_flags = 0, dss_read = 0;
  bool ok = false, csum_flag = false, has_key = false, has_key2 = false, backup = false;
  bool has_ack = false, has_map = false, has_csum = false, has_port = false, has_addr_id = false;
  std::uint64_t key = 0, key2 = 0, data_ack = 0, data_seq = 0;
  std::uint32_t token = 0, nonce = 0, subflow_seq = 0;
  std::uint16_t data_len = 0, csum = 0, port = 0;
  Bytes mac, addr, ids;
};
MptcpOption read_mptcp_option(Bytes opt, std::uint8_t tcp_flags);
// The text after "mptcp" in tcpdump's options list; false: "[bad opt]".
bool print_mptcp_option(Out& o, Bytes opt, std::uint8_t tcp_flags);
void json_mptcp_option(JsonWriter& w, Bytes opt, std::uint8_t tcp_flags);

// ---- text printers: print layer i (and what tcpdump prints after it) -------
struct PrintCtx {
  const PrintOptions& opt;
  const Decoded& d;
  Out& o;
  const char* proto = "";  // the printer at work, for " [|proto]"
  bool local_trunc = false;  // truncation tcpdump handles inside the printer
};
void print_layers(PrintCtx& p, std::size_t i);  // dispatch on the layer's type
void print_ethernet(PrintCtx& p, std::size_t i);
void print_vlan(PrintCtx& p, std::size_t i);
void print_sll(PrintCtx& p, std::size_t i);
void print_null(PrintCtx& p, std::size_t i);
void print_arp(PrintCtx& p, std::size_t i);
void print_ipv4(PrintCtx& p, std::size_t i);
// An OpenFlow 1.0 or 1.3 message body (openflow_bodies.cpp): len bytes
// declared from b[at] on, of the message type; from -v on.
void print_of10_body(PrintCtx& p, Bytes b, std::size_t at, std::uint32_t len, std::uint8_t type);
void print_of13_body(PrintCtx& p, Bytes b, std::size_t at, std::uint32_t len, std::uint8_t type);
void print_ipv6(PrintCtx& p, std::size_t i);
void print_ipv6_ext(PrintCtx& p, std::size_t i);
void print_icmp(PrintCtx& p, std::size_t i);
void print_icmp6(PrintCtx& p, std::size_t i);
void print_tcp(PrintCtx& p, std::size_t i);
void print_udp(PrintCtx& p, std::size_t i);
void print_bootp(PrintCtx& p, std::size_t i);
void print_dhcp6(PrintCtx& p, std::size_t i);
void print_dns(PrintCtx& p, std::size_t i);
void print_other_ip(PrintCtx& p, std::size_t i);
void print_llc(PrintCtx& p, std::size_t i);
void print_stp(PrintCtx& p, std::size_t i);
void print_lldp(PrintCtx& p, std::size_t i);
void print_igmp(PrintCtx& p, std::size_t i);
void print_gre(PrintCtx& p, std::size_t i);
void print_vrrp(PrintCtx& p, std::size_t i);
void print_vxlan(PrintCtx& p, std::size_t i);
void print_otv(PrintCtx& p, std::size_t i);
void print_vxlan_gpe(PrintCtx& p, std::size_t i);
void print_nsh(PrintCtx& p, std::size_t i);
void print_cfm(PrintCtx& p, std::size_t i);
void print_vtp(PrintCtx& p, std::size_t i);
// The SecTAG's text ("an 0, pn 6, flags CI, sci ..., ").
void print_macsec_tag(Out& o, const MacsecL& m);
// Arista's header text inside frame e; true when Ethernet goes on with the
// ethertype inside (print_ethernet), false when the line ends here.
bool print_arista(PrintCtx& p, const EthernetL& e, const AristaL& a);
void print_ntp(PrintCtx& p, std::size_t i);
void print_hsrp(PrintCtx& p, std::size_t i);
void print_bfd(PrintCtx& p, std::size_t i);
void print_syslog(PrintCtx& p, std::size_t i);
void print_tftp(PrintCtx& p, std::size_t i);
void print_http(PrintCtx& p, std::size_t i);
void print_ssh(PrintCtx& p, std::size_t i);
void print_sctp(PrintCtx& p, std::size_t i);
void print_dccp(PrintCtx& p, std::size_t i);
void print_openflow(PrintCtx& p, std::size_t i);
void print_slow(PrintCtx& p, std::size_t i);
void print_udld(PrintCtx& p, std::size_t i);
void print_cdp(PrintCtx& p, std::size_t i);
void print_dtp(PrintCtx& p, std::size_t i);
// A ForCES message in an SCTP DATA chunk: msg as captured, length the chunk's payload length.
void print_forces(PrintCtx& p, Bytes msg, std::uint32_t length);
// An M3UA message in an SCTP DATA chunk (payload protocol 3, printed from -vv): msg as captured, size the payload length.
void print_m3ua(PrintCtx& p, Bytes msg, std::uint32_t size);
void print_geneve(PrintCtx& p, std::size_t i);
void print_pim(PrintCtx& p, std::size_t i);
void print_esp(PrintCtx& p, std::size_t i);
void print_ah(PrintCtx& p, std::size_t i);
void print_eigrp(PrintCtx& p, std::size_t i);
void print_mobility(PrintCtx& p, std::size_t i);
// PIMv1 in IGMP (type 0x14): m the IGMP message as captured, len its length.
void print_pimv1(PrintCtx& p, Bytes m, std::uint32_t len);
void print_ptp(PrintCtx& p, std::size_t i);
void print_ospf(PrintCtx& p, std::size_t i);
void print_isis(PrintCtx& p, std::size_t i);
void print_bgp(PrintCtx& p, std::size_t i);
void print_rx(PrintCtx& p, std::size_t i);
void print_isakmp(PrintCtx& p, std::size_t i);
void print_babel(PrintCtx& p, std::size_t i);
void print_sflow(PrintCtx& p, std::size_t i);
void print_aoe(PrintCtx& p, std::size_t i);
void print_eapol(PrintCtx& p, std::size_t i);
void print_radius(PrintCtx& p, std::size_t i);
// tcpdump's eap_print: "Request (1), id 1, len 5" and the type; m the
// captured bytes from the EAP packet on, length the length it should have.
// Its truncation prints " [|proto]" and returns (EAPOL, RADIUS go on).
void print_eap_packet(Out& o, Bytes m, std::uint32_t length, std::string_view proto);
void print_mpls(PrintCtx& p, std::size_t i);
void print_lspping(PrintCtx& p, std::size_t i);
void print_rip(PrintCtx& p, std::size_t i);
void print_ripng(PrintCtx& p, std::size_t i);
void print_ldp(PrintCtx& p, std::size_t i);
void print_rsvp(PrintCtx& p, std::size_t i);
void print_snmp(PrintCtx& p, std::size_t i);
void print_fr(PrintCtx& p, std::size_t i);
void print_ppp(PrintCtx& p, std::size_t i);
void print_pppoe(PrintCtx& p, std::size_t i);
void print_nflog(PrintCtx& p, std::size_t i);
void print_ipoib(PrintCtx& p, std::size_t i);
void print_ipnet(PrintCtx& p, std::size_t i);
void print_arcnet(PrintCtx& p, std::size_t i);
void print_chdlc(PrintCtx& p, std::size_t i);
void print_pktap(PrintCtx& p, std::size_t i);
void print_atm(PrintCtx& p, std::size_t i);
void print_mfr(PrintCtx& p, std::size_t i);
// The address pair of the IP layer at index ip: "a > b" (no trailing text).
void print_ip_pair(PrintCtx& p, std::size_t ip, int sport, int dport);

// ---- JSON: each layer's members, written beside its text printer ----------
void json_ethernet(JsonWriter& w, const EthernetL& l);
void json_vlan(JsonWriter& w, const VlanL& l);
void json_sll(JsonWriter& w, const SllL& l);
void json_null(JsonWriter& w, const NullL& l);
void json_llc(JsonWriter& w, const LlcL& l);
void json_unknown(JsonWriter& w, const UnknownL& l);
void json_arp(JsonWriter& w, const ArpL& l);
void json_ipv4(JsonWriter& w, const Ipv4L& l);
void json_other_ip(JsonWriter& w, const OtherIpL& l);
void json_ipv6(JsonWriter& w, const Ipv6L& l);
void json_ipv6_ext(JsonWriter& w, const Ipv6ExtL& l);
void json_icmp(JsonWriter& w, const IcmpL& l);
void json_icmp6(JsonWriter& w, const Icmp6L& l);
void json_tcp(JsonWriter& w, const TcpL& l);
void json_udp(JsonWriter& w, const UdpL& l);
void json_stp(JsonWriter& w, const StpL& l);
void json_lldp(JsonWriter& w, const LldpL& l);
void json_igmp(JsonWriter& w, const IgmpL& l);
void json_gre(JsonWriter& w, const GreL& l);
void json_vrrp(JsonWriter& w, const VrrpL& l);
void json_vxlan(JsonWriter& w, const VxlanL& l);
void json_otv(JsonWriter& w, const OtvL& l);
void json_vxlan_gpe(JsonWriter& w, const VxlanGpeL& l);
void json_nsh(JsonWriter& w, const NshL& l);
void json_cfm(JsonWriter& w, const CfmL& l);
void json_vtp(JsonWriter& w, const VtpL& l);
void json_macsec(JsonWriter& w, const MacsecL& l);
void json_arista(JsonWriter& w, const AristaL& l);
void json_ntp(JsonWriter& w, const NtpL& l);
void json_hsrp(JsonWriter& w, const HsrpL& l);
void json_bfd(JsonWriter& w, const BfdL& l);
void json_syslog(JsonWriter& w, const SyslogL& l);
void json_tftp(JsonWriter& w, const TftpL& l);
void json_http(JsonWriter& w, const HttpL& l);
void json_ssh(JsonWriter& w, const SshL& l);
void json_sctp(JsonWriter& w, const SctpL& l);
void json_dccp(JsonWriter& w, const DccpL& l);
void json_openflow(JsonWriter& w, const OpenflowL& l);
void json_slow(JsonWriter& w, const SlowL& l);
void json_udld(JsonWriter& w, const UdldL& l);
void json_cdp(JsonWriter& w, const CdpL& l);
void json_dtp(JsonWriter& w, const DtpL& l);
void json_geneve(JsonWriter& w, const GeneveL& l);
void json_pim(JsonWriter& w, const PimL& l);
void json_esp(JsonWriter& w, const EspL& l);
void json_ah(JsonWriter& w, const AhL& l);
void json_eigrp(JsonWriter& w, const EigrpL& l);
void json_mobility(JsonWriter& w, const MobilityL& l);
void json_ptp(JsonWriter& w, const PtpL& l);
void json_ospf(JsonWriter& w, const OspfL& l);
void json_isis(JsonWriter& w, const IsisL& l);
void json_bgp(JsonWriter& w, const BgpL& l);
void json_rx(JsonWriter& w, const RxL& l);
void json_isakmp(JsonWriter& w, const IsakmpL& l);
void json_babel(JsonWriter& w, const BabelL& l);
void json_sflow(JsonWriter& w, const SflowL& l);
void json_aoe(JsonWriter& w, const AoeL& l);
void json_eapol(JsonWriter& w, const EapolL& l);
void json_radius(JsonWriter& w, const RadiusL& l);
void json_mpls(JsonWriter& w, const MplsL& l);
void json_lspping(JsonWriter& w, const LspPingL& l);
void json_rip(JsonWriter& w, const RipL& l);
void json_ripng(JsonWriter& w, const RipngL& l);
void json_ldp(JsonWriter& w, const LdpL& l);
void json_rsvp(JsonWriter& w, const RsvpL& l);
void json_snmp(JsonWriter& w, const SnmpL& l);
void json_fr(JsonWriter& w, const FrL& l);
void json_ppp(JsonWriter& w, const PppL& l);
void json_pppoe(JsonWriter& w, const PppoeL& l);
void json_nflog(JsonWriter& w, const NflogL& l);
void json_ipoib(JsonWriter& w, const IpoibL& l);
void json_ipnet(JsonWriter& w, const IpnetL& l);
void json_arcnet(JsonWriter& w, const ArcnetL& l);
void json_chdlc(JsonWriter& w, const ChdlcL& l);
void json_switch_tag(JsonWriter& w, const SwitchTagL& l);
void json_pktap(JsonWriter& w, const PktapL& l);
void json_atm(JsonWriter& w, const AtmL& l);
void json_mfr(JsonWriter& w, const MfrL& l);
void json_bootp(JsonWriter& w, const BootpL& l);
void json_dhcp6(JsonWriter& w, const Dhcp6L& l);
void json_dns(JsonWriter& w, const DnsL& l);
// An option list as a JSON array "options" of objects, one an option the
// walker yields. one_option(w, tlv, walker) writes the members of one entry
// into the object opened for it; when it throws Truncated (a status it
// cannot print, or a value read that runs off), the entry is closed with
// "truncated": true instead of invented values, and the list ends.
template <typename Fn>
void json_options(JsonWriter& w, TlvWalker walker, Fn one_option) {
  w.key("options");
  w.begin_array();
  while (auto o = walker.next()) {
    w.begin_object();
    try {
      one_option(w, *o, walker);
    } catch (const Truncated&) {
      w.member("truncated", true);  // the entry's object is still open
      w.end_object();
      break;
    }
    w.end_object();
  }
  w.end_array();
}
// "id" and "seq" of an ICMP or ICMPv6 echo message, when captured.
void json_echo(JsonWriter& w, Bytes msg);
// Text forms of bytes for JSON values.
std::string hex_text(Bytes b);  // "0a1b..."
std::string mac_text(Bytes b);
std::string ip4_text(Bytes b);
std::string ip6_text(Bytes b);

// ---- name tables (tcpdump's struct tok and tok2str) ------------------------
struct Tok {
  std::uint32_t value;
  std::string_view name;
};
const Tok* tok_find(std::span<const Tok> table, std::uint32_t v) noexcept;
// The name of v, or "" when the table has none.
std::string_view tok_name(std::span<const Tok> table, std::uint32_t v) noexcept;
// The name of v, or `fallback` alone when the table has none (tcpdump's
// tok2str with a format that prints no number).
inline Out& name_or(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view fallback) {
  std::string_view n = tok_name(table, v);
  return o << (n.empty() ? fallback : n);
}
// The name of v, or before + v + after ("Unknown (" v ")") when the table has none.
Out& tok_print(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view before,
               std::string_view after = {});

// ---- shared helpers --------------------------------------------------------
std::string_view ethertype_name(std::uint16_t type);  // "" when unknown
std::string_view ipproto_name(std::uint8_t proto);    // "" when unknown
std::string_view oui_name(std::uint32_t oui);         // "" when unknown (tcpdump's oui_values)
std::span<const Tok> nlpid_names() noexcept;          // tcpdump's nlpid_values (isis.cpp)
// tcpdump's unsigned_relts_print: seconds as "1w2d3h", zero as "0s".
void print_relts(Out& o, std::uint32_t secs);
// tcpdump's p_ntp_time of the 64-bit NTP timestamp at m[at] (ntp.cpp).
void print_ntp_time(Out& o, Bytes m, std::size_t at);
// tcpdump's fn_print_char: M- for 8-bit, ^X for control characters.
void print_char(Out& o, std::uint8_t c);
// tcpdump's mpls_pw_types_values (l2vpn.c), pseudowire types: LDP and LSP ping (ldp.cpp).
std::span<const Tok> mpls_pw_types() noexcept;
// RFC 3232 address family numbers as CFM, LDP, LLDP and RSVP print them (util.cpp).
std::span<const Tok> address_families() noexcept;
bool linktype_is_known(int dlt);
std::size_t link_header_length(const Decoded& d);
// tcpdump's bittok2str (util.cpp): the table's single-bit entries set in v,
// in the table's order, ", " between, or `none` (IS-IS and OSPF flags).
void print_bit_names(Out& o, std::span<const Tok> table, std::uint32_t v, std::string_view none);
// tcpdump's print_unknown_data: hex lines after `indent` ("\n\t    "), of at
// most len bytes of b, as far as captured.
void print_unknown_data(Out& o, Bytes b, std::size_t len, std::string_view indent);
// tcpdump's hex (and ASCII) dump lines, each starting with "\n\t".
void hex_dump(Out& o, Bytes b, bool ascii, std::size_t offset = 0);
// RFC 1071 one's-complement sum of the bytes (not complemented).
std::uint32_t ones_sum(Bytes b, std::uint32_t acc = 0);
std::uint16_t fold_checksum(std::uint32_t acc);  // ~folded
// tcpdump's in_cksum_shouldbe: the value the checksum field should have.
std::uint16_t cksum_shouldbe(std::uint16_t sum, std::uint16_t computed);
// Pseudo-header + segment checksum for TCP/UDP/ICMPv6 over the IP layer ip;
// pseudo_length, when not 0, is the pseudo-header's length where the sum
// covers less than the whole segment (DCCP's CsCov, RFC 4340 9.2).
std::uint16_t l4_checksum(const Decoded& d, std::size_t ip, std::uint8_t proto, Bytes segment,
                          std::uint32_t pseudo_length = 0);
// True if the layer at i holds T.
template <typename T>
bool is(const Decoded& d, std::size_t i) {
  return i < d.size() && std::holds_alternative<T>(d[i].layer);
}
template <typename T>
const T& at(const Decoded& d, std::size_t i) {
  return std::get<T>(d[i].layer);
}
// The tail of a link-layer printer: the payload's own printer, or, for a
// payload netlab does not decode, the link header (unless -e printed it
// already) and the payload's hex as tcpdump dumps it.
template <typename Header>
void print_link_payload(PrintCtx& p, std::size_t i, Header&& header) {
  if (i + 1 >= p.d.size()) return;
  if (is<UnknownL>(p.d, i + 1)) {
    if (!p.opt.link_header) header();
    if (p.opt.hex == HexStyle::None && !p.opt.quiet) hex_dump(p.o, at<UnknownL>(p.d, i + 1).data, true);
    return;
  }
  print_layers(p, i + 1);
}
// The index of the IPv4 or IPv6 layer below layer i, which a transport
// layer (TCP, UDP) always has: the one whose addresses it prints.
inline std::size_t enclosing_ip(const Decoded& d, std::size_t i) {
  std::size_t ip = i - 1;
  while (!is<Ipv4L>(d, ip) && !is<Ipv6L>(d, ip)) --ip;
  return ip;
}

// ---- Sun RPC and NFS (sunrpc.cpp, nfs.cpp) ---------------------------------
// tcpdump's xid_map (print-nfs.c): the last kSlots NFS calls (xid, IP
// version, client and server address) with their procedure and version,
// which name the replies. Fixed size, like tcpdump's.
class NfsXids {
 public:
  static constexpr std::size_t kSlots = 64;
  struct Key {
    std::uint32_t xid = 0;
    std::uint8_t ipver = 0;  // 4 or 6; 0: an empty slot, which matches nothing
    std::array<std::uint8_t, 16> client{}, server{};
    bool operator==(const Key&) const = default;
  };
  void insert(const Key& k, std::uint32_t proc, std::uint32_t vers) noexcept;
  // The call a reply with this key (client and server as the call had them)
  // answers, searched from the last hit on: {proc, vers}.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> find(const Key& k) noexcept;

 private:
  std::array<Key, kSlots> keys_{};
  std::array<std::uint32_t, kSlots> procs_{}, vers_{};
  std::size_t next_ = 0, hint_ = 0;
};
// tcpdump's udp_print test ahead of its port table (not under -q): a UDP
// payload to port 2049 holding an RPC call, or from it holding a reply, is
// NFS. True when it pushed the NFS layer.
bool decode_nfs_udp(Ctx& c, const UdpL& u, ByteReader r, std::uint32_t length);
// TCP 2049's row of tcp.cpp's table: the record mark, then as above.
void decode_nfs_tcp(Ctx& c, ByteReader r, std::uint32_t length);
// The xid map's side of a call or reply (nfs.cpp); ip the enclosing IP layer.
void nfs_track(Ctx& c, NfsL& n, std::size_t ip);
// tcpdump's parsereq: the offset in m of a call's arguments after the
// credentials and verifier, or kNoArgs where tcpdump gives up (its
// "goto trunc"); a read past the capture throws Truncated.
constexpr std::size_t kNoArgs = static_cast<std::size_t>(-1);
std::size_t rpc_call_args(Bytes m, std::uint32_t length);
// The reply's status as nfsreply_noaddr_print prints it: "reply ok N",
// "reply ERR N: ..."; true for an accepted reply (whose results follow),
// false when the line ends here (cut set when that is tcpdump's own " [|nfs]").
bool print_rpc_reply_status(Out& o, Bytes m, std::uint32_t length, bool& cut);
// tcpdump's parserep: the offset of an accepted reply's results, or kNoArgs;
// a non-success accept status is printed and sets error.
std::size_t rpc_reply_results(Out& o, Bytes m, std::uint32_t length, bool& error);
void json_sunrpc(JsonWriter& w, const NfsL& l);  // the RPC header's members
void print_nfs(PrintCtx& p, std::size_t i);
void json_nfs(JsonWriter& w, const NfsL& l);
// Kerberos (UDP 88, 750) and L2TP (UDP 1701): r the payload as captured, length the UDP payload length.
void decode_krb(Ctx& c, ByteReader r, std::uint32_t length);
void decode_l2tp(Ctx& c, ByteReader r, std::uint32_t length);
void print_krb(PrintCtx& p, std::size_t i);
void print_l2tp(PrintCtx& p, std::size_t i);
void json_krb(JsonWriter& w, const KrbL& l);
void json_l2tp(JsonWriter& w, const L2tpL& l);
// RESP (TCP 6379): r the payload as captured, length the TCP payload length.
void decode_resp(Ctx& c, ByteReader r, std::uint32_t length);
void print_resp(PrintCtx& p, std::size_t i);
void json_resp(JsonWriter& w, const RespL& l);

}  // namespace netlab::proto
