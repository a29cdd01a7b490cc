#!/usr/bin/env bash
# `netlab path diagnose FROM TO` on a masquerading host (issue 16): a guest
# namespace behind a bridge port, an "isp" namespace upstream that answers
# for the "internet" address and has no route back to the guests' private
# subnet. For each cause a lab that shows it (ping from the guest fails as
# the cause says), the cause named with its evidence, the printed fix run
# as printed, and the diagnosis again: ok. The hops are checked against
# tcpdump on the uplink and the nft counters.
#   C43 forwarding-disabled   (ip_forward=0)
#   C44 no-masquerade         (no nat rule; the isp cannot route back)
#   C45 forward-filter-drop   (an inet policy drop; a counted drop rule; iptables-nft's FORWARD DROP)
#   C46 no-route-to-destination (the host's default route gone; no command printed: the test adds it)
#   C47 guest-wrong-gateway   (the guest's default route via an address nobody owns)
#   C48 pmtu-blackhole        (a 1400-byte link beyond the isp; the host's forward chain drops ICMP errors)
#   C49 vxlan-no-remote       (two hosts' bridges joined by VXLAN without remote or flood entry; both hosts)
#   C50 vxlan-mtu-overhead    (a guest port at 1500 over the 1450 overlay)
#   C51 vxlan-vni-mismatch    (hostB's VXLAN device made again with another VNI; named where its packets arrive)
#   C18 br-netfilter-forward-drop (two guests of one bridge; iptables-nft's FORWARD DROP)
#   C11 reverse-path-filter   (answers back by a second link with rp_filter 1; a stale host route to the guest)
# C47 and ok again with a TAP and a userspace guest (netlab guest) on the
# bridge; a routed guest behind a veth without a bridge (no probe: its own
# packets watched), ok and C45; and bad input: one line, its status,
# nothing left behind.
#
#   path_diagnose.sh NETLAB_BINARY [PART]
#
# PART (1 or 2) runs half of the labs (see the end): ctest runs the two side
# by side, as they wait mostly on probes and timeouts.
set -uo pipefail

netlab_bin=${1:?usage: path_diagnose.sh NETLAB_BINARY [PART]}
lab_part=${2:-}
case $lab_part in '' | 1 | 2) ;; *) echo "path_diagnose.sh: PART must be 1 or 2, not '$lab_part'" >&2; exit 2 ;; esac
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

for tool in nft tcpdump iptables-nft python3 ping; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh installs it)"; finish; }
done

# Two more machines, each a namespace held by a sleeping process.
machines=()
machine() {  # VAR: a new namespace; its holder's pid in VAR
  unshare --net sleep 900 &
  local pid=$!
  machines+=("$pid")
  local i
  for i in $(seq 50); do
    [ "$(readlink /proc/$pid/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
  done
  printf -v "$1" '%s' "$pid"
}
in_ns() { local pid=$1; shift; nsenter -t "$pid" -n "$@"; }
cleanup_all() {
  local p
  for p in "${machines[@]}"; do kill "$p" 2>/dev/null; done
  jobs -p | xargs -r kill 2>/dev/null
  lab_cleanup
}
trap cleanup_all EXIT

machine guest
machine isp
# The guest: kv1 (10.66.0.20/24, default via 10.66.0.1) behind port kv0 of labbr.
# A fixed MAC: a bridge that takes its ports' lowest would change it as the
# labs' ports come and go, and the guest's cached gateway entry would go stale (C33).
ip link add labbr address 02:66:00:00:00:01 type bridge
ip addr add 10.66.0.1/24 dev labbr
ip link set labbr up
ip link add kv0 type veth peer name kv1
ip link set kv1 netns "$guest"
ip link set kv0 master labbr up
in_ns "$guest" ip link set lo up
in_ns "$guest" ip addr add 10.66.0.20/24 dev kv1
in_ns "$guest" ip link set kv1 up
in_ns "$guest" ip route add default via 10.66.0.1
# The uplink: wan7 (203.0.113.5/24) to the isp (203.0.113.9), which holds
# the "internet" address 198.51.100.80 and knows no route to 10.66.0.0/24.
ip link add wan7 type veth peer name isp7
ip link set isp7 netns "$isp"
ip addr add 203.0.113.5/24 dev wan7
ip link set wan7 up
in_ns "$isp" ip link set lo up
in_ns "$isp" ip addr add 203.0.113.9/24 dev isp7
in_ns "$isp" ip addr add 198.51.100.80/32 dev lo
in_ns "$isp" ip link set isp7 up
ip route add default via 203.0.113.9
sysctl -qw net.ipv4.ip_forward=1
nft add table ip labnat
nft 'add chain ip labnat post { type nat hook postrouting priority 100 ; }'
nft add rule ip labnat post oifname wan7 ip saddr 10.66.0.0/24 masquerade
guest_ping() { in_ns "$guest" ping -c 1 -W 1 198.51.100.80 >/dev/null 2>&1; }

links() { ip -o link 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
before=$(links)
nothing_left() {
  local now
  now=$(links)
  if [ "$now" = "$before" ]; then pass "$1: no link left behind"; else fail "$1: links differ: $(diff <(echo "$before") <(echo "$now") | tr '\n' ' ')"; fi
}

# diagnose NAME ARGS...: text in $dir/NAME.out, JSON in $dir/NAME.json, status in $status.
diagnose() {
  local name=$1
  shift
  "$netlab_bin" path diagnose "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  status=$?
  "$netlab_bin" -j path diagnose "$@" >"$dir/$name.json" 2>>"$dir/$name.err"
  json_status=$?
}
json_field() {  # NAME EXPR: a Python expression on the document d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$dir/$1.json" "$2" 2>/dev/null
}
causes() { json_field "$1" '" ".join(f["id"] for f in d["findings"])'; }
verdict() { json_field "$1" 'd["verdict"]'; }
fixes() {  # NAME: the printed fix commands, one per line (netlab's own with this binary)
  json_field "$1" '"\n".join(s.get("netlab") or s.get("iproute2") or "" for f in d["findings"] for s in f["fix"] if s["where"] == "host")' |
    sed "s|^netlab |$netlab_bin |"
}
expect_cause() {  # NAME ID STATUS
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
run_fixes() {  # NAME
  local cmd n=0
  while IFS= read -r cmd; do
    [ -n "$cmd" ] || continue
    n=$((n + 1))
    if bash -c "$cmd" >"$dir/$1.fix.out" 2>&1; then pass "$1: fix runs: $cmd"; else fail "$1: fix failed: $cmd: $(cat "$dir/$1.fix.out")"; fi
  done < <(fixes "$1")
  [ "$n" -gt 0 ] || fail "$1: no fix printed"
}
hop_status() {  # NAME STEP: the status of the first hop of that step
  json_field "$1" "next((h['status'] for h in d['hops'] if h['step'] == '$2'), 'none')"
}

# ---- healthy: the guest reaches the internet through the masquerade -----------------------
lab_healthy() {
guest_ping && pass "healthy: the guest pings 198.51.100.80" || fail "healthy: the guest cannot ping"
tcpdump -n -l -i wan7 -c 1 'icmp and src 203.0.113.5 and dst 198.51.100.80' >"$dir/healthy.tcpdump" 2>"$dir/healthy.tcpdump.err" &
td=$!
wait_listening "$dir/healthy.tcpdump.err" || fail "healthy: tcpdump did not start"
diagnose healthy 10.66.0.20 198.51.100.80
expect_ok healthy
sleep 0.3
kill "$td" 2>/dev/null; wait "$td" 2>/dev/null
grep -q '203.0.113.5 > 198.51.100.80: ICMP echo request' "$dir/healthy.tcpdump" \
  && pass "healthy: tcpdump saw the probe leave masqueraded" || fail "healthy: tcpdump: $(cat "$dir/healthy.tcpdump")"
[ "$(json_field healthy "[h['text'] for h in d['hops'] if h['step'] == 'out'][0]")" != "" ] \
  && grep -q 'with source 203.0.113.5' "$dir/healthy.json" && pass "healthy: the out hop says the masqueraded source" \
  || fail "healthy: hops: $(json_field healthy 'd["hops"]')"
[ "$(json_field healthy "[h['text'] for h in d['hops'] if h['step'] == 'nat'][0]")" = '`oifname "wan7" ip saddr 10.66.0.0/24 masquerade` in ip labnat post' ] \
  && pass "healthy: the nat hop names the masquerade rule" || fail "healthy: nat hop: $(json_field healthy 'd["hops"]')"
diagnose healthy_udp 10.66.0.20 198.51.100.80 -p udp/53
expect_ok healthy_udp
diagnose healthy_ifname kv0:10.66.0.20 198.51.100.80 --passive --duration 1
# A passive look from the port itself: no bridge, so nothing is sent; the tables read healthy.
[ "$status" != 3 ] && pass "healthy, passive from the port: no cause ($status)" || fail "healthy passive: $(cat "$dir/healthy_ifname.out")"
nothing_left healthy
}

# ---- C43: the host does not forward --------------------------------------------------------
lab_c43() {
sysctl -qw net.ipv4.ip_forward=0
guest_ping && fail "c43: the guest still pings"
diagnose c43 10.66.0.20 198.51.100.80
expect_cause c43 C43 3
grep -q 'net.ipv4.ip_forward = 0' "$dir/c43.out" && pass "c43: the sysctl as evidence" || fail "c43: $(cat "$dir/c43.out")"
[ "$(hop_status c43 route)" = dropped ] && pass "c43: the route hop is dropped" || fail "c43: hops $(json_field c43 'd["hops"]')"
run_fixes c43
guest_ping && pass "c43: the guest pings after the fix" || fail "c43: still no ping"
diagnose c43fixed 10.66.0.20 198.51.100.80
expect_ok c43fixed
# Forwarding on, but off on the guests' bridge alone: the device's own sysctl is the fix.
sysctl -qw net.ipv4.conf.labbr.forwarding=0
diagnose c43d 10.66.0.20 198.51.100.80
expect_cause c43d C43 3
[ "$(fixes c43d)" = "sysctl -w net/ipv4/conf/labbr/forwarding=1" ] && pass "c43d: the device's sysctl as the fix" \
  || fail "c43d: fix $(fixes c43d)"
run_fixes c43d
diagnose c43dfixed 10.66.0.20 198.51.100.80
expect_ok c43dfixed
}

# ---- C46: no route toward the destination -----------------------------------------------
lab_c46() {
ip route del default
diagnose c46 10.66.0.20 198.51.100.80
expect_cause c46 C46 3
grep -q 'Network is unreachable' "$dir/c46.out" && pass "c46: the lookup's refusal as evidence" || fail "c46: $(cat "$dir/c46.out")"
[ -z "$(fixes c46)" ] && pass "c46: no command printed for a gateway only the lab knows" || fail "c46: printed $(fixes c46)"
ip route add default via 203.0.113.9
diagnose c46fixed 10.66.0.20 198.51.100.80
expect_ok c46fixed
}

# ---- C45: a forward chain drops -----------------------------------------------------------
lab_c45() {
nft add table inet labfw
nft 'add chain inet labfw toll { type filter hook forward priority 0 ; policy drop ; }'
guest_ping && fail "c45: the guest still pings"
diagnose c45 10.66.0.20 198.51.100.80
expect_cause c45 C45 3
grep -q 'chain inet labfw toll has policy drop' "$dir/c45.out" && pass "c45: the chain and its policy named" || fail "c45: $(cat "$dir/c45.out")"
[ "$(json_field c45 "[h['verdict'] for h in d['hops'] if h['step'] == 'netfilter'][0]")" = drop ] \
  && pass "c45: the netfilter hop drops" || fail "c45: hops $(json_field c45 'd["hops"]')"
run_fixes c45
guest_ping && pass "c45: the guest pings after the fix" || fail "c45: still no ping"
diagnose c45fixed 10.66.0.20 198.51.100.80
expect_ok c45fixed
nft delete table inet labfw
# A counted drop rule in a chain that otherwise accepts: the handle and the counter that rose.
nft add table ip labfw2
nft 'add chain ip labfw2 toll { type filter hook forward priority 10 ; }'
nft add rule ip labfw2 toll iifname labbr counter drop
handle=$(nft -a list chain ip labfw2 toll | sed -n 's/.*counter.*drop # handle \([0-9]*\)/\1/p')
diagnose c45r 10.66.0.20 198.51.100.80
expect_cause c45r C45 3
grep -q "handle $handle" "$dir/c45r.out" && pass "c45r: the rule's handle ($handle) named" || fail "c45r: $(cat "$dir/c45r.out")"
grep -q 'its counter rose from' "$dir/c45r.out" && pass "c45r: the counter that rose" || fail "c45r: $(cat "$dir/c45r.out")"
nft_packets=$(nft list chain ip labfw2 toll | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
[ "${nft_packets:-0}" -gt 0 ] && pass "c45r: nft counts $nft_packets dropped" || fail "c45r: nft counter $nft_packets"
run_fixes c45r
diagnose c45rfixed 10.66.0.20 198.51.100.80
expect_ok c45rfixed
nft delete table ip labfw2
# Docker's shape: iptables-nft's FORWARD policy DROP.
iptables-nft -P FORWARD DROP
diagnose c45d 10.66.0.20 198.51.100.80
expect_cause c45d C45 3
grep -q 'chain ip filter FORWARD has policy drop' "$dir/c45d.out" && pass "c45d: iptables-nft's FORWARD named" || fail "c45d: $(cat "$dir/c45d.out")"
run_fixes c45d
guest_ping && pass "c45d: the guest pings after the fix" || fail "c45d: still no ping"
diagnose c45dfixed 10.66.0.20 198.51.100.80
expect_ok c45dfixed
iptables-nft -P FORWARD ACCEPT
iptables-nft -F FORWARD
}

# ---- C44: no masquerade ---------------------------------------------------------------------
lab_c44() {
nft delete table ip labnat
guest_ping && fail "c44: the guest still pings without NAT"
diagnose c44 10.66.0.20 198.51.100.80
expect_cause c44 C44 3
grep -q 'left on wan7 with source 10.66.0.20, none answered' "$dir/c44.out" && pass "c44: the private source seen leaving" \
  || fail "c44: $(cat "$dir/c44.out")"
run_fixes c44
guest_ping && pass "c44: the guest pings after the fix" || fail "c44: still no ping"
diagnose c44fixed 10.66.0.20 198.51.100.80
expect_ok c44fixed
}

# ---- C47: the guest's gateway is nobody ------------------------------------------------------
lab_c47() {
in_ns "$guest" ip route replace default via 10.66.0.77
guest_ping && fail "c47: the guest still pings"
in_ns "$guest" ping -i 0.2 198.51.100.80 >/dev/null 2>&1 &
pinger=$!
diagnose c47 10.66.0.20 198.51.100.80
expect_cause c47 C47 3
grep -q 'who-has 10.66.0.77 tell 10.66.0.20, none answered (nor our own)' "$dir/c47.out" && pass "c47: the guest's unanswered ARP" \
  || fail "c47: $(cat "$dir/c47.out")"
grep -q '(in the guest) ip route replace default via 10.66.0.1' "$dir/c47.out" && pass "c47: the guest's fix" \
  || fail "c47: fix: $(cat "$dir/c47.out")"
in_ns "$guest" ip route replace default via 10.66.0.1
# The guest's entry for .77 asks its last probes (3, a second apart) before it fails.
sleep 3.5
diagnose c47fixed 10.66.0.20 198.51.100.80
expect_ok c47fixed
kill "$pinger" 2>/dev/null; wait "$pinger" 2>/dev/null
}

# ---- C11: the answers come back by another link, whose source check is strict -----------------
# A far router (its lo 198.51.100.150) on two links: the host reaches it by ra0
# (203.0.113.65/30), it routes the guests' subnet back by rb0 (203.0.113.69/30).
lab_c11() {
machine far
for pair in "ra0 ra1 203.0.113.65 203.0.113.66" "rb0 rb1 203.0.113.69 203.0.113.70"; do
  set -- $pair
  ip link add "$1" type veth peer name "$2"
  ip link set "$2" netns "$far"
  ip addr add "$3/30" dev "$1"
  ip link set "$1" up
  in_ns "$far" ip addr add "$4/30" dev "$2"
  in_ns "$far" ip link set "$2" up
done
# Its ARP asks from the link's own address: from its lo address, rb0's strict
# check would refuse the question itself (an ARP failure, arp diagnose's).
in_ns "$far" sysctl -qw net.ipv4.conf.all.arp_announce=2
in_ns "$far" ip link set lo up
in_ns "$far" ip addr add 198.51.100.150/32 dev lo
in_ns "$far" ip route add 10.66.0.0/24 via 203.0.113.69
ip route add 198.51.100.150/32 via 203.0.113.66
sysctl -qw net.ipv4.conf.all.rp_filter=0
sysctl -qw net.ipv4.conf.rb0.rp_filter=1
in_ns "$guest" ping -c 1 -W 1 198.51.100.150 >/dev/null 2>&1 && fail "c11: the guest pings through the strict check"
diagnose c11 10.66.0.20 198.51.100.150
expect_cause c11 C11 3
grep -Eq 'ip route get 10.66.0.20 from 198.51.100.150 iif rb0: (Invalid cross-device link|Invalid argument)' "$dir/c11.out" \
  && pass "c11: the kernel's refusal on rb0 as evidence" || fail "c11: $(cat "$dir/c11.out")"
grep -q 'arrived on rb0' "$dir/c11.out" && pass "c11: the answers seen arriving on rb0" || fail "c11: $(cat "$dir/c11.out")"
[ "$(json_field c11 "[h['interface'] for h in d['hops'] if h['step'] == 'back'][0]")" = rb0 ] \
  && [ "$(hop_status c11 back)" = dropped ] && pass "c11: the back hop is dropped on rb0" || fail "c11: hops $(json_field c11 'd["hops"]')"
[ "$(fixes c11)" = "sysctl -w net/ipv4/conf/rb0/rp_filter=2" ] && pass "c11: loose checking on rb0 as the fix" || fail "c11: fix $(fixes c11)"
run_fixes c11
in_ns "$guest" ping -c 1 -W 1 198.51.100.150 >/dev/null 2>&1 && pass "c11: the guest pings after the fix" || fail "c11: still no ping"
diagnose c11fixed 10.66.0.20 198.51.100.150
expect_ok c11fixed
# The same check on the guests' bridge, and a stale host route of an earlier
# guest that sends 10.66.0.20 to rb0: the guest's own packets are refused.
sysctl -qw net.ipv4.conf.labbr.rp_filter=1
ip route add 10.66.0.20/32 dev rb0
diagnose c11f labbr:10.66.0.20 198.51.100.150
expect_cause c11f C11 3
[ "$(fixes c11f)" = "netlab route del 10.66.0.20/32 dev rb0" ] || [ "$(fixes c11f)" = "$netlab_bin route del 10.66.0.20/32 dev rb0" ] \
  && pass "c11f: the stale route's deletion as the fix" || fail "c11f: fix $(fixes c11f)"
run_fixes c11f
diagnose c11ffixed 10.66.0.20 198.51.100.150
expect_ok c11ffixed
sysctl -qw net.ipv4.conf.labbr.rp_filter=0
ip route del 198.51.100.150/32
ip link del ra0; ip link del rb0
}

# ---- C18: two guests of labbr, and Docker's FORWARD DROP met through br_netfilter -------------
lab_c18() {
machine peer
ip link add kp0 type veth peer name kp1
ip link set kp1 netns "$peer"
ip link set kp0 master labbr up
in_ns "$peer" ip link set lo up
in_ns "$peer" ip addr add 10.66.0.21/24 dev kp1
in_ns "$peer" ip link set kp1 up
sysctl -qw net.bridge.bridge-nf-call-iptables=1
in_ns "$guest" ping -c 1 -W 1 10.66.0.21 >/dev/null 2>&1 && pass "c18: the guests ping each other" || fail "c18: no ping between guests"
diagnose c18ok 10.66.0.20 10.66.0.21
expect_ok c18ok
[ "$(json_field c18ok "[h['port'] for h in d['hops'] if h['step'] == 'bridge'][0]")" = kp0 ] \
  && pass "c18ok: the bridge hop names TO's port" || fail "c18ok: hops $(json_field c18ok 'd["hops"]')"
iptables-nft -P FORWARD DROP
in_ns "$guest" ping -c 1 -W 1 10.66.0.21 >/dev/null 2>&1 && fail "c18: the guests still ping each other"
diagnose c18 10.66.0.20 10.66.0.21
expect_cause c18 C18 3
grep -q 'net.bridge.bridge-nf-call-iptables = 1' "$dir/c18.out" && grep -q 'chain ip filter FORWARD has policy drop' "$dir/c18.out" \
  && pass "c18: the sysctl and iptables-nft's FORWARD as evidence" || fail "c18: $(cat "$dir/c18.out")"
grep -q 'left on kp0' "$dir/c18.out" && pass "c18: the probe watched on TO's port" || fail "c18: $(cat "$dir/c18.out")"
run_fixes c18
in_ns "$guest" ping -c 1 -W 1 10.66.0.21 >/dev/null 2>&1 && pass "c18: the guests ping after the fix" || fail "c18: still no ping"
diagnose c18fixed 10.66.0.20 10.66.0.21
expect_ok c18fixed
iptables-nft -P FORWARD ACCEPT
iptables-nft -F FORWARD
# A guest on the bridge nobody answers for: one line, exit 1; with br_netfilter off, nothing is forwarded at all.
bad_peer() {
  "$netlab_bin" path diagnose 10.66.0.20 "$1" >"$dir/peer.out" 2>"$dir/peer.err"
  echo $?
}
[ "$(bad_peer 10.66.0.30)" = 1 ] && [ "$(wc -l <"$dir/peer.err")" = 1 ] && grep -q 'no guest answers' "$dir/peer.err" \
  && pass "c18: a TO nobody owns on the bridge: exit 1, one line" || fail "c18: $(cat "$dir/peer.err")"
sysctl -qw net.bridge.bridge-nf-call-iptables=0
[ "$(bad_peer 10.66.0.21)" = 2 ] && grep -q 'own link' "$dir/peer.err" \
  && pass "c18: bridge-nf-call-iptables off: TO on the own link is a usage error" || fail "c18: $(cat "$dir/peer.err")"
sysctl -qw net.bridge.bridge-nf-call-iptables=1
ip link del kp0
nothing_left "the cause labs"
}

# ---- C48: a 1400-byte link beyond the isp, and the host drops "fragmentation needed" ------------
lab_c48() {
machine core
in_ns "$isp" ip link add ic0 type veth peer name ic1
in_ns "$isp" ip link set ic1 netns "$core"
in_ns "$isp" ip addr add 192.0.2.1/30 dev ic0
in_ns "$isp" ip link set ic0 mtu 1400 up
in_ns "$isp" sysctl -qw net.ipv4.ip_forward=1
in_ns "$isp" ip route add 198.51.100.90/32 via 192.0.2.2
in_ns "$core" ip link set lo up
in_ns "$core" ip addr add 192.0.2.2/30 dev ic1
in_ns "$core" ip addr add 198.51.100.90/32 dev lo
in_ns "$core" ip link set ic1 mtu 1400 up
in_ns "$core" ip route add default via 192.0.2.1
nft add table inet labpmtu
nft 'add chain inet labpmtu toll { type filter hook forward priority 0 ; }'
nft 'add rule inet labpmtu toll ip protocol icmp icmp type != { echo-request, echo-reply } counter drop'
in_ns "$guest" ping -c 2 -W 1 198.51.100.90 >/dev/null 2>&1 && pass "c48: small pings cross" || fail "c48: no small ping"
in_ns "$guest" ping -c 1 -W 1 -M do -s 1472 198.51.100.90 >/dev/null 2>&1 && fail "c48: a 1500-byte DF ping crossed"
diagnose c48 10.66.0.20 198.51.100.90
expect_cause c48 C48 3
grep -q 'need to frag (mtu 1400) from 203.0.113.9 arrived on wan7, none went on toward the guest' "$dir/c48.out" \
  && pass "c48: the router's ICMP seen arriving and not leaving" || fail "c48: $(cat "$dir/c48.out")"
run_fixes c48
out=$(in_ns "$guest" ping -c 2 -W 1 -M do -s 1472 198.51.100.90 2>&1)
[[ $out == *"mtu = 1400"* || $out == *"mtu=1400"* ]] && pass "c48: the guest now hears the path MTU" || fail "c48: guest: $out"
diagnose c48fixed 10.66.0.20 198.51.100.90
expect_ok c48fixed
grep -q 'takes 1400 bytes' "$dir/c48fixed.out" && pass "c48fixed: the path MTU noted" || fail "c48fixed: $(cat "$dir/c48fixed.out")"
nft delete table inet labpmtu
}

# ---- a TAP with a userspace guest (netlab guest) on the same bridge ----------------------------
lab_tap() {
ip tuntap add labtap mode tap
ip link set labtap master labbr up
# The userspace guest gives up on its gateway after 3 ARP requests a second
# apart: a new one for each of the two runs (text, JSON).
wrong_gateway_guest() {
  "$netlab_bin" guest labtap ip 10.66.0.31/24 gateway 10.66.0.78 ping 198.51.100.80 interval 0.3 count 1000 quiet \
    >"$dir/tapguest.out" 2>&1 &
  tapguest=$!
  sleep 0.3
}
wrong_gateway_guest
"$netlab_bin" path diagnose 10.66.0.31 198.51.100.80 >"$dir/tapc47.out" 2>"$dir/tapc47.err"
status=$?
kill "$tapguest" 2>/dev/null; wait "$tapguest" 2>/dev/null
wrong_gateway_guest
"$netlab_bin" -j path diagnose 10.66.0.31 198.51.100.80 >"$dir/tapc47.json" 2>>"$dir/tapc47.err"
json_status=$?
expect_cause tapc47 C47 3
grep -q '(in the guest) ip route replace default via 10.66.0.1' "$dir/tapc47.out" && pass "tapc47: the host's address as the gateway" \
  || fail "tapc47: $(cat "$dir/tapc47.out")"
kill "$tapguest" 2>/dev/null; wait "$tapguest" 2>/dev/null
"$netlab_bin" guest labtap ip 10.66.0.31/24 gateway 10.66.0.1 quiet >"$dir/tapguest2.out" 2>&1 &
tapguest=$!
sleep 0.5
diagnose tapok 10.66.0.31 198.51.100.80
expect_ok tapok
kill "$tapguest" 2>/dev/null; wait "$tapguest" 2>/dev/null
ip link del labtap
}

# ---- a routed guest: a veth without a bridge, its own packets watched -----------------------
lab_routed() {
machine routed
ip link add rt0 type veth peer name rt1
ip link set rt1 netns "$routed"
ip addr add 10.77.0.1/24 dev rt0
ip link set rt0 up
in_ns "$routed" ip link set lo up
in_ns "$routed" ip addr add 10.77.0.2/24 dev rt1
in_ns "$routed" ip link set rt1 up
in_ns "$routed" ip route add default via 10.77.0.1
# (C44's fix made this table and chain when part 1 ran first: adding them again changes nothing.)
nft add table ip nat
nft 'add chain ip nat postrouting { type nat hook postrouting priority 100 ; }'
nft add rule ip nat postrouting oifname wan7 ip saddr 10.77.0.0/24 masquerade
in_ns "$routed" ping -i 0.2 198.51.100.80 >/dev/null 2>&1 &
rpinger=$!
diagnose routed 10.77.0.2 198.51.100.80
expect_ok routed
grep -q 'rt0 is no bridge' "$dir/routed.out" && pass "routed: says the guest's own packets were watched" \
  || fail "routed: $(cat "$dir/routed.out")"
nft add table inet labfw3
nft 'add chain inet labfw3 toll { type filter hook forward priority 5 ; }'
# rt is one of nft's keywords: the name must reach nft quoted (so must the printed fix's).
nft add rule inet labfw3 toll iifname '"rt0"' ip protocol icmp drop
diagnose routedc45 10.77.0.2 198.51.100.80
expect_cause routedc45 C45 3
run_fixes routedc45
diagnose routedfixed 10.77.0.2 198.51.100.80
expect_ok routedfixed
kill "$rpinger" 2>/dev/null; wait "$rpinger" 2>/dev/null
nft delete table inet labfw3
ip link del rt0
nothing_left "the TAP and routed shapes"
}

# ---- a lab over two hosts: bridges joined by VXLAN ----------------------------------------------
# hostA is this namespace, hostB a machine; the underlay veth uA0 (192.0.2.65/26) <-> uB0 (.66).
# Each host: bridge ovlA/ovlB with VXLAN port vxA/vxB (id 88, dev the underlay, nolearning: MTU
# 1450) and a guest behind a veth port (guestA 10.88.0.2 on hostA, guestB 10.88.0.3 on hostB);
# hostA's bridge has 10.88.0.1, hostB's none. No remote and no flood entry: C49.
lab_overlay() {
machine hostb
machine ga
machine gb
ip link add uA0 type veth peer name uB0
ip link set uB0 netns "$hostb"
ip addr add 192.0.2.65/26 dev uA0
ip link set uA0 up
in_ns "$hostb" ip link set lo up
in_ns "$hostb" ip addr add 192.0.2.66/26 dev uB0
in_ns "$hostb" ip link set uB0 up
overlay_host() {  # WHERE BRIDGE VX LOCAL UNDERLAY PORT GUESTNS GUESTADDR
  local where=$1 br=$2 vx=$3 local_addr=$4 under=$5 port=$6 gns=$7 gaddr=$8
  $where ip link add "$br" type bridge
  $where ip link add "$vx" type vxlan id 88 dstport 4789 local "$local_addr" dev "$under" nolearning
  $where ip link set "$vx" master "$br" up
  $where ip link add "$port" type veth peer name gv0
  $where ip link set gv0 netns "$gns"
  $where ip link set "$port" mtu 1450 master "$br" up
  $where ip link set "$br" up
  in_ns "$gns" ip link set lo up
  in_ns "$gns" ip link set gv0 mtu 1450 up
  in_ns "$gns" ip addr add "$gaddr" dev gv0
}
on_a() { "$@"; }
on_b() { in_ns "$hostb" "$@"; }
overlay_host on_a ovlA vxA 192.0.2.65 uA0 ovpA "$ga" 10.88.0.2/24
overlay_host on_b ovlB vxB 192.0.2.66 uB0 ovpB "$gb" 10.88.0.3/24
ip addr add 10.88.0.1/24 dev ovlA
in_ns "$ga" ping -c 1 -W 1 10.88.0.3 >/dev/null 2>&1 && fail "c49: guestA reaches guestB without a VTEP"
diagnose c49 10.88.0.2 10.88.0.3
expect_cause c49 C49 3
grep -q 'vxA: vxlan id 88 dstport 4789 dev uA0 nolearning mtu 1450' "$dir/c49.out" && pass "c49: the VXLAN device as evidence" \
  || fail "c49: $(cat "$dir/c49.out")"
[ -z "$(fixes c49)" ] && pass "c49: no command for a VTEP only the lab knows" || fail "c49: printed $(fixes c49)"
# The far host, which has no address on its bridge: FROM given with its bridge.
"$netlab_bin" -n "/proc/$hostb/ns/net" path diagnose ovlB:10.88.0.3 10.88.0.2 >"$dir/c49b.out" 2>&1
[ $? = 3 ] && grep -q '(C49)' "$dir/c49b.out" && pass "c49b: hostB names C49 too" || fail "c49b: $(cat "$dir/c49b.out")"
bridge fdb append 00:00:00:00:00:00 dev vxA dst 192.0.2.66
in_ns "$hostb" bridge fdb append 00:00:00:00:00:00 dev vxB dst 192.0.2.65
in_ns "$ga" ping -c 1 -W 2 10.88.0.3 >/dev/null 2>&1 && pass "c49: guestA reaches guestB with the flood entries" || fail "c49: no ping"
diagnose c49fixed 10.88.0.2 10.88.0.3
expect_ok c49fixed
[ "$(json_field c49fixed "[h['remotes'] for h in d['hops'] if h['step'] == 'vxlan'][0]")" = 192.0.2.66 ] \
  && pass "c49fixed: the vxlan hop names the remote" || fail "c49fixed: $(json_field c49fixed 'd["hops"]')"
# C50: guestA's port and guest back at 1500 over the 1450 overlay.
ip link set ovpA mtu 1500
in_ns "$ga" ip link set gv0 mtu 1500
in_ns "$ga" ping -c 1 -W 2 -M do -s 1472 10.88.0.3 >/dev/null 2>&1 && fail "c50: a 1500-byte frame crossed the overlay"
diagnose c50 10.88.0.2 10.88.0.3
expect_cause c50 C50 3
run_fixes c50
in_ns "$ga" ip link set gv0 mtu 1450   # the guest's step
in_ns "$ga" ping -c 1 -W 2 -M do -s 1422 10.88.0.3 >/dev/null 2>&1 && pass "c50: full-size frames cross after the fix" \
  || fail "c50: no full-size ping"
diagnose c50fixed 10.88.0.2 10.88.0.3
expect_ok c50fixed
# C51: hostB's VXLAN device made again with VNI 99 while guestB keeps pinging
# guestA. hostA sees hostB's packets arrive with a VNI it has no device for;
# hostB, which sends them, sees nothing of hostA's.
in_ns "$hostb" ip link del vxB
in_ns "$hostb" ip link add vxB type vxlan id 99 dstport 4789 local 192.0.2.66 dev uB0 nolearning
in_ns "$hostb" ip link set vxB master ovlB up
in_ns "$hostb" bridge fdb append 00:00:00:00:00:00 dev vxB dst 192.0.2.65
in_ns "$ga" ping -c 1 -W 2 10.88.0.3 >/dev/null 2>&1 && fail "c51: guestA reaches guestB across two VNIs"
in_ns "$gb" ping -i 0.2 10.88.0.2 >/dev/null 2>&1 &
bpinger=$!
diagnose c51 10.88.0.2 10.88.0.3
expect_cause c51 C51 3
grep -q 'VXLAN packets from 192.0.2.66 to port 4789 with VNI 99 arrived on uA0' "$dir/c51.out" \
  && pass "c51: the far end's VNI seen arriving" || fail "c51: $(cat "$dir/c51.out")"
grep -q 'VXLAN_VNI_NOT_FOUND' "$dir/c51.out" && pass "c51: the kernel's VXLAN_VNI_NOT_FOUND drop" || fail "c51: $(cat "$dir/c51.out")"
run_fixes c51
kill "$bpinger" 2>/dev/null; wait "$bpinger" 2>/dev/null
in_ns "$ga" ping -c 1 -W 2 10.88.0.3 >/dev/null 2>&1 && pass "c51: guestA reaches guestB after the fix" || fail "c51: no ping"
ip -d link show vxA | grep -q 'vxlan id 99' && pass "c51: vxA has VNI 99" || fail "c51: $(ip -d link show vxA)"
diagnose c51fixed 10.88.0.2 10.88.0.3
expect_ok c51fixed
ip link del ovlA; ip link del vxA; ip link del ovpA; ip link del uA0
nothing_left "the overlay lab"
}

# ---- bad input ---------------------------------------------------------------------------
lab_bad() {
bad() {  # WANT-STATUS WORD ARGS...: one stderr line naming WORD, nothing on stdout
  local want=$1 word=$2
  shift 2
  "$netlab_bin" path diagnose "$@" >"$dir/bad.out" 2>"$dir/bad.err"
  local st=$?
  if [ "$st" = "$want" ] && [ "$(wc -l <"$dir/bad.err")" = 1 ] && grep -q -- "$word" "$dir/bad.err" && [ ! -s "$dir/bad.out" ]; then
    pass "bad input '$*': exit $want, one line naming $word"
  else
    fail "bad input '$*': exit $st: $(cat "$dir/bad.err" "$dir/bad.out")"
  fi
}
bad 1 '10.66.0.99' 10.66.0.99 198.51.100.80             # no guest owns it
bad 1 '192.0.2.50' 192.0.2.50 198.51.100.80              # no route toward it here: the host's default route
bad 2 '10.66.0.1' 10.66.0.1 198.51.100.80                # the host's own
bad 2 'TO 203.0.113.5' 10.66.0.20 203.0.113.5            # TO local
bad 2 'TO 224.0.0.1' 10.66.0.20 224.0.0.1
bad 2 'not an IPv4' nonsense 198.51.100.80
bad 2 '\-p' 10.66.0.20 198.51.100.80 -p sctp/1
bad 2 'PORT' 10.66.0.20 198.51.100.80 -p udp/0
bad 2 'size' 10.66.0.20 198.51.100.80 --size 27
bad 2 'size' 10.66.0.20 198.51.100.80 --size 9001
bad 2 duration 10.66.0.20 198.51.100.80 --duration 0
bad 2 duration 10.66.0.20 198.51.100.80 --duration 61
bad 1 nosuch0 nosuch0:10.66.0.20 198.51.100.80
# A ruleset too large to judge: refused whole, nothing changed (no probe port).
python3 -c '
print("add table ip labbig")
print("add chain ip labbig c")
for i in range(200001): print("add rule ip labbig c udp dport 9 counter")' >"$dir/big.nft"
nft -f "$dir/big.nft"
bad 1 'rules' 10.66.0.20 198.51.100.80
nft delete table ip labbig
nothing_left "bad input"
}

# Two parts of about equal time, each a ctest of its own that runs beside
# the other (each in its own namespaces): `path_diagnose.sh NETLAB PART`.
# Without PART, both in turn.
in_part 1 && { lab_healthy; lab_c43; lab_c46; lab_c45; lab_c44; lab_c47; lab_c11; }
in_part 2 && { lab_c18; lab_c48; lab_tap; lab_routed; lab_overlay; lab_bad; }
finish
