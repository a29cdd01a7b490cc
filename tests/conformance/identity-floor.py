#!/usr/bin/env python3
# identity-floor.py NETLAB CORPUS_DIR FLOOR_FILE [--write]: the per-protocol
# report of issue 17, and the floor CI holds it to.
#
# Every packet of every capture in CORPUS_DIR (the shared corpus's all/) is
# put in one protocol bucket by tcpdump 4.99.3's own -n line for it (first
# matching pattern below, most specific first), and counted identical at a
# flag set when netlab's text for it (every line of it) is byte for byte
# tcpdump's. Prints the table: bucket, packets, identical at -n, -v, -vv.
#
# FLOOR_FILE holds, per bucket and flag set, the number of identical packets
# the decoder has reached. Any figure below its floor fails (exit 1), naming
# the bucket; figures above it are said, so the floor can be raised with
# --write (which only ever raises it: a floor that can only rise).
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# (bucket, pattern on tcpdump's -n line without its number and time)
BUCKETS = [
    ("stp", r"STP 802|\[\|stp\]|unknown STP"),
    ("lldp", r"LLDP"),
    ("llc", r"Unknown DSAP|Unknown SSAP|SNAP, |Unnumbered, |Supervisory, |Information, send|\[\|llc\]|\[\|snap\]"),
    ("igmp", r"igmp "),
    ("dns", r"\.(53|5353)(: | > ).*(\(\d+\)|\[\|domain\]|\(invalid\))$"),
    ("bootp", r"BOOTP/DHCP"),
    ("dhcp6", r"dhcp6 "),
    ("arp", r"\bARP, |\bRARP, "),
    ("icmp6", r"ICMP6, "),
    ("icmp", r"ICMP "),
    ("tcp", r"Flags \["),
    ("udp", r"UDP, "),
    ("other", r""),
]
FLAGS = {"-n": [], "-v": ["-v"], "-vv": ["-vv"]}
NUMBERED = re.compile(r"^ {0,4}(\d+)  ")
ENV = dict(os.environ, TZ="GMT0", LC_ALL="C")


def packets(cmd):
    """Packet number -> its whole text (first line and continuation lines)."""
    try:
        out = subprocess.run(cmd, capture_output=True, env=ENV, timeout=300).stdout.decode("latin1")
    except subprocess.TimeoutExpired:
        return {}
    pk, cur = {}, None
    for line in out.split("\n"):
        m = NUMBERED.match(line)
        if m:
            cur = int(m.group(1))
            pk[cur] = line
        elif cur is not None:
            pk[cur] += "\n" + line
    return pk


def bucket_of(first_line):
    for name, rx in COMPILED:
        if rx.search(first_line):
            return name
    return "other"


COMPILED = [(n, re.compile(p)) for n, p in BUCKETS]


def one_capture(netlab, path):
    """bucket -> flag -> [identical, packets] for one capture."""
    counts = {}
    ref = {}
    for flag, args in FLAGS.items():
        ref[flag] = packets(["tcpdump", "-#", "-n", "-r", path] + args)
    buckets = {k: bucket_of(text.split("\n")[0]) for k, text in ref["-n"].items()}
    for flag, args in FLAGS.items():
        ours = packets([netlab, "capture", "-#", "-n", "-r", path] + args)
        for k, b in buckets.items():
            c = counts.setdefault(b, {f: [0, 0] for f in FLAGS})[flag]
            c[1] += 1
            if k in ref[flag] and ours.get(k) == ref[flag][k]:
                c[0] += 1
    return counts


def read_floor(path):
    floor = {}
    if os.path.exists(path):
        for line in open(path):
            if line.startswith("#") or not line.strip():
                continue
            bucket, flag, n = line.split()
            floor[(bucket, flag)] = int(n)
    return floor


def main():
    if len(sys.argv) < 4:
        print("usage: identity-floor.py NETLAB CORPUS_DIR FLOOR_FILE [--write]", file=sys.stderr)
        return 2
    netlab, corpus, floor_path = sys.argv[1:4]
    write = "--write" in sys.argv[4:]
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith((".pcap", ".pcapng", ".cap")))
    total = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for counts in pool.map(lambda p: one_capture(netlab, p), files):
            for b, per_flag in counts.items():
                t = total.setdefault(b, {f: [0, 0] for f in FLAGS})
                for f, (same, n) in per_flag.items():
                    t[f][0] += same
                    t[f][1] += n
    order = [n for n, _ in BUCKETS]
    total["ALL"] = {f: [sum(total[b][f][0] for b in total), sum(total[b][f][1] for b in total)] for f in FLAGS}
    print(f"{'bucket':8} {'packets':>8} " + " ".join(f"{f + ' identical':>18}" for f in FLAGS))
    for b in order + ["ALL"]:
        if b not in total:
            continue
        n = total[b]["-n"][1]
        cells = " ".join(f"{total[b][f][0]:>7} {100.0 * total[b][f][0] / max(1, n):>6.1f}%   " for f in FLAGS)
        print(f"{b:8} {n:>8} {cells}")
    floor = read_floor(floor_path)
    below, above = [], []
    for b in total:
        for f in FLAGS:
            have, need = total[b][f][0], floor.get((b, f), 0)
            if have < need:
                below.append(f"{b} {f}: {have} identical, the floor is {need}")
            elif have > need:
                above.append(f"{b} {f}: {have} > {need}")
    for line in below:
        print("BELOW THE FLOOR: " + line)
    if above and not write:
        print("above the floor (raise it with --write): " + "; ".join(above))
    if write:
        with open(floor_path, "w") as out:
            out.write("# identity-floor.py's floor: per bucket and flag set, the identical packets\n"
                      "# over the shared corpus's all/ that netlab must keep. It only rises.\n")
            for b in order + ["ALL"]:
                if b in total:
                    for f in FLAGS:
                        out.write(f"{b}\t{f}\t{max(total[b][f][0], floor.get((b, f), 0))}\n")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
