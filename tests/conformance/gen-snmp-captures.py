#!/usr/bin/env python3
# gen-snmp-captures.py DIR: SNMP messages for the conformance rows (issue 17):
# DIR/snmp-messages.pcap (SNMPv1, v2c and v3 framing, every PDU type, every
# value type snmp.cpp prints, error-status and error-index forms, BER errors:
# long and indefinite lengths, extended tags, unknown classes and ids, OIDs
# with overflowing sub-identifiers, extra bytes after elements) and
# DIR/snmp-cut.pcap (a trap and a v3 message cut at every length, their
# UDP length kept: the capture ends inside the message; tcpdump checks the
# outer SEQUENCE's content first, so each cut prints " [|snmp]" either in
# place or, in a tag or length octet, as the end of the line). The .out files are
# the installed tcpdump 4.99.3's:
#   TZ=GMT0 LC_ALL=C tcpdump -# -n -r DIR/snmp-messages.pcap [-v|-vv]
# Documentation addresses only (192.0.2.0/24, 2001:db8::/32).
import os, struct, sys


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff


SRC, DST = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])


def udp4(sp, dp, p, ulen=None):
    ulen = 8 + len(p) if ulen is None else ulen
    u = struct.pack('!HHHH', sp, dp, ulen, 0) + p
    ph = SRC + DST + struct.pack('!BBH', 0, 17, len(u))
    c = csum(ph + u) or 0xffff
    u = u[:6] + struct.pack('!H', c) + u[8:]
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ulen, 1, 0, 64, 17, 0, SRC, DST)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01' + b'\x08\x00' + h + u


def udp6(sp, dp, p):
    s6 = bytes.fromhex('20010db8000000000000000000000001')
    d6 = bytes.fromhex('20010db8000000000000000000000002')
    u = struct.pack('!HHHH', sp, dp, 8 + len(p), 0) + p
    ph = s6 + d6 + struct.pack('!IxxxB', len(u), 17)
    u = u[:6] + struct.pack('!H', csum(ph + u) or 0xffff) + u[8:]
    h = struct.pack('!IHBB', 0x60000000, len(u), 17, 64) + s6 + d6
    return b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01' + b'\x86\xdd' + h + u


# ---- BER -------------------------------------------------------------------
def blen(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + blen(len(content)) + content


def integer(v, width=None):
    if width is None:
        width = 1
        while not (-(1 << (8 * width - 1)) <= v < (1 << (8 * width - 1))):
            width += 1
    return tlv(0x02, (v & ((1 << (8 * width)) - 1)).to_bytes(width, 'big'))


def octets(s):
    return tlv(0x04, s.encode() if isinstance(s, str) else s)


def subid(n):
    out = [n & 0x7f]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7f))
        n >>= 7
    return bytes(reversed(out))


def oid(s):
    parts = [int(x) for x in s.strip('.').split('.')]
    body = subid(parts[0] * 40 + parts[1]) + b''.join(subid(x) for x in parts[2:])
    return tlv(0x06, body)


NULL = b'\x05\x00'


def app(n, v, width=None):
    if width is None:
        width = max(1, (v.bit_length() + 8) // 8)
    return tlv(0x40 | n, v.to_bytes(width, 'big'))


def seq(*items):
    return tlv(0x30, b''.join(items))


def pdu(n, *items):
    return tlv(0xa0 | n, b''.join(items))


def vb(o, v=NULL):
    return seq(oid(o) if isinstance(o, str) else o, v)


def vbl(*vbs):
    return seq(*vbs)


def std_pdu(n, rid, es, ei, *vbs):
    return pdu(n, integer(rid), integer(es), integer(ei), vbl(*vbs))


def msg(version, community, p):
    return seq(integer(version), octets(community), p)


SYS = '1.3.6.1.2.1.1.1.0'
UP = '1.3.6.1.2.1.1.3.0'
ENT = '1.3.6.1.4.1.8072.3.2.10'


def trap(ent, addr, gen, spec, ts, *vbs):
    return pdu(4, oid(ent), tlv(0x40, addr), integer(gen), integer(spec), app(3, ts), vbl(*vbs))


def usm(engine, boots, time, user, auth=b'', priv=b''):
    return octets(seq(octets(engine), integer(boots), integer(time), octets(user), octets(auth), octets(priv)))


def v3(flags, model, secparams, scoped, msgid=1, maxsize=65507):
    hdr = seq(integer(msgid), integer(maxsize), octets(bytes([flags])), integer(model))
    return seq(integer(3), hdr, secparams, scoped)


def scoped(engine, ctx, p):
    return seq(octets(engine), octets(ctx), p)


ENGINE = bytes.fromhex('80001f8880e9bd0c1d12667a5100000000')
values = [integer(42), integer(-1), integer(-129), integer(0x7fffffff), integer(0x123456789a, 5),
          octets('hello world'), octets(b'\x00\x01\xff'), octets(''), oid('1.3.6.1.6.3.1.1.5.1'),
          NULL, app(0, 0xc0000201, 4), app(0, 0x0102, 2), app(1, 4294967295, 5), app(2, 1000),
          app(3, 123456), app(4, 0x0102, 2), app(6, 18446744073709551615, 9), app(6, 1 << 40),
          tlv(0x80, b''), tlv(0x81, b''), tlv(0x82, b''), tlv(0x01, b'\x01'), tlv(0x03, b'\x00\x80'),
          tlv(0x31, NULL), tlv(0x45, b'\x01'), tlv(0xc0, b'\xaa'), tlv(0xa3, NULL), tlv(0x07, b'x'),
          tlv(0x83, b''), tlv(0x8a, b'')]

msgs = []
# 0-9 SNMPv1 requests, responses and traps
msgs.append(msg(0, 'public', std_pdu(0, 1, 0, 0, vb(SYS), vb(UP))))
msgs.append(msg(0, 'private', std_pdu(1, 2, 0, 0, vb('1.3.6.1.2.1.2.2.1.2'))))
msgs.append(msg(0, 'public', std_pdu(2, 3, 0, 0, *[vb(SYS, v) for v in values])))
msgs.append(msg(0, 'public', std_pdu(2, 4, 2, 1, vb(SYS))))
msgs.append(msg(0, 'public', std_pdu(2, 5, 25, 3, vb(SYS))))
msgs.append(msg(0, 'public', std_pdu(2, 6, 0, 2, vb(SYS))))
msgs.append(msg(0, 'public', std_pdu(2, 7, 5, 0, vb(SYS))))
msgs.append(msg(0, 'secret', std_pdu(3, 8, 0, 0, vb(SYS, octets('new name')))))
msgs.append(msg(0, 'public', trap(ENT, b'\xc0\x00\x02\x01', 0, 0, 1234)))
msgs.append(msg(0, 'trap', trap(ENT, b'\xc0\x00\x02\x01', 6, 17, 99, vb(SYS, octets('x')), vb(UP, app(3, 5)))))
# 10-19 other generic traps and trap field errors
msgs.append(msg(0, 'public', trap(ENT, b'\xc0\x00\x02\x01', 3, 4, 1)))
msgs.append(msg(0, 'public', trap(ENT, b'\xc0\x00\x02\x01', 9, 0, 1)))
msgs.append(msg(0, 'public', trap(ENT, b'\xc0\x00\x02', -2, 0, 1)))
msgs.append(msg(0, 'public', pdu(4, integer(1))))
msgs.append(msg(0, 'public', pdu(4, oid(ENT), integer(1))))
msgs.append(msg(0, 'public', pdu(4, oid(ENT), tlv(0x40, b'\1\2\3\4'), octets('x'))))
msgs.append(msg(0, 'public', pdu(4, oid(ENT), tlv(0x40, b'\1\2\3\4'), integer(6), octets('x'))))
msgs.append(msg(0, 'public', pdu(4, oid(ENT), tlv(0x40, b'\1\2\3\4'), integer(6), integer(1), integer(5))))
msgs.append(msg(0, 'public', pdu(4, oid(ENT), tlv(0x40, b'\1\2\3\4'), integer(6), integer(1), app(3, 5))))
msgs.append(msg(0, 'public', pdu(4, oid(ENT), tlv(0x40, b'\1\2\3\4'), integer(6), integer(1), app(3, 5), integer(1))))
# 20-29 SNMPv2c PDUs
msgs.append(msg(1, 'public', std_pdu(5, 10, 0, 10, vb(SYS), vb(UP))))
msgs.append(msg(1, 'public', std_pdu(5, 11, 2, 5, vb(SYS))))
msgs.append(msg(1, 'public', std_pdu(6, 12, 0, 0, vb(UP, app(3, 7)), vb('1.3.6.1.6.3.1.1.4.1.0', oid('1.3.6.1.6.3.1.1.5.3')))))
msgs.append(msg(1, 'public', std_pdu(7, 13, 0, 0, vb(UP, app(3, 7)), vb('1.3.6.1.6.3.1.1.4.1.0', oid('1.3.6.1.6.3.1.1.5.4')))))
msgs.append(msg(1, 'public', std_pdu(8, 14, 0, 0, vb('1.3.6.1.6.3.15.1.1.4.0', app(1, 3)))))
msgs.append(msg(1, 'public', std_pdu(2, 15, 0, 0, vb(SYS, tlv(0x80, b'')), vb(UP, tlv(0x81, b'')), vb(UP, tlv(0x82, b'')))))
msgs.append(msg(1, 'public', std_pdu(6, 16, 3, 0, vb(SYS))))
msgs.append(msg(1, 'public', std_pdu(7, 17, 0, 4, vb(SYS))))
msgs.append(msg(1, 'public', std_pdu(8, 18, 19, 1, vb(SYS))))
msgs.append(msg(1, 'public', std_pdu(0, 19, 1, 1, vb(SYS))))
# 30-39 version mismatches, unknown versions and header errors
msgs.append(msg(0, 'public', std_pdu(5, 20, 0, 10, vb(SYS))))
msgs.append(msg(0, 'public', std_pdu(7, 21, 0, 0, vb(SYS))))
msgs.append(msg(1, 'public', trap(ENT, b'\xc0\x00\x02\x01', 0, 0, 1)))
msgs.append(msg(2, 'public', std_pdu(0, 1, 0, 0, vb(SYS))))
msgs.append(msg(7, 'public', std_pdu(0, 1, 0, 0, vb(SYS))))
msgs.append(seq(octets('x')))
msgs.append(seq(integer(0), integer(5)))
msgs.append(seq(integer(0), octets('public'), integer(5)))
msgs.append(seq(integer(0), octets('public'), tlv(0xa9, NULL)))
msgs.append(integer(5))
# 40-49 PDU field errors
msgs.append(msg(0, 'public', pdu(0, octets('x'))))
msgs.append(msg(0, 'public', pdu(0, integer(1), octets('x'))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), octets('x'))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), integer(0), octets('x'))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), integer(0), seq(octets('x')))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), integer(0), seq(seq(octets('x'))))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), integer(0), seq(vb(SYS, integer(3)), vb(UP)))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), integer(0), seq(vb(SYS)), b'\x05\x00')))
msgs.append(msg(0, 'public', std_pdu(2, 1, 0, 0, vb(SYS))) + b'\x00\x00\x00')
msgs.append(seq(integer(0), octets('public'), std_pdu(2, 1, 0, 0, vb(SYS)), b'\x05\x00'))
# 50-59 BER forms: long lengths, indefinite, extended tags, odd integers and OIDs
msgs.append(b'\x30\x84\x00\x00\x00\x1a' + integer(0) + octets('public') + std_pdu(0, 1, 0, 0, vb(SYS))[:0] + b'\xa0\x0d' + integer(1) + integer(0) + integer(0) + b'\x30\x04\x30\x02\x06\x00')
msgs.append(b'\x30\x80' + integer(0))
msgs.append(b'\x30\x85\x01\x00\x00\x00\x05' + integer(0))
msgs.append(b'\x3f\x81\x01\x00')
msgs.append(b'\x3f\x81')
msgs.append(b'\x3f\x05\x00')
msgs.append(seq(tlv(0x02, b'')))
msgs.append(seq(integer(0), tlv(0x04, b'public'), pdu(0, tlv(0x02, b''), integer(0), integer(0), seq())))
msgs.append(msg(1, 'public', std_pdu(2, 1, 0, 0, vb(oid('1.3.6.1.4.1.4294967295.99999999999'), NULL), vb(tlv(0x06, b'\x2b\x86'), NULL), vb(tlv(0x06, b''), NULL), vb(tlv(0x06, b'\xff\xff\xff\xff\xff\x7f'), NULL), vb(oid('2.999.3'), NULL))))
msgs.append(msg(1, 'public', std_pdu(2, 1, 0, 0, vb(SYS, octets('tab\there')), vb(SYS, octets('\x7f')), vb(SYS, octets('a"b')))))
# 60-69 more BER errors at the outer and inner levels
msgs.append(b'\x30\x05' + integer(0))
msgs.append(b'\x30\x81')
msgs.append(b'\x30')
msgs.append(b'')
msgs.append(b'\xf0\x00')
msgs.append(b'\x70\x00')
msgs.append(b'\x9f\x01\x00')
msgs.append(b'\x11\x00')
msgs.append(seq(integer(0), octets('public'), tlv(0xe1, b'')))
msgs.append(seq(integer(0), b'\x04\x89\x01'))
# 70-79 SNMPv3
msgs.append(v3(0x04, 3, usm(b'', 0, 0, ''), scoped(b'', '', std_pdu(0, 100, 0, 0))))
msgs.append(v3(0x03, 3, usm(ENGINE, 5, 1234, 'admin', b'\0' * 12, b'\1' * 8), octets(b'\x12\x34\x56')))
msgs.append(v3(0x05, 3, usm(ENGINE, 5, 1234, 'admin', b'\0' * 12), scoped(ENGINE, 'ctx', std_pdu(2, 101, 0, 0, vb(SYS, octets('Linux'))))))
msgs.append(v3(0x00, 3, usm(ENGINE, 5, 1234, 'op'), scoped(ENGINE, '', std_pdu(8, 102, 0, 0, vb('1.3.6.1.6.3.15.1.1.4.0', app(1, 7))))))
msgs.append(v3(0x02, 3, usm(b'', 0, 0, ''), scoped(b'', '', std_pdu(0, 100, 0, 0))))
msgs.append(v3(0x01, 2, usm(b'', 0, 0, ''), scoped(b'', '', std_pdu(0, 100, 0, 0))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04\x05'), integer(3))))
msgs.append(seq(integer(3), octets('x')))
msgs.append(seq(integer(3), seq(octets('x'))))
msgs.append(seq(integer(3), seq(integer(1), octets('x'))))
# 80-89 SNMPv3 field errors
msgs.append(seq(integer(3), seq(integer(1), integer(484), integer(4))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), octets('x'))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3), integer(9)), integer(5)))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(integer(5))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(seq(integer(5)))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(seq(octets(b''), octets('x')))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(seq(octets(b''), integer(1), octets('x')))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(seq(octets(b''), integer(1), integer(2), integer(3)))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(seq(octets(b''), integer(1), integer(2), octets('u'), integer(4)))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), octets(seq(octets(b''), integer(1), integer(2), octets('u'), octets(''), integer(4)))))
# 90-99 SNMPv3 scoped PDU errors and extras
msgs.append(v3(0x04, 3, usm(b'', 0, 0, '') + b'', integer(7)))
msgs.append(v3(0x04, 3, usm(b'', 0, 0, ''), seq(integer(7))))
msgs.append(v3(0x04, 3, usm(b'', 0, 0, ''), seq(octets(b'\x01'), integer(7))))
msgs.append(v3(0x04, 3, usm(b'', 0, 0, ''), seq(octets(b'\x01'), octets('c'), integer(7))))
msgs.append(v3(0x04, 3, octets(seq(octets(b''), integer(1), integer(2), octets('u'), octets(''), octets(''), integer(9))), scoped(b'', '', std_pdu(0, 1, 0, 0))))
msgs.append(v3(0x04, 3, usm(b'', 0, 0, b'\x01\x02'), scoped(b'\xff', b'\x00', std_pdu(0, 1, 0, 0))))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3)), integer(1)))
msgs.append(seq(integer(3), seq(integer(1), integer(484), octets(b'\x04'), integer(3), integer(7)), usm(b'', 0, 0, ''), scoped(b'', '', std_pdu(0, 1, 0, 0))))
msgs.append(v3(0x07, 3, usm(b'', 0, 0, ''), scoped(b'', '', std_pdu(0, 1, 0, 0))) + b'\x00')
msgs.append(v3(0x04, 3, usm(b'', 0, 0, ''), scoped(b'', '', std_pdu(1, 1, 0, 0), ) + b''))
# 100- odd community strings, big integers, constructed universal, private class
msgs.append(msg(1, b'\x00\x01\xff', std_pdu(0, 1, 0, 0, vb(SYS))))
msgs.append(msg(1, 'publi', std_pdu(0, 1, 0, 0, vb(SYS))))
msgs.append(msg(1, 'public ', std_pdu(0, 1, 0, 0, vb(SYS))))
msgs.append(msg(1, '', std_pdu(0, 1, 0, 0, vb(SYS))))
msgs.append(seq(integer(0x7fffffff), octets('x')))
msgs.append(seq(integer(1), octets('public'), tlv(0x24, b'')))
msgs.append(seq(integer(1), octets('public'), tlv(0x60, b'')))
msgs.append(seq(integer(1), octets('public'), tlv(0xc0, b'')))
msgs.append(seq(integer(1), octets('public'), tlv(0x44, b'\x01\x02')))
msgs.append(seq(integer(1), octets('public'), tlv(0x80, b'')))
msgs.append(msg(0, 'public', pdu(2, integer(-5), integer(0x100000000, 5), integer(-3), seq())))
msgs.append(msg(0, 'public', pdu(2, integer(1), integer(2), integer(-1), seq())))
msgs.append(msg(0, 'public', pdu(2, integer(1), integer(0), integer(0), seq(seq()))))
msgs.append(msg(0, 'public', pdu(2, integer(1), integer(0), integer(0), seq(seq(oid(SYS))))))
msgs.append(msg(0, 'public', pdu(2, integer(1), integer(0), integer(0), seq(seq(oid(SYS), NULL, NULL), vb(UP, integer(1))))))
msgs.append(msg(0, 'public', pdu(0, integer(1), integer(0), integer(0), seq(seq(oid(SYS), tlv(0x44, b'\x01'))))))
# 117- sub-identifiers past 2^31, tags read past the element, long forms
msgs.append(msg(1, 'public', std_pdu(2, 1, 0, 0, vb(tlv(0x06, subid(0xffffff00) + b'\x01'), NULL), vb(tlv(0x06, subid(0x80000000)), NULL), vb(tlv(0x06, subid(79) + subid(1 << 31)), NULL))))
msgs.append(b'\x30\x01\x1f\x81\x01')
msgs.append(b'\x30\x02\x1f\x81')
msgs.append(msg(1, 'c' * 140, std_pdu(2, 1, 0, 0, vb(SYS, octets('v' * 200)), vb(SYS, octets(bytes(range(256)))))))
msgs.append(b'\x30\x83\x00\x00\x05' + integer(0) + integer(1))
msgs.append(b'\x30\x84\xff\xff\xff\xff' + integer(0))
msgs.append(seq(integer(-1), octets('x')))
msgs.append(seq(integer(1, 5), octets('x')))


def cut_sources():
    yield msg(0, 'trap', trap(ENT, b'\xc0\x00\x02\x01', 6, 17, 99, vb(SYS, octets('hello')), vb(UP, app(3, 5))))
    yield v3(0x05, 3, usm(ENGINE, 5, 1234, 'admin', b'\0' * 4), scoped(ENGINE, 'ctx', std_pdu(2, 101, 0, 0, vb(SYS, octets('Linux')))))


def write(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k, (fr, wire) in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000 + k, 0, len(fr), wire))
            f.write(fr)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    frames = []
    for k, m in enumerate(msgs):
        port = (161, 162)[k % 2]
        fr = udp4(40000 + k, port, m) if k % 7 else udp6(40000 + k, port, m)
        frames.append((fr, len(fr)))
    # A UDP length shorter than the datagram: the message ends there (an
    # extended tag running past it is cut, not read from what follows).
    for m, ulen in ((b'\x30\x03\x02\x01\x00', 10), (b'\x30\x01\x1f\x81\x01', 11), (b'\x30\x02\x02\x01\x00', 12)):
        fr = udp4(41000, 161, m, ulen=ulen)
        frames.append((fr, len(fr)))
    write(os.path.join(out, 'snmp-messages.pcap'), frames)
    cuts = []
    for m in cut_sources():
        fr = udp4(40000, 161, m)
        for n in range(42, len(fr)):
            cuts.append((fr[:n], len(fr)))
    write(os.path.join(out, 'snmp-cut.pcap'), cuts)


if __name__ == '__main__':
    main()
