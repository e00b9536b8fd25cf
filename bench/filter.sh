#!/bin/sh
# bench/filter.sh: how long sipdx's filter takes over N messages once they are
# loaded (not a test; never in CI).  Generates the capture with bench/gen.c
# (the same cached file bench/run.sh uses: bench/out/sip-SIZE-sSEED.pcap),
# builds bench/filter_bench.c against the cmake build's libcore, and prints
# one line per filter: the fastest of REPS passes over every message.
#
# usage: sh bench/filter.sh [SIZE] [REPS]     SIZE like 1m (default), 100k
# environment: BUILD (cmake build dir, default build), SEED (default 1), CC.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SEED="${SEED:-1}"
CC="${CC:-cc}"
SIZE="${1:-1m}"
REPS="${2:-3}"

die() {
    echo "bench/filter: $*" >&2
    exit 1
}

case "$SIZE" in
*[kK]) n=$((${SIZE%?} * 1000)) ;;
*[mM]) n=$((${SIZE%?} * 1000000)) ;;
*[!0-9]* | '') die "bad size '$SIZE'" ;;
*) n=$SIZE ;;
esac

# stale TARGET SOURCE...: true when TARGET is missing or older than a SOURCE.
stale() {
    t=$1
    shift
    [ ! -e "$t" ] || [ -n "$(find "$@" -newer "$t" 2>/dev/null)" ]
}

mkdir -p "$OUT"
CFLAGS="-std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -O2 -Wall -Wextra -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough"
if stale "$OUT/gen" "$ROOT/bench/gen.c"; then
    # shellcheck disable=SC2086
    $CC $CFLAGS -o "$OUT/gen" "$ROOT/bench/gen.c" || die "cannot build bench/gen.c"
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$OUT/filter-build.log" 2>&1 ||
        die "cmake configure failed (bench/out/filter-build.log)"
fi
cmake --build "$BUILD" --target core -j 2 >>"$OUT/filter-build.log" 2>&1 ||
    die "cannot build libcore (bench/out/filter-build.log)"
if stale "$OUT/filter_bench" "$ROOT/bench/filter_bench.c" "$BUILD/libcore.a"; then
    # shellcheck disable=SC2086,SC2046
    $CC $CFLAGS -I"$ROOT/include" -o "$OUT/filter_bench" "$ROOT/bench/filter_bench.c" \
        "$BUILD/libcore.a" $(pkg-config --libs libpcap libpcre2-8 zlib) -lpthread ||
        die "cannot build bench/filter_bench.c"
fi
pcap="$OUT/sip-$SIZE-s$SEED.pcap"
if [ ! -s "$pcap" ] || stale "$pcap" "$OUT/gen"; then
    echo "bench/filter: generating $n messages into $pcap" >&2
    "$OUT/gen" -n "$n" -s "$SEED" -m "$OUT/sip-$SIZE-s$SEED.meta" -o "$pcap" ||
        die "generator failed"
fi
echo "# $(uname -m), $(nproc 2>/dev/null || echo ?) cores, $(date -u +%Y-%m-%d)"
"$OUT/filter_bench" "$pcap" "$REPS"
