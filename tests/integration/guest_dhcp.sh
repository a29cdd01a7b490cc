#!/usr/bin/env bash
# `netlab guest ... dhcp` and `... dhcp-server POOL` against real parts
# (issue 15 §4):
#   - the guest's DHCP client takes a lease from dnsmasq through a bridge and
#     a TAP (dnsmasq's lease file holds its MAC), answers the host's ping on
#     the leased address, pings off its subnet through the lease's router,
#     and on SIGINT releases the lease (the lease file drops its MAC);
#   - busybox udhcpc, in another namespace behind a veth on a bridge, takes a
#     lease from the guest's server, inside the pool; the guest's client
#     takes one too, renews it at T1 and releases it at the end;
#   - the misbehaviours: dhcp-ignore-offers (DISCOVERs repeat, dnsmasq never
#     sees a REQUEST, no lease), dhcp-no-release (the lease stays in
#     dnsmasq's file), dhcp-bad-checksum (tcpdump -vv shows "bad udp cksum"
#     on the OFFER and udhcpc gets no lease);
#   - bad input: exit 2, one line, refused before the interface is looked up,
#     nothing left behind.
#
#   guest_dhcp.sh NETLAB_BINARY
#
# Runs as root in private network and mount namespaces (shell_lab.sh);
# dnsmasq, tcpdump and every guest are stopped by their pids; lease, pid,
# log and capture files live in the test's temp dir.
set -uo pipefail

netlab_bin=${1:?usage: guest_dhcp.sh NETLAB_BINARY}
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

for tool in dnsmasq busybox tcpdump; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh installs it)"; finish; }
done

start_peer
# br0 (192.0.2.1/24): dnsmasq's link, tap0 the client guest's port.
# br1 (no address): the netlab server guest on tap1, other guests on tap2,
# and v0, whose peer v1 (in the peer namespace) is udhcpc's interface.
ip addr flush dev v0
peer ip addr flush dev v1
ip link add br0 type bridge
ip addr add 192.0.2.1/24 dev br0
ip link add br1 type bridge
for t in tap0 tap1 tap2; do ip tuntap add "$t" mode tap; done
ip link set tap0 master br0
ip link set tap1 master br1
ip link set tap2 master br1
ip link set v0 master br1
for l in br0 br1 tap0 tap1 tap2; do ip link set "$l" up; done
# An address off the guest's subnet, reached through the lease's router.
ip addr add 203.0.113.1/32 dev lo

pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  pids=()
  if [ -s "$dir/dnsmasq.pid" ]; then
    p=$(cat "$dir/dnsmasq.pid")
    kill "$p" 2>/dev/null && while kill -0 "$p" 2>/dev/null; do sleep 0.02; done
  fi
}
trap 'stop_all; lab_cleanup' EXIT

dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
  --interface=br0 --bind-interfaces --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,2m \
  --dhcp-option=option:router,192.0.2.1 --dhcp-option=option:dns-server,192.0.2.53 \
  --dhcp-leasefile="$dir/dnsmasq.leases" --pid-file="$dir/dnsmasq.pid" --log-facility="$dir/dnsmasq.log" --log-dhcp &
pids+=($!)
for _ in $(seq 100); do grep -qs 'IP range' "$dir/dnsmasq.log" && break; sleep 0.05; done
grep -qs 'IP range' "$dir/dnsmasq.log" || { fail "dnsmasq did not start: $(cat "$dir/dnsmasq.log" 2>/dev/null)"; finish; }

# wait_for FILE PATTERN [TENTHS]: until FILE has a line matching PATTERN.
wait_for() {
  local i
  for i in $(seq "${3:-100}"); do grep -qs -- "$2" "$1" && return 0; sleep 0.1; done
  return 1
}
# lease_line_addr FILE: the address of the first "dhcp lease A/LEN ..." line.
lease_line_addr() { sed -n 's/^dhcp lease \([0-9.]*\)\/.*/\1/p' "$1" | head -1; }
in_range() {  # ADDRESS FIRST LAST (last octets, 192.0.2.0/24)
  local last=${1##*.}
  [[ $1 == 192.0.2.* ]] && [ "$last" -ge "$2" ] && [ "$last" -le "$3" ]
}

links() { ip -o link 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }

# ---- the client against dnsmasq, released on SIGINT ---------------------------
mac=02:00:5e:00:53:31
"$netlab_bin" guest tap0 dhcp mac $mac no-ipv6 quiet >"$dir/c1.out" 2>"$dir/c1.err" &
c1=$!
pids+=($c1)
if wait_for "$dir/c1.out" '^dhcp lease ' 100; then pass "client: a lease line"; else fail "client: no lease: $(cat "$dir/c1.out" "$dir/c1.err")"; fi
line=$(grep '^dhcp lease ' "$dir/c1.out" | head -1)
addr=$(lease_line_addr "$dir/c1.out")
if [ -n "$addr" ] && in_range "$addr" 100 150; then pass "client: leased $addr, in dnsmasq's range"; else fail "client: address '$addr': $line"; fi
[[ $line == "dhcp lease $addr/24 server 192.0.2.1 router 192.0.2.1 dns 192.0.2.53 lease 120s" ]] \
  && pass "client: the lease line names prefix, server, router, dns and time" || fail "client: lease line: $line"
grep -q "$mac" "$dir/dnsmasq.leases" && pass "dnsmasq's lease file holds $mac" || fail "lease file lacks $mac: $(cat "$dir/dnsmasq.leases")"
grep -q "DHCPACK(br0) $addr $mac" "$dir/dnsmasq.log" && pass "dnsmasq logged DHCPACK $addr $mac" || fail "no DHCPACK in dnsmasq's log"
# The leased address is the guest's: the host's ping is answered.
if ping -c 2 -W 1 -i 0.3 "$addr" >"$dir/ping.out" 2>&1; then pass "the host pings the guest at $addr"; else fail "host ping $addr: $(cat "$dir/ping.out")"; fi
kill -INT "$c1"
wait "$c1"
st=$?
[ "$st" = 0 ] && pass "client: SIGINT ends it with 0" || fail "client: exit $st after SIGINT: $(cat "$dir/c1.err")"
grep -q "^dhcp released $addr to 192.0.2.1$" "$dir/c1.out" && pass "client: released line" || fail "client: no released line: $(cat "$dir/c1.out")"
released=0
for _ in $(seq 40); do
  grep -q "DHCPRELEASE(br0) $addr $mac" "$dir/dnsmasq.log" && ! grep -q "$mac" "$dir/dnsmasq.leases" && { released=1; break; }
  sleep 0.05
done
[ "$released" = 1 ] && pass "dnsmasq logged DHCPRELEASE and its lease file no longer holds $mac" \
  || fail "not released: $(grep "$mac" "$dir/dnsmasq.log" "$dir/dnsmasq.leases" | tr '\n' ' ')"

# The lease's router carries the guest's ping off its subnet.
"$netlab_bin" guest tap0 dhcp mac 02:00:5e:00:53:32 no-ipv6 quiet ping 203.0.113.1 count 2 interval 0.3 \
  >"$dir/c2.out" 2>"$dir/c2.err"
st=$?
[ "$st" = 0 ] && grep -q '2 packets transmitted, 2 received' "$dir/c2.out" \
  && pass "client: ping 203.0.113.1 through the leased router: 2 received" \
  || fail "client ping: exit $st: $(cat "$dir/c2.out" "$dir/c2.err")"
grep -q '^dhcp released' "$dir/c2.out" && pass "client: the ping run released its lease too" || fail "ping run: no release: $(cat "$dir/c2.out")"

# ---- misbehaviours against dnsmasq ---------------------------------------------
mac=02:00:5e:00:53:33
# dnsmasq pings an address for about 3 s before it offers it: 10 s leave
# room for the OFFER to reach the guest on a loaded machine (4 s did not).
"$netlab_bin" guest tap0 dhcp dhcp-ignore-offers mac $mac no-ipv6 quiet duration 10 >"$dir/c3.out" 2>"$dir/c3.err"
st=$?
[ "$st" = 0 ] || fail "dhcp-ignore-offers: exit $st: $(cat "$dir/c3.err")"
n=$(grep -c "DHCPDISCOVER(br0) $mac" "$dir/dnsmasq.log")
[ "$n" -ge 2 ] && pass "dhcp-ignore-offers: dnsmasq saw $n DISCOVERs (sent again with backoff)" || fail "dhcp-ignore-offers: $n DISCOVERs"
grep -q "DHCPOFFER(br0) [0-9.]* $mac" "$dir/dnsmasq.log" && pass "dhcp-ignore-offers: dnsmasq offered" || fail "dhcp-ignore-offers: no OFFER logged"
grep -q "DHCPREQUEST(br0) [0-9.]* $mac" "$dir/dnsmasq.log" && fail "dhcp-ignore-offers: a REQUEST reached dnsmasq"
grep -q "$mac" "$dir/dnsmasq.leases" && fail "dhcp-ignore-offers: a lease was taken" || pass "dhcp-ignore-offers: no REQUEST, no lease"
grep -q '^dhcp lease' "$dir/c3.out" && fail "dhcp-ignore-offers: a lease line: $(cat "$dir/c3.out")"
grep -q 'ignoring OFFERs (dhcp-ignore-offers)' "$dir/c3.err" && pass "dhcp-ignore-offers: says so once" || fail "dhcp-ignore-offers: stderr: $(cat "$dir/c3.err")"

# (dnsmasq pings an address for about 3 s before it offers it.)
mac=02:00:5e:00:53:34
"$netlab_bin" guest tap0 dhcp dhcp-no-release mac $mac no-ipv6 quiet >"$dir/c4.out" 2>"$dir/c4.err" &
c4=$!
pids+=($c4)
wait_for "$dir/c4.out" '^dhcp lease ' 100 || fail "dhcp-no-release: no lease: $(cat "$dir/c4.out" "$dir/c4.err")"
kill -TERM "$c4"
wait "$c4"
st=$?
[ "$st" = 0 ] || fail "dhcp-no-release: exit $st after SIGTERM: $(cat "$dir/c4.err")"
sleep 0.5
grep -q "$mac" "$dir/dnsmasq.leases" && ! grep -q "DHCPRELEASE(br0) [0-9.]* $mac" "$dir/dnsmasq.log" \
  && pass "dhcp-no-release: the lease stays in dnsmasq's file, no RELEASE" || fail "dhcp-no-release: lease gone"
grep -q 'left taken (dhcp-no-release)' "$dir/c4.err" && pass "dhcp-no-release: says so" || fail "dhcp-no-release: stderr: $(cat "$dir/c4.err")"

# ---- the netlab server: udhcpc and the netlab client --------------------------
printf '#!/bin/sh\nexit 0\n' >"$dir/udhcpc.script"
chmod 755 "$dir/udhcpc.script"
v1mac=$(peer ip -o link show v1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
"$netlab_bin" guest tap1 ip 192.0.2.2/24 no-ipv6 quiet dhcp-server 192.0.2.200-192.0.2.210 lease 4 router 192.0.2.2 \
  dns 192.0.2.53 >"$dir/s1.out" 2>"$dir/s1.err" &
s1=$!
pids+=($s1)
wait_for "$dir/s1.out" '^dhcp-server serving 192.0.2.200-192.0.2.210 on tap1 as 192.0.2.2 lease 4s' 50 \
  && pass "server: serving line" || fail "server did not start: $(cat "$dir/s1.out" "$dir/s1.err")"
if peer busybox udhcpc -i v1 -f -q -n -t 4 -T 1 -s "$dir/udhcpc.script" >"$dir/u1.out" 2>&1; then
  pass "udhcpc: exit 0"
else
  fail "udhcpc got no lease: $(cat "$dir/u1.out")"
fi
uaddr=$(sed -n 's/.*lease of \([0-9.]*\) obtained from 192.0.2.2.*/\1/p' "$dir/u1.out" | head -1)
if [ -n "$uaddr" ] && in_range "$uaddr" 200 210; then pass "udhcpc: leased $uaddr from 192.0.2.2, inside the pool"; else fail "udhcpc: '$uaddr': $(cat "$dir/u1.out")"; fi
wait_for "$dir/s1.out" "^dhcp-server lease $uaddr to $v1mac for 4s$" 20 && pass "server: one lease line for udhcpc's MAC" \
  || fail "server lease line: $(cat "$dir/s1.out")"

mac=02:00:5e:00:53:35
"$netlab_bin" guest tap2 dhcp mac $mac no-ipv6 quiet duration 3.5 >"$dir/c5.out" 2>"$dir/c5.err"
st=$?
[ "$st" = 0 ] || fail "client of netlab's server: exit $st: $(cat "$dir/c5.err")"
caddr=$(lease_line_addr "$dir/c5.out")
if [ -n "$caddr" ] && in_range "$caddr" 200 210 && [ "$caddr" != "$uaddr" ]; then
  pass "client: leased $caddr from netlab's server, not udhcpc's $uaddr"
else
  fail "client of netlab's server: '$caddr': $(cat "$dir/c5.out" "$dir/c5.err")"
fi
grep -q "^dhcp lease $caddr/24 server 192.0.2.2 router 192.0.2.2 dns 192.0.2.53 lease 4s$" "$dir/c5.out" \
  && pass "client: lease line from netlab's server" || fail "client lease line: $(cat "$dir/c5.out")"
grep -q "^dhcp renewed $caddr/24 server 192.0.2.2 " "$dir/c5.out" && pass "client: renewed at T1 (2 s)" || fail "client: no renewal: $(cat "$dir/c5.out")"
wait_for "$dir/s1.out" "^dhcp-server released $caddr by $mac$" 20 && pass "server: the client's RELEASE honoured" \
  || fail "server: no release line: $(cat "$dir/s1.out")"
[ "$(grep -c "^dhcp-server lease $caddr to $mac" "$dir/s1.out")" -ge 2 ] && pass "server: the renewal ACKed" \
  || fail "server: renewal not ACKed: $(cat "$dir/s1.out")"
kill -INT "$s1"
wait "$s1"
st=$?
[ "$st" = 0 ] && pass "server: SIGINT ends it with 0" || fail "server: exit $st: $(cat "$dir/s1.err")"

# A NAK: the server restarts with another pool (its leases were in memory);
# the client's renewal of its old address is NAKed, and it starts over.
smac=02:00:5e:00:53:02
mac=02:00:5e:00:53:36
"$netlab_bin" guest tap1 ip 192.0.2.2/24 mac $smac no-ipv6 quiet dhcp-server 192.0.2.200-192.0.2.201 lease 4 \
  >"$dir/s2.out" 2>"$dir/s2.err" &
s2=$!
pids+=($s2)
wait_for "$dir/s2.out" '^dhcp-server serving' 50 || fail "server 2 did not start: $(cat "$dir/s2.err")"
"$netlab_bin" guest tap2 dhcp mac $mac no-ipv6 quiet duration 9 >"$dir/c6.out" 2>"$dir/c6.err" &
c6=$!
pids+=($c6)
wait_for "$dir/c6.out" '^dhcp lease 192.0.2.20[01]/24' 50 || fail "NAK lab: no first lease: $(cat "$dir/c6.out" "$dir/c6.err")"
old=$(lease_line_addr "$dir/c6.out")
kill -INT "$s2"
wait "$s2"
"$netlab_bin" guest tap1 ip 192.0.2.2/24 mac $smac no-ipv6 quiet dhcp-server 192.0.2.220-192.0.2.221 lease 4 \
  >"$dir/s2b.out" 2>"$dir/s2b.err" &
s2b=$!
pids+=($s2b)
wait "$c6"
grep -q "^dhcp-server nak $old to $mac: address not in the pool$" "$dir/s2b.out" \
  && pass "server: the renewal of $old (not in its pool) NAKed" || fail "server: no NAK: $(cat "$dir/s2b.out" "$dir/s2b.err")"
grep -q "dhcp: $old NAKed by 192.0.2.2: address not in the pool; starting over" "$dir/c6.err" \
  && pass "client: the NAK reported, starting over" || fail "client: NAK not reported: $(cat "$dir/c6.err")"
grep -q '^dhcp lease 192.0.2.22[01]/24 server 192.0.2.2' "$dir/c6.out" \
  && pass "client: a new lease from the new pool after the NAK" || fail "client: no lease after NAK: $(cat "$dir/c6.out")"
kill -INT "$s2b"
wait "$s2b"

# ---- dhcp-bad-checksum: tcpdump sees it, udhcpc drops it -------------------------
# (tcpdump checks an IPv4 UDP checksum at -vv.)
tcpdump -i br1 -n -U -w "$dir/bad.pcap" udp port 67 or udp port 68 2>"$dir/tcpdump.err" &
td=$!
pids+=($td)
wait_listening "$dir/tcpdump.err" || fail "tcpdump did not start: $(cat "$dir/tcpdump.err")"
"$netlab_bin" guest tap1 ip 192.0.2.2/24 no-ipv6 quiet dhcp-server 192.0.2.200-192.0.2.210 dhcp-bad-checksum \
  >"$dir/s3.out" 2>"$dir/s3.err" &
s3=$!
pids+=($s3)
wait_for "$dir/s3.out" '^dhcp-server serving' 50 || fail "bad-checksum server did not start: $(cat "$dir/s3.err")"
if peer busybox udhcpc -i v1 -f -q -n -t 3 -T 1 -s "$dir/udhcpc.script" >"$dir/u3.out" 2>&1; then
  fail "dhcp-bad-checksum: udhcpc took a lease: $(cat "$dir/u3.out")"
else
  pass "dhcp-bad-checksum: udhcpc got no lease (it drops the OFFERs)"
fi
kill -INT "$s3"
wait "$s3"
sleep 0.3
kill -INT "$td"
wait "$td"
offers=$(tcpdump -n -vv -r "$dir/bad.pcap" 2>/dev/null | grep '192.0.2.2.67 >' | grep -c 'bad udp cksum')
[ "$offers" -ge 1 ] && pass "dhcp-bad-checksum: tcpdump -vv shows bad udp cksum on $offers server answers" \
  || fail "dhcp-bad-checksum: tcpdump: $(tcpdump -n -vv -r "$dir/bad.pcap" 2>&1 | head -20)"
tcpdump -n -v -r "$dir/bad.pcap" 2>/dev/null | grep -q 'DHCP-Message (53), length 1: Offer' \
  && pass "dhcp-bad-checksum: the OFFERs were sent" || fail "dhcp-bad-checksum: no OFFER captured"

# ---- bad input: exit 2, one line, before the interface is looked up -------------
before=$(links)
bad() {  # EXPECTED-TEXT ARGS...
  local want=$1
  shift
  "$netlab_bin" guest "$@" >"$dir/bad.out" 2>"$dir/bad.err"
  local st=$? lines
  lines=$(wc -l <"$dir/bad.err")
  if [ "$st" = 2 ] && [ "$lines" = 1 ] && grep -qF -- "$want" "$dir/bad.err" && [ ! -s "$dir/bad.out" ]; then
    pass "bad input '$*': exit 2, one line"
  else
    fail "bad input '$*': exit $st, $lines lines: $(cat "$dir/bad.err")"
  fi
}
bad "is not inside the guest's subnet 192.0.2.0/24" nosuch0 ip 192.0.2.2/24 dhcp-server 198.51.100.10-198.51.100.20
bad "is reversed" nosuch0 ip 192.0.2.2/24 dhcp-server 192.0.2.150-192.0.2.100
bad "lease" nosuch0 ip 192.0.2.2/24 dhcp-server 192.0.2.100-192.0.2.150 lease 0
bad "lease" nosuch0 ip 192.0.2.2/24 dhcp-server 192.0.2.100-192.0.2.150 lease 31536001
bad "holds the guest's own address" nosuch0 ip 192.0.2.120/24 dhcp-server 192.0.2.100-192.0.2.150
bad "network or broadcast" nosuch0 ip 192.0.2.2/24 dhcp-server 192.0.2.100-192.0.2.255
bad "needs a range FIRST-LAST" nosuch0 ip 192.0.2.2/24 dhcp-server 192.0.2.100
bad "needs the guest's own IPv4 address" nosuch0 ip6 auto dhcp-server 192.0.2.100-192.0.2.150
bad "cannot go with ip" nosuch0 dhcp ip 192.0.2.2/24
bad "cannot go with dhcp" nosuch0 dhcp gateway 192.0.2.1
bad "goes with dhcp-server" nosuch0 ip 192.0.2.2/24 lease 60
bad "goes with dhcp" nosuch0 ip 192.0.2.2/24 dhcp-no-release
bad "is not a unicast IPv4 address" nosuch0 ip 192.0.2.2/24 dhcp-server 192.0.2.100-192.0.2.150 router 224.0.0.1
bad "dhcp" nosuch0 dhcp dhcp
now=$(links)
[ "$now" = "$before" ] && pass "bad input: no link left behind" || fail "bad input: links differ: $(diff <(echo "$before") <(echo "$now") | tr '\n' ' ')"

stop_all
finish
