#!/usr/bin/env python3
"""A guest's DHCP client on a TAP, for dhcp_diagnose.sh's C39 lab.

    tap_dhcp_client.py TAP MAC offload|plain SECONDS

Attaches to TAP (IFF_TAP | IFF_NO_PI, never IFF_VNET_HDR), with
"offload" asks for checksum offload (TUNSETOFFLOAD TUN_F_CSUM) as a
misconfigured guest would ("plain": TUNSETOFFLOAD 0), then broadcasts a DISCOVER every second and
checks the UDP checksum of each OFFER to MAC as a client does (busybox
udhcpc drops "packet with bad UDP checksum"). Prints one line per OFFER,
"offer SERVER valid" or "offer SERVER bad-checksum", until SECONDS pass.
"""
import fcntl
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
TUNSETOFFLOAD = 0x400454D0
IFF_TAP, IFF_NO_PI, TUN_F_CSUM = 0x0002, 0x1000, 0x01


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def discover(mac, xid):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, bytes(4), bytes(4),
                        bytes(4), bytes(4), mac + bytes(10), b"", b"")
    payload = bootp + b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\xff"
    udp = struct.pack("!HHHH", 68, 67, 8 + len(payload), 0) + payload
    pseudo = bytes(4) + b"\xff" * 4 + struct.pack("!BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(4), b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def offer_line(frame, mac):
    """The line for a DHCP reply to MAC, or None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    ihl = (frame[14] & 15) * 4
    udp = frame[14 + ihl:]
    if len(udp) < 8 + 44:
        return None
    _, dport, length, csum = struct.unpack("!HHHH", udp[:8])
    if dport != 68 or udp[8 + 28:8 + 34] != mac:
        return None
    pseudo = frame[26:30] + frame[30:34] + struct.pack("!BBH", 0, 17, length)
    ok = csum == 0 or checksum(pseudo + udp[:length]) == 0
    return "offer %s %s" % (socket.inet_ntoa(frame[26:30]), "valid" if ok else "bad-checksum")


def main():
    tap, mac_text, mode, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    mac = bytes.fromhex(mac_text.replace(":", ""))
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", tap.encode(), IFF_TAP | IFF_NO_PI))
    # As QEMU does, always say which offloads it takes: the setting stays on
    # a persistent TAP from one reader to the next.
    fcntl.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM if mode == "offload" else 0)
    deadline = time.time() + seconds
    last = 0.0
    while time.time() < deadline:
        if time.time() - last >= 1:
            last = time.time()
            try:
                os.write(fd, discover(mac, 0x0C39))
            except OSError:
                pass  # the TAP is not up yet
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            line = offer_line(os.read(fd, 4096), mac)
            if line:
                print(line, flush=True)


if __name__ == "__main__":
    main()
