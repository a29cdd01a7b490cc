#!/usr/bin/python3
"""gen-lab-mix.py - a deterministic capture of what a lab bridge carries, for decode-bench.sh --lab.

Per cent of frames: STP (802.1D config and RSTP) 8, LLDP 5, IGMP (v2 query and
report, v3 report) 8, DHCP (DISCOVER, OFFER, REQUEST, ACK) 8, DNS (query and
A/AAAA answer, over IPv4) 16, VXLAN (UDP 4789, an inner Ethernet frame carrying
ICMP echo or ARP) 10, and the rest the base: IPv4 TCP with timestamps 30,
ARP 7, ICMP echo 8. Checksums are correct, so tcpdump -v does all its work.
Addresses are documentation ranges; the file is only data, nothing is sent.

usage: gen-lab-mix.py [-n PACKETS] [--seed S] -o FILE
"""
import argparse
import random
import struct


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, l4, ttl=64, tos=0, opts=b""):
    hl = (20 + len(opts)) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl, tos, 20 + len(opts) + len(l4), 0x1234, 0, ttl, proto, 0,
                    bytes(src), bytes(dst)) + opts
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def udp(src, dst, sport, dport, payload):
    ln = 8 + len(payload)
    pseudo = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 17, ln)
    u = struct.pack("!HHHH", sport, dport, ln, 0) + payload
    c = csum(pseudo + u) or 0xFFFF
    return ip4(src, dst, 17, u[:6] + struct.pack("!H", c) + u[8:])


def eth(dst, src, etype, body):
    return bytes(dst) + bytes(src) + struct.pack("!H", etype) + body


def llc_8023(dst, src, body):
    return bytes(dst) + bytes(src) + struct.pack("!H", len(body)) + body


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.macs = [bytes([2, 0, 0x5E, 0, 0, i]) for i in range(1, 41)]
        self.hosts = [[192, 0, 2, i] for i in range(1, 41)]

    def pick(self):
        k = self.r.randrange(len(self.hosts))
        return self.macs[k], self.hosts[k]

    def stp(self):
        bridge = struct.pack("!H6s", 0x8000, self.macs[0])
        if self.r.random() < 0.5:
            bpdu = struct.pack("!HBBB8sI8sHHHHH", 0, 0, 0, 0, bridge, 4, bridge, 0x8001, 256, 5120, 512, 3840)
            bpdu = bpdu[:3] + bpdu[3:]
        else:
            bpdu = struct.pack("!HBBB8sI8sHHHHHB", 0, 2, 2, 0x3C, bridge, 0, bridge, 0x8002, 0, 5120, 512, 3840, 0)
        return llc_8023(b"\x01\x80\xc2\x00\x00\x00", self.macs[0], b"\x42\x42\x03" + bpdu)

    def lldp(self):
        mac, ip = self.pick()
        tlv = lambda t, v: struct.pack("!H", t << 9 | len(v)) + v
        body = (tlv(1, b"\x04" + mac) + tlv(2, b"\x05" + b"tap%d" % ip[3]) + tlv(3, struct.pack("!H", 120))
                + tlv(5, b"labhost") + tlv(4, b"guest port") + tlv(0, b""))
        return eth(b"\x01\x80\xc2\x00\x00\x0e", mac, 0x88CC, body)

    def igmp(self):
        mac, ip = self.pick()
        ra = b"\x94\x04\x00\x00"
        k = self.r.randrange(3)
        if k == 0:
            m = struct.pack("!BBH4s", 0x11, 100, 0, bytes(4))
            dst = [224, 0, 0, 1]
        elif k == 1:
            grp = [239, 1, 1, self.r.randrange(1, 20)]
            m = struct.pack("!BBH4s", 0x16, 0, 0, bytes(grp))
            dst = grp
        else:
            rec = struct.pack("!BBH4s4s", 4, 0, 1, bytes([239, 2, 0, self.r.randrange(1, 20)]), bytes([198, 51, 100, 7]))
            m = struct.pack("!BBHHH", 0x22, 0, 0, 0, 1) + rec
            dst = [224, 0, 0, 22]
        m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
        dmac = bytes([1, 0, 0x5E, dst[1] & 0x7F, dst[2], dst[3]])
        return eth(dmac, mac, 0x0800, ip4(ip, dst, 2, m, ttl=1, tos=0xC0, opts=ra))

    def dhcp(self):
        mac, ip = self.pick()
        kind = self.r.randrange(4) + 1
        xid = self.r.randrange(1 << 32)
        server = [192, 0, 2, 254]
        opts = bytes([53, 1, [1, 2, 3, 5][kind - 1]])
        if kind in (1, 3):
            opts += bytes([61, 7, 1]) + mac + bytes([55, 4, 1, 3, 6, 15]) + b"\x0c\x05guest"
            if kind == 3:
                opts += bytes([50, 4]) + bytes(ip) + bytes([54, 4]) + bytes(server)
        else:
            opts += bytes([54, 4]) + bytes(server) + bytes([51, 4]) + struct.pack("!I", 3600)
            opts += bytes([1, 4, 255, 255, 255, 0, 3, 4]) + bytes(server) + bytes([6, 4]) + bytes(server)
        opts += b"\xff"
        yi = bytes(ip) if kind in (2, 4) else bytes(4)
        bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1 if kind in (1, 3) else 2, 1, 6, 0, xid, 0, 0x8000,
                            bytes(4), yi, bytes(4), bytes(4), mac, b"", b"") + b"\x63\x82\x53\x63" + opts
        if kind in (1, 3):
            return eth(b"\xff" * 6, mac, 0x0800, udp([0, 0, 0, 0], [255, 255, 255, 255], 68, 67, bootp))
        return eth(mac, self.macs[-1], 0x0800, udp(server, ip, 67, 68, bootp))

    def dns(self):
        mac, ip = self.pick()
        name = self.r.choice(["example.com", "www.example.org", "mirror.example.net", "lab.example"])
        qtype = self.r.choice([1, 28])
        ident = self.r.randrange(65536)
        q = dns_name(name) + struct.pack("!HH", qtype, 1)
        resolver = [192, 0, 2, 53]
        if self.r.random() < 0.5:
            msg = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q
            return eth(self.macs[-1], mac, 0x0800, udp(ip, resolver, 30000 + ident % 30000, 53, msg))
        rdata = bytes([203, 0, 113, 9]) if qtype == 1 else bytes.fromhex("20010db8000000000000000000000009")
        ans = b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rdata)) + rdata
        msg = struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + q + ans
        return eth(mac, self.macs[-1], 0x0800, udp(resolver, ip, 53, 30000 + ident % 30000, msg))

    def vxlan(self):
        mac, ip = self.pick()
        inner_src, inner_dst = bytes([2, 0, 0, 0, 1, 1]), bytes([2, 0, 0, 0, 1, 2])
        if self.r.random() < 0.7:
            icmp = struct.pack("!BBHHH", 8, 0, 0, 7, self.r.randrange(65536)) + bytes(32)
            icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
            inner = eth(inner_dst, inner_src, 0x0800, ip4([198, 51, 100, 1], [198, 51, 100, 2], 1, icmp))
        else:
            arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, inner_src, bytes([198, 51, 100, 1]), bytes(6),
                              bytes([198, 51, 100, 2]))
            inner = eth(b"\xff" * 6, inner_src, 0x0806, arp)
        vx = struct.pack("!BBHI", 0x08, 0, 0, 4242 << 8) + inner
        return eth(self.macs[-2], mac, 0x0800, udp(ip, [203, 0, 113, 2], 40000 + self.r.randrange(20000), 4789, vx))

    def tcp(self):
        mac, ip = self.pick()
        seq, ack = self.r.randrange(1 << 32), self.r.randrange(1 << 32)
        data = bytes(self.r.randrange(256) for _ in range(self.r.randrange(0, 120)))
        seg = struct.pack("!HHIIBBHHH", 40000 + ip[3], 443, seq, ack, 0x80, 0x18, 502, 0, 0)
        seg += b"\x01\x01\x08\x0a" + struct.pack("!II", self.r.randrange(1 << 32), self.r.randrange(1 << 32)) + data
        dst = [198, 51, 100, 80]
        pseudo = bytes(ip) + bytes(dst) + struct.pack("!BBH", 0, 6, len(seg))
        seg = seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]
        return eth(self.macs[-2], mac, 0x0800, ip4(ip, dst, 6, seg))

    def arp(self):
        mac, ip = self.pick()
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, bytes(ip), bytes(6), bytes([192, 0, 2, 254]))
        return eth(b"\xff" * 6, mac, 0x0806, arp)

    def icmp(self):
        mac, ip = self.pick()
        icmp = struct.pack("!BBHHH", 8, 0, 0, ip[3], self.r.randrange(65536)) + bytes(56)
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        return eth(self.macs[-2], mac, 0x0800, ip4(ip, [198, 51, 100, 1], 1, icmp))


MIX = [("stp", 8), ("lldp", 5), ("igmp", 8), ("dhcp", 8), ("dns", 16), ("vxlan", 10), ("tcp", 30), ("arp", 7),
       ("icmp", 8)]


def main():
    ap = argparse.ArgumentParser(description="a lab bridge's capture for decode-bench.sh --lab")
    ap.add_argument("-n", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    g = Gen(a.seed)
    # A pool of distinct frames, cycled: generating a million in Python would
    # take longer than decoding them.
    kinds = [k for k, w in MIX for _ in range(w)]
    pool = [getattr(g, g.r.choice(kinds))() for _ in range(4000)]
    with open(a.o, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i in range(a.n):
            fr = pool[i % len(pool)]
            f.write(struct.pack("<IIII", 1700000000 + i // 10000, (i % 10000) * 100, len(fr), len(fr)) + fr)


if __name__ == "__main__":
    main()
