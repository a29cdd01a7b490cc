#!/usr/bin/env python3
"""Split pcap/pcapng captures into per-link-type frame files for the
fuzz_decode_<linktype> targets, in the input layout of fuzz/fuzz_decode.hpp:
3 prefix bytes (option set, wire-length delta, link-type variant) + frame.

usage: split_corpus.py CAPTURE_DIR OUT_DIR TARGET [--max N]
TARGET: ethernet sll sll2 raw null, or "all" (OUT_DIR/<target>/ each).
Unreadable or hostile captures are skipped silently: seeds only."""
import hashlib
import os
import struct
import sys

# DLT value -> (target, variant byte)
DLTS = {1: ("ethernet", 0), 113: ("sll", 0), 276: ("sll2", 0),
        12: ("raw", 0), 14: ("raw", 1), 101: ("raw", 2), 228: ("raw", 3), 229: ("raw", 4),
        0: ("null", 0), 108: ("null", 1)}


def pcap_frames(b):
    if len(b) < 24:
        return
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    dlt = struct.unpack(e + "I", b[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(b):
        _, _, caplen, wirelen = struct.unpack(e + "IIII", b[off:off + 16])
        off += 16
        if caplen > len(b) - off:
            return
        yield dlt, b[off:off + caplen], wirelen
        off += caplen


def pcapng_frames(b):
    off, e, ifaces = 0, "<", []
    while off + 12 <= len(b):
        btype = struct.unpack(e + "I", b[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = b[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack(e + "I", b[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(b):
            return
        body = b[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            ifaces.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, _, _, caplen, wirelen = struct.unpack(e + "IIIII", body[:20])
            if ifid < len(ifaces) and caplen <= len(body) - 20:
                yield ifaces[ifid], body[20:20 + caplen], wirelen
        elif btype == 3 and len(body) >= 4 and ifaces:
            wirelen = struct.unpack(e + "I", body[:4])[0]
            yield ifaces[0], body[4:4 + min(wirelen, len(body) - 4)], wirelen
        off += blen


def sll_to_sll2(frame):
    """The same packet behind a Linux cooked v2 header (the corpus has few)."""
    if len(frame) < 16:
        return None
    pkttype, hatype, halen = struct.unpack(">HHH", frame[:6])
    return (frame[14:16] + b"\0\0" + struct.pack(">IHBB", 2, hatype, pkttype & 0xFF, halen & 0xFF)
            + frame[6:14] + frame[16:])


def frames(path):
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        return
    gen = pcapng_frames(b) if b[:4] == b"\x0a\x0d\x0d\x0a" else pcap_frames(b)
    try:
        yield from gen
    except struct.error:
        return


def main():
    args = sys.argv[1:]
    limit = 0
    if "--max" in args:
        i = args.index("--max")
        limit = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    src, out, want = args
    targets = sorted({t for t, _ in DLTS.values()}) if want == "all" else [want]
    dirs = {t: os.path.join(out, t) if want == "all" else out for t in targets}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    counts = dict.fromkeys(targets, 0)
    n = 0
    for name in sorted(os.listdir(src)):
        found = []
        for dlt, frame, wirelen in frames(os.path.join(src, name)):
            found.append((dlt, frame, wirelen))
            if dlt == 113 and sll_to_sll2(frame) is not None:
                found.append((276, sll_to_sll2(frame), wirelen + 4))
        for dlt, frame, wirelen in found:
            target, variant = DLTS.get(dlt, (None, 0))
            if target not in counts or (limit and counts[target] >= limit):
                continue
            n += 1
            caplen = len(frame)
            if wirelen >= caplen:
                delta = min(wirelen - caplen, 0x7F)
            else:
                delta = 0x80 | min(caplen - wirelen, 0x7F)
            data = bytes([n % 256, delta, variant]) + frame
            h = hashlib.sha1(data).hexdigest()
            path = os.path.join(dirs[target], h)
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(data)
                counts[target] += 1
    for t in targets:
        print(f"{t}: {counts[t]} frames")


if __name__ == "__main__":
    main()
