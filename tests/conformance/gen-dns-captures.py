#!/usr/bin/env python3
# gen-dns-captures.py DIR: DNS messages for the conformance rows (issue 17):
# DIR/dns-messages.pcap (every record type dns.cpp prints, EDNS options,
# mDNS, LLMNR, IQUERY, extended RCODEs, pointer loops, bit-string and bad
# labels, an over-long name, DNS over TCP with good and bad length
# prefixes) and DIR/dns-cut.pcap (two answers cut at many lengths). The
# .out files are the installed tcpdump 4.99.3's:
#   TZ=GMT0 LC_ALL=C tcpdump -# -n -r DIR/dns-messages.pcap [-v|-vv|-vvv]
# Documentation addresses only (192.0.2.0/24, 2001:db8::/32).
import os, struct, sys
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return (~s)&0xffff
def ip4(proto,payload,src=bytes([192,0,2,1]),dst=bytes([192,0,2,2])):
    h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(payload),1,0,64,proto,0,src,dst)
    h=h[:10]+struct.pack('!H',csum(h))+h[12:]
    return h+payload
def udp(sp,dp,p,src=bytes([192,0,2,1]),dst=bytes([192,0,2,2])):
    u=struct.pack('!HHHH',sp,dp,8+len(p),0)+p
    ph=src+dst+struct.pack('!BBH',0,17,len(u))
    c=csum(ph+u) or 0xffff
    return u[:6]+struct.pack('!H',c)+u[8:]
def tcp(sp,dp,p,src=bytes([192,0,2,1]),dst=bytes([192,0,2,2])):
    t=struct.pack('!HHIIBBHHH',sp,dp,1,1,0x50,0x18,1000,0,0)+p
    ph=src+dst+struct.pack('!BBH',0,6,len(t))
    return t[:16]+struct.pack('!H',csum(ph+t))+t[18:]
def eth(p): return b'\x02\0\0\0\0\x02'+b'\x02\0\0\0\0\x01'+b'\x08\x00'+p
def name(s):
    out=b''
    for l in s.split('.'):
        if l: out+=bytes([len(l)])+l.encode()
    return out+b'\0'
def hdr(id,flags,qd,an,ns,ar): return struct.pack('!HHHHHH',id,flags,qd,an,ns,ar)
def q(n,t,c=1): return name(n)+struct.pack('!HH',t,c)
def rr(n,t,data,c=1,ttl=3600):
    nb = n if isinstance(n,bytes) else name(n)
    return nb+struct.pack('!HHIH',t,c,ttl,len(data))+data
def opt(size=1232, flags=0, opts=b'', ext=0): return b'\0'+struct.pack('!HHBBHH',41,size,ext,0,flags,len(opts))+opts
def eo(code,data): return struct.pack('!HH',code,len(data))+data
msgs=[]
# 0 plain query
msgs.append(('udp',53,hdr(0x1234,0x0100,1,0,0,0)+q('www.example.com',1)))
# 1 answer A + CNAME with compression
m=hdr(0x1234,0x8180,1,2,0,0)+q('www.example.com',1)
m+=rr(b'\xc0\x0c',5,name('web.example.com'))+rr(b'\xc0\x0c',1,bytes([192,0,2,10]))
msgs.append(('udp',53,m))
# 2 MX TXT SRV SOA PTR AAAA
m=hdr(7,0x8580,1,6,1,1)+q('example.com',255)
m+=rr(b'\xc0\x0c',15,struct.pack('!H',10)+name('mail.example.com'))
m+=rr(b'\xc0\x0c',16,b'\x05hello\x03a"b\x00')
m+=rr(name('_sip._udp.example.com'),33,struct.pack('!HHH',1,2,5060)+b'\x03sip\xc0\x0c')
m+=rr(b'\xc0\x0c',28,bytes.fromhex('20010db8000000000000000000000001'))
m+=rr(name('1.2.0.192.in-addr.arpa'),12,b'\x03www\xc0\x0c')
m+=rr(b'\xc0\x0c',99,b'\x03v=1',c=3)
m+=rr(b'\xc0\x0c',6,name('ns.example.com')+name('hostmaster.example.com')+struct.pack('!IIIII',2024010101,7200,3600,1209600,300))
m+=opt(4096,0x8000,eo(11,b'\x00\x96')+eo(12,b'\0'*7)+eo(9,struct.pack('!I',600))+eo(14,b'\x4f\x66\x00\x01')+eo(5,bytes([8,13,99]))+eo(6,bytes([1,2,9]))+eo(7,bytes([1]))+eo(3,b'ns1'),ext=1)
msgs.append(('udp',53,m))
# 3 self-pointer loop in question
msgs.append(('udp',53,hdr(9,0x0100,1,0,0,0)+b'\xc0\x0c'+struct.pack('!HH',1,1)))
# 4 pointer loop in answer (two pointers pointing to each other)
m=hdr(10,0x8180,1,1,0,0)+q('a.example',1)
m+=b'\xc0\x1f\xc0\x1d'+struct.pack('!HHIH',1,1,60,4)+bytes([192,0,2,1])
msgs.append(('udp',53,m))
# 5 mDNS query QU + response cache flush
msgs.append(('udp',5353,hdr(0,0,2,0,0,0)+q('_http._tcp.local',12,0x8001)+q('host.local',1,1)))
m=hdr(0,0x8400,0,2,0,0)+rr(name('host.local'),1,bytes([192,0,2,5]),c=0x8001,ttl=120)+rr(name('host.local'),16,b'\x04path',c=0x8001)
msgs.append(('udp',5353,m))
# 7 LLMNR
msgs.append(('udp',5355,hdr(5,0,1,0,0,0)+q('host',1)))
# 8 IQUERY and weird flags query
msgs.append(('udp',53,hdr(11,0x0800|0x0400|0x0040,0,1,0,0)+rr(b'\0',1,bytes([192,0,2,1]))))
# 9 rcode ext 17, 21, 300
for ext,rc in ((1,1),(1,5),(18,12)):
    msgs.append(('udp',53,hdr(12,0x8000|rc,1,0,0,1)+q('x',1)+opt(512,0,b'',ext=ext)))
# 12 ECS v6, cookie invalid, keepalive invalid, chain, unknown opt
m=hdr(13,0x0100,1,0,0,1)+q('x',1)+opt(1232,0,eo(8,struct.pack('!HBB',2,56,0)+bytes.fromhex('20010db8000000'))+eo(10,b'\1\2\3')+eo(11,b'\1')+eo(13,name('example.com'))+eo(65001,b'\xab'))
msgs.append(('udp',53,m))
# 13 A6, TSIG, UNSPECA, URI, unknown type, class CHAOS/HS/unknown
m=hdr(14,0x8180,1,5,0,1)+q('version.bind',16,3)
m+=rr(b'\xc0\x0c',38,bytes([64])+bytes(8)+name('pfx.example'),c=4)
m+=rr(b'\xc0\x0c',38,bytes([0])+bytes(16))
m+=rr(b'\xc0\x0c',104,b'hello world',c=77)
m+=rr(b'\xc0\x0c',256,struct.pack('!HH',1,2)+b'http://x/')
m+=rr(b'\xc0\x0c',4660,b'\1\2')
m+=rr(name('key.example'),250,name('hmac-sha256')+bytes(6)+struct.pack('!HH',300,4)+b'abcd'+struct.pack('!HHH',14,0,0),c=255,ttl=0)
msgs.append(('udp',53,m))
# 14 bit label, ELT unknown, bad label type
msgs.append(('udp',53,hdr(15,0x0100,1,0,0,0)+b'\x41\x0c\xab\xc0\x00'+struct.pack('!HH',12,1)))
msgs.append(('udp',53,hdr(16,0x0100,1,0,0,0)+b'\x42\x0c\xab\x00'+struct.pack('!HH',12,1)))
msgs.append(('udp',53,hdr(17,0x0100,1,0,0,0)+b'\x81ab\x00'+struct.pack('!HH',12,1)))
# 17 long name > 255
msgs.append(('udp',53,hdr(18,0x0100,1,0,0,0)+b''.join(bytes([63])+b'a'*63 for _ in range(5))+b'\0'+struct.pack('!HH',1,1)))
# 18 short message, 0 length
msgs.append(('udp',53,hdr(19,0x0100,1,0,0,0)[:7]))
# 19 TCP: good, bad prefix, 1-byte, port 80 claimed
good=hdr(20,0x0100,1,0,0,0)+q('tcp.example',1)
msgs.append(('tcp',53,struct.pack('!H',len(good))+good))
msgs.append(('tcp',53,struct.pack('!H',len(good)+5)+good))
msgs.append(('tcp',53,b'\x00'))
# (port 80 is claimed by tcpdump's HTTP printer before DNS: not a DNS case)
# 23 multiple questions response and query w/ answers at -vv
m=hdr(21,0x8180,2,0,0,0)+q('a.example',1)+q('b.example',28)
msgs.append(('udp',53,m))
m=hdr(22,0x2900,1,1,1,0)+q('example',6)+rr(b'\xc0\x0c',1,bytes([1,2,3,4]))+rr(b'\xc0\x0c',2,b'\x02ns\xc0\x0c')
msgs.append(('udp',53,m))
# 25 escaped chars in label
msgs.append(('udp',53,hdr(23,0x0100,1,0,0,0)+b'\x04a\x01\xffz\x00'+struct.pack('!HH',1,1)))
# 26 NXDomain response, TC, no RA, AD
msgs.append(('udp',53,hdr(24,0x8623,1,0,0,0)+q('nope.example',1)))

def write(fn, frames, wire=None):
    # wire: each frame's length on the wire (a capture cut by the snap
    # length keeps it); the captured length by default.
    with open(fn,'wb') as f:
        f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,262144,1))
        for k,fr in enumerate(frames):
            w = wire[k] if wire else len(fr)
            f.write(struct.pack('<IIII',1700000000+k,0,len(fr),w)+fr)
frames=[]
for kind,port,m in msgs:
    if kind=='udp': frames.append(eth(ip4(17,udp(40000,port,m))))
    elif kind=='tcp': frames.append(eth(ip4(6,tcp(40000,port,m))))
    elif kind=='tcp80': frames.append(eth(ip4(6,tcp(80,port,m))))
write(os.path.join(sys.argv[1], "dns-messages.pcap"), frames)
# frames 2 and 1 cut by a snap length at many points, and the same cuts as
# frames whose IP total length is wrong (captured and wire length equal)
cuts = [frames[2][:n] for n in range(42, len(frames[2]), 7)] + [frames[1][:n] for n in range(42, len(frames[1]))]
wire = [len(frames[2])] * len(range(42, len(frames[2]), 7)) + [len(frames[1])] * len(range(42, len(frames[1])))
write(os.path.join(sys.argv[1], "dns-cut.pcap"), cuts + cuts, wire + [len(c) for c in cuts])
