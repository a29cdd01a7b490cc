// The decoded packet: one fixed-capacity array of layers, each a small value
// struct whose byte fields are spans into the captured bytes (no copies, no
// heap). Decoders (one file per protocol) fill it; the tcpdump-style text
// printer and the JSON writer both read it, so the two outputs cannot drift.
//
// A layer that ran out of captured bytes keeps what it decoded: `stage` says
// how far it got, and `status` is Truncated. Inconsistent but captured data
// is a status (Invalid) or a per-protocol note, never an exception.
#pragma once

#include "proto/byte_reader.hpp"

#include <array>
#include <cstdint>
#include <type_traits>
#include <variant>
#include <vector>

namespace netlab::proto {

enum class Status : std::uint8_t { Ok, Truncated, Invalid };

// ---- link layers ---------------------------------------------------------
struct EthernetL {  // IEEE 802.3 / Ethernet II (print after the link header)
  Bytes dst, src;
  std::uint16_t type = 0;  // ethertype or 802.3 length
  std::uint32_t length = 0;  // wire length of the frame
  std::uint32_t caplen = 0;  // bytes captured from the frame's start
  std::uint8_t stage = 0;  // 0: nothing, 1: addresses, 2: type
};
struct VlanL {  // IEEE 802.1Q tag (also 802.1ad QinQ)
  std::uint16_t tpid = 0;  // the ethertype that introduced the tag
  std::uint16_t tci = 0;
  std::uint16_t type = 0;  // encapsulated ethertype
  std::uint8_t stage = 0;  // 0 nothing, 2 complete
};
struct MacsecL {  // IEEE 802.1AE SecTAG (macsec.cpp); printed by print_ethernet
  std::uint8_t tci_an = 0, short_length = 0;
  std::uint32_t pn = 0;
  std::uint64_t sci = 0;
  std::uint16_t inner_type = 0;
  std::uint8_t stage = 0;   // 1 the SecTAG, 2 the ethertype inside (not encrypted)
  bool invalid = false;     // version bit or short-length high bits set
  bool encrypted = false;   // E or C: payload is the rest, printed in hex
  Bytes payload;
};
struct SllL {  // Linux cooked capture v1 and v2
  std::uint8_t version = 1;
  std::uint16_t pkttype = 0, hatype = 0, halen = 0, type = 0;
  std::uint32_t ifindex = 0;
  Bytes addr;
  std::uint32_t length = 0;
  std::uint8_t stage = 0;
};
struct NullL {  // BSD loopback: host-order address family
  std::uint32_t family = 0;
  std::uint32_t length = 0;
  std::uint8_t stage = 0;
};
struct LlcL {  // IEEE 802.2 LLC after an 802.3 length field, and SNAP (llc.cpp)
  std::uint32_t length = 0;  // the 802.3 length field (ATM RFC 1483: the frame's)
  Bytes data;                // the 802.3 payload as captured, LLC header included
  std::uint8_t dsap_field = 0, ssap_field = 0;
  std::uint16_t control = 0;  // one byte (U format) or two, little-endian (I and S)
  std::uint8_t hdrlen = 0;    // 3 or 4 once the header was read
  std::uint32_t oui = 0;      // SNAP
  std::uint16_t pid = 0;
  std::uint8_t stage = 0;     // 1 LLC header, 2 SNAP header
};

// ---- network layers ------------------------------------------------------
struct ArpL {  // RFC 826 (and RFC 903 RARP)
  std::uint16_t htype = 0, ptype = 0, op = 0;
  std::uint8_t hlen = 0, plen = 0;
  Bytes sha, spa, tha, tpa;
  Bytes raw;  // the ARP header as captured, for the hex fallback
  std::uint32_t length = 0;
  bool complete = false;  // all four addresses captured
};
struct Ipv4L {  // RFC 791
  enum Note : std::uint8_t { None, WrongVersion, TruncatedIp, BadHlen, BadLen, UnknownIp };
  std::uint8_t version = 0, ihl = 0, tos = 0, ttl = 0, proto = 0;
  std::uint16_t total = 0, id = 0, off = 0, sum = 0;
  std::uint16_t computed_sum = 0;  // checksum over the captured header (0: good)
  bool sum_checked = false;
  Bytes src, dst, options;
  Bytes header;  // the whole header, for checksum and pseudo-header use
  std::uint32_t length = 0;  // length handed down by the link layer
  std::uint32_t missing = 0;  // total > length: bytes missing
  Note note = None;
  std::uint8_t stage = 0;  // 1 version, 2 fixed header, 3 header+options captured
  bool fragment() const noexcept { return (off & 0x1fff) != 0; }
  bool more_fragments() const noexcept { return off & 0x2000; }
};
struct Ipv6L {  // RFC 8200 fixed header
  std::uint8_t version = 0, tclass = 0, nh = 0, hlim = 0;
  std::uint32_t flow = 0;
  std::uint16_t plen = 0;
  Bytes src, dst;
  std::uint32_t length = 0;  // link-layer length
  std::uint32_t payload = 0;  // payload length in use (jumbo or plen)
  std::uint32_t jumbo_missing = 0;  // jumbo payload longer than the frame
  bool wrong_version = false;
  bool jumbo = false;
  std::uint8_t stage = 0;  // 1 version, 2 header
};
struct Ipv6ExtL {  // hop-by-hop, routing, fragment, destination options
  std::uint8_t type = 0;  // the protocol number of this header (0, 43, 44, 60)
  std::uint8_t nh = 0;
  Bytes body;  // the whole extension header
  std::uint8_t stage = 0;
};

// ---- transport and control -----------------------------------------------
struct IcmpL {  // RFC 792
  std::uint8_t type = 0, code = 0;
  std::uint16_t sum = 0, computed = 0;
  bool sum_checked = false;
  Bytes msg;  // the message as captured (clamped to plen)
  std::uint32_t plen = 0;
  bool fragmented = false;
  bool described = false;  // the summary text could be built
};
struct Icmp6L {  // RFC 4443, 4861, 2710/3810
  std::uint8_t type = 0, code = 0;
  std::uint16_t sum = 0, computed = 0;
  bool sum_checked = false;
  Bytes msg;
  std::uint32_t plen = 0;
  std::uint8_t stage = 0;
};
struct TcpL {  // RFC 9293
  std::uint16_t sport = 0, dport = 0, win = 0, sum = 0, urp = 0, computed = 0;
  std::uint32_t seq = 0, ack = 0;        // as on the wire
  std::uint32_t rel_seq = 0, rel_ack = 0;  // relative, tcpdump's way (== wire when not tracked)
  std::uint32_t thseq = 0, thack = 0;   // the connection's bases (for SACK blocks)
  bool rev = false;
  std::uint8_t hlen = 0, flags = 0;
  bool sum_checked = false;
  bool fragmented = false;
  bool ip_direct = true;  // the IP header's next header says TCP (else ports only)
  Bytes options, payload;
  std::uint32_t length = 0;  // segment length from IP
  std::uint8_t stage = 0;    // 1 ports, 2 fixed header
};
struct UdpL {  // RFC 768
  std::uint16_t sport = 0, dport = 0, ulen = 0, sum = 0, computed = 0;
  bool sum_checked = false;
  bool fragmented = false;
  bool ip_direct = true;
  std::uint32_t length = 0;  // from IP
  Bytes payload;
  std::uint8_t stage = 0;  // 1 ports, 2 length, 3 header
};
// ---- applications over UDP --------------------------------------------------
struct BootpL {  // RFC 951 / RFC 2131: printed from its bytes (bootp.cpp)
  Bytes msg;                 // captured from the BOOTP header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct Dhcp6L {  // RFC 8415 (dhcp6.cpp)
  Bytes msg;                 // captured from the message's first byte, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct DnsL {  // RFC 1035 over UDP 53, TCP 53 and mDNS (dns.cpp): printed from its bytes
  Bytes msg;                 // captured from the message (TCP: its length prefix) on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP or TCP payload length
  bool tcp = false;          // RFC 1035 4.2.2: a two-byte length first
  bool mdns = false;         // RFC 6762: the class's top bit is QU / cache-flush
};
struct NtpL {  // RFC 5905 and mode 6 control messages (ntp.cpp): printed from its bytes
  Bytes msg;                 // captured from the message on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct VrrpL {  // RFC 3768 and RFC 5798 (vrrp.cpp): printed from its bytes
  Bytes msg;                 // as captured, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
  std::uint8_t ttl = 0;      // the IP TTL or hop limit (RFC 5798: 255)
  bool v6 = false;
  bool sum_checked = false;  // -v and the message captured whole
  std::uint16_t computed = 0;  // 0: the checksum is right
};
struct HsrpL {  // RFC 2281 (hsrp.cpp): printed from its bytes
  Bytes msg;                 // captured from the message on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct BfdL {  // RFC 5880 (bfd.cpp): printed from its bytes
  Bytes msg;                 // captured from the packet on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
  std::uint16_t port = 0;    // the UDP destination port: control, echo, multihop or LAG
};
struct SyslogL {  // RFC 3164 over UDP (syslog.cpp): printed from its bytes
  Bytes msg;                 // captured from the message on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct HttpL {  // RFC 9112 over TCP 80 and 8080 (http.cpp): printed from its bytes
  Bytes msg;                 // captured from the TCP payload on, to the IP layer's end
  std::uint32_t length = 0;  // the TCP payload length
  bool message = false;      // starts with a request or status line (else a continuation)
};
struct SshL {  // RFC 4253 version exchange over TCP 22 (ssh.cpp)
  Bytes msg;                 // captured from the TCP payload on, to the IP layer's end
  std::uint32_t length = 0;  // the TCP payload length
};
struct SctpL {  // RFC 9260 (sctp.cpp): the chunks printed from the bytes
  Bytes pkt;                 // captured from the common header on, to the IP layer's end
  std::uint32_t length = 0;  // the SCTP packet's length from IP
  std::uint16_t sport = 0, dport = 0;
};
struct DccpL {  // RFC 4340 (dccp.cpp): printed from its bytes
  Bytes pkt;                 // captured from the generic header on, to the IP layer's end
  std::uint32_t length = 0;  // the DCCP packet's length from IP
  std::uint16_t computed = 0;  // the checksum over the coverage, 0 when right
  bool sum_checked = false;    // -v and the whole packet captured
};
struct OpenflowL {  // OpenFlow over TCP 6653/6633 (openflow.cpp): printed from its bytes
  Bytes msg;                 // captured from the TCP payload on, to the IP layer's end
  std::uint32_t length = 0;  // the TCP payload length
};
struct SlowL {  // IEEE 802.3 slow protocols, LACP and marker (slow.cpp)
  Bytes pdu;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the frame's payload length
};
struct UdldL {  // Cisco UDLD, RFC 5171 (udld.cpp)
  Bytes pdu;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the SNAP payload length
};
struct CdpL {  // Cisco Discovery Protocol (cdp.cpp)
  Bytes pdu;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the SNAP payload length
};
struct DtpL {  // Cisco Dynamic Trunking Protocol (dtp.cpp)
  Bytes pdu;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the SNAP payload length
};
struct TftpL {  // RFC 1350 and RFC 2347 (tftp.cpp): printed from its bytes
  Bytes msg;                 // captured from the packet on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct OtherIpL {  // an IP protocol we do not decode
  std::uint8_t proto = 0;
  std::uint32_t length = 0;
};
struct StpL {  // IEEE 802.1D/w/s/aq BPDU (stp.cpp): read where printed, through be16_at and kin
  Bytes bpdu;               // as captured
  std::uint32_t length = 0;  // what LLC (or SNAP) hands down
};
struct LldpL {  // IEEE 802.1AB LLDPDU (lldp.cpp)
  Bytes pdu;
  std::uint32_t length = 0;
};
struct IgmpL {  // RFC 1112, 2236, 3376 (igmp.cpp)
  Bytes msg;                 // as captured, clamped to the IP payload
  std::uint32_t length = 0;  // the IP payload length
};
struct GreL {  // RFC 2784/2890 and RFC 2637 enhanced GRE (gre.cpp): printed from its bytes
  Bytes msg;                 // captured from the GRE header on, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
};
struct VxlanL {  // RFC 7348 (vxlan.cpp); the inner Ethernet frame is the next layer
  std::uint8_t flags = 0;
  std::uint32_t vni = 0;
  std::uint32_t length = 0;  // the UDP payload length
  std::uint8_t stage = 0;    // 1 the flags, 2 the VNI
};
struct VxlanGpeL {  // draft-ietf-nvo3-vxlan-gpe, UDP 4790 (vxlan.cpp); the payload is the next layer
  std::uint8_t flags = 0, next = 0;
  std::uint32_t vni = 0;
  std::uint32_t length = 0;  // the UDP payload length
  std::uint8_t stage = 0;    // 1 the flags, 2 the next protocol and VNI
};
struct NshL {  // RFC 8300 Network Service Header (nsh.cpp); the payload is the next layer
  Bytes msg;                 // captured from the base header on
  std::uint32_t length = 0;  // the length handed down
};
struct CfmL {  // IEEE 802.1ag CFM, ethertypes 0x8902 and 0xabcd (cfm.cpp): printed from its bytes
  Bytes pdu;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the Ethernet payload length
};
struct VtpL {  // Cisco VLAN Trunking Protocol, SNAP PID 0x2003 (vtp.cpp): printed from its bytes
  Bytes pdu;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the SNAP payload length
};
struct OtvL {  // Cisco OTV on UDP 8472 (otv.cpp); the inner Ethernet frame is the next layer
  std::uint8_t flags = 0;
  std::uint32_t overlay = 0, instance = 0;
  std::uint32_t length = 0;  // the UDP payload length
  std::uint8_t stage = 0;    // 1 the flags, 2 the overlay, 3 the instance, 4 the reserved byte
  bool data_short = false;   // a short header also cut in the capture
};
struct GeneveL {  // RFC 8926 (geneve.cpp); the payload is the next layer
  std::uint8_t first = 0;  // version (2 bits) and option length in words (6)
  std::uint8_t flags = 0, reserved = 0;
  std::uint16_t proto = 0;
  std::uint32_t vni = 0;
  Bytes options;             // once captured
  std::uint32_t length = 0;  // the UDP payload length
  std::uint8_t stage = 0;    // 1 the fixed header, 2 the options
};
struct PimL {  // RFC 7761 and kin, IP protocol 103 (pim.cpp): printed from its bytes
  enum Sum : std::uint8_t { Unverified, Correct, Incorrect };
  Bytes msg;                 // captured from the PIM header on, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
  Sum sum = Unverified;      // -v: the checksum over what tcpdump sums, when captured
};
struct EspL {  // RFC 4303, IP protocol 50 or UDP 4500 (esp.cpp): no keys, the header only
  enum Encap : std::uint8_t { None, Udp, Keepalive, Cut };  // Udp: RFC 3948; Cut: UDP 4500 under 4 bytes
  Bytes msg;                 // captured from the ESP header on, to the IP layer's end
  std::uint32_t length = 0;  // the IP (or UDP) payload length
  Encap encap = None;
};
struct AhL {  // RFC 4302, IP protocol 51 (ah.cpp); the payload is the next layer
  Bytes hdr;  // captured from the header on (tcpdump reads the SPI and sequence number past a short one)
};
struct EigrpL {  // RFC 7868, IP protocol 88 (eigrp.cpp): printed from its bytes
  Bytes msg;                 // captured from the EIGRP header on, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
};
struct MobilityL {  // RFC 6275, IPv6 next header 135 and 62 (mobility.cpp): printed from its bytes
  Bytes msg;                 // captured from the Mobility Header on, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
};
struct PtpL {  // IEEE 1588-2008 over Ethernet and UDP 319/320 (ptp.cpp): printed from its bytes
  Bytes msg;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the Ethernet or UDP payload length
};
struct OspfL {  // RFC 2328 and RFC 5340, IP protocol 89 (ospf.cpp): printed from its bytes
  Bytes msg;                 // as captured, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
  bool v6 = false;           // over IPv6: OSPFv3's printer
};
struct BgpL {  // RFC 4271 over TCP 179 (bgp.cpp): printed from its bytes
  Bytes msg;                 // captured from the TCP payload on, to the IP layer's end
  std::uint32_t length = 0;  // the TCP payload length
};
struct RxL {  // AFS's RX over UDP 7000-7009 (rx.cpp): printed from its bytes
  Bytes msg;                 // captured from the RX header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
  std::uint16_t sport = 0, dport = 0;
  enum Afs : std::uint8_t { NoCall, Call, Reply };
  Afs afs = NoCall;          // a call's first packet, or a reply whose call the capture showed
  std::uint32_t opcode = 0;  // a reply's: its call's operation
};
struct BabelL {  // RFC 6126/8966 over UDP 6696 and 6697 (babel.cpp): printed from its bytes
  Bytes msg;                 // captured from the Babel header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct SflowL {  // sFlow v5 over UDP 6343 (sflow.cpp): printed from its bytes
  Bytes msg;                 // captured from the datagram on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct AoeL {  // ATA over Ethernet, ethertype 0x88a2 (aoe.cpp): printed from its bytes
  Bytes msg;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the Ethernet payload length (padding included, as tcpdump's)
};
struct EapolL {  // IEEE 802.1X EAPOL, ethertype 0x888e (eap.cpp): printed from its bytes
  Bytes msg;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the Ethernet payload length
};
struct RadiusL {  // RFC 2865 over UDP 1645, 1646, 1700, 1812, 1813, 3799 (radius.cpp): printed from its bytes
  Bytes msg;                 // captured from the RADIUS header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct FrL {  // ITU-T Q.922 address, then Cisco's ethertype or RFC 2427's NLPID header (fr.cpp)
  enum Pad : std::uint8_t { PadNone, PadUnexpected, PadMissing };  // "Pad! ", "No pad! "
  std::uint32_t dlci = 0;
  std::uint32_t flags = 0;   // C/R, DE, FECN, BECN, SDLC as tcpdump packs its four flag bytes
  std::uint8_t addr_len = 0;
  std::uint16_t type = 0;    // the ethertype after the address (cisco)
  std::uint32_t length = 0;  // the frame's length
  std::uint8_t stage = 0;    // 1 address read, 2 NLPID header read, 3 Cisco ethertype taken
  bool invalid = false;      // not a Q.922 address
  bool cisco = false;        // a control byte other than UI: the ethertype was tried
  bool ui_bang = false;      // tcpdump's "UI %02x! ": no ethertype it knows
  std::uint8_t control = 0;
  Pad pad = PadNone;
  std::uint8_t nlpid = 0;
  std::uint8_t hdr_len = 0;  // address, control, pad and NLPID
  Bytes frame;               // the frame as captured, clamped to its length
};
struct IsakmpL {  // ISAKMP/IKE over UDP 500 or 4500 (isakmp.cpp): printed from its bytes
  Bytes msg;                 // captured from the ISAKMP header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length (after the non-ESP marker on 4500)
  char side = '?';           // IKEv1: 'I', 'R' or '?' from the capture's cookie table
  bool nonesp = false;       // UDP 4500 after the four zero bytes
};
struct IsisL {  // ISO 10589 over LLC/OSI, NLPID 0x83 (isis.cpp): printed from its bytes
  Bytes msg;                 // captured from the NLPID on, clamped to the length
  std::uint32_t length = 0;  // the LLC payload length
};
struct MplsL {  // RFC 3032 label stack, ethertypes 0x8847/0x8848 and UDP 6635 (mpls.cpp)
  enum Payload : std::uint8_t { None, Ipv4, Ipv6, Osi, Unknown };
  Bytes stack;               // the entries as read, the bottom one included once reached
  Bytes rest;                // the payload as captured (hex dumped when Unknown)
  std::uint32_t length = 0;  // the length handed down
  Payload payload = None;    // the payload's guess; Ipv4, Ipv6 and IS-IS are the next layer
  bool invalid = false;      // the length ran out inside the stack
};
struct LspPingL {  // RFC 8029 over UDP 3503 (lspping.cpp): printed from its bytes
  Bytes msg;                 // as captured, clamped to the length
  std::uint32_t length = 0;  // the UDP payload length
};
struct RipL {  // RFC 1058/2453 over UDP 520 (rip.cpp): printed from its bytes
  Bytes msg;                 // captured from the RIP header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct RipngL {  // RFC 2080 over UDP 521 (ripng.cpp): printed from its bytes
  Bytes msg;                 // captured from the RIPng header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct LdpL {  // RFC 5036 over UDP and TCP 646 (ldp.cpp): printed from its bytes
  Bytes msg;                 // captured from the first PDU on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP or TCP payload length
};
struct SnmpL {  // RFC 1157/3416/3412 over UDP 161, 162 (snmp.cpp): printed from its bytes
  Bytes msg;                 // captured from the message on, to the UDP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct RsvpL {  // RFC 2205 over IP protocol 46 (rsvp.cpp): printed from its bytes
  Bytes msg;                 // captured from the common header on, to the IP layer's end
  std::uint32_t length = 0;  // the IP payload length
};
struct PppL {  // RFC 1661 PPP, RFC 1662 HDLC-like framing (ppp.cpp): the control protocols printed from their bytes
  enum Framing : std::uint8_t { Ppp, Hdlc, HdlcUnknown, Unescaped };
  Framing framing = Ppp;
  std::uint8_t dir = 0;          // pppd's direction byte: 1 In, 2 Out
  std::uint8_t stage = 0;        // 0 nothing, 2 protocol field read
  bool colon = false;            // ethertype 0x880b: tcpdump prints ": " first
  std::array<std::uint8_t, 4> hdr{};  // HDLC: the first four bytes
  std::uint16_t proto = 0;
  std::uint8_t hdr_len = 0;      // link-layer header bytes (hex dumps); 0 inside another layer
  Bytes body;                    // captured from the protocol's payload on
  Bytes wide;                    // the same from two bytes earlier, when captured (tcpdump reads pptr - 2)
  std::uint32_t length = 0;      // the payload's length
  std::uint32_t olen = 0;        // the frame's length (-e)
  const char* tname = "ppp";     // tcpdump's ndo_protocol while it prints
};
struct PppoeL {  // RFC 2516 PPPoE, ethertypes 0x8863 and 0x8864 (ppp.cpp)
  std::uint8_t ver = 0, type = 0, code = 0;
  std::uint16_t session = 0, plen = 0;
  std::uint32_t length = 0;      // the Ethernet payload length less the header
  Bytes tags;                    // discovery: the tags as captured
  std::uint8_t stage = 0;        // 0 nothing, 2 header read
};
struct NflogL {  // Linux netfilter log, LINKTYPE_NFLOG 239 (nflog.cpp)
  std::uint8_t family = 0, version = 0;
  std::uint16_t rid = 0;         // resource id (the nflog group)
  std::uint32_t length = 0;      // the frame's length
  std::uint32_t hdr_len = 4;     // bytes before the payload (hex dumps)
  Bytes tlvs;                    // the TLVs before the payload TLV, as captured
  std::uint8_t stage = 0;        // 1 header, 2 payload reached
};
struct IpoibL {  // RFC 4391 IP over InfiniBand, LINKTYPE_IPOIB 242 (ipoib.cpp)
  Bytes hwaddr;                  // the 40-byte pseudo header before the ethertype
  std::uint16_t type = 0;
  std::uint32_t length = 0;
};
struct IpnetL {  // Solaris ipnet, LINKTYPE_IPNET 226 (ipnet.cpp)
  std::uint8_t version = 0, family = 0;
  std::uint16_t htype = 0;
  std::uint32_t pktlen = 0, ifindex = 0, grifindex = 0, zsrc = 0, zdst = 0;
  std::uint32_t length = 0;
};
struct ArcnetL {  // ARCnet, LINKTYPE_ARCNET_BSD 7 and LINKTYPE_ARCNET_LINUX 129 (arcnet.cpp)
  bool linux_hdr = false;
  std::uint8_t shost = 0, dhost = 0, type = 0, flag = 0;
  std::uint8_t name_byte = 0;    // the byte tcpdump names as the type under -e (offset 2)
  std::uint16_t seqid = 0, offset = 0;
  bool phds = false;             // RFC 1201 fragmentation header (BSD)
  std::uint8_t hdr_len = 0;
  std::uint32_t length = 0;
};
struct ChdlcL {  // Cisco HDLC, LINKTYPE_C_HDLC 104 (chdlc.cpp)
  std::uint8_t address = 0;
  std::uint16_t proto = 0;
  std::uint32_t length = 0;      // the frame's length
  Bytes body;                    // captured from after the header (SLARP, unknown OSI)
  std::uint32_t body_len = 0;    // its length (less the OSI fudge byte when skipped)
  std::uint8_t stage = 0;        // 2 header read
};
struct SwitchTagL {  // Marvell DSA/EDSA and Broadcom tags inside Ethernet (dsa.cpp, brcmtag.cpp)
  enum Kind : std::uint8_t { Dsa, Edsa, Brcm, BrcmPrepend };
  Kind kind = Dsa;
  Bytes tag;                     // the tag's bytes (4 or 8)
};
struct PktapL {  // Apple's PKTAP, LINKTYPE_PKTAP 258 (pktap.cpp)
  std::uint32_t hdr_len = 0, rectype = 0, dlt = 0;
  std::uint32_t pid = 0;
  Bytes ifname, cmdname;
  std::uint32_t length = 0;
  std::uint8_t note = 0;         // 0 ok, 1 too short, 2 pkt_len too small, 3 too big, 4 cut
  bool empty_ip = false;         // a raw IP inner packet of length 0: "truncated-ip 0"
};
struct AtmL {  // ATM RFC 1483 LLC encapsulation, DLT 11 (atm.cpp)
  bool cnlpid = false;           // Cisco's NLPID form
  Bytes mac;                     // a 20-byte 802.6 MAC header before the LLC one
  std::uint32_t length = 0;
};
struct MfrL {  // FRF.16 multilink Frame Relay, LINKTYPE_MFR 182 (mfr.cpp)
  enum Kind : std::uint8_t { Short, Control, First, Other };  // length < 4, control frame, B (or B+E) fragment, other fragment
  Kind kind = Short;
  std::uint8_t stage = 0;    // 1 the four header bytes captured
  std::uint8_t flags = 0;    // B, E and C bits of the first byte
  std::uint8_t message = 0;  // control frames' message type
  std::uint16_t seq = 0;     // fragments' sequence number
  std::uint32_t length = 0;  // the frame's length
  Bytes frame;               // the frame as captured, clamped to its length
};
struct AristaL {  // Arista's vendor ethertype 0xd28b (arista.cpp); printed by print_ethernet
  std::uint16_t subtype = 0;
  std::uint8_t timescale = 0, format = 0, hw_info = 0;
  std::uint32_t seconds = 0, nanoseconds = 0;  // as on the wire (48-bit: 16-bit seconds)
  std::uint16_t inner_type = 0;
  // 0 nothing, 1 subtype, 2 timescale, 3 format, 4 timestamp, 5 the ethertype inside
  std::uint8_t stage = 0;
  bool short_frame = false;  // not even the subtype captured: "[|arista]"
  bool unknown = false;      // a subtype or timestamp format tcpdump does not know: data in hex
  Bytes data;                // captured from the subtype on (unknown)
};
struct NfsL {  // Sun RPC (RFC 5531) carrying NFSv2/v3 (RFC 1094, RFC 1813), UDP and TCP 2049 (sunrpc.cpp, nfs.cpp)
  Bytes msg;                 // captured from the RPC header (the xid) on, to the IP layer's end
  std::uint32_t length = 0;  // the RPC message's length: the UDP payload's, or TCP's record fragment's
  std::uint32_t record_mark = 0;  // TCP: the record marking word before the message
  bool tcp = false;
  bool reply = false;        // a reply from port 2049, else a call to it
  bool entered = false;      // call: its procedure was captured and recorded in the xid map
  bool matched = false;      // reply: its call was found in the xid map
  std::uint32_t proc = 0, vers = 0;  // reply: the call's procedure and program version, from the map
};
struct KrbL {  // Kerberos on UDP 88 and 750 (krb.cpp): printed from its bytes
  Bytes msg;                 // captured from the message on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
};
struct L2tpL {  // RFC 2661 L2TP on UDP 1701 (l2tp.cpp); a data message's PPP frame is the next layer
  Bytes msg;                 // captured from the L2TP header on, to the IP layer's end
  std::uint32_t length = 0;  // the UDP payload length
  bool ppp_short = false;    // a data message's frame too short for tcpdump's ppp_print (its own " [|ppp]")
  const char* inner_cut = nullptr;  // "ip" or "ip6": the frame's IP header cut, which that printer says itself
};
struct RespL {  // RESP, Redis on TCP 6379 (resp.cpp): printed from its bytes
  Bytes msg;                 // captured from the payload on, to the IP layer's end
  std::uint32_t length = 0;  // the TCP payload length
};
struct UnknownL {  // an ethertype or link type we do not decode
  std::uint16_t type = 0;
  Bytes data;
};

using Layer = std::variant<EthernetL, VlanL, SllL, NullL, LlcL, ArpL, Ipv4L, Ipv6L, Ipv6ExtL, IcmpL, Icmp6L,
                           TcpL, UdpL, BootpL, Dhcp6L, DnsL, OtherIpL, UnknownL,
                           StpL, LldpL, IgmpL, GreL, VxlanL, GeneveL, NtpL, VrrpL, HsrpL, BfdL, SyslogL, TftpL,
                           HttpL, SshL, SctpL, DccpL, OpenflowL, SlowL, UdldL, CdpL, DtpL, OtvL, MacsecL,
                           PimL, EspL, AhL, EigrpL, MobilityL,
                           PtpL, OspfL, BgpL, FrL, IsisL, RxL, BabelL, SflowL, AoeL, EapolL, RadiusL, IsakmpL, MplsL,
                           LspPingL, RipL, RipngL, LdpL, RsvpL, PppL, PppoeL, VxlanGpeL, NshL, CfmL, VtpL, SnmpL,
                           NflogL, IpoibL, IpnetL, ArcnetL, ChdlcL, SwitchTagL, PktapL, AtmL, MfrL, AristaL, NfsL, KrbL, L2tpL, RespL>;

struct LayerSlot {
  Layer layer;
  Status status = Status::Ok;
};

class Decoded {
 public:
  static constexpr std::size_t kMaxLayers = 24;
  // A new layer, value-initialized in its slot: building it on the stack and
  // moving it in cost a store-forwarding stall per field (8% of a decode).
  // A layer of plain fields is copied from a zero one (a few vector moves;
  // value-initializing it in place was a `rep stos`, slow to start).
  template <typename T>
  T& push() {
    if (n_ == kMaxLayers) throw Truncated{};  // absurd nesting: stop here
    LayerSlot& s = slots_[n_++];
    s.status = Status::Ok;
    if constexpr (std::is_trivially_copyable_v<T>) {
      static const T kZero{};
      return s.layer.template emplace<T>(kZero);
    } else {
      return s.layer.template emplace<T>();
    }
  }
  template <typename T>
  T& push(T value) {
    T& t = push<T>();
    t = std::move(value);
    return t;
  }
  std::size_t size() const noexcept { return n_; }
  const LayerSlot& operator[](std::size_t i) const noexcept { return slots_[i]; }
  LayerSlot& operator[](std::size_t i) noexcept { return slots_[i]; }
  LayerSlot* last() noexcept { return n_ ? &slots_[n_ - 1] : nullptr; }
  void clear() noexcept {
    n_ = 0;
    scratch_used = 0;
  }

  std::uint32_t caplen = 0, wirelen = 0;
  int linktype = 0;
  const char* trunc_proto = "";  // the decoder at work (tcpdump's ndo_protocol)
  bool truncated = false;        // a read ran past the capture
  Bytes raw;
  // Bytes a decoder rewrote (PPP's HDLC octet unescaping), one buffer a
  // nesting level; layers may span them until the next packet.
  std::array<std::vector<std::uint8_t>, 3> scratch;
  std::size_t scratch_used = 0;

 private:
  std::array<LayerSlot, kMaxLayers> slots_{};
  std::size_t n_ = 0;
};

}  // namespace netlab::proto
