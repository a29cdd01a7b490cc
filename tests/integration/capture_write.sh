#!/usr/bin/env bash
# `netlab capture -w` keeps a valid pcap file whatever ends it, and -Z drops
# privileges as tcpdump does:
#   - SIGINT or SIGTERM mid-capture: the file holds every packet captured,
#     tcpdump -r reads it cleanly;
#   - a full disk (a 64 KiB tmpfs): one stderr line "capture: FILE: No space
#     left on device (N packets written)", exit 1, and the file ends at the
#     last whole record (tcpdump -r reads exactly N packets, no "truncated");
#   - -Z nobody: the process runs as uid 65534 with no capabilities while it
#     captures, the file (opened before) stays root's; an unknown user is a
#     usage error before anything is opened.
#
#   capture_write.sh NETLAB_BINARY
#
# Runs as root, in private network and mount namespaces (shell_lab.sh).
set -uo pipefail

netlab_bin=${1:?usage: capture_write.sh NETLAB_BINARY}
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

start_peer

# check_file FILE N WHAT: tcpdump reads FILE to the end, cleanly, and finds N packets.
check_file() {
  local file=$1 want=$2 what=$3 got status
  got=$(tcpdump -n -r "$file" 2>"$dir/tcpdump.err" | wc -l)
  status=${PIPESTATUS[0]}
  if [ "$status" != 0 ]; then fail "$what: tcpdump -r exited $status: $(cat "$dir/tcpdump.err")"; return; fi
  if grep -qi 'truncated' "$dir/tcpdump.err"; then fail "$what: tcpdump -r: $(cat "$dir/tcpdump.err")"; return; fi
  if [ "$got" != "$want" ]; then fail "$what: tcpdump -r read $got packets, netlab said $want"; return; fi
  pass "$what: tcpdump -r reads $got packets cleanly"
}

# captured_count STDERR_FILE: N from "N packets captured".
captured_count() { sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$1"; }

echo "== signals end a capture -w with a valid file"
for sig in INT TERM; do
  file=$dir/sig-$sig.pcap
  "$netlab_bin" capture -i v0 -w "$file" icmp 2>"$dir/sig.err" &
  pid=$!
  wait_listening "$dir/sig.err" || fail "SIG$sig: the capture did not start: $(cat "$dir/sig.err")"
  peer ping -c 1500 -i 0.002 -s 200 198.51.100.1 >/dev/null 2>&1 &
  ping_pid=$!
  # Past the 1 s read timeout, so blocks have been handed over (a signal
  # ends the capture as tcpdump's does: what the kernel still holds is not
  # captured), with packets still flowing.
  sleep 1.5
  kill -"$sig" "$pid"
  wait "$pid"
  status=$?
  wait "$ping_pid"
  n=$(captured_count "$dir/sig.err")
  if [ "$status" != 0 ]; then fail "SIG$sig: capture exited $status: $(cat "$dir/sig.err")"; continue; fi
  if [ -z "$n" ] || [ "$n" -lt 10 ]; then fail "SIG$sig: too few packets captured (${n:-none}) to test anything: $(cat "$dir/sig.err")"; continue; fi
  check_file "$file" "$n" "SIG$sig after $n packets"
done

echo "== a full disk leaves the file at the last whole record"
mkdir "$dir/small"
mount -t tmpfs -o size=64k,mode=755 none "$dir/small"
lab_mounts+=("$dir/small")
file=$dir/small/full.pcap
"$netlab_bin" capture -i v0 -w "$file" icmp 2>"$dir/full.err" &
pid=$!
wait_listening "$dir/full.err" || fail "full disk: the capture did not start: $(cat "$dir/full.err")"
# 64 KiB hold about 60 of these: the capture must stop by itself well before the pings end.
peer ping -c 600 -i 0.002 -s 1000 198.51.100.1 >/dev/null 2>&1
ended=0
for _ in $(seq 100); do
  if ! kill -0 "$pid" 2>/dev/null; then ended=1; break; fi
  sleep 0.05
done
if [ "$ended" = 0 ]; then
  kill -KILL "$pid"
  fail "full disk: the capture went on after the disk filled"
fi
wait "$pid"
status=$?
err=$(cat "$dir/full.err")
line=$(grep '^netlab: ' "$dir/full.err")
n=$(printf '%s\n' "$line" | sed -n 's/^netlab: capture: .*: No space left on device (\([0-9]*\) packets\{0,1\} written)$/\1/p')
if [ "$status" != 1 ]; then fail "full disk: exit $status, not 1 (stderr: $err)"; fi
if [ "$(printf '%s\n' "$line" | wc -l)" != 1 ] || [ -z "$n" ]; then
  fail "full disk: no single 'capture: $file: No space left on device (N packets written)' line: $err"
elif [ "$line" != "netlab: capture: $file: No space left on device ($n packets written)" ]; then
  fail "full disk: the line does not name the file: $line"
else
  pass "full disk: $line"
  [ "$n" -gt 10 ] || fail "full disk: only $n packets written in 64 KiB"
  check_file "$file" "$n" "full disk"
  # Whole records only: the size is the header plus N records of 16 + 1042 bytes.
  size=$(stat -c %s "$file")
  [ "$size" = $((24 + n * (16 + 1042))) ] || fail "full disk: $size bytes is not 24 + $n whole records"
fi

echo "== -Z drops to the user after opening the capture and the file"
file=$dir/z.pcap
"$netlab_bin" capture -Z nobody -i v0 -c 5 -w "$file" icmp 2>"$dir/z.err" &
pid=$!
if wait_listening "$dir/z.err"; then
  status_text=$(cat "/proc/$pid/status")
  uid_line=$(printf '%s\n' "$status_text" | grep '^Uid:' | tr -s '\t ' ' ')
  gid_line=$(printf '%s\n' "$status_text" | grep '^Gid:' | tr -s '\t ' ' ')
  [ "$uid_line" = "Uid: 65534 65534 65534 65534" ] || fail "-Z nobody: while capturing, $uid_line"
  nobody_gid=$(id -g nobody)
  [ "$gid_line" = "Gid: $nobody_gid $nobody_gid $nobody_gid $nobody_gid" ] || fail "-Z nobody: while capturing, $gid_line"
  for set in CapInh CapPrm CapEff CapAmb; do
    value=$(printf '%s\n' "$status_text" | sed -n "s/^$set:\t*//p")
    [ "$value" = 0000000000000000 ] || fail "-Z nobody: $set is $value while capturing"
  done
  groups_line=$(printf '%s\n' "$status_text" | sed -n 's/^Groups:\t*//p' | tr -s ' ')
  want_groups=$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')
  got_groups=$(printf '%s\n' "$groups_line" | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ' | sed 's/ $//')
  [ "$got_groups" = "$want_groups" ] || fail "-Z nobody: groups '$got_groups', want nobody's '$want_groups'"
  pass "-Z nobody: $uid_line, $gid_line, no capabilities, groups '$got_groups'"
else
  fail "-Z nobody: the capture did not start: $(cat "$dir/z.err")"
fi
peer ping -c 10 -i 0.1 198.51.100.1 >/dev/null 2>&1
wait "$pid"
status=$?
[ "$status" = 0 ] || fail "-Z nobody: exit $status: $(cat "$dir/z.err")"
owner=$(stat -c %u:%g "$file")
[ "$owner" = 0:0 ] && pass "-Z nobody: the file stays root's, as tcpdump's" || fail "-Z nobody: the file is owned by $owner"
check_file "$file" 5 "-Z nobody"

out=$("$netlab_bin" capture -Z no-such-user-netlab -i v0 -c 1 -w "$dir/never.pcap" 2>&1)
status=$?
if [ "$status" = 2 ] && [ "$out" = "netlab: user no-such-user-netlab: no such user" ] && [ ! -e "$dir/never.pcap" ]; then
  pass "-Z unknown user: exit 2, $out, no file"
else
  fail "-Z unknown user: exit $status, output '$out', file $( [ -e "$dir/never.pcap" ] && echo created || echo absent)"
fi

finish
