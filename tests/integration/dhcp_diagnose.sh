#!/usr/bin/env bash
# `netlab dhcp diagnose` against real dnsmasq servers and a busybox udhcpc
# guest (issue 15 §3). For each cause a lab that shows it, the cause named
# with its evidence, the printed fix run as printed, and the diagnosis again:
# ok. Healthy labs must read ok: a host dnsmasq on a libvirt-like bridge, and
# a "router VM" (dnsmasq in the peer namespace behind a port) with none on
# the host.
#   C35 no-dhcp-server                  (active, and --passive on udhcpc's DISCOVERs)
#   C36 dhcp-server-not-listening-here  (dnsmasq bound to another bridge)
#   C37 dhcp-input-filtered             (inet input policy drop; a counted drop rule)
#   C38 dhcp-forward-filtered           (br_netfilter and a FORWARD policy drop, a router VM behind a port)
#   C41 multiple-dhcp-servers           (a second server behind a port, another router)
#   C42 dhcp-no-range-for-subnet        (dnsmasq's range in another subnet)
#   C39 dhcp-offer-bad-checksum         (a TAP guest with checksum offload and no vnet_hdr; then without)
#   C40 dhcp-server-ignores-client      (a udhcpc guest's MAC ignored on the command line and in a
#                                        file, with and without CLIENT-MAC, passive; an allow list
#                                        without it; a full pool in
#                                        dnsmasq's default lease file; an ignore for another MAC: ok)
#   C52 interface-down                  (the bridge down)
#   C05 no-carrier                      (the guest's TAP held by nobody; a netlab guest then holds it)
#   C07 stp-port-not-forwarding         (STP on, the guest's port listening)
# and bad input: one line, its status, nothing left behind.
#
#   dhcp_diagnose.sh NETLAB_BINARY [PART]
#
# PART (1, 2 or 3) runs one third of the labs (see the end): ctest runs the
# three side by side, as they wait mostly on daemons and timeouts.
#
# Runs as root in private network and mount namespaces (shell_lab.sh); every
# dnsmasq, including those the printed fixes start, is found by its UDP 67
# socket in this namespace (ss) and stopped by pid. /run and /var/lib/misc are
# private tmpfs, so a fix's dnsmasq writes its pid and leases there.
set -uo pipefail

netlab_bin=${1:?usage: dhcp_diagnose.sh NETLAB_BINARY [PART]}
lab_part=${2:-}
case $lab_part in '' | 1 | 2 | 3) ;; *) echo "dhcp_diagnose.sh: PART must be 1, 2 or 3, not '$lab_part'" >&2; exit 2 ;; esac
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

for tool in dnsmasq busybox nft ss python3; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh installs it)"; finish; }
done
mount -t tmpfs netlab-run /run && lab_mounts+=(/run)
mkdir -p /var/lib/misc && mount -t tmpfs netlab-misc /var/lib/misc && lab_mounts+=(/var/lib/misc)

start_peer
# The lab: bridge br0 (192.0.2.1/24) with v0 as its port; v1, in the peer
# namespace, is the guest.
ip addr flush dev v0
peer ip addr flush dev v1
ip link add br0 type bridge
ip link set v0 master br0
ip addr add 192.0.2.1/24 dev br0
ip link set br0 up

# Every dnsmasq holding UDP 67 here or in the peer, by pid.
dnsmasq_pids() {
  { ss -H -ulpn 'sport = :67'; peer ss -H -ulpn 'sport = :67'; } 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}
stop_dnsmasq() {
  local p
  for p in $(dnsmasq_pids); do
    kill "$p" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.02; done
  done
  nft flush ruleset
}
trap 'stop_dnsmasq; lab_cleanup' EXIT

# start_dnsmasq NAME IFACE RANGE [peer] [ARGS...]: dnsmasq serving IFACE.
start_dnsmasq() {
  local name=$1 iface=$2 range=$3 where=
  shift 3
  if [ "${1:-}" = peer ]; then where=peer; shift; fi
  local -a cmd=(dnsmasq --conf-file=/dev/null --port=0 --no-ping --user=root --group=root
    --interface="$iface" --bind-interfaces --dhcp-range="$range"
    --dhcp-leasefile="$dir/$name.leases" --pid-file="$dir/$name.pid" --log-facility="$dir/$name.log" --log-dhcp "$@")
  if [ "$where" = peer ]; then nsenter -t "$peer_pid" -n "${cmd[@]}"; else "${cmd[@]}"; fi
  local i
  for i in $(seq 100); do grep -qs 'IP range' "$dir/$name.log" && return 0; sleep 0.05; done
  fail "dnsmasq $name did not start: $(cat "$dir/$name.log" 2>/dev/null)"
}

links() { ip -o link 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
before=$(links)

# diagnose NAME ARGS...: text in $dir/NAME.out, JSON in $dir/NAME.json, status in $status.
diagnose() {
  local name=$1
  shift
  "$netlab_bin" dhcp diagnose "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  status=$?
  "$netlab_bin" -j dhcp diagnose "$@" >"$dir/$name.json" 2>>"$dir/$name.err"
  json_status=$?
}
# has_cause NAME ID: the JSON names that cause among its findings.
json_field() {  # NAME EXPR: a Python expression on the document d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$dir/$1.json" "$2" 2>/dev/null
}
causes() { json_field "$1" '" ".join(f["id"] for f in d["findings"])'; }
verdict() { json_field "$1" 'd["verdict"]'; }
# The fix steps of a report, one command per line (netlab's own when it has one).
fixes() {
  python3 - "$dir/$1.json" "$netlab_bin" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    for s in f["fix"]:
        cmd = s.get("netlab") or s.get("iproute2")
        if cmd.startswith("netlab "):
            cmd = sys.argv[2] + cmd[len("netlab"):]
        print(cmd)
EOF
}
expect_cause() {  # NAME ID STATUS: the cause found, text and JSON agree
  local name=$1 id=$2 want=$3
  if [ "$status" = "$want" ] && [ "$json_status" = "$want" ]; then pass "$name: exit $want"; else
    fail "$name: exit $status/$json_status, wanted $want: $(cat "$dir/$name.out" "$dir/$name.err")"; fi
  if [[ " $(causes "$name") " == *" $id "* ]]; then pass "$name: $id found"; else
    fail "$name: $id not among '$(causes "$name")': $(cat "$dir/$name.out")"; fi
  grep -q "($id)" "$dir/$name.out" && pass "$name: the text names $id" || fail "$name: text: $(cat "$dir/$name.out")"
}
expect_ok() {  # NAME
  if [ "$status" = 0 ] && [ "$(verdict "$1")" = ok ]; then pass "$1: ok"; else
    fail "$1: exit $status, verdict $(verdict "$1"): $(cat "$dir/$1.out" "$dir/$1.err")"; fi
}
run_fixes() {  # NAME: runs each printed fix step as printed
  local cmd n=0
  while IFS= read -r cmd; do
    [ -n "$cmd" ] || continue
    n=$((n + 1))
    if bash -c "$cmd" >"$dir/$1.fix.out" 2>&1; then pass "$1: fix runs: $cmd"; else fail "$1: fix failed: $cmd: $(cat "$dir/$1.fix.out")"; fi
  done < <(fixes "$1")
  [ "$n" -gt 0 ] || fail "$1: no fix printed"
}

nothing_left() {
  local now
  now=$(links)
  if [ "$now" = "$before" ]; then pass "$1: no link left behind"; else fail "$1: links differ: $(diff <(echo "$before") <(echo "$now") | tr '\n' ' ')"; fi
}

# The guest in the peer (v1) and its DHCP client.
guest_mac=$(peer ip -o link show v1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
# guest_loop NAME: the guest asks again and again (busybox udhcpc in the
# peer); its pid in $client, stopped with stop_guest.
guest_loop() {
  nsenter -t "$peer_pid" -n sh -c 'while :; do busybox udhcpc -i v1 -f -q -n -t 3 -T 1 -s /bin/true; sleep 0.3; done' \
    >"$dir/$1.guest" 2>&1 &
  client=$!
}
stop_guest() {
  local c
  for c in $(pgrep -P "$client"); do kill "$c" 2>/dev/null; done
  kill "$client" 2>/dev/null; wait "$client" 2>/dev/null
  for c in $(pgrep -P "$client"); do kill "$c" 2>/dev/null; done
}

# ---- C35: nobody serves ----------------------------------------------------------
lab_c35() {
diagnose c35 br0 --duration 2
expect_cause c35 C35 3
grep -q 'no UDP socket bound to port 67' "$dir/c35.out" && pass "c35: the socket evidence" || fail "c35: $(cat "$dir/c35.out")"
grep -q 'sent [0-9]* DISCOVERs* through br0 and no server answered' "$dir/c35.out" && pass "c35: the probe's evidence" \
  || fail "c35: no probe evidence: $(cat "$dir/c35.out")"
# Passive: the guest's own DISCOVERs, unanswered.
# nsenter execs udhcpc: $! is the client's own pid, which the kill below stops.
nsenter -t "$peer_pid" -n busybox udhcpc -i v1 -f -q -n -t 20 -T 1 -s /bin/true >/dev/null 2>&1 &
client=$!
guest_mac=$(peer ip -o link show v1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
diagnose c35p br0 --passive --duration 3
kill "$client" 2>/dev/null; wait "$client" 2>/dev/null
expect_cause c35p C35 3
grep -q "DISCOVERs* from $guest_mac, no OFFER to it" "$dir/c35p.out" && pass "c35p: the guest's DISCOVERs as evidence" \
  || fail "c35p: $(cat "$dir/c35p.out")"
grep -q 'our probe' "$dir/c35p.out" && fail "c35p: a passive diagnosis probed: $(cat "$dir/c35p.out")"
run_fixes c35
# The fix's dnsmasq pings an address for 3 s before it first offers it:
# a watch of 8 s leaves room for a loaded machine (a sanitizer build).
diagnose c35fixed br0 --duration 8
expect_ok c35fixed
stop_dnsmasq
nothing_left "C35"
}

# ---- C36: the host's server serves another bridge --------------------------------------
lab_c36() {
ip link add br1 type bridge
ip addr add 203.0.113.1/24 dev br1
ip link set br1 up
start_dnsmasq other br1 203.0.113.100,203.0.113.150,1h
diagnose c36 br0 --duration 2
expect_cause c36 C36 3
grep -q 'dnsmasq pid [0-9]*): bound to br1\|serves --interface=br1 only' "$dir/c36.out" && pass "c36: the socket elsewhere, named" \
  || fail "c36: $(cat "$dir/c36.out")"
run_fixes c36
diagnose c36fixed br0 --duration 8
expect_ok c36fixed
stop_dnsmasq
ip link del br1
before=$(links)
}

# ---- C37: the input hook drops DHCP ----------------------------------------------------
lab_c37() {
start_dnsmasq host br0 192.0.2.100,192.0.2.150,1h
nft -f - <<'EOF'
table inet hardened {
  chain input {
    type filter hook input priority 0; policy drop;
    iif "lo" accept
    ct state established,related accept
  }
}
EOF
diagnose c37 br0 --duration 2
expect_cause c37 C37 3
grep -q 'chain inet hardened input (hook input) has policy drop' "$dir/c37.out" && pass "c37: the policy as evidence" \
  || fail "c37: $(cat "$dir/c37.out")"
# The kernel's own word: the DISCOVERs dropped at nft_do_chain on the bridge.
# ("probably on br0" when another namespace has a br0 too: other tests' labs.)
grep -q 'kernel  *the kernel dropped [0-9]* IPv4 packets* at nft_do_chain (NETFILTER_DROP) \(probably \)\?on br0' "$dir/c37.out" \
  && pass "c37: the kernel's NETFILTER_DROP on br0" || fail "c37: no kernel evidence: $(cat "$dir/c37.out")"
run_fixes c37
diagnose c37fixed br0 --duration 2
expect_ok c37fixed
nft flush ruleset
# A drop rule with a counter in an accepting chain, reached through a jump.
nft -f - <<'EOF'
table ip filter {
  chain guests {
    udp dport 67 counter drop
  }
  chain INPUT {
    type filter hook input priority 0; policy accept;
    iifname "br*" jump guests
  }
}
EOF
diagnose c37r br0 --duration 2
expect_cause c37r C37 3
grep -q 'rule in ip filter guests: .*udp dport 67 .*drop # handle [0-9]*, its counter rose by [1-9]' "$dir/c37r.out" \
  && pass "c37r: the rule and its counter" || fail "c37r: $(cat "$dir/c37r.out")"
run_fixes c37r
diagnose c37rfixed br0 --duration 2
expect_ok c37rfixed
nft flush ruleset
}

# ---- healthy: a host server on a libvirt-like bridge -------------------------------------
lab_okhost() {
diagnose okhost br0 --duration 2
expect_ok okhost
grep -q 'server 192.0.2.1 .* offered 192.0.2.1[0-5][0-9]' "$dir/okhost.out" && pass "okhost: the offer noted" || fail "okhost: $(cat "$dir/okhost.out")"
}

# ---- C41: a rogue server behind a port of its own ----------------------------------------
lab_c41() {
unshare --net sleep 600 &
rogue_pid=$!
for _ in $(seq 50); do [ "$(readlink /proc/$rogue_pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
ip link add vrogue type veth peer name eth0 netns "$rogue_pid"
ip link set vrogue master br0
ip link set vrogue up
nsenter -t "$rogue_pid" -n sh -c 'ip link set lo up; ip link set eth0 up; ip addr add 192.0.2.2/24 dev eth0'
nsenter -t "$rogue_pid" -n dnsmasq --conf-file=/dev/null --port=0 --no-ping --user=root --group=root --interface=eth0 \
  --bind-interfaces --dhcp-range=192.0.2.200,192.0.2.250,1h --dhcp-option=option:router,192.0.2.2 \
  --dhcp-leasefile="$dir/rogue.leases" --pid-file="$dir/rogue.pid" --log-facility="$dir/rogue.log"
for _ in $(seq 100); do grep -qs 'IP range' "$dir/rogue.log" && break; sleep 0.05; done
diagnose c41 br0 --duration 2
expect_cause c41 C41 3
[ "$(grep -c 'OFFER from' "$dir/c41.out")" = 2 ] && pass "c41: both offers as evidence" || fail "c41: $(cat "$dir/c41.out")"
grep -q 'link set dev vrogue nomaster' "$dir/c41.out" && pass "c41: the rogue's port detached" || fail "c41: fix: $(cat "$dir/c41.out")"
grep -q 'link set dev v0 ' "$dir/c41.out" && fail "c41: the guest's port would be detached: $(cat "$dir/c41.out")"
run_fixes c41
diagnose c41fixed br0 --duration 2
expect_ok c41fixed
kill "$(cat "$dir/rogue.pid")" 2>/dev/null
kill "$rogue_pid" 2>/dev/null; wait "$rogue_pid" 2>/dev/null
ip link del vrogue 2>/dev/null
stop_dnsmasq
}

# ---- healthy: a router VM serves the bridge, nothing on the host -------------------------
lab_okrouter() {
peer ip addr add 192.0.2.254/24 dev v1
start_dnsmasq router v1 192.0.2.20,192.0.2.40,1h peer --dhcp-option=option:router,192.0.2.254
diagnose okrouter br0 --duration 2
expect_ok okrouter
# The guest's port itself names the bridge.
diagnose okport v0 --duration 2
expect_ok okport
}

# ---- C38: br_netfilter passes the bridged DISCOVER to a forward policy drop ------------------
# (Docker's shape.) A second port for our probe's DISCOVER to cross: the
# router VM stays behind v0.
lab_c38() {
echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
nft -f - <<'EOF2'
table ip filter {
  chain FORWARD {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
  }
}
EOF2
diagnose c38 br0 --duration 2
expect_cause c38 C38 3
grep -q 'net.bridge.bridge-nf-call-iptables = 1' "$dir/c38.out" && grep -q 'chain ip filter FORWARD (hook forward) has policy drop' "$dir/c38.out" \
  && pass "c38: the sysctl and the policy as evidence" || fail "c38: $(cat "$dir/c38.out")"
grep -q '(C35)' "$dir/c38.out" && fail "c38: also called no-dhcp-server: $(cat "$dir/c38.out")"
# (No kernel line here: the bridge floods a broadcast as clones, and a
# clone's drop cannot be tied to a device by its address.)
run_fixes c38
diagnose c38fixed br0 --duration 2
expect_ok c38fixed
nft flush ruleset
stop_dnsmasq
peer ip addr flush dev v1
}

# ---- C42: the server's range is in another subnet -----------------------------------------
lab_c42() {
start_dnsmasq norange br0 203.0.113.50,203.0.113.60,255.255.255.0,1h
diagnose c42 br0 --duration 2
expect_cause c42 C42 3
grep -q 'ranges start at 203.0.113.50' "$dir/c42.out" && pass "c42: the range as evidence" || fail "c42: $(cat "$dir/c42.out")"
run_fixes c42
diagnose c42fixed br0 --duration 2
expect_ok c42fixed
stop_dnsmasq
ip addr del 203.0.113.1/24 dev br0 2>/dev/null
}

# ---- C40: the server is reached but ignores the guest ----------------------------------------
# (a) The guest's MAC ignored on dnsmasq's command line: udhcpc in the peer
# (behind v0) DISCOVERs unanswered while our probe from a fresh MAC gets an
# OFFER; CLIENT-MAC given.
lab_c40_cmdline() {
start_dnsmasq ignoring br0 192.0.2.100,192.0.2.150,1h --dhcp-host="$guest_mac",ignore
guest_loop c40
diagnose c40 br0 "$guest_mac" --duration 3
expect_cause c40 C40 3
# The reference: dnsmasq's own log says it ignored the guest.
grep -q "DHCPDISCOVER(br0) $guest_mac ignored" "$dir/ignoring.log" && pass "c40: dnsmasq's log: the guest ignored" \
  || fail "c40: dnsmasq did not log the guest as ignored: $(tail -5 "$dir/ignoring.log")"
grep -q -- "--dhcp-host=$guest_mac,ignore on its command line" "$dir/c40.out" && pass "c40: the ignore entry and where" \
  || fail "c40: no ignore evidence: $(cat "$dir/c40.out")"
grep -q 'our probe from a fresh MAC (.*) got an OFFER of 192.0.2.1[0-5][0-9]' "$dir/c40.out" && pass "c40: the probe's offer" \
  || fail "c40: no probe offer: $(cat "$dir/c40.out")"
grep -q "DISCOVERs* from $guest_mac, no OFFER to it" "$dir/c40.out" && pass "c40: the guest's DISCOVERs unanswered" \
  || fail "c40: $(cat "$dir/c40.out")"
run_fixes c40
grep -q -- "--dhcp-host=" <(tr '\0' ' ' </proc/"$(dnsmasq_pids | head -1)"/cmdline) \
  && fail "c40: the restarted dnsmasq still has the entry" || pass "c40: dnsmasq restarted without the entry"
diagnose c40fixed br0 "$guest_mac" --duration 3
expect_ok c40fixed
# The guest itself now gets its lease (reference: udhcpc, dnsmasq's log).
grep -q "DHCPACK(br0) 192.0.2.1[0-5][0-9] $guest_mac" "$dir/ignoring.log" && pass "c40: the guest got its lease" \
  || fail "c40: no DHCPACK to the guest: $(tail -5 "$dir/ignoring.log")"
stop_guest
stop_dnsmasq
}

# The same, the entry in a configuration file, no CLIENT-MAC: the guests
# seen on the wire; passive (no probe) first.
lab_c40_file() {
printf '# the lab'"'"'s hosts\ndhcp-host=02:00:5e:00:53:77\ndhcp-host=%s,02:00:5e:00:53:78,ignore\n' "$guest_mac" >"$dir/hosts.conf"
start_dnsmasq ignoringf br0 192.0.2.100,192.0.2.150,1h --conf-file="$dir/hosts.conf"
guest_loop c40f
diagnose c40p br0 --passive --duration 3
expect_cause c40p C40 3
grep -q "dhcp-host=$guest_mac,02:00:5e:00:53:78,ignore in $dir/hosts.conf line 3" "$dir/c40p.out" \
  && pass "c40p: the entry, its file and line" || fail "c40p: $(cat "$dir/c40p.out")"
grep -q 'our probe' "$dir/c40p.out" && fail "c40p: a passive diagnosis probed: $(cat "$dir/c40p.out")"
diagnose c40f br0 --duration 3
expect_cause c40f C40 3
grep -q "sed -i -e '3c dhcp-host=02:00:5e:00:53:78,ignore' $dir/hosts.conf" "$dir/c40f.out" \
  && pass "c40f: the other MAC stays ignored" || fail "c40f: fix: $(cat "$dir/c40f.out")"
run_fixes c40f
grep -q "^dhcp-host=02:00:5e:00:53:78,ignore$" "$dir/hosts.conf" && ! grep -q "$guest_mac" "$dir/hosts.conf" \
  && pass "c40f: the file edited" || fail "c40f: $(cat "$dir/hosts.conf")"
diagnose c40ffixed br0 --duration 3
expect_ok c40ffixed
grep -q "DHCPACK(br0) 192.0.2.1[0-5][0-9] $guest_mac" "$dir/ignoringf.log" && pass "c40f: the guest got its lease" \
  || fail "c40f: no DHCPACK to the guest: $(tail -5 "$dir/ignoringf.log")"
stop_guest
stop_dnsmasq
}

# Healthy: an ignore entry for another MAC, the guest asking and answered.
lab_c40_ok() {
start_dnsmasq okignore br0 192.0.2.100,192.0.2.150,1h --dhcp-host=02:00:5e:00:53:79,ignore
guest_loop okc40
diagnose okc40 br0 --duration 3
expect_ok okc40
diagnose okc40m br0 "$guest_mac" --duration 3
expect_ok okc40m
stop_guest
stop_dnsmasq
}

# An allow list: dnsmasq answers known MACs only (dhcp-ignore=tag:!known),
# and the guest has no dhcp-host entry: nobody is answered, not even the
# probe; CLIENT-MAC given.
lab_c40_allow() {
start_dnsmasq allow br0 192.0.2.100,192.0.2.150,1h '--dhcp-ignore=tag:!known' --dhcp-host=02:00:5e:00:53:77
guest_loop c40a
diagnose c40a br0 "$guest_mac" --duration 3
expect_cause c40a C40 3
grep -q "DHCPDISCOVER(br0) $guest_mac ignored" "$dir/allow.log" && pass "c40a: dnsmasq's log: the guest ignored" \
  || fail "c40a: $(tail -5 "$dir/allow.log")"
grep -q -- "--dhcp-ignore=tag:!known on its command line, and 1 dhcp-host MAC, none of them $guest_mac" "$dir/c40a.out" \
  && pass "c40a: the allow list as evidence" || fail "c40a: $(cat "$dir/c40a.out")"
run_fixes c40a
diagnose c40afixed br0 "$guest_mac" --duration 3
expect_ok c40afixed
grep -q "DHCPACK(br0) 192.0.2.1[0-5][0-9] $guest_mac" "$dir/allow.log" && pass "c40a: the guest got its lease" \
  || fail "c40a: no DHCPACK to the guest: $(tail -5 "$dir/allow.log")"
stop_guest
stop_dnsmasq
}

# (b) The pool exhausted: dnsmasq's default lease file (read through
# /proc/PID/root) holds a lease for each of the range's two addresses, to
# MACs that are not on the bridge.
lab_c40_pool() {
exp=$(($(date +%s) + 3600))
printf '%s 02:00:5e:00:53:a1 192.0.2.200 gone1 *\n%s 02:00:5e:00:53:a2 192.0.2.201 * *\n' "$exp" "$exp" \
  >/var/lib/misc/dnsmasq.leases
dnsmasq --conf-file=/dev/null --port=0 --no-ping --user=root --group=root --interface=br0 --bind-interfaces \
  --dhcp-range=192.0.2.200,192.0.2.201,1h --pid-file="$dir/full.pid" --log-facility="$dir/full.log" --log-dhcp
for _ in $(seq 100); do grep -qs 'IP range' "$dir/full.log" && break; sleep 0.05; done
diagnose c40x br0 --duration 3
expect_cause c40x C40 3
grep -q 'no address available' "$dir/full.log" && pass "c40x: dnsmasq's log: no address available" \
  || fail "c40x: dnsmasq's log: $(tail -5 "$dir/full.log")"
grep -q "lease file /var/lib/misc/dnsmasq.leases (dnsmasq's default) holds 2 unexpired leases in 192.0.2.200-192.0.2.201, which has 2 addresses" \
  "$dir/c40x.out" && pass "c40x: the lease count against the range" || fail "c40x: $(cat "$dir/c40x.out")"
grep -q '192.0.2.200 to 02:00:5e:00:53:a1 (gone1), expires in [0-9]* s; br0 has not learned this MAC' "$dir/c40x.out" \
  && pass "c40x: each lease" || fail "c40x: $(cat "$dir/c40x.out")"
run_fixes c40x
grep -q '02:00:5e:00:53:a' /var/lib/misc/dnsmasq.leases && fail "c40x: leases left: $(cat /var/lib/misc/dnsmasq.leases)" \
  || pass "c40x: the stale leases freed"
diagnose c40xfixed br0 --duration 3
expect_ok c40xfixed
stop_dnsmasq
rm -f /var/lib/misc/dnsmasq.leases
nothing_left "C40"
}

# ---- C39: the guest gets every OFFER with an incomplete UDP checksum ----------------------------
# A guest's client on a TAP that asked for checksum offload without a
# vnet_hdr (tap_dhcp_client.py): the kernel leaves the OFFERs' checksums for
# it to complete, and it drops them as a client does.
lab_c39() {
start_dnsmasq csum br0 192.0.2.100,192.0.2.150,1h
ip tuntap add dev tapc0 mode tap
ip link set tapc0 master br0
ip link set tapc0 up
tap_client() {  # offload|plain NAME: the guest for 30 s, its pid in $tclient
  python3 "$(dirname "$lab_script")/tap_dhcp_client.py" tapc0 02:00:5e:00:53:39 "$1" 30 >"$dir/$2.client" 2>&1 &
  tclient=$!
  for _ in $(seq 100); do ip -o link show tapc0 | grep -q 'LOWER_UP' && break; sleep 0.05; done
}
tap_client offload c39
diagnose c39 tapc0 --duration 3
expect_cause c39 C39 3
# The reference: the guest's own checksum check.
grep -q 'offer 192.0.2.1 bad-checksum' "$dir/c39.client" && ! grep -q valid "$dir/c39.client" \
  && pass "c39: the guest saw only OFFERs with bad checksums" || fail "c39: the guest saw: $(cat "$dir/c39.client")"
grep -q 'tapc0: tx checksum offload on (ETHTOOL_GTXCSUM), vnet_hdr off' "$dir/c39.out" && pass "c39: the TAP's offload as evidence" \
  || fail "c39: $(cat "$dir/c39.out")"
grep -q 'DISCOVERs from 02:00:5e:00:53:39 and [0-9]* OFFERs* to it: the guest keeps asking' "$dir/c39.out" \
  && pass "c39: the guest asking again on the wire" || fail "c39: $(cat "$dir/c39.out")"
grep -q '(in the guest) start the program that holds tapc0 again with a vnet_hdr' "$dir/c39.out" \
  && pass "c39: the guest step" || fail "c39: $(cat "$dir/c39.out")"
# The guest step, done: the same client without checksum offload.
kill "$tclient" 2>/dev/null; wait "$tclient" 2>/dev/null
tap_client plain c39fixed
diagnose c39fixed tapc0 --duration 3
expect_ok c39fixed
grep -q 'offer 192.0.2.1 valid' "$dir/c39fixed.client" && pass "c39: the guest now takes the OFFERs" \
  || fail "c39: the guest saw: $(cat "$dir/c39fixed.client")"
kill "$tclient" 2>/dev/null; wait "$tclient" 2>/dev/null
ip link del tapc0
stop_dnsmasq
}

# ---- C05: the guest's TAP has no carrier ----------------------------------------------------
lab_c05_c07() {
start_dnsmasq host3 br0 192.0.2.100,192.0.2.150,1h
ip tuntap add dev tapg0 mode tap
ip link set tapg0 master br0
ip link set tapg0 up
diagnose c05 tapg0 --duration 2
expect_cause c05 C05 3
grep -q '(in the guest) start the guest that uses tapg0' "$dir/c05.out" && pass "c05: the guest step" || fail "c05: $(cat "$dir/c05.out")"
# The guest step, done: a userspace guest holds the TAP open.
"$netlab_bin" guest tapg0 ip 192.0.2.77/24 >"$dir/guest.out" 2>&1 &
guest=$!
for _ in $(seq 100); do ip -o link show tapg0 | grep -q 'LOWER_UP' && break; sleep 0.05; done
diagnose c05fixed tapg0 --duration 2
expect_ok c05fixed
kill "$guest" 2>/dev/null; wait "$guest" 2>/dev/null
ip link del tapg0

# ---- C07: STP keeps the guest's port listening ------------------------------------------------
ip link set br0 type bridge stp_state 1 forward_delay 1000
ip link set v0 down
ip link set v0 up
for _ in $(seq 50); do ip -d link show v0 | grep -q 'state listening\|state learning' && break; sleep 0.05; done
diagnose c07 v0 --duration 2
expect_cause c07 C07 3
grep -q 'port v0 of br0 is still \(listening\|learning\)' "$dir/c07.out" && pass "c07: the port's state" || fail "c07: $(cat "$dir/c07.out")"
grep -q 'our probe' "$dir/c07.out" && fail "c07: probed through a port that would wait too: $(cat "$dir/c07.out")"
run_fixes c07
diagnose c07fixed v0 --duration 2
expect_ok c07fixed
stop_dnsmasq
}

# ---- C52: the bridge is down --------------------------------------------------------------
lab_c52() {
start_dnsmasq host2 br0 192.0.2.100,192.0.2.150,1h
ip link set br0 down
diagnose c52 br0 --duration 2
expect_cause c52 C52 3
run_fixes c52
diagnose c52fixed br0 --duration 3
expect_ok c52fixed
stop_dnsmasq
nothing_left "the cause labs"
}

# ---- bad input ---------------------------------------------------------------------------
lab_bad() {
bad() {  # WANT-STATUS WORD ARGS...: one stderr line naming WORD, nothing on stdout
  local want=$1 word=$2
  shift 2
  "$netlab_bin" dhcp diagnose "$@" >"$dir/bad.out" 2>"$dir/bad.err"
  local st=$?
  if [ "$st" = "$want" ] && [ "$(wc -l <"$dir/bad.err")" = 1 ] && grep -q -- "$word" "$dir/bad.err" && [ ! -s "$dir/bad.out" ]; then
    pass "bad input '$*': exit $want, one line naming $word"
  else
    fail "bad input '$*': exit $st: $(cat "$dir/bad.err" "$dir/bad.out")"
  fi
}
bad 1 nosuch0 nosuch0
bad 2 'not-a-mac' br0 not-a-mac
bad 2 '01:00:5e:00:00:01' br0 01:00:5e:00:00:01
bad 2 duration br0 --duration 0
bad 2 duration br0 --duration 61
bad 2 duration br0 --duration x
nothing_left "bad input"
}

# Three parts of about equal time, each a ctest of its own that runs beside
# the others (each in its own namespaces): `dhcp_diagnose.sh NETLAB PART`.
# Without PART, every part in turn.
in_part 1 && { lab_c35; lab_c37; lab_okhost; lab_c41; }
in_part 2 && { lab_c36; lab_okrouter; lab_c38; lab_c42; lab_c40_cmdline; lab_c40_file; }
in_part 3 && { lab_c40_ok; lab_c40_allow; lab_c40_pool; lab_c39; lab_c05_c07; lab_c52; lab_bad; }
finish
