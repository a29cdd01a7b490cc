#!/usr/bin/python3
"""gen-captures.py OUTDIR - writes the synthetic captures the conformance test
diffs against tcpdump 4.99.3: every ARP opcode (with gratuitous ARP and RFC 5227
probes/announcements), ICMP types and codes, NDP with options, MLD, TCP option
mixes, VLAN stacks, IPv6 extension headers, and BOOTP/DHCPv4 and DHCPv6 messages
with every option format, malformed lengths and cut captures. Deterministic;
stdlib only."""
import struct, sys, os

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

MAC_A = bytes.fromhex('020000000001'); MAC_B = bytes.fromhex('020000000002'); BCAST = b'\xff' * 6
IP_A = bytes([192, 0, 2, 1]); IP_B = bytes([192, 0, 2, 2]); IP_C = bytes([198, 51, 100, 7])
LL_A = bytes.fromhex('fe800000000000000000000000000001'); LL_B = bytes.fromhex('fe800000000000000000000000000002')
G6_A = bytes.fromhex('20010db8000000000000000000000001'); G6_B = bytes.fromhex('20010db8000000000000000000000002')

def eth(dst, src, etype, body, tags=()):
    hdr = dst + src
    for tpid, tci in tags: hdr += struct.pack('!HH', tpid, tci)
    return hdr + struct.pack('!H', etype) + body

def arp(op, sha, spa, tha, tpa, htype=1, ptype=0x0800):
    return struct.pack('!HHBBH', htype, ptype, len(sha), len(spa), op) + sha + spa + tha + tpa

def ip4(src, dst, proto, payload, ttl=64, ident=1, off=0x4000, opts=b'', tos=0):
    ihl = 5 + len(opts) // 4
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, tos, ihl * 4 + len(payload), ident, off, ttl, proto, 0, src, dst) + opts
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload

def l4sum4(src, dst, proto, seg): return csum(src + dst + struct.pack('!BBH', 0, proto, len(seg)) + seg)
def l4sum6(src, dst, nh, seg): return csum(src + dst + struct.pack('!I3xB', len(seg), nh) + seg)

def udp4(src, dst, sp, dp, data):
    seg = struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data
    return seg[:6] + struct.pack('!H', l4sum4(src, dst, 17, seg)) + seg[8:]

def tcp_seg(sp, dp, seq, ack, flags, opts=b'', data=b'', win=65535, urp=0):
    return struct.pack('!HHIIBBHHH', sp, dp, seq, ack, (5 + len(opts) // 4) << 4, flags, win, 0, urp) + opts + data

def tcp4(src, dst, *a, **k):
    seg = tcp_seg(*a, **k)
    return ip4(src, dst, 6, seg[:16] + struct.pack('!H', l4sum4(src, dst, 6, seg)) + seg[18:])

def icmp4(t, c, rest, data=b''):
    m = struct.pack('!BBH', t, c, 0) + rest + data
    return m[:2] + struct.pack('!H', csum(m)) + m[4:]

def ip6(src, dst, nh, payload, hlim=64, exts=b''):
    return struct.pack('!IHBB', 0x60000000, len(exts) + len(payload), nh, hlim) + src + dst + exts + payload

def icmp6(src, dst, t, c, body, exts=b'', first_nh=58, hlim=255):
    m = struct.pack('!BBH', t, c, 0) + body
    m = m[:2] + struct.pack('!H', l4sum6(src, dst, 58, m)) + m[4:]
    return ip6(src, dst, first_nh, m, hlim=hlim, exts=exts)

def write(path, frames, linktype=1):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000 + i, 1000 * i, len(fr), len(fr)) + fr)

def main(out):
    os.makedirs(out, exist_ok=True)
    Z6, Z4 = b'\0' * 6, b'\0' * 4
    # ARP: all opcodes, gratuitous, RFC 5227 probe and announcement, odd sizes.
    a = [
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A, Z6, IP_B)),
        eth(MAC_A, MAC_B, 0x0806, arp(2, MAC_B, IP_B, MAC_A, IP_A)),
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A, Z6, IP_A)),           # gratuitous request
        eth(BCAST, MAC_A, 0x0806, arp(2, MAC_A, IP_A, BCAST, IP_A)),        # gratuitous reply
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, Z4, Z6, IP_B)),             # RFC 5227 probe
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_B, Z6, IP_B)),           # RFC 5227 announcement
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A, MAC_B, IP_B)),        # unicast poll with THA
        eth(BCAST, MAC_A, 0x8035, arp(3, MAC_A, Z4, MAC_A, Z4)),            # RARP request
        eth(MAC_A, MAC_B, 0x8035, arp(4, MAC_B, IP_B, MAC_A, IP_A)),        # RARP reply
        eth(MAC_B, MAC_A, 0x0806, arp(8, MAC_A, IP_A, MAC_B, Z4)),          # InARP request
        eth(MAC_A, MAC_B, 0x0806, arp(9, MAC_B, IP_B, MAC_A, IP_A)),        # InARP reply
        eth(MAC_A, MAC_B, 0x0806, arp(10, MAC_B, IP_B, MAC_A, IP_A)),       # NAK
        eth(BCAST, MAC_A, 0x0806, arp(99, MAC_A, IP_A, Z6, IP_B)),          # unknown op
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A[:4], IP_A, Z6[:4], IP_B, htype=6)),
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A + b'\0\0', Z6, IP_B + b'\0\0')),
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A, Z6, IP_B, ptype=0x86dd)),
        eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, IP_A, Z6, IP_B)[:20]),      # truncated
    ]
    write(os.path.join(out, 'arp.pcap'), a)
    # ICMP: echo, each unreachable code with the offending datagram, redirect,
    # time exceeded, parameter problem, timestamps, masks, router discovery.
    inner_udp = ip4(IP_B, IP_C, 17, udp4(IP_B, IP_C, 40000, 5353 + 1, b'x' * 12), ident=7)
    inner_tcp = ip4(IP_B, IP_C, 6, tcp_seg(40001, 8002, 1, 0, 2), ident=8)[:28]
    ic = [icmp4(8, 0, struct.pack('!HH', 0x1234, 1), b'ping' * 8), icmp4(0, 0, struct.pack('!HH', 0x1234, 1), b'ping' * 8)]
    for code in range(16):
        ic.append(icmp4(3, code, struct.pack('!HH', 0, 1400 if code == 4 else 0), inner_tcp if code == 3 and False else inner_udp))
    ic.append(icmp4(3, 3, b'\0' * 4, inner_tcp))
    for code in range(4): ic.append(icmp4(5, code, IP_C, inner_udp))
    ic += [icmp4(11, 0, b'\0' * 4, inner_udp), icmp4(11, 1, b'\0' * 4, inner_udp),
           icmp4(12, 0, struct.pack('!B3x', 20), inner_udp), icmp4(12, 1, b'\0' * 4, inner_udp),
           icmp4(4, 0, b'\0' * 4, inner_udp),
           icmp4(13, 0, struct.pack('!HH', 5, 6), struct.pack('!III', 3600000, 0, 0)),
           icmp4(14, 0, struct.pack('!HH', 5, 6), struct.pack('!III', 3600000, 3600123, 86399999)),
           icmp4(17, 0, struct.pack('!HH', 1, 2), Z4), icmp4(18, 0, struct.pack('!HH', 1, 2), bytes([255, 255, 255, 0])),
           icmp4(9, 0, struct.pack('!BBH', 2, 2, 1800), IP_A + struct.pack('!I', 10) + IP_B + struct.pack('!I', 5)),
           icmp4(10, 0, b'\0' * 4), icmp4(15, 0, b'\0' * 4), icmp4(16, 0, b'\0' * 4), icmp4(42, 3, b'\0' * 4)]
    frames = [eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 1, m, ident=100 + i)) for i, m in enumerate(ic)]
    frames.append(eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 1, ic[0], ident=99))[:40])  # truncated echo
    write(os.path.join(out, 'icmp.pcap'), frames)
    # NDP with options, MLD, ICMPv6 errors and echo.
    slla = struct.pack('!BB', 1, 1) + MAC_A
    tlla = struct.pack('!BB', 2, 1) + MAC_B
    prefix = struct.pack('!BBBBIII', 3, 4, 64, 0xc0, 2592000, 604800, 0) + G6_A[:8] + b'\0' * 8
    mtu = struct.pack('!BBHI', 5, 1, 0, 1500)
    rdnss = struct.pack('!BBHI', 25, 3, 0, 1800) + G6_B
    dnssl = struct.pack('!BBHI', 31, 2, 0, 1800) + b'\x03lab\x00\x00\x00\x00\x00'
    rinfo = struct.pack('!BBBBI', 24, 2, 48, 0x08, 7200) + G6_A[:8]
    advint = struct.pack('!BBHI', 7, 1, 0, 5000)
    unknown_opt = struct.pack('!BB', 14, 1) + b'\x01\x02\x03\x04\x05\x06'
    redir_hdr = struct.pack('!BB6x', 4, 6) + ip6(G6_A, G6_B, 17, struct.pack('!HHHH', 1, 2, 8, 0))[:40]
    ALLN, ALLR = bytes.fromhex('ff020000000000000000000000000001'), bytes.fromhex('ff020000000000000000000000000002')
    SNM = bytes.fromhex('ff0200000000000000000001ff000002')
    hbh_ra = struct.pack('!BB', 58, 0) + b'\x05\x02\x00\x00\x01\x00'
    n = [
        icmp6(LL_A, SNM, 135, 0, b'\0' * 4 + LL_B + slla),
        icmp6(b'\0' * 16, SNM, 135, 0, b'\0' * 4 + LL_B + unknown_opt),                # DAD
        icmp6(LL_B, LL_A, 136, 0, struct.pack('!I', 0xe0000000) + LL_B + tlla),
        icmp6(LL_B, ALLN, 136, 0, struct.pack('!I', 0x20000000) + LL_B),
        icmp6(LL_A, ALLR, 133, 0, b'\0' * 4 + slla),
        icmp6(LL_B, ALLN, 134, 0, struct.pack('!BBHII', 64, 0xc8, 1800, 30000, 1000) + slla + mtu + prefix + rdnss + dnssl + rinfo + advint),
        icmp6(LL_B, LL_A, 137, 0, b'\0' * 4 + LL_B + G6_B + tlla + redir_hdr),
        icmp6(LL_A, ALLR, 131, 0, struct.pack('!HH', 0, 0) + ALLR, exts=hbh_ra, first_nh=0, hlim=1),
        icmp6(LL_A, ALLR, 132, 0, struct.pack('!HH', 0, 0) + ALLR, exts=hbh_ra, first_nh=0, hlim=1),
        icmp6(LL_A, ALLN, 130, 0, struct.pack('!HH', 10000, 0) + b'\0' * 16, exts=hbh_ra, first_nh=0, hlim=1),
        icmp6(LL_A, ALLN, 130, 0, struct.pack('!HH', 10000, 0) + b'\0' * 16 + struct.pack('!BBH', 2, 60, 1) + G6_A, exts=hbh_ra, first_nh=0, hlim=1),
        icmp6(LL_A, bytes.fromhex('ff020000000000000000000000000016'), 143, 0, struct.pack('!HH', 0, 2) + struct.pack('!BBH', 4, 0, 0) + ALLR + struct.pack('!BBH', 1, 0, 1) + SNM + G6_A, exts=hbh_ra, first_nh=0, hlim=1),
        icmp6(G6_A, G6_B, 128, 0, struct.pack('!HH', 7, 1) + b'abcd'),
        icmp6(G6_B, G6_A, 129, 0, struct.pack('!HH', 7, 1) + b'abcd'),
        icmp6(G6_B, G6_A, 1, 4, b'\0' * 4 + ip6(G6_A, G6_B, 17, struct.pack('!HHHH', 5000, 6000, 8, 0))),
        icmp6(G6_B, G6_A, 1, 0, b'\0' * 4 + ip6(G6_A, G6_B, 17, struct.pack('!HHHH', 5000, 6000, 8, 0))),
        icmp6(G6_B, G6_A, 1, 3, b'\0' * 4 + ip6(G6_A, G6_B, 17, struct.pack('!HHHH', 5000, 6000, 8, 0))),
        icmp6(G6_B, G6_A, 2, 0, struct.pack('!I', 1280) + ip6(G6_A, G6_B, 17, b'')),
        icmp6(G6_B, G6_A, 3, 0, b'\0' * 4 + ip6(G6_A, G6_B, 17, b'')),
        icmp6(G6_B, G6_A, 3, 1, b'\0' * 4 + ip6(G6_A, G6_B, 17, b'')),
        icmp6(G6_B, G6_A, 4, 1, struct.pack('!I', 6) + ip6(G6_A, G6_B, 17, b'')),
    ]
    write(os.path.join(out, 'ndp.pcap'), [eth(BCAST, MAC_A, 0x86dd, p) for p in n])
    # TCP option mixes and flags, one conversation for relative numbers.
    synopts = struct.pack('!BBH', 2, 4, 1460) + b'\x04\x02' + struct.pack('!BBII', 8, 10, 100, 0) + b'\x01\x03\x03\x07'
    t = [
        tcp4(IP_A, IP_B, 40000, 8001, 1000, 0, 0x02, synopts, win=64240),
        tcp4(IP_B, IP_A, 8001, 40000, 5000, 1001, 0x12, synopts[:4] + b'\x01\x01\x04\x02', win=65160),
        tcp4(IP_A, IP_B, 40000, 8001, 1001, 5001, 0x10, b'\x01\x01' + struct.pack('!BBII', 8, 10, 101, 200)),
        tcp4(IP_A, IP_B, 40000, 8001, 1001, 5001, 0x18, b'\x01\x01' + struct.pack('!BBII', 8, 10, 102, 200), data=b'GET'),
        tcp4(IP_B, IP_A, 8001, 40000, 5001, 1004, 0x10, b'\x01\x01' + struct.pack('!BBII', 5, 18, 1004 + 100, 1004 + 200) + struct.pack('!II', 1004 + 300, 1004 + 400)),
        tcp4(IP_A, IP_B, 40000, 8001, 1004, 5001, 0x30, urp=3, data=b'abc'),
        tcp4(IP_A, IP_B, 40000, 8001, 1007, 5001, 0x11),
        tcp4(IP_B, IP_A, 8001, 40000, 5001, 1008, 0x14, data=b'reset: no service\x01\xff'),
        tcp4(IP_A, IP_B, 40002, 443, 7, 0, 0x02, struct.pack('!BBH', 28, 4, 0x8003) + b'\x13\x12' + bytes(range(16)) + b'\x00\x00'),
        tcp4(IP_A, IP_B, 40003, 443, 7, 0, 0x02, b'\x63\x04\xaa\xbb' + b'\x00\x00\x00\x00'),
        tcp4(IP_A, IP_B, 40004, 443, 7, 0, 0x02, b'\x02\x09\x05\xb4' + b'\0' * 4),     # bad option length
        tcp4(IP_A, IP_B, 40005, 443, 7, 0, 0x02, b'\x22\x02\x01\x00'),                   # TFO cookie request
        tcp4(IP_A, IP_B, 40006, 443, 7, 9, 0xc2 | 0x10),
        tcp4(IP_A, IP_B, 40007, 22, 7, 0, 0x00),
    ]
    frames = [eth(MAC_B, MAC_A, 0x0800, p) for p in t]
    frames.append(frames[0][:50])                                                       # truncated header
    frames.append(frames[0][:60])                                                       # truncated options
    write(os.path.join(out, 'tcp.pcap'), frames)
    # VLAN stacks, IPv6 extension headers, IP options, fragments, UDP.
    u = ip4(IP_A, IP_B, 17, udp4(IP_A, IP_B, 5000, 6000, b'hello'))
    v = [
        eth(MAC_B, MAC_A, 0x0800, u, tags=[(0x8100, 10)]),
        eth(MAC_B, MAC_A, 0x0800, u, tags=[(0x8100, (5 << 13) | 0x1000 | 20)]),
        eth(MAC_B, MAC_A, 0x0800, u, tags=[(0x88a8, 100), (0x8100, 200)]),
        eth(MAC_B, MAC_A, 0x0806, arp(1, MAC_A, IP_A, Z6, IP_B), tags=[(0x9100, 3), (0x88a8, 4), (0x8100, 5)]),
        eth(MAC_B, MAC_A, 0x86dd, ip6(G6_A, G6_B, 17, struct.pack('!HHHH', 1, 2, 8, 0)), tags=[(0x8100, 4000)]),
        eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 17, udp4(IP_A, IP_B, 5000, 6000, b'x'), opts=b'\x94\x04\x00\x00')),
        eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 17, udp4(IP_A, IP_B, 5000, 6000, b'x'), opts=b'\x07\x07\x04' + IP_C + b'\x01')),
        eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 17, b'\0' * 16, off=0x2000 | 0, ident=5)),
        eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 17, b'\0' * 16, off=2, ident=5)),
        eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_B, 99, b'\0' * 8)),
        eth(MAC_B, MAC_A, 0x86dd, ip6(G6_A, G6_B, 60, struct.pack('!HHHH', 1, 2, 8, 0), exts=struct.pack('!BB', 17, 0) + b'\x01\x04\x00\x00\x00\x00')),
        eth(MAC_B, MAC_A, 0x86dd, ip6(G6_A, G6_B, 43, struct.pack('!HHHH', 1, 2, 8, 0), exts=struct.pack('!BBBB', 17, 2, 0, 1) + b'\0' * 4 + G6_A)),
        eth(MAC_B, MAC_A, 0x86dd, ip6(G6_A, G6_B, 44, struct.pack('!HHHH', 1, 2, 8, 0), exts=struct.pack('!BBHI', 17, 0, 1, 0xabcd))),
        eth(MAC_B, MAC_A, 0x86dd, ip6(G6_A, G6_B, 44, b'\0' * 8, exts=struct.pack('!BBHI', 17, 0, 0x100, 0xabcd))),
        eth(MAC_B, MAC_A, 0x1234, b'\x00\x01\x02\x03 unknown payload'),
        eth(MAC_B, MAC_A, 0x0800, u)[:30],
        eth(MAC_B, MAC_A, 0x0800, u)[:12],
    ]
    write(os.path.join(out, 'vlan-ip.pcap'), v)
    # BOOTP/DHCPv4 (RFC 2131/2132) and DHCPv6 (RFC 8415): option formats,
    # special options, bad lengths, -vvv PAD/END, CMU and unknown vendor
    # areas, truncated names and options, relay messages, leasequery, domain
    # names with pointers and bit labels.
    def bootp(op=1, opts=b'', cookie=b'\x63\x82\x53\x63', htype=1, hlen=6, sname=b'', file=b''):
        return (struct.pack('!BBBBIHH', op, htype, hlen, 0, 0x1234, 0, 0) + Z4 * 4 + MAC_A.ljust(16, b'\0') +
                sname.ljust(64, b'\0') + file.ljust(128, b'\0') + cookie + opts)
    def d4(msg, sp=68, dp=67): return eth(BCAST, MAC_A, 0x0800, ip4(IP_A, IP_B, 17, udp4(IP_A, IP_B, sp, dp, msg)))
    def udp6(src, dst, sp, dp, data):
        seg = struct.pack('!HHHH', sp, dp, 8 + len(data), 0) + data
        return seg[:6] + struct.pack('!H', l4sum6(src, dst, 17, seg)) + seg[8:]
    def d6(msg, sp=546, dp=547): return eth(MAC_B, MAC_A, 0x86dd, ip6(LL_A, LL_B, 17, udp6(LL_A, LL_B, sp, dp, msg)))
    def o6(t, d): return struct.pack('!HH', t, len(d)) + d
    d = [
        d4(bootp(opts=bytes([53, 1, 1, 50, 4]) + IP_A + bytes([55, 5, 1, 3, 6, 121, 200, 61, 7, 1]) + MAC_A +
                 bytes([12, 5]) + b'guest' + bytes([60, 4]) + b'test' + bytes([255]))),
        d4(bootp(op=2, opts=bytes([53, 1, 2, 54, 4]) + IP_B + bytes([51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0,
                 3, 8]) + IP_B + IP_C + bytes([2, 4, 0xff, 0xff, 0xf1, 0xf0, 26, 2, 5, 220, 19, 2, 0, 1,
                 33, 8]) + IP_A + IP_B + bytes([46, 1, 8, 52, 1, 3, 255])), sp=67, dp=68),
        d4(bootp(opts=bytes([81, 5, 0xf5, 1, 2]) + b'ab' + bytes([82, 12, 1, 2]) + b'ab' + bytes([9, 3]) + b'xyz' +
                 bytes([2, 5, 1, 255]))),
        d4(bootp(opts=bytes([46, 1, 5, 52, 2, 9, 9, 61, 3, 99, 1, 2, 61, 4, 0]) + b'abc' + bytes([255]))),
        d4(bootp(opts=bytes([121, 14, 24, 10, 0, 1, 10, 0, 0, 1, 0, 192, 0, 2, 1, 121, 6, 40, 1, 2, 3, 4, 5,
                 249, 4, 1, 2, 3, 4, 77, 3, 0, 1, 2, 77, 3, 5, 1, 2, 77, 1, 0, 255]))),
        d4(bootp(opts=bytes([0, 0, 0, 53, 1, 3, 255, 0, 53, 2, 9, 9, 200, 3, 1, 2, 3, 201, 2, 1, 2, 202, 4, 1, 2, 3, 4]))),
        d4(bootp(sname=b'A' * 64, file=b'boot.img')),
        d4(bootp(sname=b'server1', file=b'pxelinux.0')),
        d4(bootp(cookie=b'CMU\0', opts=struct.pack('!I', 3) + bytes([255, 255, 255, 0]) + IP_B + b'\0' * 28)),
        d4(bootp(cookie=b'\x01\x02\x03\x04')),
        d4(bootp(op=2, htype=6, hlen=6), sp=67, dp=68),
        d4(bootp(op=3)),
        d4(bootp(opts=bytes([53, 1, 1, 12, 10]) + b'abcdefghij' + bytes([255])))[:-6],
        d4(bootp(sname=b'server1'))[:14 + 20 + 8 + 50],
        d4(bootp())[:14 + 20 + 8 + 30],
        d6(bytes([1, 0x12, 0x34, 0x56]) + o6(1, b'\x00\x03\x00\x01' + MAC_A) + o6(8, b'\x00\x00') +
           o6(3, struct.pack('!III', 7, 3600, 5400)) + o6(6, b'\x00\x17\x00\x18\x00\x52')),
        d6(bytes([12, 3]) + G6_A + LL_A + o6(18, b'abcdefghijklmnop') +
           o6(9, bytes([1, 0, 0, 9]) + o6(25, struct.pack('!III', 1, 2, 3) + o6(26, struct.pack('!IIB', 5, 6, 48) + G6_A +
              o6(13, b'\x00\x02no addrs'))) + o6(13, struct.pack('!H', 300))) +
           o6(37, struct.pack('!I', 9) + b'remoteidentifier'), sp=547, dp=547),
        d6(bytes([13, 0]) + G6_A + G6_B)[:-20],
        d6(bytes([7, 0, 0, 1]) + struct.pack('!HH', 1, 40) + b'\0\1', sp=547, dp=546),
        d6(bytes([2, 1, 2, 3]) + o6(11, bytes([2, 1, 0]) + b'\0' * 8 + b'realm' + b'\x00\x00\x00\x07' + b'\x11' * 16) +
           o6(19, b'\x05') + o6(43, b'\x00\x17\x00\x18') + o6(32, b'\0\0\1\0') +
           o6(44, b'\x01' + G6_A + o6(1, b'\x00\x03\x00\x01abcdef')) + o6(45, o6(46, b'\0\0\0\5')) +
           o6(47, G6_A + b'0123456789abcdef'), sp=547, dp=546),
        d6(bytes([7, 1, 2, 3]) + o6(56, o6(1, G6_A) + o6(3, b'\x03ntp\x07example\x03com\x00') + o6(9, b'xx')) +
           o6(24, b'\x03abc\xc0\x00') + o6(64, b'\x04aftr\x03net\x00') + o6(41, b'EST5EDT') +
           o6(23, G6_A + G6_B) + o6(7, b'\xff'), sp=547, dp=546),
        d6(bytes([10, 1, 2, 3]) + o6(11, bytes([3, 1, 0]) + b'\0' * 8 + b'\x02' + b'\x22' * 16) + o6(19, b'\x0b') +
           o6(19, b'\x09'), sp=547, dp=546),
        d6(bytes([7, 1, 2, 3]) + o6(24, b'\x01a\x00\x01b\xc0\x00') + o6(24, b'\x41\x08\xaa\x00') + o6(24, b'\x81'),
           sp=547, dp=546),
        d6(bytes([1, 1, 2, 3]) + o6(1, b'\x00\x02\x00\x00\x00\x09abcdefgh') + o6(2, b'\x00\x04' + b'u' * 16) +
           o6(1, b'\x00\x01\x00\x01') + o6(2, b'\x00\x05xyz') + o6(4, b'\0\0\0\1' + o6(5, G6_B + b'\0\0\0\1\0\0\0\2'))),
        d6(bytes([1, 1]))[:-1],
    ]
    write(os.path.join(out, 'dhcp.pcap'), d)

    # Every IPv4 protocol number, for its name under -v (tcpdump's
    # ipproto_values, which IPv6's next-header names share): later fragments,
    # so that no payload printer runs.
    write(os.path.join(out, 'ip-protocols.pcap'),
          [eth(MAC_B, MAC_A, 0x0800, ip4(IP_A, IP_C, p, bytes(8), ident=p, off=0x0010)) for p in range(256)])

main(sys.argv[1] if len(sys.argv) > 1 else '.')
