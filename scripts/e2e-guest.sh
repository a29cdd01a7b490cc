#!/usr/bin/env bash
# Builds the minimal Linux guest the end-to-end tests boot under QEMU, from
# Debian packages only, into a cache directory (default /var/cache/netlab/e2e):
#
#   vmlinux      the uncompressed kernel of linux-image-6.1.0-*-amd64, which QEMU
#                starts through its PVH entry (about half the boot time of the
#                bzImage under TCG)
#   initrd.img   busybox-static, the virtio-net modules of that kernel, and an
#                /init that configures eth0 from the kernel command line and then
#                runs a shell on the serial console for the tests to drive
#   STAMP        kernel package version + this script's hash: a rebuild happens
#                only when one of them changes
#
# The kernel package is fetched with `apt-get download` and unpacked with
# `dpkg -x`, never installed: installing it would touch this machine's boot
# setup. Run by scripts/setup.sh; idempotent. Usage: e2e-guest.sh [CACHE_DIR]
set -euo pipefail

cache=${1:-${NETLAB_E2E_CACHE:-/var/cache/netlab/e2e}}
script_hash=$(sha256sum "$0" | cut -c1-16)

# Fresh machines may have no package lists yet.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then apt-get update -qq; fi

# The kernel the linux-image-amd64 metapackage points at, e.g. linux-image-6.1.0-57-amd64.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-6\.1\.0-[0-9]+-amd64$/{print $2; exit}')
if [ -z "$kpkg" ]; then
  # Fall back to the newest linux-image-6.1.0-N-amd64 the archive lists.
  kpkg=$(apt-cache pkgnames linux-image-6.1.0- | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -1)
fi
if [ -z "$kpkg" ]; then
  echo "e2e-guest: no linux-image-6.1.0-*-amd64 package in the apt lists (run apt-get update)" >&2
  exit 1
fi
kver=$(apt-cache policy "$kpkg" | awk '/Candidate:/{print $2}')
stamp="$kpkg $kver $script_hash"

if [ -f "$cache/STAMP" ] && [ "$(cat "$cache/STAMP")" = "$stamp" ] &&
   [ -s "$cache/vmlinux" ] && [ -s "$cache/initrd.img" ]; then
  echo "e2e-guest: cached guest is current ($cache: $kpkg $kver)"
  exit 0
fi

echo "e2e-guest: building the guest from $kpkg $kver into $cache"
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

( cd "$work" && apt-get download -q "$kpkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true )
deb=$(ls "$work"/linux-image-*.deb)
dpkg -x "$deb" "$work/kernel"
uname_r=$(ls "$work/kernel/lib/modules")
moddir="$work/kernel/lib/modules/$uname_r"

# vmlinuz is a bzImage whose payload is XZ (CONFIG_KERNEL_XZ): decompress the
# first XZ stream after the setup code to get the ELF vmlinux with its PVH note.
python3 - "$work/kernel/boot/vmlinuz-$uname_r" "$work/vmlinux" <<'EOF'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
at = data.find(b'\xfd7zXZ\x00')
if at < 0:
    sys.exit('e2e-guest: no XZ payload in ' + sys.argv[1])
elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
if elf[:4] != b'\x7fELF':
    sys.exit('e2e-guest: the XZ payload is not an ELF kernel')
open(sys.argv[2], 'wb').write(elf)
EOF

# Modules for virtio-net over PCI, in load order: each module's dependencies
# (read from its .modinfo "depends=" string; the package ships no modules.dep)
# come before it.
python3 - "$moddir" virtio_net virtio_pci > "$work/modules.order" <<'EOF'
import os, sys
root, wanted = sys.argv[1], sys.argv[2:]
paths = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith('.ko'):
            paths[f[:-3].replace('-', '_')] = os.path.join(dirpath, f)
def depends(name):
    data = open(paths[name], 'rb').read()
    at = data.find(b'\0depends=')
    if at < 0:
        return []
    end = data.index(b'\0', at + 1)
    value = data[at + 9:end].decode()
    return [d.replace('-', '_') for d in value.split(',') if d]
order, seen = [], set()
def visit(name):
    if name in seen:
        return
    seen.add(name)
    if name not in paths:
        sys.exit('e2e-guest: module %s not in the kernel package' % name)
    for d in depends(name):
        visit(d)
    order.append(name)
for w in wanted:
    visit(w)
for name in order:
    print(os.path.relpath(paths[name], root))
EOF

rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,dev,proc,sys,tmp,etc,lib/modules}
cp /bin/busybox "$rootfs/bin/busybox"
while read -r rel; do
  mkdir -p "$rootfs/lib/modules/$(dirname "$rel")"
  cp "$moddir/$rel" "$rootfs/lib/modules/$rel"
done < "$work/modules.order"
cp "$work/modules.order" "$rootfs/lib/modules/order"
printf 'root:x:0:0:root:/:/bin/sh\n' > "$rootfs/etc/passwd"

# The guest's /init. Kernel command line words it reads:
#   netlab.ip=ADDR/LEN     IPv4 address for eth0 (none: no IPv4 address)
#   netlab.ip6=ADDR/LEN    static IPv6 address for eth0
#   netlab.down            leave eth0 down
# It prints "netlab-guest: ready MAC" on the console once eth0 is configured,
# then runs a shell there: the tests send commands and read the output.
cat > "$rootfs/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
while read -r m; do insmod "/lib/modules/$m" || echo "netlab-guest: insmod $m failed"; done < /lib/modules/order
ip4=; ip6=; down=
for word in $(cat /proc/cmdline); do
  case "$word" in
    netlab.ip=*) ip4=${word#netlab.ip=} ;;
    netlab.ip6=*) ip6=${word#netlab.ip6=} ;;
    netlab.down) down=1 ;;
  esac
done
ip link set lo up
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done
if [ ! -e /sys/class/net/eth0 ]; then echo "netlab-guest: no eth0"; fi
[ -n "$ip4" ] && ip addr add "$ip4" dev eth0
[ -n "$ip6" ] && ip -6 addr add "$ip6" dev eth0
[ -z "$down" ] && ip link set eth0 up
echo "netlab-guest: ready $(cat /sys/class/net/eth0/address 2>/dev/null)"
# A plain read-eval loop, not an interactive shell: no prompt, no line
# editing escapes, no echo; the tests frame each command's output themselves.
stty -echo 2>/dev/null
exec /bin/sh -c 'while IFS= read -r line; do eval "$line"; done'
EOF
chmod 755 "$rootfs/init"

( cd "$rootfs" && find . | cpio -o -H newc --quiet ) | gzip -6 > "$work/initrd.img"

mv "$work/vmlinux" "$cache/vmlinux"
mv "$work/initrd.img" "$cache/initrd.img"
echo "$uname_r" > "$cache/KERNEL_RELEASE"
echo "$stamp" > "$cache/STAMP"
echo "e2e-guest: ready: $cache/vmlinux ($(du -h "$cache/vmlinux" | cut -f1)), $cache/initrd.img ($(du -h "$cache/initrd.img" | cut -f1))"
