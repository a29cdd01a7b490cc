#!/usr/bin/env bash
# install: build tests/install/consumer/main.cpp outside the tree against the
# scratch install (install-tree.sh), one way per run:
#   consumer.sh pkg-config   c++ $(pkg-config --cflags --libs netlab), PKG_CONFIG_PATH
#   consumer.sh cmake        find_package(netlab) with CMAKE_PREFIX_PATH
# then run it with LD_LIBRARY_PATH on the scratch lib and compare its output.
# Environment: NETLAB_PREFIX, NETLAB_LIBDIR, NETLAB_INCLUDEDIR, NETLAB_VERSION,
# NETLAB_SOVERSION, NETLAB_WORK, CXX, CMAKE, PKG_CONFIG.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

mode=$1
p=$NETLAB_PREFIX
libdir=$p/$NETLAB_LIBDIR
work=$NETLAB_WORK/$mode
rm -rf "$work"
mkdir -p "$work"

case $mode in
  pkg-config)
    export PKG_CONFIG_PATH=$libdir/pkgconfig
    v=$("$PKG_CONFIG" --modversion netlab)
    [ "$v" = "$NETLAB_VERSION" ] || fail "pkg-config --modversion netlab: '$v'"
    cflags=$("$PKG_CONFIG" --cflags netlab)
    libs=$("$PKG_CONFIG" --libs netlab)
    [[ " $cflags " == *" -I$p/$NETLAB_INCLUDEDIR "* ]] || fail "cflags '$cflags' lack -I$p/$NETLAB_INCLUDEDIR"
    [[ " $libs " == *" -L$libdir "* ]] || fail "libs '$libs' lack -L$libdir"
    # shellcheck disable=SC2086 # the flags are words
    quiet "$CXX" -std=c++20 -Wall -Wextra -Wpedantic -Werror ${NETLAB_CONSUMER_FLAGS:-} $cflags \
      -o "$work/consumer" "$here/consumer/main.cpp" $libs
    ;;
  cmake)
    quiet "$CMAKE" -S "$here/consumer" -B "$work" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_PREFIX_PATH="$p" \
      -DCMAKE_CXX_FLAGS="${NETLAB_CONSUMER_FLAGS:-}" -DCMAKE_EXE_LINKER_FLAGS="${NETLAB_CONSUMER_FLAGS:-}" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DNETLAB_EXPECTED_VERSION="$NETLAB_VERSION"
    found=$(sed -n 's/^netlab_DIR:PATH=//p' "$work/CMakeCache.txt")
    [ "$found" = "$libdir/cmake/netlab" ] || fail "find_package(netlab) used '$found'"
    quiet "$CMAKE" --build "$work"
    ;;
  *) fail "usage: consumer.sh pkg-config|cmake" ;;
esac

# The program must load the scratch libnetlab, not one installed on the system.
resolved=$(LD_LIBRARY_PATH=$libdir ldd "$work/consumer" | awk '$1 ~ /^libnetlab\.so/ { print $3 }')
[ "$resolved" = "$libdir/libnetlab.so.$NETLAB_SOVERSION" ] || fail "libnetlab resolves to '$resolved'"

LD_LIBRARY_PATH=$libdir "$work/consumer" >"$work/out"
sed "s/@VERSION@/$NETLAB_VERSION/" "$here/expected-consumer.out" >"$work/expected"
diff -u "$work/expected" "$work/out" || fail "consumer output differs"
echo "consumer built via $mode ran against $libdir"
