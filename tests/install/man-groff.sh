#!/usr/bin/env bash
# install: every installed man page formats without a single groff warning
# (-ww: all warnings; -z: discard the output, keep the diagnostics), and its
# rendered text keeps what groff does not warn about: a JSON schema set with
# .B/.BR loses its quotes and runs its keys together ({"cause":ID,id:Cnn,...})
# without a warning, so the formatted text itself is read for unquoted keys.
# Environment: NETLAB_PREFIX, NETLAB_MANDIR, NETLAB_SOURCE_DIR.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir=$NETLAB_PREFIX/$NETLAB_MANDIR/man8
n=0
bad=0
for page in "$dir"/*.8; do
  [ -e "$page" ] || fail "no pages in $dir"
  n=$((n + 1))
  out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  if [ -n "$out" ]; then
    echo "$(basename "$page"):" >&2
    echo "$out" >&2
    bad=$((bad + 1))
  fi
  # Lines that hold a JSON object ({"key": ...) must quote every key.
  garbled=$(groff -man -Tutf8 -rLL=250n -P-cbou "$page" 2>/dev/null |
            grep -F '{"' | grep -E '[{,][[:space:]]*[A-Za-z_]+[[:space:]]*:' || true)
  if [ -n "$garbled" ]; then
    echo "$(basename "$page"): JSON with an unquoted key in the rendered text:" >&2
    echo "$garbled" >&2
    bad=$((bad + 1))
  fi
done
want=$(find "$NETLAB_SOURCE_DIR/man" -maxdepth 1 -name '*.8' | wc -l)
[ "$n" -eq "$want" ] || fail "$n installed pages, $want in man/"
[ "$bad" -eq 0 ] || fail "$bad of $n pages have groff warnings or garbled JSON"
echo "$n pages, no groff warnings, JSON schemas intact"
