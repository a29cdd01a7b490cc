#!/usr/bin/env bash
# `netlab dhcp probe` against real dnsmasq servers (issue 15 §2):
#   - on a bridge served by dnsmasq on the same host (through the probe's
#     temporary veth port, which must be gone afterwards),
#   - --request: the lease is taken (dnsmasq logs DHCPACK) and released
#     (DHCPRELEASE, no line for the probe's MAC left in the lease file),
#   - a second server behind a port of the bridge: both listed, "2 servers",
#   - nothing serving: exit 3, nothing left behind,
#   - DHCPv6 (-6): the ADVERTISE; with --request the REPLY's address,
#     lifetimes and server DUID, then the RELEASE's REPLY (dnsmasq logs
#     DHCPRELEASE, the lease file no longer holds the address), in text and
#     JSON; a REQUEST or RELEASE that nft drops before dnsmasq: sent twice,
#     no REPLY said as such (the lease stays in dnsmasq's file), no busy
#     wait; a server with static leases only: an ADVERTISE with
#     NoAddrsAvail and no REQUEST for a stranger, the host's own address
#     leased and released for the MAC it names; the kernel's own IPv6 on
#     the probe's port (its link-local, DAD) does not get in the way; no
#     server: exit 3,
#   - a veth whose peer namespace runs dnsmasq (no bridge, no veth pair),
#   - SIGINT and SIGTERM while waiting: the veth pair is removed,
#   - bad input (missing interface, malformed MAC, -w 0 or 61, a down
#     bridge, a bridge without carrier): one line, its status, nothing left.
#
#   dhcp_probe.sh NETLAB_BINARY
#
# Runs as root, in private network and mount namespaces (shell_lab.sh);
# every dnsmasq is stopped by its pid; lease, pid and log files live in the
# test's temp dir.
set -uo pipefail

netlab_bin=${1:?usage: dhcp_probe.sh NETLAB_BINARY}
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

command -v dnsmasq >/dev/null || { fail "dnsmasq is not installed (scripts/setup.sh installs it)"; finish; }

start_peer
# The lab: bridge br0 (192.0.2.1/24) with v0 as its port; v1, in the peer
# namespace, is a station on that link.
ip addr flush dev v0
peer ip addr flush dev v1
ip link add br0 type bridge
ip link set v0 master br0
ip addr add 192.0.2.1/24 dev br0
ip link set br0 up

dnsmasq_pids=()
stop_dnsmasq() {
  local p
  for p in "${dnsmasq_pids[@]}"; do
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  dnsmasq_pids=()
  # And by the pid each wrote, should one have got another pid.
  for f in "$dir"/*.pid; do
    [ -s "$f" ] || continue
    p=$(cat "$f")
    kill "$p" 2>/dev/null && while kill -0 "$p" 2>/dev/null; do sleep 0.02; done
    rm -f "$f"
  done
}
trap 'stop_dnsmasq; lab_cleanup' EXIT

# start_dnsmasq NAME IFACE RANGE [peer]: dnsmasq serving IFACE, files named NAME.*
start_dnsmasq() {
  local name=$1 iface=$2 range=$3 where=
  [ "${4:-}" = peer ] && where=peer
  local -a cmd=(dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root
    --interface="$iface" --bind-interfaces --dhcp-range="$range"
    --dhcp-leasefile="$dir/$name.leases" --pid-file="$dir/$name.pid" --log-facility="$dir/$name.log" --log-dhcp)
  shift 3
  [ "$where" = peer ] && shift
  if [ "$where" = peer ]; then
    # nsenter itself (not the peer function, which would run in a subshell
    # whose pid is not dnsmasq's) execs dnsmasq: $! is dnsmasq's pid.
    nsenter -t "$peer_pid" -n "${cmd[@]}" "$@" &
  else
    "${cmd[@]}" "$@" &
  fi
  dnsmasq_pids+=($!)
  local i
  for i in $(seq 100); do grep -Eqs 'IP range|static leases only' "$dir/$name.log" && return 0; sleep 0.05; done
  fail "dnsmasq $name did not start: $(cat "$dir/$name.log" 2>/dev/null)"
}

links() { ip -o link 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
before=$(links)
nothing_left() {  # WHAT
  local now
  now=$(links)
  if [ "$now" = "$before" ]; then pass "$1: no link left behind"; else fail "$1: links differ: $(diff <(echo "$before") <(echo "$now") | tr '\n' ' ')"; fi
}

# run OUT ERR ARGS...: netlab's status in $status
run() {
  local out=$1 err=$2
  shift 2
  "$netlab_bin" "$@" >"$out" 2>"$err"
  status=$?
}

in_range() {  # ADDRESS FIRST LAST (last octets of 192.0.2.0/24 or 203.0.113.0/24)
  local last=${1##*.}
  [ -n "$last" ] && [ "$last" -ge "$2" ] && [ "$last" -le "$3" ]
}

start_dnsmasq a br0 192.0.2.100,192.0.2.150,255.255.255.0,1h \
  --dhcp-option=option:router,192.0.2.1 --dhcp-option=option:dns-server,192.0.2.53 --domain=example.net

# ---- one server on the bridge -------------------------------------------------
run "$dir/p1.out" "$dir/p1.err" dhcp probe br0
if [ "$status" = 0 ]; then pass "probe br0: exit 0"; else fail "probe br0: exit $status: $(cat "$dir/p1.err")"; fi
out=$(cat "$dir/p1.out")
grep -q 'OFFER from server 192.0.2.1 mac' <<<"$out" && pass "the offer names server id 192.0.2.1" || fail "no offer from 192.0.2.1: $out"
offered=$(sed -n 's/^ *address \([0-9.]*\) .*/\1/p' <<<"$out" | head -1)
if [[ $offered == 192.0.2.* ]] && in_range "$offered" 100 150; then pass "offered $offered, in the range"; else fail "offered '$offered': $out"; fi
for want in 'mask 255.255.255.0' 'router 192.0.2.1' 'dns 192.0.2.53' 'domain example.net' 'lease 3600s' 'relay none' '1 server answered' 'via nlp'; do
  grep -qF "$want" <<<"$out" && pass "text shows '$want'" || fail "text lacks '$want': $out"
done
grep -q 'more than one' <<<"$out" && fail "one server said to be several: $out"
nothing_left "probe br0"
grep -q 'DHCPDISCOVER(br0)' "$dir/a.log" && pass "dnsmasq saw the DISCOVER on br0" || fail "dnsmasq log has no DHCPDISCOVER(br0)"

# The MAC given is the one dnsmasq sees; JSON has one offer.
run "$dir/p2.out" "$dir/p2.err" -j dhcp probe br0 --mac 02:00:5e:00:53:11
json=$(cat "$dir/p2.out")
[ "$status" = 0 ] && pass "-j probe: exit 0" || fail "-j probe: exit $status: $(cat "$dir/p2.err")"
grep -q '"client_mac":"02:00:5e:00:53:11"' <<<"$json" && pass "JSON: client_mac as given" || fail "JSON client_mac: $json"
grep -q '"servers":1,' <<<"$json" && pass "JSON: servers 1" || fail "JSON servers: $json"
[ "$(grep -o '"type":"OFFER"' <<<"$json" | wc -l)" = 1 ] && pass "JSON: one offer" || fail "JSON offers: $json"
grep -q '"lease_time":3600' <<<"$json" && grep -q '"mask":"255.255.255.0"' <<<"$json" && grep -q '"routers":\["192.0.2.1"\]' <<<"$json" \
  && pass "JSON: lease, mask, routers typed" || fail "JSON fields: $json"
grep -q 'DHCPDISCOVER(br0) 02:00:5e:00:53:11' "$dir/a.log" && pass "dnsmasq saw MAC 02:00:5e:00:53:11" || fail "dnsmasq did not see the given MAC"
nothing_left "probe -j --mac"

# ---- --request: taken, then released ---------------------------------------------
mac=02:00:5e:00:53:22
run "$dir/p3.out" "$dir/p3.err" dhcp probe br0 --request --mac $mac
out=$(cat "$dir/p3.out")
[ "$status" = 0 ] && pass "--request: exit 0" || fail "--request: exit $status: $(cat "$dir/p3.err")"
grep -q '^exchange: ACK from server 192.0.2.1' <<<"$out" && pass "--request: ACK listed" || fail "--request: no ACK: $out"
grep -q '^released: yes' <<<"$out" && pass "--request: released" || fail "--request: not released: $out"
grep -q "DHCPACK(br0) 192.0.2.[0-9]* $mac" "$dir/a.log" && pass "dnsmasq acknowledged a lease to $mac" || fail "dnsmasq log has no DHCPACK for $mac"
released=0
for _ in $(seq 40); do
  if grep -q "DHCPRELEASE(br0) 192.0.2.[0-9]* $mac" "$dir/a.log" && ! grep -qi "$mac" "$dir/a.leases" 2>/dev/null; then
    released=1
    break
  fi
  sleep 0.05
done
[ "$released" = 1 ] && pass "dnsmasq logged DHCPRELEASE and the lease file has no line for $mac" \
  || fail "lease not released: $(grep -i "$mac" "$dir/a.log" "$dir/a.leases" | tr '\n' ' ')"
nothing_left "probe --request"

# ---- two servers ----------------------------------------------------------------
peer ip addr add 192.0.2.2/24 dev v1
start_dnsmasq b v1 192.0.2.200,192.0.2.250,255.255.255.0,2h peer
run "$dir/p4.out" "$dir/p4.err" dhcp probe br0
out=$(cat "$dir/p4.out")
[ "$status" = 0 ] && pass "two servers: exit 0" || fail "two servers: exit $status: $(cat "$dir/p4.err")"
grep -q '2 servers answered (more than one DHCP server on this link)' <<<"$out" && pass "two servers: said so" || fail "two servers not said: $out"
grep -q 'server 192.0.2.1 ' <<<"$out" && grep -q 'server 192.0.2.2 ' <<<"$out" && pass "two servers: both listed" || fail "both servers not listed: $out"
grep -q 'lease 7200s' <<<"$out" && pass "two servers: the second's own lease time" || fail "no 7200s lease: $out"
run "$dir/p5.out" "$dir/p5.err" -j dhcp probe br0
json=$(cat "$dir/p5.out")
[ "$(grep -o '"type":"OFFER"' <<<"$json" | wc -l)" = 2 ] && pass "JSON: two offers" || fail "JSON offers: $json"
grep -q '"servers":2,"multiple_servers":true' <<<"$json" && pass "JSON: servers 2, multiple_servers" || fail "JSON: $json"
nothing_left "two servers"

# ---- nothing serving --------------------------------------------------------------
stop_dnsmasq
run "$dir/p6.out" "$dir/p6.err" dhcp probe br0 -w 1
[ "$status" = 3 ] && pass "no server: exit 3" || fail "no server: exit $status: $(cat "$dir/p6.out" "$dir/p6.err")"
grep -q '0 servers answered' "$dir/p6.out" && pass "no server: said so" || fail "no server: $(cat "$dir/p6.out")"
[ -s "$dir/p6.err" ] && fail "no server: stderr: $(cat "$dir/p6.err")"
nothing_left "no server"

# ---- DHCPv6 on the bridge (-6) ------------------------------------------------------
# IPv6 on br0 only (shell_lab.sh turned it off by default; the probe's veth
# ends stay without it, so the probe itself must answer the server's
# neighbour solicitation for its link-local address).
echo 0 >/proc/sys/net/ipv6/conf/br0/accept_dad
echo 0 >/proc/sys/net/ipv6/conf/br0/disable_ipv6
ip addr add 2001:db8:1::1/64 dev br0 nodad
start_dnsmasq d br0 2001:db8:1::100,2001:db8:1::1ff,64,2h --dhcp-option=option6:dns-server,[2001:db8:1::53]
run "$dir/p8.out" "$dir/p8.err" dhcp probe br0 -6
out=$(cat "$dir/p8.out")
[ "$status" = 0 ] && pass "-6: exit 0" || fail "-6: exit $status: $(cat "$dir/p8.err") $out"
grep -q '^1: ADVERTISE from server 00:0[0-9a-f:]* mac .* ip fe80::' <<<"$out" && pass "-6: the ADVERTISE with a server DUID" || fail "-6: $out"
offered=$(sed -n 's/^ *address \(2001:db8:1::[0-9a-f]*\) .*/\1/p' <<<"$out" | head -1)
if [ -n "$offered" ] && [ $((16#${offered##*:})) -ge $((16#100)) ] && [ $((16#${offered##*:})) -le $((16#1ff)) ]; then
  pass "-6: offered $offered, in the range"
else
  fail "-6: offered '$offered': $out"
fi
for want in 'valid 7200s' 'dns 2001:db8:1::53' '1 server answered' 'SOLICIT(s) sent'; do
  grep -qF "$want" <<<"$out" && pass "-6: text shows '$want'" || fail "-6: text lacks '$want': $out"
done
grep -q 'DHCPSOLICIT(br0) 00:03:00:01:' "$dir/d.log" && grep -q 'DHCPADVERTISE(br0) 2001:db8:1::' "$dir/d.log" \
  && pass "-6: dnsmasq logged the SOLICIT (DUID-LL) and its ADVERTISE" || fail "-6: dnsmasq log: $(grep DHCP "$dir/d.log" | tail -3)"
run "$dir/p9.out" "$dir/p9.err" -j dhcp probe br0 -6 --mac 02:00:5e:00:53:66
json=$(cat "$dir/p9.out")
grep -q '"protocol":"dhcpv6"' <<<"$json" && grep -q '"servers":1,' <<<"$json" && grep -q '"valid_lifetime":7200' <<<"$json" \
  && pass "-6 -j: protocol, servers, valid_lifetime" || fail "-6 -j: $json $(cat "$dir/p9.err")"
grep -q 'DHCPSOLICIT(br0) 00:03:00:01:02:00:5e:00:53:66' "$dir/d.log" && pass "-6 --mac: the DUID-LL of the given MAC" \
  || fail "-6 --mac: $(grep SOLICIT "$dir/d.log" | tail -2)"
nothing_left "-6"

# -6 --request: SOLICIT, ADVERTISE, REQUEST, REPLY, then RELEASE, REPLY.
in_range6() {  # ADDRESS: inside dnsmasq d's range 2001:db8:1::100-1ff
  [[ $1 == 2001:db8:1::* ]] && [ -n "${1##*:}" ] && [ $((16#${1##*:})) -ge $((16#100)) ] && [ $((16#${1##*:})) -le $((16#1ff)) ]
}
mac6=02:00:5e:00:53:77
run "$dir/p11.out" "$dir/p11.err" dhcp probe br0 -6 --request --mac $mac6
out=$(cat "$dir/p11.out")
[ "$status" = 0 ] && pass "-6 --request: exit 0" || fail "-6 --request: exit $status: $(cat "$dir/p11.err") $out"
[ -s "$dir/p11.err" ] && fail "-6 --request: stderr: $(cat "$dir/p11.err")"
advertised_duid=$(sed -n 's/^1: ADVERTISE from server \([0-9a-f:]*\) mac .*/\1/p' <<<"$out")
grep -q "^exchange: REPLY from server $advertised_duid mac .* ip fe80::" <<<"$out" && [ -n "$advertised_duid" ] \
  && pass "-6 --request: the REPLY from the advertising server ($advertised_duid)" || fail "-6 --request: no REPLY: $out"
leased=$(sed -n '/^exchange: REPLY/{n;s/^ *address \(2001:db8:1::[0-9a-f]*\) .*/\1/p}' <<<"$out")
in_range6 "$leased" && pass "-6 --request: leased $leased, in the range" || fail "-6 --request: leased '$leased': $out"
sed -n '/^exchange: REPLY/{n;p}' <<<"$out" | grep -Eq "preferred [0-9]+s valid 7200s" \
  && pass "-6 --request: the lease's preferred and valid lifetimes" || fail "-6 --request: lifetimes: $out"
grep -q '^released: yes, REPLY Success .*, nothing stays leased$' <<<"$out" \
  && pass "-6 --request: released, the server's REPLY says Success" || fail "-6 --request: release: $out"
grep -q "DHCPREQUEST(br0) 00:03:00:01:$mac6" "$dir/d.log" && grep -q "DHCPREPLY(br0) $leased 00:03:00:01:$mac6" "$dir/d.log" \
  && pass "-6 --request: dnsmasq logged our REQUEST and its REPLY leasing $leased" \
  || fail "-6 --request: dnsmasq log: $(grep -E "DHCP(REQUEST|REPLY)" "$dir/d.log" | tail -4)"
released=0
for _ in $(seq 40); do
  if grep -q "DHCPRELEASE(br0) 00:03:00:01:$mac6" "$dir/d.log" && ! grep -qi "$leased" "$dir/d.leases" 2>/dev/null; then
    released=1
    break
  fi
  sleep 0.05
done
[ "$released" = 1 ] && pass "-6 --request: dnsmasq logged DHCPRELEASE and its lease file no longer holds $leased" \
  || fail "-6 --request: not released: $(grep -i -E "RELEASE|$leased" "$dir/d.log" "$dir/d.leases" | tr '\n' ' ')"
nothing_left "-6 --request"

# With IPv6 on for new interfaces (as on most hosts) the probe's port gets
# the kernel's own link-local address, the same EUI-64 as the probe's,
# tentative while DAD runs: the exchange must still complete.
echo 0 >/proc/sys/net/ipv6/conf/default/disable_ipv6
# (A watcher checks that the port really had that address.)
( for _ in $(seq 200); do
    p=$(ip -o link 2>/dev/null | sed -n 's/^[0-9]*: \(nlp[0-9]*p\)@.*/\1/p' | head -1)
    [ -n "$p" ] && ip -6 addr show dev "$p" 2>/dev/null | grep -q 'fe80::5eff:fe00:5379' && { echo yes >"$dir/p18.ll"; exit; }
    sleep 0.02
  done ) &
watcher=$!
run "$dir/p18.out" "$dir/p18.err" dhcp probe br0 -6 --request --mac 02:00:5e:00:53:79
wait "$watcher"
[ -s "$dir/p18.ll" ] && pass "-6 --request: the probe's port had the kernel's link-local fe80::5eff:fe00:5379" \
  || fail "-6 --request: no kernel link-local seen on the probe's port"
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
out=$(cat "$dir/p18.out")
leased=$(sed -n '/^exchange: REPLY/{n;s/^ *address \(2001:db8:1::[0-9a-f]*\) .*/\1/p}' <<<"$out")
[ "$status" = 0 ] && in_range6 "$leased" && grep -q '^released: yes, REPLY Success .*, nothing stays leased$' <<<"$out" \
  && pass "-6 --request with the kernel's IPv6 on the port: leased $leased and released" \
  || fail "-6 --request with the kernel's IPv6 on the port: exit $status: $(cat "$dir/p18.err") $out"
nothing_left "-6 --request with the kernel's IPv6 on the port"

# The same in JSON: the members a script reads.
run "$dir/p12.out" "$dir/p12.err" -j dhcp probe br0 -6 --request --mac 02:00:5e:00:53:78
[ "$status" = 0 ] && pass "-6 --request -j: exit 0" || fail "-6 --request -j: exit $status: $(cat "$dir/p12.err")"
if python3 - "$dir/p12.out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
r = j["reply"]
assert j["protocol"] == "dhcpv6" and j["request"] is True, j
assert r["type"] == "REPLY" and r["status"] is None, r
assert r["address"].startswith("2001:db8:1::"), r
assert 0x100 <= int(r["address"].rsplit(":", 1)[1], 16) <= 0x1ff, r
assert isinstance(r["preferred_lifetime"], int) and r["valid_lifetime"] == 7200, r
assert r["server_duid"] == j["offers"][0]["server_duid"] and len(r["server_duid"]) > 0, r
assert j["released"] is True, j
assert j["release_reply"]["status"] == "Success" and isinstance(j["release_reply"]["rtt_ms"], (int, float)), j
print(r["address"])
PY
then
  pass "-6 --request -j: reply (address, lifetimes, server_duid), released, release_reply.status Success"
else
  fail "-6 --request -j: $(cat "$dir/p12.out")"
fi
nothing_left "-6 --request -j"

# The server never answers our REQUEST (nft drops DHCPv6 message type 3 on
# its way in; -w 4 outlasts the 2 s the REQUEST is waited for), then never
# answers our RELEASE (type 8): each is sent again after a second, the
# output says which REPLY is missing, the probe sleeps while it waits, and
# it exits 0 as the DHCPv4 --request does (a server answered).
# The CPU a 4 s SOLICIT-only probe costs with this very binary (a sanitizer
# build costs several times a release one) is the yardstick for the
# no-busy-wait checks below.
TIMEFORMAT='%3U %3S'
{ time "$netlab_bin" dhcp probe br0 -6 -w 4 >/dev/null 2>&1; } 2>"$dir/p6base.time"
base_cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$dir/p6base.time")
command -v nft >/dev/null || fail "nft is not installed (scripts/setup.sh installs it)"
nft add table inet probe6
nft add chain inet probe6 in '{ type filter hook input priority 0; }'
nft add rule inet probe6 in udp dport 547 @th,64,8 3 counter drop
start_ns=$(date +%s%N)
TIMEFORMAT='%3U %3S'
{ time "$netlab_bin" dhcp probe br0 -6 --request -w 4 >"$dir/p16.out" 2>"$dir/p16.err"; } 2>"$dir/p16.time"
status=$?
out=$(cat "$dir/p16.out")
[ "$status" = 0 ] && grep -q '^exchange: no REPLY to our REQUEST$' <<<"$out" && ! grep -q '^released' <<<"$out" \
  && pass "-6 --request, REQUEST dropped: exit 0, no REPLY to our REQUEST, nothing released" \
  || fail "-6 --request, REQUEST dropped: exit $status: $(cat "$dir/p16.err") $out"
[ "$(nft list chain inet probe6 in | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')" = 2 ] \
  && pass "-6 --request, REQUEST dropped: the REQUEST was sent twice" || fail "REQUEST resends: $(nft list chain inet probe6 in)"
cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$dir/p16.time")
[ "$cpu" -lt $((2 * base_cpu + 200)) ] && pass "-6 --request, REQUEST dropped: ${cpu} ms of CPU over $((($(date +%s%N) - start_ns) / 1000000)) ms (no busy wait)" \
  || fail "-6 --request, REQUEST dropped: ${cpu} ms of CPU (a SOLICIT-only probe: ${base_cpu} ms)"
nft flush chain inet probe6 in
nft add rule inet probe6 in udp dport 547 @th,64,8 8 counter drop
run "$dir/p17.out" "$dir/p17.err" dhcp probe br0 -6 --request -w 1
out=$(cat "$dir/p17.out")
kept=$(sed -n '/^exchange: REPLY/{n;s/^ *address \(2001:db8:1::[0-9a-f]*\) .*/\1/p}' <<<"$out")
[ "$status" = 0 ] && grep -q '^released: yes, no REPLY to our RELEASE, the lease may stay until its valid lifetime ends$' <<<"$out" \
  && pass "-6 --request, RELEASE dropped: exit 0, says the lease may stay" || fail "-6 --request, RELEASE dropped: exit $status: $out"
[ "$(nft list chain inet probe6 in | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')" = 2 ] \
  && pass "-6 --request, RELEASE dropped: the RELEASE was sent twice" || fail "RELEASE resends: $(nft list chain inet probe6 in)"
[ -n "$kept" ] && grep -q "$kept" "$dir/d.leases" && pass "-6 --request, RELEASE dropped: dnsmasq still holds $kept, as said" \
  || fail "-6 --request, RELEASE dropped: lease '$kept' not in $(cat "$dir/d.leases")"
nft delete table inet probe6
nothing_left "-6 --request, REQUEST and RELEASE dropped"

# Static leases only: a stranger is told NoAddrsAvail and no REQUEST goes
# out; the MAC of a dhcp-host line gets its own address, then releases it.
stop_dnsmasq
start_dnsmasq s br0 2001:db8:1::,static,64,2h --dhcp-host=id:00:03:00:01:02:00:5e:00:53:99,[2001:db8:1::33]
run "$dir/p14.out" "$dir/p14.err" dhcp probe br0 -6 --request -w 1 --mac 02:00:5e:00:53:98
out=$(cat "$dir/p14.out")
[ "$status" = 0 ] && pass "-6 --request, static only, a stranger: exit 0 (a server answered)" \
  || fail "-6 --request, static only: exit $status: $(cat "$dir/p14.err") $out"
grep -q '^    address none .* status NoAddrsAvail' <<<"$out" && grep -q '^exchange: no REQUEST sent: no server offered an address$' <<<"$out" \
  && pass "-6 --request, static only: NoAddrsAvail shown, no REQUEST sent" || fail "-6 --request, static only: $out"
grep -q 'DHCPREQUEST' "$dir/s.log" && fail "-6 --request, static only: a REQUEST reached dnsmasq: $(grep DHCPREQUEST "$dir/s.log")"
grep -q '^released' <<<"$out" && fail "-6 --request, static only: said released: $out"
run "$dir/p15.out" "$dir/p15.err" dhcp probe br0 -6 --request -w 1 --mac 02:00:5e:00:53:99
out=$(cat "$dir/p15.out")
[ "$status" = 0 ] && sed -n '/^exchange: REPLY/{n;p}' <<<"$out" | grep -q '^    address 2001:db8:1::33 ' \
  && grep -q '^released: yes, REPLY Success' <<<"$out" \
  && pass "-6 --request, static only, the host's MAC: 2001:db8:1::33 leased and released" \
  || fail "-6 --request, static only, the host's MAC: exit $status: $out"
grep -q 'DHCPREPLY(br0) 2001:db8:1::33 00:03:00:01:02:00:5e:00:53:99' "$dir/s.log" \
  && grep -q 'DHCPRELEASE(br0) 00:03:00:01:02:00:5e:00:53:99' "$dir/s.log" \
  && pass "-6 --request, static only: dnsmasq logged the REPLY for ::33 and the RELEASE" \
  || fail "-6 --request, static only: dnsmasq log: $(grep -E 'DHCP(REQUEST|REPLY|RELEASE)' "$dir/s.log" | tail -3)"
nothing_left "-6 --request, static only"

stop_dnsmasq
run "$dir/p10.out" "$dir/p10.err" dhcp probe br0 -6 -w 1
[ "$status" = 3 ] && pass "-6, no server: exit 3" || fail "-6, no server: exit $status"
nothing_left "-6, no server"
run "$dir/p13.out" "$dir/p13.err" dhcp probe br0 -6 --request -w 1
[ "$status" = 3 ] && pass "-6 --request, no server: exit 3" || fail "-6 --request, no server: exit $status: $(cat "$dir/p13.err")"
grep -q '0 servers answered' "$dir/p13.out" && ! grep -q '^exchange' "$dir/p13.out" \
  && pass "-6 --request, no server: said so, no exchange" || fail "-6 --request, no server: $(cat "$dir/p13.out")"
nothing_left "-6 --request, no server"

# ---- a veth whose peer namespace serves (no bridge) -----------------------------------
ip link add v2 type veth peer name v3
ip link set v3 netns "$peer_pid"
ip link set v2 up
peer ip addr add 203.0.113.1/24 dev v3
peer ip link set v3 up
before=$(links)
start_dnsmasq c v3 203.0.113.100,203.0.113.150,255.255.255.0,1h peer
run "$dir/p7.out" "$dir/p7.err" dhcp probe v2 --request
out=$(cat "$dir/p7.out")
[ "$status" = 0 ] && pass "probe v2: exit 0" || fail "probe v2: exit $status: $(cat "$dir/p7.err")"
grep -q 'via itself' <<<"$out" && pass "probe v2: talks on v2 itself" || fail "probe v2: $out"
offered=$(sed -n 's/^ *address \([0-9.]*\) .*/\1/p' <<<"$out" | head -1)
if [[ $offered == 203.0.113.* ]] && in_range "$offered" 100 150; then pass "v2: offered $offered by the peer"; else fail "v2: offered '$offered': $out"; fi
grep -q 'OFFER from server 203.0.113.1 ' <<<"$out" && grep -q '^released: yes' <<<"$out" && pass "v2: offer and release" || fail "v2: $out"
nothing_left "probe v2"
stop_dnsmasq

# ---- signals while waiting: the pair goes --------------------------------------------
for sig in INT TERM; do
  "$netlab_bin" dhcp probe br0 -w 20 >"$dir/sig.out" 2>"$dir/sig.err" &
  pid=$!
  seen=0
  for _ in $(seq 100); do
    if ip -o link 2>/dev/null | grep -q nlp; then seen=1; break; fi
    sleep 0.02
  done
  sleep 0.2
  kill -"$sig" "$pid"
  wait "$pid"
  status=$?
  [ "$seen" = 1 ] && pass "SIG$sig: the probe port was there" || fail "SIG$sig: no probe port seen"
  [ "$status" = 3 ] && pass "SIG$sig: exit 3 (nothing answered)" || fail "SIG$sig: exit $status: $(cat "$dir/sig.err")"
  grep -q 'interrupted' "$dir/sig.out" && pass "SIG$sig: says interrupted" || fail "SIG$sig: $(cat "$dir/sig.out")"
  nothing_left "SIG$sig"
done

# ---- bad input ------------------------------------------------------------------------
check_bad() {  # STATUS NEEDLE WHAT ARGS...
  local want=$1 needle=$2 what=$3
  shift 3
  run "$dir/bad.out" "$dir/bad.err" "$@"
  local lines
  lines=$(wc -l <"$dir/bad.err")
  if [ "$status" = "$want" ] && [ "$lines" = 1 ] && grep -q -- "$needle" "$dir/bad.err"; then
    pass "$what: exit $want, one line: '$(cat "$dir/bad.err")'"
  else
    fail "$what: exit $status, stderr ($lines lines): $(cat "$dir/bad.err")"
  fi
  [ -s "$dir/bad.out" ] && fail "$what: printed on stdout: $(cat "$dir/bad.out")"
  nothing_left "$what"
}
check_bad 1 'nosuch0' "missing interface" dhcp probe nosuch0
check_bad 2 'command is required: probe' "bare dhcp" dhcp
check_bad 2 'did you mean "probe"' "misspelt command" dhcp prob br0
check_bad 2 'iface is required' "no interface" dhcp probe
check_bad 2 '02:00:zz' "malformed MAC" dhcp probe br0 --mac 02:00:zz:00:00:01
check_bad 2 'ff:ff:ff:ff:ff:ff' "broadcast MAC" dhcp probe br0 --mac ff:ff:ff:ff:ff:ff
check_bad 2 '-w' "-w 0" dhcp probe br0 -w 0
check_bad 2 '-w' "-w 61" dhcp probe br0 -w 61
check_bad 2 '-w' "-w 0.05" dhcp probe br0 -w 0.05
check_bad 2 '-w' "-w x" dhcp probe br0 -w x
check_bad 2 '-w' "-w 0 on a missing interface: usage first" dhcp probe nosuch0 -w 0
# A bridge whose only port is down has no carrier (one that never had a
# port keeps it: that is a lab still being built, and is probed).
ip link add br1 type bridge
ip link add v4 type veth peer name v5
ip link set v4 master br1
ip link set br1 up
before=$(links)
check_bad 1 'br1.*no carrier' "bridge without carrier" dhcp probe br1
# A bridge with STP on: the new port listens and learns for twice the
# forward delay, longer than -w 1; the probe fails after creating its veth
# pair, which must still be removed.
# (The kernel's shortest forward delay with STP is 2 s: the lab's own port
# forwards after 4 s, then the bridge has carrier.)
ip link add br2 type bridge stp_state 1 forward_delay 200
ip link add v6 type veth peer name v7
ip link set v6 master br2
ip link set v6 up
ip link set v7 up
ip link set br2 up
for _ in $(seq 120); do
  ip -d link show v6 | grep -q 'state forwarding' && break
  sleep 0.05
done
ip -d link show v6 | grep -q 'state forwarding' || fail "br2's port v6 never forwarded"
before=$(links)
check_bad 1 'did not start forwarding.*STP is on' "STP bridge: the port does not forward in time" dhcp probe br2 -w 1
# SIGINT while the probe waits for its port to forward: it stops at once.
"$netlab_bin" dhcp probe br2 -w 20 >"$dir/stp.out" 2>"$dir/stp.err" &
pid=$!
for _ in $(seq 100); do ip -o link 2>/dev/null | grep -q nlp && break; sleep 0.02; done
start=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$status" = 3 ] && grep -q interrupted "$dir/stp.out" && pass "SIGINT while the port listens: exit 3, interrupted" \
  || fail "SIGINT while the port listens: exit $status: $(cat "$dir/stp.out" "$dir/stp.err")"
[ "$ms" -lt 2000 ] && pass "SIGINT while the port listens: stopped in ${ms} ms" || fail "SIGINT while the port listens: took ${ms} ms"
nothing_left "SIGINT while the port listens"
ip link set br0 down
check_bad 1 'br0.*is down' "bridge down" dhcp probe br0

finish
