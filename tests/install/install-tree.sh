#!/usr/bin/env bash
# install: `cmake --install` into a scratch prefix under the build tree, then
# check that every file is at its GNUInstallDirs place and that nothing in
# the installed tree points back into the build or source tree.
# Environment (set by tests/install/CMakeLists.txt): NETLAB_BUILD_DIR,
# NETLAB_SOURCE_DIR, NETLAB_PREFIX, NETLAB_VERSION, NETLAB_SOVERSION, CMAKE,
# and NETLAB_{BIN,LIB,INCLUDE,MAN,DATA}DIR (relative, as configured).
set -euo pipefail
. "$(dirname "$0")/common.sh"

p=$NETLAB_PREFIX
rm -rf "$p"
quiet "$CMAKE" --install "$NETLAB_BUILD_DIR" --prefix "$p"

need() { [ -e "$p/$1" ] || fail "not installed: \$prefix/$1"; }

need "$NETLAB_BINDIR/netlab"
[ -x "$p/$NETLAB_BINDIR/netlab" ] || fail "$NETLAB_BINDIR/netlab is not executable"

lib=$NETLAB_LIBDIR
need "$lib/libnetlab.so.$NETLAB_VERSION"
[ "$(readlink "$p/$lib/libnetlab.so.$NETLAB_SOVERSION")" = "libnetlab.so.$NETLAB_VERSION" ] ||
  fail "$lib/libnetlab.so.$NETLAB_SOVERSION is not a link to libnetlab.so.$NETLAB_VERSION"
[ "$(readlink "$p/$lib/libnetlab.so")" = "libnetlab.so.$NETLAB_SOVERSION" ] ||
  fail "$lib/libnetlab.so is not a link to libnetlab.so.$NETLAB_SOVERSION"
soname=$(readelf -d "$p/$lib/libnetlab.so.$NETLAB_VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libnetlab.so.$NETLAB_SOVERSION" ] || fail "SONAME is '$soname'"

# Exactly the public headers.
want=$(cd "$NETLAB_SOURCE_DIR/lib/include/netlab" && ls -- *.hpp)
have=$(cd "$p/$NETLAB_INCLUDEDIR/netlab" && ls)
[ "$want" = "$have" ] || fail "installed headers differ from lib/include/netlab: $(diff <(echo "$want") <(echo "$have") || true)"

for page in "$NETLAB_SOURCE_DIR"/man/*.8; do
  need "$NETLAB_MANDIR/man8/$(basename "$page")"
done
need "$NETLAB_DATADIR/bash-completion/completions/netlab"
need "$NETLAB_DATADIR/zsh/vendor-completions/_netlab"
need "$NETLAB_DATADIR/fish/vendor_completions.d/netlab.fish"

need "$lib/pkgconfig/netlab.pc"
grep -qx "prefix=$p" "$p/$lib/pkgconfig/netlab.pc" || fail "netlab.pc does not say prefix=$p"
for f in netlabConfig.cmake netlabConfigVersion.cmake netlabTargets.cmake; do
  need "$lib/cmake/netlab/$f"
done

# Nothing may refer to where it was built: no RPATH/RUNPATH, no build or
# source paths in the text files.
for elf in "$p/$NETLAB_BINDIR/netlab" "$p/$lib/libnetlab.so.$NETLAB_VERSION"; do
  if readelf -d "$elf" | grep -E '\((RPATH|RUNPATH)\)'; then fail "$elf has a run path"; fi
done
# (The scratch prefix itself lies in the build tree: take it out first.)
for f in "$p/$lib"/pkgconfig/* "$p/$lib"/cmake/netlab/*; do
  if sed "s|$p||g" "$f" | grep -F -e "$NETLAB_BUILD_DIR" -e "$NETLAB_SOURCE_DIR/"; then
    fail "$f names the build or source tree"
  fi
done

out=$(LD_LIBRARY_PATH="$p/$lib" "$p/$NETLAB_BINDIR/netlab" --version)
[ "$out" = "netlab $NETLAB_VERSION" ] || fail "installed netlab --version printed '$out'"
echo "installed into $p: $(find "$p" -type f | wc -l) files"
