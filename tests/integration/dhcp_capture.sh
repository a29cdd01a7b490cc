#!/usr/bin/env bash
# A real DHCP exchange, printed by netlab as tcpdump 4.99.3 prints it:
# dnsmasq serves 192.0.2.0/24 on v0 here, busybox udhcpc asks for a lease on
# v1 in the peer namespace (DISCOVER, OFFER, REQUEST, ACK),
# `netlab capture -w` records it, and `netlab capture -r` must print the
# file byte for byte as `tcpdump -r` does at -n, -v, -vv and -vvv; -j must
# give one bootp layer per packet.
#
#   dhcp_capture.sh NETLAB_BINARY
#
# Runs as root, in private network and mount namespaces (shell_lab.sh);
# dnsmasq is stopped by its pid, its lease and pid files live in the
# test's temp dir.
set -uo pipefail

netlab_bin=${1:?usage: dhcp_capture.sh NETLAB_BINARY}
lab_script=$0
lab_args=("$@")
# shellcheck source=shell_lab.sh
. "$(dirname "$0")/shell_lab.sh"

for tool in dnsmasq busybox tcpdump; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh installs it)"; finish; }
done

start_peer
# Documentation addresses (RFC 5737); the client side starts with none.
ip addr flush dev v0
ip addr add 192.0.2.1/24 dev v0
peer ip addr flush dev v1

dnsmasq_pid=
stop_dnsmasq() {
  if [ -n "$dnsmasq_pid" ]; then
    kill "$dnsmasq_pid" 2>/dev/null
    wait "$dnsmasq_pid" 2>/dev/null
    dnsmasq_pid=
  fi
}
trap 'stop_dnsmasq; lab_cleanup' EXIT

file=$dir/dhcp.pcap
"$netlab_bin" capture -i v0 -w "$file" udp port 67 or udp port 68 2>"$dir/capture.err" &
capture_pid=$!
wait_listening "$dir/capture.err" || fail "the capture did not start: $(cat "$dir/capture.err")"

dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
  --interface=v0 --bind-interfaces --dhcp-range=192.0.2.50,192.0.2.99,255.255.255.0,1h \
  --dhcp-option=option:router,192.0.2.1 --dhcp-option=option:dns-server,192.0.2.2 \
  --domain=example.net --dhcp-leasefile="$dir/leases" --pid-file="$dir/dnsmasq.pid" \
  --log-facility="$dir/dnsmasq.log" --log-dhcp &
dnsmasq_pid=$!

# The client script does nothing: the lease is not applied, only asked for
# (-q: quit once bound).
printf '#!/bin/sh\nexit 0\n' >"$dir/udhcpc.script"
chmod 755 "$dir/udhcpc.script"
lease_ok=0
for _ in $(seq 20); do
  if peer busybox udhcpc -i v1 -f -q -n -t 3 -T 1 -x hostname:guest1 -s "$dir/udhcpc.script" \
    >"$dir/udhcpc.out" 2>&1; then
    lease_ok=1
    break
  fi
  sleep 0.2
done
if [ "$lease_ok" = 1 ]; then pass "udhcpc got a lease from dnsmasq"; else fail "udhcpc got no lease: $(cat "$dir/udhcpc.out")"; fi
# Past the capture's 1 s read timeout, so the kernel has handed over the
# last block (a signal ends the capture as tcpdump's does).
sleep 1.5
kill -INT "$capture_pid"
wait "$capture_pid"
stop_dnsmasq

export TZ=GMT0 LC_ALL=C
n=$(tcpdump -n -r "$file" 2>/dev/null | wc -l)
if [ "$n" -ge 4 ]; then pass "$n DHCP packets captured"; else fail "only $n packets captured"; fi
for args in "" -v -vv -vvv "-e -v" -x; do
  # shellcheck disable=SC2086 # args are words
  tcpdump -# -n -r "$file" $args >"$dir/tcpdump.out" 2>/dev/null
  # shellcheck disable=SC2086
  "$netlab_bin" capture -# -n -r "$file" $args >"$dir/netlab.out" 2>/dev/null
  if cmp -s "$dir/tcpdump.out" "$dir/netlab.out"; then
    pass "capture -r ${args:-(no options)}: identical to tcpdump"
  else
    fail "capture -r ${args:-(no options)} differs from tcpdump: $(diff "$dir/netlab.out" "$dir/tcpdump.out" | head -10)"
  fi
done
# (No RELEASE: the client never applies its address, so it cannot send one.)
for word in Discover Offer Request ACK; do
  if tcpdump -n -v -r "$file" 2>/dev/null | grep -q "DHCP-Message (53), length 1: $word"; then
    pass "the exchange holds a $word"
  else
    fail "no $word in the capture"
  fi
done
layers=$("$netlab_bin" capture -n -j -r "$file" 2>/dev/null | grep -c '"layer":"bootp"')
if [ "$layers" = "$n" ]; then pass "-j: a bootp layer in each of the $n packets"; else fail "-j: $layers bootp layers for $n packets"; fi

finish
