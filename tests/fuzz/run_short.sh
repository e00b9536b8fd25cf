#!/bin/sh
# Runs every libFuzzer harness of a fuzz build for SECONDS each (make test's
# sanitizer stage), on a copy of its seed corpus so the repository's stays
# as it is.  Fails on the first crash, leak or sanitizer report; the input
# that caused it is kept in the work directory that is printed.
#   sh tests/fuzz/run_short.sh BUILD_DIR SECONDS
set -u
build=$1
secs=${2:-10}
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/sipdx-fuzz.XXXXXX)
fail=0
for bin in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    mkdir -p "$work/$name"
    [ -d "$src/corpus/$name" ] && cp -r "$src/corpus/$name/." "$work/$name/"
    if nice -n 10 "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
        -artifact_prefix="$work/crash-$name-" "$work/$name" > "$work/$name.log" 2>&1; then
        echo "fuzz_$name: $(grep -o 'Done [0-9]* runs' "$work/$name.log" | tail -1) in ${secs} s"
    else
        echo "fuzz_$name: FAILED (log and input in $work)"
        tail -30 "$work/$name.log"
        fail=1
    fi
done
[ "$fail" -eq 0 ] && rm -rf "$work"
exit "$fail"
