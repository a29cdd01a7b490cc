#!/usr/bin/env bash
# The include rule of docs/ARCHITECTURE.md, checked by reading every #include
# of lib/ and apps/. Prints each include that breaks the rule and exits 1;
# prints a one-line count and exits 0 when none does.
#
# Layers, lowest first; a layer may include its own headers and those of the
# layers before it (peers on one line may not include each other):
#   base < nl < objects < output < proto < frames < {capture trace nft} < {arp ndp dhcp guest} < diag
# Extra rules: proto/ and frames/ never include nl/, capture/, trace/ or diag/ (they
# are pure byte code); nothing in lib/ includes apps/; apps/ includes only
# public headers (<netlab/...>) and its own; public headers include no
# internal header and no libnl or libpcap header.
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2

rank() {  # layer -> rank; peers share one
  case $1 in
    base) echo 0 ;; nl) echo 1 ;; objects) echo 2 ;; output) echo 3 ;;
    proto) echo 4 ;; frames) echo 5 ;; capture|trace|nft) echo 6 ;;
    arp|ndp|dhcp|guest) echo 7 ;; diag) echo 8 ;; *) echo 99 ;;
  esac
}
public_layer() {  # public header (without .hpp) -> its layer
  case $1 in
    error|types|netns|sysctl|privileges|export|version) echo base ;;
    link|addr|neigh|route|bridge|tuntap|sockets) echo objects ;;
    json|printer|render) echo output ;;
    packet) echo proto ;;
    frames|frames6|frames_dhcp) echo frames ;;
    capture|linkio|split_print) echo capture ;;
    trace) echo trace ;;
    nft) echo nft ;;
    arp|annotate|lab_annotate|arp_kernel) echo arp ;;
    ndp) echo ndp ;;
    dhcp) echo dhcp ;;
    guest) echo guest ;;
    diag|tap_access|dhcp_diagnose|path_diagnose) echo diag ;;
    *) echo unknown ;;
  esac
}
# Deliberate exceptions, each with its reason. A model type declared in a
# higher layer's public header, used only as a value:
#   nl -> link: LinkNames is built from Link values (nl/link_names.hpp).
#   objects -> ndp: objects/inet6_conf.cpp implements ndp::settings(), which
#   <netlab/ndp.hpp> declares beside the NDP tools that use it.
allowed_exception() {
  case "$1:$2" in
    nl:link|objects:ndp) return 0 ;;
  esac
  return 1
}

bad=0 checked=0
complain() { echo "$1: $2" >&2; bad=$((bad + 1)); }

check_edge() {  # file, from-layer, to-layer, what
  local file=$1 from=$2 to=$3 what=$4
  checked=$((checked + 1))
  if [ "$to" = unknown ]; then complain "$file" "includes $what, which belongs to no layer (add it to check_layers.sh)"; return; fi
  case $from in proto|frames)
    case $to in nl|capture|trace|diag) complain "$file" "$from/ includes $what ($to): proto/ and frames/ never include nl/, capture/, trace/ or diag/"; return ;; esac ;;
  esac
  [ "$from" = "$to" ] && return
  local rf rt
  rf=$(rank "$from"); rt=$(rank "$to")
  if [ "$rt" -ge "$rf" ] && ! allowed_exception "$from" "$(echo "$what" | sed "s/^<netlab\/\(.*\)>$/\1/")"; then
    complain "$file" "$from/ includes $what of layer $to (only lower layers: base < nl < objects < output < proto < frames < capture|trace|nft < arp|ndp|dhcp|guest < diag)"
  fi
}

# lib/src/<layer>/...
while IFS= read -r file; do
  layer=${file#lib/src/}; layer=${layer%%/*}
  if [ "$(rank "$layer")" = 99 ]; then complain "$file" "lib/src/$layer is not a layer of docs/ARCHITECTURE.md"; continue; fi
  while IFS= read -r inc; do
    case $inc in
      \"*)
        path=${inc#\"}; path=${path%\"}
        case $path in apps/*|*cli.hpp) complain "$file" "lib/ includes $path from apps/"; continue ;; esac
        to=${path%%/*}
        if [ "$to" = "$path" ]; then complain "$file" "includes \"$path\" without its layer folder"; continue; fi
        check_edge "$file" "$layer" "$to" "\"$path\"" ;;
      \<netlab/*)
        name=${inc#<netlab/}; name=${name%.hpp>}
        check_edge "$file" "$layer" "$(public_layer "$name")" "<netlab/$name>" ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$file")
done < <(find lib/src -name '*.cpp' -o -name '*.hpp' -o -name '*.in' | sort)

# lib/include/netlab/*.hpp: public headers, layered the same way.
for file in lib/include/netlab/*.hpp; do
  layer=$(public_layer "$(basename "$file" .hpp)")
  [ "$layer" = unknown ] && { complain "$file" "public header in no layer (add it to check_layers.sh)"; continue; }
  while IFS= read -r inc; do
    case $inc in
      \"*) complain "$file" "public header includes internal $inc" ;;
      \<netlink/*|\<pcap*|\<libnl*) complain "$file" "public header includes $inc (no libnl or libpcap type in the API)" ;;
      \<netlab/*)
        name=${inc#<netlab/}; name=${name%.hpp>}
        check_edge "$file" "$layer" "$(public_layer "$name")" "<netlab/$name>" ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$file")
done

# apps/: public headers and its own only.
while IFS= read -r file; do
  while IFS= read -r inc; do
    checked=$((checked + 1))
    case $inc in
      \"cli.hpp\"|\<netlab/*) ;;
      \"*) complain "$file" "apps/ includes $inc: the CLI uses only the public headers and its own cli.hpp" ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$file")
done < <(find apps -name '*.cpp' -o -name '*.hpp' | sort)

if [ "$bad" -gt 0 ]; then
  echo "check_layers: $bad include(s) break the rule of docs/ARCHITECTURE.md ($checked checked)" >&2
  exit 1
fi
echo "check_layers: $checked includes follow the rule of docs/ARCHITECTURE.md"
