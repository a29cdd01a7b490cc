#!/usr/bin/env bash
# netlink-scale.sh - netlab vs iproute2 dump cost on a large, private routing table.
#
# Usage: bench/netlink-scale.sh [options]          (root: it runs `unshare -n`)
#
# The script re-executes itself under `unshare -n`, builds the state below with
# `ip -batch` in that fresh network namespace (it vanishes when the script exits;
# the host is never touched) and refuses to do anything if it finds itself in the
# initial network namespace.
#
# State:
#   nl0 <-> nl0p  veth pair, both up; 100.64.0.1/10 and fd00:ffff::1/64 on nl0
#   IPv4 routes   --routes4 N (100000) in table main, proto static: 10.0.0.0/8 cut
#                 into /24s, then 172.16.0.0/12 into /28s (at most 131072); three in
#                 four `via 100.64.0.2 metric M`, one in four `dev nl0`
#   neighbours    --neigh N (10000) permanent on nl0: half IPv4 (100.64.x.y),
#                 half IPv6 (fd00:ffff::1:n)
#   extra links   --links N (0) extra veth links lk0..lkN-1 (N rounded up to even),
#                 down, for a bigger `link show`
#
# Timed pairs (stdout to /dev/null), interleaved round by round, the starting
# command rotating each round; ratios are taken within a round:
#   NETLAB route show     vs ip route show
#   NETLAB -j route show  vs ip -j route show
#   NETLAB neigh show     vs ip neigh show
#   NETLAB -j neigh show  vs ip -j neigh show
#   NETLAB link show      vs ip link show
# plus a floor row (/bin/true) = what the harness itself costs per command.
# Wall time is bash's $EPOCHREALTIME around `/usr/bin/time -f '%e %M %x' CMD`;
# peak RSS (KiB) and exit status come from GNU time.
#
# Before timing, a sanity check compares the line counts of `NETLAB route show` /
# `ip route show` and `NETLAB neigh show` / `ip neigh show` (and `link show`)
# (loud warning if they differ), the number of JSON objects of the -j forms, and
# the text itself (ip's trailing blanks stripped; differences are reported, not fatal).
#
# Options:
#   -r RUNS          timed rounds (5)
#   -w WARMUP        untimed warm-up rounds (1)
#   --routes4 N      IPv4 routes (100000)
#   --neigh N        neighbours (10000)
#   --links N        extra veth links (0)
#   --netlab PATH    netlab binary (default: <project>/build/release/apps/netlab/netlab, the README build)
#   --out DIR        keep raw data there (raw.tsv, meta.tsv, summary.txt)
#   --exec CMD       build the state, run CMD (bash -c, $NETLAB exported) inside the
#                    namespace instead of benchmarking, e.g.
#                    --exec 'diff <($NETLAB route show) <(ip route show) | head'
#   --shell          build the state and open an interactive shell there instead
#   -h, --help       this text
#
# Needs: root, iproute2, util-linux (unshare), GNU time (/usr/bin/time), awk, python3.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
PROJECT=$(cd "$HERE/.." && pwd)
PROG=netlink-scale

usage() { awk 'NR == 1 { next } /^set -euo/ { exit } { sub(/^# ?/, ""); print }' "$SELF"; }
die() { echo "$PROG: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

RUNS=5 WARMUP=1 ROUTES4=100000 NEIGH=10000 LINKS=0
NETLAB=$PROJECT/build/release/apps/netlab/netlab
[ -x "$NETLAB" ] || NETLAB=$PROJECT/build/apps/netlab/netlab
OUT='' EXEC_CMD='' SHELL_AFTER=0
ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage; exit 0 ;;
        -r) RUNS=${2:?-r needs a value}; shift 2 ;;
        -w) WARMUP=${2:?-w needs a value}; shift 2 ;;
        --routes4) ROUTES4=${2:?--routes4 needs a value}; shift 2 ;;
        --neigh) NEIGH=${2:?--neigh needs a value}; shift 2 ;;
        --links) LINKS=${2:?--links needs a value}; shift 2 ;;
        --netlab) NETLAB=${2:?--netlab needs a path}; shift 2 ;;
        --out) OUT=${2:?--out needs a directory}; shift 2 ;;
        --exec) EXEC_CMD=${2:?--exec needs a command}; shift 2 ;;
        --shell) SHELL_AFTER=1; shift ;;
        *) echo "$PROG: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in RUNS WARMUP ROUTES4 NEIGH LINKS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$PROG: $v must be a non-negative integer" >&2; exit 2; }
done
[ "$RUNS" -ge 1 ] || { echo "$PROG: -r must be at least 1" >&2; exit 2; }
[ "$ROUTES4" -le 131072 ] || { echo "$PROG: --routes4 at most 131072 (65536 /24s + 65536 /28s)" >&2; exit 2; }
[ "$NEIGH" -le 100000 ] || { echo "$PROG: --neigh at most 100000" >&2; exit 2; }

# Network-namespace inodes. The check fails closed: anything unreadable counts as
# "maybe the initial namespace". The reference is /proc/1/ns/net; where PID 1's
# ns links are unreadable (some sandboxes deny them even to root), kthreadd's
# (PID 2; kernel threads always live in the initial namespace) is used instead.
netns_inode() { stat -L -c %i "$1" 2>/dev/null || true; }
INIT_NET_INUM=4026531833   # PROC_NET_INIT_INO: fixed inode of init_net (Linux >= 3.8)
initial_netns_inode() {
    local i
    i=$(netns_inode /proc/1/ns/net)
    if [ -z "$i" ] && [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
        i=$(netns_inode /proc/2/ns/net)
    fi
    echo "$i"
}
# returns 0 (= refuse) when in the initial namespace or when it cannot tell
in_initial_netns() {
    local self init
    self=$(netns_inode /proc/self/ns/net) init=$(initial_netns_inode)
    [ -n "$self" ] && [ -n "$init" ] || return 0
    [ "$self" = "$init" ] && return 0
    [ "$self" = "$INIT_NET_INUM" ] && return 0
    [ "$self" = "${NETLINK_SCALE_PARENT_NS:-}" ] && return 0   # unshare had no effect
    [ -n "${NETLINK_SCALE_PARENT_NS:-}" ] || return 0         # not started by stage 1
    return 1
}

# ---------------------------------------------------------------- stage 1: re-exec
if [ "${NETLINK_SCALE_IN_NS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || die "needs root (it runs unshare -n)"
    for t in ip unshare awk python3 stat; do
        command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"
    done
    [ -x /usr/bin/time ] || die "missing GNU time at /usr/bin/time (Debian package 'time')"
    [ -x "$NETLAB" ] || die "netlab binary not found or not executable: $NETLAB
  build it: cmake --build $PROJECT/build -j2 --target netlab_cli   (or pass --netlab PATH)"
    NETLAB=$(cd "$(dirname "$NETLAB")" && pwd)/$(basename "$NETLAB")
    PARENT_NS=$(netns_inode /proc/self/ns/net)
    [ -n "$PARENT_NS" ] || die "cannot read /proc/self/ns/net"
    exec env NETLINK_SCALE_IN_NS=1 NETLINK_SCALE_NETLAB="$NETLAB" NETLINK_SCALE_PARENT_NS="$PARENT_NS" \
        unshare -n -- bash "$SELF" "${ORIG_ARGS[@]}"
fi

# ---------------------------------------------------------------- stage 2: inside
NETLAB=${NETLINK_SCALE_NETLAB:-$NETLAB}
if in_initial_netns; then
    die "refusing to run: this may be the initial network namespace (net inode '$(netns_inode /proc/self/ns/net)', initial '$(initial_netns_inode)', parent '${NETLINK_SCALE_PARENT_NS:-}'); nothing was changed"
fi
export NETLAB

WORK=$(mktemp -d /tmp/netlink-scale.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ -n "$OUT" ]; then mkdir -p "$OUT"; DATA=$(cd "$OUT" && pwd); else DATA=$WORK; fi

usec() { local t=$EPOCHREALTIME; echo $((10#${t/./})); }
BUILD_ROWS=()
batch() {   # batch DESCRIPTION FILE
    local n t0 t1
    n=$(wc -l <"$2")
    [ "$n" -gt 0 ] || return 0
    t0=$(usec)
    ip -batch "$2" || die "ip -batch failed for $1"
    t1=$(usec)
    BUILD_ROWS+=("$(printf '%-28s %8d lines %9.3f s' "$1" "$n" "$(awk -v u=$((t1 - t0)) 'BEGIN { print u / 1e6 }')")")
}

note "network namespace inode $(netns_inode /proc/self/ns/net) (initial: $(initial_netns_inode), parent: $NETLINK_SCALE_PARENT_NS); building state ..."
cat >"$WORK/base" <<'EOF'
link set lo up
link add nl0 type veth peer name nl0p
link set nl0 up
link set nl0p up
addr add 100.64.0.1/10 dev nl0
addr add fd00:ffff::1/64 dev nl0 nodad
EOF
batch "base (veth nl0/nl0p, addrs)" "$WORK/base"

awk -v n="$LINKS" 'BEGIN {
    for (i = 0; i < n; i += 2) print "link add lk" i " type veth peer name lk" i + 1
}' >"$WORK/links"
batch "extra links (veth)" "$WORK/links"

# IPv4 routes: index i -> prefix; i < 65536: 10.(i>>8).(i&255).0/24,
# else k = i - 65536: 172.(16 + k>>12).((k>>4)&255).((k&15)*16)/28.
awk -v n="$ROUTES4" 'BEGIN {
    for (i = 0; i < n; i++) {
        if (i < 65536) {
            pfx = "10." int(i / 256) "." (i % 256) ".0/24"
        } else {
            k = i - 65536
            pfx = "172." (16 + int(k / 4096)) "." (int(k / 16) % 256) "." ((k % 16) * 16) "/28"
        }
        q = i % 4
        if (q == 3) print "route add " pfx " dev nl0 proto static"
        else        print "route add " pfx " via 100.64.0.2 dev nl0 proto static metric " (q + 1) * 10
    }
}' >"$WORK/routes4"
batch "IPv4 routes" "$WORK/routes4"

# Neighbours: even j -> IPv4 100.64.x.y (starting at 100.64.1.0, clear of .0.1/.0.2),
# odd j -> IPv6 fd00:ffff::1:n; lladdr 02:4e:xx:xx:xx:xx unique per entry.
awk -v n="$NEIGH" 'BEGIN {
    for (j = 0; j < n; j++) {
        h = int(j / 2)
        mac = sprintf("02:4e:%02x:%02x:%02x:%02x", j % 2, int(h / 65536) % 256, int(h / 256) % 256, h % 256)
        if (j % 2 == 0) {
            a = h + 256
            print "neigh add 100.64." int(a / 256) "." (a % 256) " lladdr " mac " dev nl0 nud permanent"
        } else {
            printf "neigh add fd00:ffff::1:%x lladdr %s dev nl0 nud permanent\n", h + 1, mac
        }
    }
}' >"$WORK/neigh"
batch "neighbours (permanent)" "$WORK/neigh"

STATE="$(ip -4 route show table main | wc -l) IPv4 routes (main), $(ip neigh show | wc -l) neighbours, $(ip -o link show | wc -l) links"
note "state: $STATE"
printf '%s\n' "${BUILD_ROWS[@]}" >&2

if [ -n "$EXEC_CMD" ]; then
    note "running --exec command inside the namespace (NETLAB=$NETLAB)"
    set +e
    bash -c "$EXEC_CMD"
    rc=$?
    set -e
    exit "$rc"
fi
if [ "$SHELL_AFTER" = 1 ]; then
    note "interactive shell in the namespace (NETLAB=$NETLAB); exit to tear it down"
    exec bash -i
fi

# ---------------------------------------------------------------- sanity check
SANITY=()
warn_loud() {
    local m
    for m in "$@"; do
        printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
        printf '!!! WARNING: %s\n' "$m" >&2
        printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
    done
}
json_len() { python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' <"$1" 2>/dev/null || echo "unparsable"; }
check_obj() {   # check_obj OBJECT ("route" | "neigh")
    local obj=$1 a b la lb ja jb nd
    a=$WORK/netlab.$obj b=$WORK/ip.$obj
    "$NETLAB" "$obj" show >"$a" 2>"$WORK/err" || warn_loud "'netlab $obj show' exited non-zero: $(head -c 300 "$WORK/err")"
    ip "$obj" show | sed 's/[[:blank:]]*$//' >"$b"
    la=$(wc -l <"$a") lb=$(wc -l <"$b")
    if [ "$la" != "$lb" ]; then
        warn_loud "LINE COUNT MISMATCH: 'netlab $obj show' = $la lines, 'ip $obj show' = $lb lines"
        diff "$a" "$b" | head -n 10 >&2 || true
        SANITY+=("$obj show: line count MISMATCH netlab=$la ip=$lb")
    else
        SANITY+=("$obj show: line count OK ($la = $lb)")
    fi
    nd=$(diff "$a" "$b" | grep -c '^[<>]' || true)
    if [ "$nd" != 0 ]; then
        SANITY+=("$obj show: text differs from ip (trailing blanks ignored): $nd diff lines; first:")
        while IFS= read -r l; do SANITY+=("    $l"); done < <(diff "$a" "$b" | head -n 6)
    else
        SANITY+=("$obj show: text identical to ip (trailing blanks ignored)")
    fi
    "$NETLAB" -j "$obj" show >"$a.json" 2>/dev/null || true
    ip -j "$obj" show >"$b.json"
    ja=$(json_len "$a.json") jb=$(json_len "$b.json")
    if [ "$ja" != "$jb" ]; then
        warn_loud "JSON OBJECT COUNT MISMATCH: 'netlab -j $obj show' = $ja, 'ip -j $obj show' = $jb"
        SANITY+=("-j $obj show: object count MISMATCH netlab=$ja ip=$jb")
    else
        SANITY+=("-j $obj show: object count OK ($ja = $jb)")
    fi
}
note "sanity check ..."
check_obj route
check_obj neigh
check_obj link    # not required by the brief; extra fidelity information

# ---------------------------------------------------------------- timing
LABELS=() CMDS=() PAIRS=()
add() { LABELS+=("$1"); CMDS+=("$2"); }
pair() {   # pair SUBCOMMAND...  -> "NETLAB ..." vs "ip ..."
    local a="NETLAB $*" b="ip $*"
    add "$a" "$NETLAB $*"
    add "$b" "ip $*"
    PAIRS+=("$a"$'\t'"$b")
}
pair route show
pair -j route show
pair neigh show
pair -j neigh show
pair link show
add "(floor: /bin/true)" "/bin/true"

N=${#CMDS[@]}
RAW=$DATA/raw.tsv
: >"$RAW"
{
    for ((k = 0; k < N; k++)); do printf 'label\t%d\t%s\n' "$k" "${LABELS[k]}"; done
    for p in "${PAIRS[@]}"; do printf 'pair\t%s\n' "$p"; done
} >"$DATA/meta.tsv"

note "timing $N commands, $WARMUP warm-up + $RUNS rounds, interleaved ..."
for ((r = -WARMUP; r < RUNS; r++)); do
    for ((s = 0; s < N; s++)); do
        k=$(( (s + (r < 0 ? 0 : r)) % N ))
        read -r -a argv <<<"${CMDS[k]}"
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%e %M %x' -o "$WORK/time" "${argv[@]}" >/dev/null 2>"$WORK/stderr" </dev/null || true
        t1=$EPOCHREALTIME
        read -r _e rss rc < <(tail -n 1 "$WORK/time")
        [ "$rc" = 0 ] || note "'${LABELS[k]}' exited $rc: $(head -c 300 "$WORK/stderr")"
        us=$(( 10#${t1/./} - 10#${t0/./} ))
        [ "$r" -lt 0 ] || printf '%d\t%d\t%d\t%d\t%d\n' "$r" "$k" "$us" "$rss" "$rc" >>"$RAW"
    done
    if [ "$r" -lt 0 ]; then note "  warm-up round done"; else note "  round $((r + 1))/$RUNS done"; fi
done

# ---------------------------------------------------------------- report
{
    echo "netlink-scale: $STATE (private netns)"
    echo "host: $(uname -r), $(nproc) cores; netlab: $NETLAB; $(ip -V)"
    echo "$RUNS interleaved rounds after $WARMUP warm-up; wall = whole process incl. fork/exec of /usr/bin/time"
    echo
    echo "state build (ip -batch):"
    printf '  %s\n' "${BUILD_ROWS[@]}"
    echo
    echo "sanity check:"
    printf '  %s\n' "${SANITY[@]}"
    echo
    python3 - "$DATA" <<'PY'
import statistics as st
import sys

d = sys.argv[1]
labels, pairs = {}, []
for line in open(f"{d}/meta.tsv"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "label":
        labels[int(f[1])] = f[2]
    elif f[0] == "pair":
        pairs.append((f[1], f[2]))
wall, rss, fails = {}, {}, {}
for line in open(f"{d}/raw.tsv"):
    r, k, us, kib, rc = line.split()
    lab = labels[int(k)]
    wall.setdefault(lab, {})[int(r)] = int(us) / 1000.0
    rss.setdefault(lab, []).append(int(kib))
    fails[lab] = fails.get(lab, 0) + (rc != "0")

rows = [("command", "median ms", "min-max ms", "peak RSS KiB")]
for k in sorted(labels):
    lab = labels[k]
    if lab not in wall:
        continue
    w = sorted(wall[lab].values())
    name = lab + (f"  [exit!=0 x{fails[lab]}]" if fails[lab] else "")
    rows.append((name, f"{st.median(w):.1f}", f"{w[0]:.1f}-{w[-1]:.1f}", f"{st.median(rss[lab]):.0f}"))


def table(rows, right_from=1):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        cells = [c.ljust(widths[i]) if i < right_from else c.rjust(widths[i]) for i, c in enumerate(r)]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


print(table(rows))
print()
prow = [("pair (netlab / ip)", "wall ratio (median of rounds)", "min-max", "peak RSS ratio")]
for a, b in pairs:
    rs = sorted(wall[a][r] / wall[b][r] for r in wall[a] if r in wall.get(b, {}) and wall[b][r] > 0)
    if not rs:
        continue
    rr = st.median(rss[a]) / st.median(rss[b])
    prow.append((b[3:], f"{st.median(rs):.2f}x", f"{rs[0]:.2f}-{rs[-1]:.2f}x", f"{rr:.2f}x"))
print(table(prow))
PY
} | tee "$DATA/summary.txt"
[ -z "$OUT" ] || note "raw data kept in $DATA"
