# Shared by the shell integration tests (sourced, not run): re-executes the
# test in a private network and mount namespace, refuses the initial network
# namespace, gives pass/fail counting, a temp dir that is removed at exit,
# and a peer namespace behind a veth (v0 198.51.100.1 here, v1 198.51.100.2
# there). Set lab_script="$0" and lab_args=("$@") before sourcing.

if [ "${NETLAB_SHELL_LAB_INNER:-}" != 1 ]; then
  exec env NETLAB_SHELL_LAB_INNER=1 unshare --net --mount --propagation private -- "$lab_script" "${lab_args[@]}"
fi
if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
  echo "$lab_script: refusing to run in the initial network namespace" >&2
  exit 1
fi

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
finish() {
  if [ "$failures" != 0 ]; then
    echo "$lab_script: $failures failure(s)" >&2
    exit 1
  fi
  echo "$lab_script: all passed"
  exit 0
}

ip link set lo up
# No IPv6 on the test links: DAD and link-local routes finishing in the
# background would change the state the tests compare (this namespace's
# /proc/sys/net only).
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
dir=$(mktemp -d /tmp/netlab-shell-lab.XXXXXX)
chmod 755 "$dir"
peer_pid=
lab_mounts=()
lab_cleanup() {
  [ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
  local i
  for ((i = ${#lab_mounts[@]} - 1; i >= 0; i--)); do umount "${lab_mounts[i]}" 2>/dev/null; done
  rm -rf "$dir"
}
trap lab_cleanup EXIT

# in_part N: whether this run does part N of a lab split in parts that ctest
# runs side by side (lab_part, the script's PART argument; empty: every part).
in_part() { [ -z "${lab_part:-}" ] || [ "$lab_part" = "$1" ]; }

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

# The peer machine: a second namespace held by a sleeping process.
start_peer() {
  unshare --net sleep 600 &
  peer_pid=$!
  local i
  for i in $(seq 50); do
    [ "$(readlink /proc/$peer_pid/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
  done
  ip link add v0 type veth peer name v1
  ip link set v1 netns "$peer_pid"
  ip addr add 198.51.100.1/24 dev v0
  ip link set v0 up
  peer ip link set lo up
  peer ip addr add 198.51.100.2/24 dev v1
  peer ip link set v1 up
}
peer() { nsenter -t "$peer_pid" -n "$@"; }

# wait_listening FILE: until a capture's stderr says it listens (5 s at most).
wait_listening() {
  local i
  for i in $(seq 100); do grep -qs 'listening on' "$1" && return 0; sleep 0.05; done
  return 1
}
