#!/usr/bin/env bash
# install: `cpack -G DEB` from the build tree into a scratch directory, then
# check the package: its Depends names the Debian package of every shared
# library its ELF files need (checked here with dpkg -S, independently of the
# dpkg-shlibdeps run that wrote it), its files sit under /usr, and, unpacked
# with `dpkg -x` into a scratch root, `netlab --version` runs from it and
# `man -l` formats every page. Nothing is installed on the system.
# Environment: NETLAB_BUILD_DIR, NETLAB_SOURCE_DIR, NETLAB_WORK, NETLAB_VERSION,
# NETLAB_SOVERSION, NETLAB_{BIN,LIB,MAN,DATA}DIR, CPACK.
set -euo pipefail
. "$(dirname "$0")/common.sh"

work=$NETLAB_WORK
rm -rf "$work"
mkdir -p "$work/out" "$work/root"
quiet "$CPACK" -G DEB --config "$NETLAB_BUILD_DIR/CPackConfig.cmake" -B "$work/out"
shopt -s nullglob
debs=("$work"/out/*.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one .deb in $work/out, found ${#debs[@]}"
deb=${debs[0]}

dpkg-deb -I "$deb"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = netlab ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$NETLAB_VERSION" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
[ -n "$depends" ] || fail "no Depends field"
if grep -qE '(^|, )netlab( |,|$)' <<<"$depends"; then fail "the package depends on itself: $depends"; fi
dep_names=$(sed 's/([^)]*)//g; s/[|,]/\n/g' <<<"$depends" | tr -d ' ')

# Every path in the package is under /usr.
if dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -vE '^\./(usr(/.*)?)?$'; then
  fail "files outside /usr"
fi

dpkg-deb -x "$deb" "$work/root"
r=$work/root/usr
lib=$r/$NETLAB_LIBDIR
bin=$r/$NETLAB_BINDIR/netlab

for elf in "$bin" "$lib/libnetlab.so.$NETLAB_VERSION"; do
  [ -f "$elf" ] || fail "not in the package: ${elf#"$work"/root}"
  for needed in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ "$needed" = "libnetlab.so.$NETLAB_SOVERSION" ] && continue  # shipped in this package
    owners=$(dpkg -S "*/$needed" 2>/dev/null | sed 's/: .*//' | tr ',' '\n' | sed 's/^ *//; s/:.*//' | sort -u)
    [ -n "$owners" ] || fail "no installed package owns $needed (needed by ${elf##*/})"
    ok=
    for o in $owners; do grep -qx "$o" <<<"$dep_names" && ok=1; done
    [ -n "$ok" ] || fail "${elf##*/} needs $needed from ${owners//$'\n'/ }, which Depends lacks: $depends"
  done
done

out=$(LD_LIBRARY_PATH=$lib "$bin" --version)
[ "$out" = "netlab $NETLAB_VERSION" ] || fail "netlab --version from the package printed '$out'"
grep -qx 'prefix=/usr' "$lib/pkgconfig/netlab.pc" || fail "the packaged netlab.pc does not say prefix=/usr"
[ -f "$lib/cmake/netlab/netlabConfig.cmake" ] || fail "no netlabConfig.cmake in the package"
for f in bash-completion/completions/netlab zsh/vendor-completions/_netlab fish/vendor_completions.d/netlab.fish; do
  [ -f "$r/$NETLAB_DATADIR/$f" ] || fail "not in the package: /usr/$NETLAB_DATADIR/$f"
done

n=0
for src in "$NETLAB_SOURCE_DIR"/man/*.8; do
  page=$r/$NETLAB_MANDIR/man8/${src##*/}
  [ -f "$page" ] || fail "not in the package: ${page#"$work"/root}"
  text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -P cat -l "$page" 2>"$work/man.err")
  [ -s "$work/man.err" ] && { cat "$work/man.err" >&2; fail "man -l ${src##*/} complained"; }
  grep -q '^NAME' <<<"$text" || fail "man -l ${src##*/} shows no NAME section"
  n=$((n + 1))
done
echo "$(basename "$deb"): netlab --version ok, $n man pages ok"
