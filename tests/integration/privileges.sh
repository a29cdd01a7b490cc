#!/usr/bin/env bash
# netlab with exactly CAP_NET_ADMIN and CAP_NET_RAW as file capabilities, run
# by an unprivileged user (uid 65534, no groups), does the privileged work of
# each command; the same binary without them fails with one stderr line that
# names the capability, and changes nothing.
#
#   privileges.sh NETLAB_BINARY
#
# Runs as root. It re-executes itself in a private network namespace and a
# private mount namespace (unshare), refuses to go on in the initial network
# namespace, and leaves nothing behind: the namespaces die with it and the
# temp dir is removed.
set -uo pipefail

netlab_bin=${1:?usage: privileges.sh NETLAB_BINARY}
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

# The loader runs a file-capability binary in secure mode: it ignores
# LD_LIBRARY_PATH and $ORIGIN, so the copies must find libnetlab through an
# absolute RUNPATH (the build tree's), in directories uid 65534 can search.
runpath=$(readelf -d "$netlab_bin" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
case "$runpath" in
  *'$ORIGIN'*) echo "privileges.sh: $netlab_bin has an \$ORIGIN RUNPATH ($runpath): secure mode would ignore it" >&2; exit 1 ;;
esac
cp "$netlab_bin" "$dir/netlab-caps"
cp "$netlab_bin" "$dir/netlab-plain"
chmod 755 "$dir/netlab-caps" "$dir/netlab-plain"
if ! setcap cap_net_admin,cap_net_raw+ep "$dir/netlab-caps"; then
  echo "privileges.sh: setcap failed on $dir (no xattrs on /tmp?)" >&2
  exit 1
fi
getcap "$dir/netlab-caps" | grep -q 'cap_net_admin,cap_net_raw=ep' || fail "getcap does not show the capabilities: $(getcap "$dir/netlab-caps")"

# This host's /dev/net/tun may be 0600: give this mount namespace its own
# world-usable node (on a tmpfs that allows device nodes), as a lab host would.
mkdir "$dir/dev"
mount -t tmpfs -o mode=755 none "$dir/dev"
lab_mounts+=("$dir/dev")
mknod -m 666 "$dir/dev/tun" c 10 200
mount --bind "$dir/dev/tun" /dev/net/tun
lab_mounts+=(/dev/net/tun)

caps() { as_nobody "$dir/netlab-caps" "$@"; }
plain() { as_nobody "$dir/netlab-plain" "$@"; }

# The network state a failed command must not change.
snapshot() {
  { ip -d link show; ip addr show; ip route show table all; ip neigh show; } 2>&1 | sed 's/ used [0-9/]*//'
}

# expect_refused CAP ARGS...: the plain copy fails with exit 1 and one
# stderr line that ends in "(needs CAP)", stdout empty, nothing changed.
expect_refused() {
  local cap=$1
  shift
  local before after out err status
  before=$(snapshot)
  out=$(plain "$@" 2>"$dir/err")
  status=$?
  err=$(cat "$dir/err")
  after=$(snapshot)
  if [ "$status" != 1 ]; then fail "without caps, netlab $* exited $status, not 1 (stderr: $err)"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" != 1 ]; then fail "without caps, netlab $*: stderr is not one line: $err"; return; fi
  case "$err" in
    "netlab: "*"(needs $cap)" | "netlab: "*"(needs $cap, or "*")") ;;
    *) fail "without caps, netlab $*: stderr does not end in (needs $cap): $err"; return ;;
  esac
  [ -z "$out" ] || fail "without caps, netlab $* printed on stdout: $out"
  [ "$before" = "$after" ] || { fail "without caps, netlab $* changed the namespace"; diff <(echo "$before") <(echo "$after") >&2; return; }
  pass "without caps: netlab $* -> $err"
}

# expect_ok ARGS...: the capability copy succeeds.
expect_ok() {
  local out status
  out=$(caps "$@" 2>"$dir/err")
  status=$?
  if [ "$status" != 0 ]; then fail "with caps, netlab $* exited $status (stderr: $(cat "$dir/err"))"; return 1; fi
  pass "with caps: netlab $*"
  return 0
}

start_peer
# Objects the refused commands would act on, made by root with iproute2.
ip link add brx type bridge
ip tuntap add dev tapx mode tap
# A tap with no owner takes any process that can open /dev/net/tun; root's takes CAP_NET_ADMIN.
ip tuntap add dev tapo mode tap user 0
ip link add dmx type veth peer name dmy
# An nsfs file uid 65534 can open, so the refusal comes from setns itself.
touch "$dir/peer-ns"
mount --bind /proc/$peer_pid/ns/net "$dir/peer-ns"
lab_mounts+=("$dir/peer-ns")

echo "== without capabilities"
expect_refused CAP_NET_ADMIN tap create lab0
expect_refused CAP_NET_ADMIN tap delete tapx
expect_refused CAP_NET_ADMIN bridge addbr br0
expect_refused CAP_NET_ADMIN bridge addif brx tapx
expect_refused CAP_NET_ADMIN addr add 192.0.2.1/24 dev dmx
expect_refused CAP_NET_ADMIN link set dmx up
expect_refused CAP_NET_ADMIN neigh add 198.51.100.9 lladdr 02:00:00:00:00:09 dev v0
expect_refused CAP_NET_ADMIN route add 203.0.113.0/24 via 198.51.100.2
expect_refused CAP_NET_RAW capture -i v0 -c 1
expect_refused CAP_NET_RAW arp probe v0 198.51.100.2 -c 1
expect_refused CAP_NET_RAW arp diagnose v0 198.51.100.2 --duration 0.5
expect_refused CAP_NET_ADMIN guest tapo ip 192.0.2.10/24 duration 0.5
expect_refused CAP_SYS_ADMIN -n "$dir/peer-ns" link set v1 down
# Even with the two network capabilities, entering another namespace needs CAP_SYS_ADMIN.
out=$(caps -n "$dir/peer-ns" link set v1 down 2>&1)
status=$?
case "$status:$out" in
  "1:netlab: "*"(needs CAP_SYS_ADMIN)") pass "with caps: -n NETNS -> $out" ;;
  *) fail "with caps, -n NETNS: exit $status, stderr: $out" ;;
esac
peer ip link show v1 | grep -q 'state UP' || fail "v1 went down in the peer namespace"

echo "== with cap_net_admin,cap_net_raw+ep"
expect_ok tap create lab0 && { ip link show lab0 >/dev/null 2>&1 || fail "tap create: no lab0"; }
expect_ok bridge addbr br0 && { ip -d link show br0 | grep -q bridge || fail "bridge addbr: no bridge br0"; }
expect_ok bridge addif br0 lab0 && { ip link show lab0 | grep -q 'master br0' || fail "bridge addif: lab0 not in br0"; }
expect_ok addr add 192.0.2.1/24 dev br0 && { ip addr show br0 | grep -q 'inet 192.0.2.1/24' || fail "addr add: no 192.0.2.1/24 on br0"; }
expect_ok link set br0 up && { ip link show br0 | grep -q '<.*UP.*>' || fail "link set up: br0 not up"; }
expect_ok neigh add 198.51.100.9 lladdr 02:00:00:00:00:09 dev v0 &&
  { ip neigh show 198.51.100.9 | grep -q 02:00:00:00:00:09 || fail "neigh add: no entry"; }
expect_ok route add 203.0.113.0/24 via 198.51.100.2 &&
  { ip route show 203.0.113.0/24 | grep -q 'via 198.51.100.2' || fail "route add: no route"; }
expect_ok tap delete lab0 && { ! ip link show lab0 >/dev/null 2>&1 || fail "tap delete: lab0 still there"; }

# A live capture of 3 packets while the peer pings us.
caps capture -i v0 -c 3 icmp >"$dir/cap.out" 2>"$dir/cap.err" &
cap_pid=$!
wait_listening "$dir/cap.err"
peer ping -c 6 -i 0.2 -W 1 198.51.100.1 >/dev/null 2>&1
wait "$cap_pid"
status=$?
if [ "$status" = 0 ] && [ "$(grep -c ICMP "$dir/cap.out")" = 3 ]; then
  pass "with caps: netlab capture -i v0 -c 3 icmp"
else
  fail "with caps, capture: exit $status, $(grep -c ICMP "$dir/cap.out") ICMP lines; stderr: $(cat "$dir/cap.err")"
fi

expect_ok arp probe v0 198.51.100.2 -c 1
if out=$(caps -j arp diagnose v0 198.51.100.2 --duration 0.5 2>"$dir/err"); then
  pass "with caps: netlab arp diagnose v0 198.51.100.2"
else
  fail "with caps, arp diagnose exited $? (stdout: $out; stderr: $(cat "$dir/err"))"
fi

# -Z with file capabilities: becoming oneself clears every capability set;
# becoming another user would need CAP_SETUID/CAP_SETGID, which it lacks.
(exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$dir/netlab-caps" capture -Z nobody -i v0 -c 2 icmp) \
  >/dev/null 2>"$dir/z.err" &
z_pid=$!
if wait_listening "$dir/z.err"; then
  eff=$(sed -n 's/^CapEff:\t*//p' "/proc/$z_pid/status")
  prm=$(sed -n 's/^CapPrm:\t*//p' "/proc/$z_pid/status")
  [ "$eff:$prm" = 0000000000000000:0000000000000000 ] && pass "with caps: capture -Z nobody runs without capabilities" ||
    fail "with caps, capture -Z nobody: CapEff $eff CapPrm $prm while capturing"
fi
peer ping -c 5 -i 0.1 198.51.100.1 >/dev/null 2>&1
wait "$z_pid" || fail "with caps, capture -Z nobody exited $?: $(cat "$dir/z.err")"
out=$(caps capture -Z root -i v0 -c 1 2>&1)
status=$?
case "$status:$out" in
  "1:netlab: capture -Z root: "*"(needs CAP_SETGID)") pass "with caps: capture -Z root -> $out" ;;
  *) fail "with caps, capture -Z root: exit $status: $out" ;;
esac

finish
