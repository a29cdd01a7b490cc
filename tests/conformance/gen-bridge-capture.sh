#!/bin/sh
# gen-bridge-capture.sh OUT.pcap: what a real Linux bridge sends, captured
# once and committed (tests/data/generated/bridge-stp-igmp.pcap): a bridge
# with stp_state 1 sends 802.1D configuration BPDUs (and, once its port
# forwards, topology changes), its IGMP querier (mcast_querier 1, version 3)
# sends queries, and the port's peer joins a group (an IGMPv3 report).
# Runs in a private network namespace of its own, never the host's; needs
# root, ip(8) and tcpdump (the capture only; netlab is compared with it in
# tests/conformance/TESTLIST).
set -eu
out=$1
ns=netlab-l2cap-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link add br0 type bridge stp_state 1 hello_time 100 forward_delay 400 \
    mcast_snooping 1 mcast_querier 1 mcast_igmp_version 3 mcast_query_interval 200 mcast_startup_query_interval 100
ip -n "$ns" link add v0 type veth peer name v1
ip -n "$ns" link set v0 master br0
ip -n "$ns" link set v1 up
ip -n "$ns" link set v0 up
ip netns exec "$ns" tcpdump -i v1 -s 0 -U -w "$out" 2>/dev/null &
cap=$!
sleep 1
ip -n "$ns" link set br0 up
ip -n "$ns" addr add 192.0.2.2/24 dev v1
sleep 3
ip -n "$ns" addr add 239.1.2.3/32 dev v1 autojoin
sleep 9
kill "$cap"
wait "$cap" || true
