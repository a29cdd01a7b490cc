#!/usr/bin/env bash
# Installs exactly the Debian 12 packages netlab's build and tests need.
# Idempotent: when everything is present it changes nothing and exits 0.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  libnl-3-dev libnl-route-3-dev libpcap-dev libfmt-dev libcli11-dev catch2
  libtracefs-dev libtraceevent-dev libnftnl-dev libmnl-dev
  # the independent references the tests compare against, and what they run
  iproute2 tcpdump util-linux iputils-ping arping nftables
  # iptables-nft: the rules Docker writes, read by netlab nft show's tests
  iptables
  # setcap/getcap for the file-capability test
  libcap2-bin
  # man page checks (groff) and the benchmark (GNU time, python3)
  groff-base time python3
  # cpack -G DEB and its test: dpkg-shlibdeps (Depends), file (CPack's ELF
  # check), man -l on the packaged pages
  dpkg-dev file man-db
  # the end-to-end tests: real guests under QEMU (TCG), their busybox userland,
  # the initramfs tools, and a real router advertisement daemon
  qemu-system-x86 user-mode-linux busybox-static cpio xz-utils radvd
  # dnsmasq: the router advertisement daemon a diagnosis fix starts, and the
  # DHCP server of the DHCP labs
  dnsmasq-base
  # bench/diagnose-time.sh: the shared reproductions' userspace guests
  python3-scapy
  # the libFuzzer targets (cmake --preset fuzz): clang and its runtime libraries
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  if [ "$(id -u)" != 0 ]; then
    echo "setup: needs root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The end-to-end tests' guest (Debian's kernel, fetched and unpacked, never
# installed; busybox): built once into its cache, rebuilt only when the
# kernel package or the build script changes.
"$(dirname "$0")/e2e-guest.sh"
