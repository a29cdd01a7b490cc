#!/usr/bin/env bash
# savefile-read.sh NETLAB: `netlab capture -r` reads pcap files record for
# record as libpcap does. netlab reads plain records of pcap 2.4 files in
# blocks of its own and hands every other record to libpcap
# (lib/src/capture/savefile_reader.hpp); this builds files that cross that
# line in each way and compares netlab's lines with tcpdump's (libpcap's
# reading is the reference), with -tt and --nano so the timestamps' scaling
# shows, -c and a filter so counting and filtering across the hand-over do.
# Exit status: netlab's is 0 where tcpdump's is 0, and 1 where tcpdump's
# is not.
set -uo pipefail
bin=${1:?usage: savefile-read.sh NETLAB}
command -v tcpdump > /dev/null || { echo "savefile-read: needs tcpdump" >&2; exit 1; }
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
export TZ=GMT0 LC_ALL=C

python3 - "$dir" <<'PY' || exit 1
import struct, sys
d = sys.argv[1]

def frame(i, size=60):
    # Ethernet + IPv4 + UDP from 192.0.2.1 to 198.51.100.N, padded to size.
    body = bytes(max(0, size - 42))
    udp = struct.pack('!HHHH', 40000 + i, 9, 8 + len(body), 0) + body
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([198, 51, 100, i % 250 + 1]))
    return b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00' + ip + udp

def write(name, records, magic=0xa1b2c3d4, endian='<', version=(2, 4), snaplen=262144, tail=b''):
    with open(f'{d}/{name}.pcap', 'wb') as f:
        f.write(struct.pack(endian + 'IHHiIII', magic, version[0], version[1], 0, 0, snaplen, 1))
        for sec, frac, data, caplen, length in records:
            caplen = len(data) if caplen is None else caplen
            length = len(data) if length is None else length
            f.write(struct.pack(endian + 'IIII', sec, frac, caplen, length) + data)
        f.write(tail)

def plain(n, frac_step=123457, start=1700000000):
    return [(start + i, (i * frac_step) % 1000000, frame(i), None, None) for i in range(n)]

write('plain', plain(6))
write('swapped', plain(6), endian='>')
write('nano', [(1700000000 + i, i * 123456789, frame(i), None, None) for i in range(5)], magic=0xa1b23c4d)
write('nano-swapped', [(1700000000 + i, i * 123456789, frame(i), None, None) for i in range(5)],
      magic=0xa1b23c4d, endian='>')
# A record longer than the file's snapshot length, then plain ones.
write('over-snaplen', plain(2) + [(1700000005, 5, frame(5, 200), None, None)] + plain(2, start=1700000006),
      snaplen=100)
# A caplen above libpcap's 262144.
write('over-max', plain(2) + [(1700000005, 5, bytes(300000), None, None)] + plain(2, start=1700000006))
# The file ends inside a record's data, and inside a record's header.
write('cut-data', plain(3), tail=struct.pack('<IIII', 1700000009, 9, 80, 80) + frame(9)[:30])
write('cut-header', plain(3), tail=b'\x01\x02\x03\x04\x05\x06\x07')
# Timestamps libpcap converts through signed 32-bit fields and a fraction
# of a second that is not one.
write('odd-times', plain(1) + [(0x80000001, 5, frame(1), None, None), (1700000002, 1500000, frame(2), None, None)]
      + plain(2, start=1700000003))
# caplen above len, and a zero caplen.
write('odd-lengths', plain(1) + [(1700000001, 1, frame(1), None, 20), (1700000002, 2, b'', None, 60)] + plain(1))
# Records across the reader's 512 KiB blocks, one of libpcap's largest
# (262144) among them, and the file cut in the last record.
write('big', [(1700000000 + i, i, frame(i, 60 + i * 97 % 1400), None, None) for i in range(2500)]
      + [(1700003000, 0, bytes(262144), None, None)]
      + [(1700003001 + i, i, frame(i, 60 + i * 89 % 1400), None, None) for i in range(2500)],
      tail=struct.pack('<IIII', 1700009999, 9, 80, 80) + frame(9)[:30])
# Files above 2 MiB are read ahead by a second thread (blocks queued in file
# order, a record's start carried over into the next block): a hand-over to
# libpcap well inside such a file, at a record above libpcap's maximum, then
# plain records again; and a nanosecond file, byte-swapped, cut at its end.
write('ahead-handover', [(1700000000 + i, i, frame(i, 60 + i * 131 % 1400), None, None) for i in range(4000)]
      + [(1700005000, 5, bytes(300000), None, None)]
      + [(1700005001 + i, i, frame(i, 60 + i * 53 % 1400), None, None) for i in range(1500)])
write('ahead-nano-cut', [(1700000000 + i, i * 7919, frame(i, 60 + i * 61 % 1400), None, None) for i in range(6000)],
      magic=0xa1b23c4d, endian='>', tail=struct.pack('>IIII', 1700009999, 9, 80, 80) + frame(9)[:30])
# pcap 2.3: libpcap may swap caplen and len; the reader does not serve it.
write('v23', plain(2) + [(1700000002, 2, frame(2), None, 30)], version=(2, 3))
PY

fail=0
check() {  # check FILE ARGS...: netlab's lines and status against tcpdump's
    local f=$1 ours theirs rs rt
    shift
    ours=$("$bin" capture -n -tt -r "$dir/$f.pcap" "$@" 2>/dev/null)
    rs=$?
    theirs=$(tcpdump -n -tt -r "$dir/$f.pcap" "$@" 2>/dev/null)
    rt=$?
    if [ "$ours" != "$theirs" ]; then
        echo "FAIL $f $*: lines differ from tcpdump's"
        diff <(echo "$ours") <(echo "$theirs") | head -10
        fail=1
    fi
    if { [ $rt -eq 0 ] && [ $rs -ne 0 ]; } || { [ $rt -ne 0 ] && [ $rs -ne 1 ]; }; then
        echo "FAIL $f $*: exit $rs where tcpdump's is $rt"
        fail=1
    fi
}
for f in plain swapped nano nano-swapped over-snaplen over-max cut-data cut-header odd-times odd-lengths big \
         ahead-handover ahead-nano-cut v23; do
    check "$f"
    check "$f" --nano
done
check plain -c 4
check over-snaplen -c 3
check over-snaplen -c 4
check plain udp and src port 40003
check over-snaplen udp and src port 40000 or src port 40007
check cut-data -c 3
check cut-data -c 4
check big -c 2501
check big udp and src port 40007
check ahead-handover -c 3999
check ahead-handover -c 4001
check ahead-handover udp and src port 40011
for f in big ahead-handover ahead-nano-cut; do
    size=$(stat -c %s "$dir/$f.pcap")
    [ "$size" -gt 2097152 ] || { echo "FAIL $f.pcap is $size bytes: too small to be read ahead"; fail=1; }
done
# The same file through stdin goes through libpcap alone.
ours=$("$bin" capture -n -tt -r - < "$dir/plain.pcap" 2>/dev/null)
theirs=$(tcpdump -n -tt -r "$dir/plain.pcap" 2>/dev/null)
[ "$ours" = "$theirs" ] || { echo "FAIL plain from stdin"; fail=1; }
n=$(tcpdump -n -r "$dir/plain.pcap" 2>/dev/null | wc -l)
[ "$n" = 6 ] || { echo "FAIL the generated plain.pcap has $n packets for tcpdump, not 6"; fail=1; }
[ $fail = 0 ] && echo "savefile-read: every file read as tcpdump reads it"
exit $fail
