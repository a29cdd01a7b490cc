#!/usr/bin/env bash
# `netlab capture --annotate` live on a bridge (issue 17's lab notes): a
# guest behind the bridge joins a multicast group while the bridge snoops
# multicast with its own querier off and nobody else queries. The first
# IGMP report gets the no-querier note with its fix; the fix is run exactly
# as printed, and the same join no longer gets the note (the bridge now
# queries itself). The JSON note is typed; a bridge that does not snoop
# gets no note either.
#
#   capture_lab_notes.sh NETLAB_BINARY
#
# Runs as root in private network and mount namespaces (shell_lab.sh).
set -uo pipefail

netlab_bin=${1:?usage: capture_lab_notes.sh NETLAB_BINARY}
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

start_peer
# labbr0 holds v0; the guest is the peer namespace behind v1 (198.51.100.2).
ip addr flush dev v0
ip link add labbr0 type bridge mcast_snooping 1 mcast_querier 0
ip link set v0 master labbr0
ip link set labbr0 up

# join GROUP: the guest joins GROUP on v1 for 3 s (the kernel sends its
# unsolicited reports at once and again within a second).
join() {
  peer python3 -c "
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack('4s4s', socket.inet_aton('$1'), socket.inet_aton('198.51.100.2')))
time.sleep(3)" &
  join_pid=$!
}

# capture_one OUT [ARGS]: netlab captures the first IGMP packet on labbr0.
capture_one() {
  local out=$1
  shift
  timeout 20 "$netlab_bin" capture -i labbr0 -n --annotate -c 1 "$@" igmp >"$out" 2>"$out.err" &
  cap_pid=$!
  wait_listening "$out.err" || fail "capture on labbr0 did not start: $(cat "$out.err")"
}

capture_one "$dir/before"
join 239.1.2.3
wait "$cap_pid"
rc=$?
wait "$join_pid"
[ "$rc" = 0 ] && pass "capture --annotate on labbr0 exits 0" || fail "capture exit $rc: $(cat "$dir/before.err")"
note=$(grep '^    ^ IGMP report and no querier' "$dir/before")
if [ -n "$note" ]; then
  pass "the first IGMP report gets the no-querier note"
else
  fail "no no-querier note: $(cat "$dir/before")"
fi
grep -q 'labbr0 snoops multicast with its own querier off' <<<"$note" && pass "the note names the bridge" ||
  fail "note: $note"
grep -q '^  bridge labbr0: multicast snooping on, querier off$' "$dir/before" && pass "the lab summary shows the bridge" ||
  fail "summary: $(cat "$dir/before")"

fix=${note##*fix: }
[ "$fix" = "ip link set dev labbr0 type bridge mcast_querier 1" ] && pass "the fix is printed: $fix" ||
  fail "fix text: $fix"
# The fix, run as printed.
if eval "$fix"; then pass "the printed fix runs"; else fail "the printed fix failed: $fix"; fi
ip -d link show labbr0 | grep -q 'mcast_querier 1' && pass "labbr0 now queries itself" ||
  fail "mcast_querier still off: $(ip -d link show labbr0)"

capture_one "$dir/after"
join 239.1.2.4
wait "$cap_pid"
rc=$?
wait "$join_pid"
[ "$rc" = 0 ] && pass "capture after the fix exits 0" || fail "capture exit $rc: $(cat "$dir/after.err")"
if grep -q '^    ^ .*no querier' "$dir/after"; then fail "note after the fix: $(cat "$dir/after")"; else pass "no note after the fix"; fi
grep -q '^  bridge labbr0: multicast snooping on, querier on$\|^IP ' "$dir/after" && pass "an IGMP packet was read after the fix" ||
  fail "after: $(cat "$dir/after")"

# JSON: the note is one typed object.
ip link set dev labbr0 type bridge mcast_querier 0
capture_one "$dir/json" -j
join 239.1.2.5
wait "$cap_pid"
wait "$join_pid"
if python3 - "$dir/json" <<'PY'
import json, sys
notes = [json.loads(l)["annotation"] for l in open(sys.argv[1]) if l.startswith('{"annotation"')]
lab = [json.loads(l)["lab_summary"] for l in open(sys.argv[1]) if l.startswith('{"lab_summary"')]
assert any(n["kind"] == "no-querier" and "mcast_querier 1" in n["text"] for n in notes), notes
assert lab and lab[0]["bridge"] == {"name": "labbr0", "multicast_snooping": True, "multicast_querier": False}, lab
assert lab[0]["igmp"]["querier_missing"] is True, lab
PY
then pass "-j: the no-querier note and the lab summary are typed"; else fail "-j: $(cat "$dir/json")"; fi

# A bridge that does not snoop forgets nothing: no note.
ip link set dev labbr0 type bridge mcast_snooping 0
capture_one "$dir/nosnoop"
join 239.1.2.6
wait "$cap_pid"
wait "$join_pid"
if grep -q '^    ^ .*no querier' "$dir/nosnoop"; then fail "note without snooping: $(cat "$dir/nosnoop")"; else pass "no note when the bridge does not snoop"; fi
grep -q '^  bridge labbr0: multicast snooping off, querier off$' "$dir/nosnoop" && pass "the summary says snooping off" ||
  fail "nosnoop: $(cat "$dir/nosnoop")"

finish
