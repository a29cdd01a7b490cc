#!/usr/bin/env bash
# Time to verdict of `netlab arp diagnose` on the shared reproductions
# (../shared/scenarios, each builds its lab in private namespaces and runs
# our command inside with --hold), broken and fixed, default duration.
# Prints one row per run: scenario, variant, verdict line, exit, seconds; then
# the median of the broken (fault) runs. Needs root, the scenarios' own
# dependencies (iproute2, tcpdump, iputils-ping, python3-scapy, nftables).
# DIAGNOSE_ARGS adds options to every diagnosis: "--whole-duration" gives the
# watch without its early end on a proven fault (the "before" of that change).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
netlab=${NETLAB:-$here/build/release/apps/netlab/netlab}
scenarios=${SCENARIOS:-$here/../shared/scenarios}
[ -d "$scenarios" ] || { echo "diagnose-time: no $scenarios" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "diagnose-time: needs root" >&2; exit 2; }
extra=${DIAGNOSE_ARGS:-}
list=("$@")
[ ${#list[@]} -gt 0 ] || list=(01 02 05 06 07 09 10 13 14 16 18 19)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-32s %-7s %-5s %-8s %-12s %s\n' scenario variant exit seconds causes verdict
for n in "${list[@]}"; do
  s=$(ls "$scenarios"/"$n"-*.sh)
  for variant in broken fixed; do
    flag=(); [ "$variant" = fixed ] && flag=(--fix)
    # The timing is taken inside the lab, around the command alone.
    timeout 180 "$s" "${flag[@]}" --hold bash -c '
      t0=$EPOCHREALTIME; "$0" arp diagnose $2 "$NETLAB_IFACE" $NETLAB_TARGET > "$1/out" 2>&1; rc=$?
      t1=$EPOCHREALTIME; awk -v a="$t0" -v b="$t1" -v rc=$rc "BEGIN {printf \"%d %.3f\\n\", rc, b - a}" > "$1/time"' "$netlab" "$out" "$extra" >/dev/null 2>&1 || true
    read -r rc secs < "$out/time" || { rc=?; secs=?; }
    causes=$(grep -o '^FAULT [a-z0-9-]* (C[0-9]*)' "$out/out" 2>/dev/null | grep -o 'C[0-9]*' | paste -sd, || true)
    printf '%-32s %-7s %-5s %-8s %-12s %s\n' "$(basename "$s" .sh)" "$variant" "$rc" "$secs" "${causes:--}" "$(head -1 "$out/out" | cut -c1-70)"
    [ "$variant" = broken ] && echo "$secs" >> "$out/broken.times"
    [ "$variant" = fixed ] && echo "$secs" >> "$out/fixed.times"
    rm -f "$out/time" "$out/out"
  done
done
for v in broken fixed; do
  [ -s "$out/$v.times" ] && sort -n "$out/$v.times" | awk -v v=$v '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median time to verdict (%s): %.3f s over %d runs, max %.3f s\n", v, m, NR, a[NR]}'
done
