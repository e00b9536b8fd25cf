#!/bin/sh
# bench/run.sh: the sipdx benchmark (`make bench`; never part of `make test` or CI).
#
# Generates deterministic SIP captures with bench/gen.c (cached in bench/out/),
# then for each size reads the same file with:
#   pcap_loop  a bare libpcap read loop (the floor), bench/pcap_loop.c
#   sipdx      sipdx -r FILE --list >/dev/null
#   sngrep     sngrep -N -F -l <dialogs+1> -I FILE   (no UI, every dialog kept)
#   tshark     tshark -r FILE -q -z sip,stat
# and measures wall time and peak RSS with /usr/bin/time -v (plus hyperfine
# means for the small sizes).  A tool that fails or times out is reported as
# "not available" and the others are still measured.  Prints a markdown table
# and writes it into docs/benchmarks.md between the bench:begin/end markers.
#
# usage: sh bench/run.sh [options] [SIZES...]      SIZES like 10k 100k 1m 250000
#   --rtp          also benchmark the with-RTP variant of each size
#   --filter EXPR  also time `sipdx -r FILE --list --filter EXPR`
#   --runs N       hyperfine runs for sizes up to 100k (default 5; 0 = off)
#   --timeout S    per-run time limit in seconds (default 120 + 1 s per 2000 messages)
#   --no-doc       do not touch docs/benchmarks.md
# environment: BUILD (cmake build dir of sipdx, default build), SIPDX (binary;
#   skips the build), SEED (generator seed, default 1), CC.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out"
DOC="$ROOT/docs/benchmarks.md"
BUILD="${BUILD:-build}"
SEED="${SEED:-1}"
CC="${CC:-cc}"
RUNS=5
TIMEOUT=""
RTP=0
FILTER=""
WRITE_DOC=1
SIZES=""
HF_MAX=100000

die() {
    echo "bench: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
    --rtp) RTP=1 ;;
    --filter) [ $# -ge 2 ] || die "--filter needs an expression"; FILTER="$2"; shift ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a number"; RUNS="$2"; shift ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; TIMEOUT="$2"; shift ;;
    --no-doc) WRITE_DOC=0 ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) SIZES="$SIZES $1" ;;
    esac
    shift
done
[ -n "$SIZES" ] || SIZES="10k 100k 1m"
case "${RUNS}x$TIMEOUT" in *[!0-9x]* | *x*x*) die "--runs and --timeout take whole numbers" ;; esac

size_to_n() {
    case "$1" in
    *[kK]) n=${1%?}; m=1000 ;;
    *[mM]) n=${1%?}; m=1000000 ;;
    *) n=$1; m=1 ;;
    esac
    case "$n" in '' | *[!0-9]*) die "bad size '$1'" ;; esac
    echo $((n * m))
}

mkdir -p "$OUT" || die "cannot create $OUT"

# stale TARGET SOURCE: true when TARGET is missing or older than SOURCE.
stale() {
    [ ! -e "$1" ] || [ -n "$(find "$2" -newer "$1" 2>/dev/null)" ]
}

# ---------------------------------------------------------------- tools
CFLAGS="-std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -O2 -Wall -Wextra -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough"
if stale "$OUT/gen" "$ROOT/bench/gen.c"; then
    # shellcheck disable=SC2086
    $CC $CFLAGS -o "$OUT/gen" "$ROOT/bench/gen.c" || die "cannot build bench/gen.c"
fi
if stale "$OUT/pcap_loop" "$ROOT/bench/pcap_loop.c"; then
    # shellcheck disable=SC2086
    $CC $CFLAGS -o "$OUT/pcap_loop" "$ROOT/bench/pcap_loop.c" -lpcap ||
        die "cannot build bench/pcap_loop.c (libpcap-dev missing?)"
fi
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing GNU time" >&2
        apt-get install -y time >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y time >/dev/null
    fi
    [ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed: apt-get install time"
fi
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is needed"

SIPDX_NOTE=""
if [ -z "${SIPDX:-}" ]; then
    SIPDX="$ROOT/$BUILD/sipdx"
    case "$BUILD" in /*) SIPDX="$BUILD/sipdx" ;; esac
    bdir=$(dirname "$SIPDX")
    if [ ! -f "$bdir/CMakeCache.txt" ]; then
        cmake -S "$ROOT" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$OUT/build.log" 2>&1
    fi
    if ! cmake --build "$bdir" -j "$(nproc 2>/dev/null || echo 2)" >>"$OUT/build.log" 2>&1; then
        SIPDX_NOTE="build failed (bench/out/build.log)"
        echo "bench: sipdx $SIPDX_NOTE; measuring the others" >&2
    fi
fi
HAVE_HF=0
command -v hyperfine >/dev/null 2>&1 && [ "$RUNS" -gt 0 ] && HAVE_HF=1

# ---------------------------------------------------------------- measure
RESULTS="$OUT/results.tsv"
: >"$RESULTS"

# meta FILE KEY: a value from the generator's key=value file.
meta() {
    sed -n "s/^$2=//p" "$1"
}

# shquote ARGS...: one string that shell-words splitting turns back into ARGS.
shquote() {
    q=""
    for a in "$@"; do
        q="$q '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
    done
    printf '%s' "${q# }"
}

# measure LABEL TOOL N BYTES CHECK CMD...: one timed run, then hyperfine for
# small sizes.  Appends label, tool, status, wall s, peak RSS KiB, stddev, note.
# CHECK names a function that inspects $out/$err and sets NOTE (and STATUS on a
# wrong result).
measure() {
    label=$1 tool=$2 n=$3 check=$5
    shift 5
    tf="$OUT/time.txt" out="$OUT/run.out" err="$OUT/run.err"
    limit=$TIMEOUT
    [ -n "$limit" ] || limit=$((120 + n / 2000))
    /usr/bin/time -v -o "$tf" timeout -k 10 "$limit" "$@" >"$out" 2>"$err"
    rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        k = split($2, a, ":"); s = 0
        for (i = 1; i <= k; i++) s = s * 60 + a[i]
        print s }' "$tf")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tf")
    STATUS=ok NOTE="" sd="-"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        STATUS=na NOTE="did not finish within $limit s"
    elif [ "$rc" -gt 128 ]; then
        STATUS=na NOTE="killed by signal $((rc - 128)) after ${wall:-?} s"
    elif [ "$rc" -ne 0 ]; then
        STATUS=na
        NOTE="exit $rc: $(grep -v 'Running as user' "$err" | head -n 1 | cut -c1-100)"
    else
        $check
    fi
    # hyperfine for small sizes, and always for the read loop (it is short
    # and /usr/bin/time only has 10 ms resolution).
    if [ "$STATUS" = ok ] && [ "$HAVE_HF" = 1 ] &&
        { [ "$n" -le "$HF_MAX" ] || [ "$tool" = pcap_loop ]; }; then
        if hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/hf.json" \
            -- "$(shquote "$@")" >/dev/null 2>"$OUT/hf.err"; then
            wall=$(sed -n 's/^ *"mean": *\([0-9.eE+-]*\).*/\1/p' "$OUT/hf.json" | head -n 1)
            sd=$(sed -n 's/^ *"stddev": *\([0-9.eE+-]*\).*/\1/p' "$OUT/hf.json" | head -n 1)
            NOTE="${NOTE:+$NOTE; }mean of $RUNS runs"
        fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "$STATUS" "${wall:-0}" \
        "${rss:-0}" "$sd" "$NOTE" "${cpu:-0}" >>"$RESULTS"
    printf 'bench: %-10s %-14s %-3s %8ss %8s KiB %s\n' "$label" "$tool" "$STATUS" \
        "${wall:-?}" "${rss:-?}" "$NOTE" >&2
}

check_loop() {
    got=$(sed -n 's/^packets=\([0-9]*\).*/\1/p' "$OUT/run.out")
    if [ "$got" != "$WANT_PKTS" ]; then
        STATUS=bad NOTE="read $got of $WANT_PKTS packets"
    fi
}
check_sipdx() {
    # Informative only: what --list printed (its format belongs to the cli module).
    lines=$(timeout "$limit" "$SIPDX" -r "$pcap" --list 2>/dev/null | wc -l | tr -d ' ')
    NOTE="--list printed $lines lines"
}
check_sngrep() {
    got=$(tr '\r' '\n' <"$OUT/run.out" | sed -n 's/.*Dialog count: \([0-9]*\).*/\1/p' | tail -n 1)
    if [ "$got" != "$WANT_DIALOGS" ]; then
        STATUS=bad NOTE="saw ${got:-no} dialogs of $WANT_DIALOGS"
    fi
}
check_tshark() {
    got=$(sed -n 's/^Number of SIP messages: *\([0-9]*\).*/\1/p' "$OUT/run.out")
    if [ "$got" != "$WANT_MSGS" ]; then
        STATUS=bad NOTE="counted ${got:-no} SIP messages of $WANT_MSGS"
    fi
}

: >"$OUT/sizes.tsv"
for size in $SIZES; do
    n=$(size_to_n "$size")
    variants="plain"
    [ "$RTP" = 1 ] && variants="plain rtp"
    for v in $variants; do
        if [ "$v" = rtp ]; then
            label="$size+rtp" base="$OUT/sip-$size-rtp-s$SEED" genopt="--rtp"
        else
            label="$size" base="$OUT/sip-$size-s$SEED" genopt=""
        fi
        pcap="$base.pcap" metaf="$base.meta"
        if [ ! -s "$pcap" ] || [ ! -s "$metaf" ] || stale "$pcap" "$OUT/gen"; then
            echo "bench: generating $pcap" >&2
            # shellcheck disable=SC2086
            "$OUT/gen" -n "$n" -s "$SEED" $genopt -m "$metaf" -o "$pcap" ||
                die "generator failed for $size"
        fi
        WANT_MSGS=$(meta "$metaf" messages)
        WANT_DIALOGS=$(meta "$metaf" dialogs)
        WANT_PKTS=$((WANT_MSGS + $(meta "$metaf" rtp_packets)))
        [ "$WANT_MSGS" = "$n" ] || die "$pcap holds $WANT_MSGS messages, not $n"
        fbytes=$(wc -c <"$pcap" | tr -d ' ')
        printf '%s\t%s\t%s\t%s\n' "$label" "$n" "$fbytes" "$WANT_DIALOGS" >>"$OUT/sizes.tsv"

        # The read loop runs first and also warms the page cache for the others.
        cat "$pcap" >/dev/null
        measure "$label" pcap_loop "$n" "$fbytes" check_loop "$OUT/pcap_loop" "$pcap"
        if [ -x "$SIPDX" ] && [ -z "$SIPDX_NOTE" ]; then
            measure "$label" sipdx "$n" "$fbytes" check_sipdx "$SIPDX" -r "$pcap" --list
            # The same with SIP parsed on the reading thread (no workers):
            # what the parallel parse is worth on this machine.
            measure "$label" "sipdx, 1 parse thread" "$n" "$fbytes" check_sipdx \
                env SIPDX_PARSE_THREADS=0 "$SIPDX" -r "$pcap" --list
            if [ -n "$FILTER" ]; then
                measure "$label" "sipdx --filter" "$n" "$fbytes" check_sipdx \
                    "$SIPDX" -r "$pcap" --list --filter "$FILTER"
            fi
        else
            printf '%s\tsipdx\tna\t0\t0\t-\t%s\n' "$label" "${SIPDX_NOTE:-no binary at $SIPDX}" \
                >>"$RESULTS"
        fi
        if command -v sngrep >/dev/null 2>&1; then
            measure "$label" sngrep "$n" "$fbytes" check_sngrep \
                sngrep -N -F -l $((WANT_DIALOGS + 1)) -I "$pcap"
        else
            printf '%s\tsngrep\tna\t0\t0\t-\tnot installed\n' "$label" >>"$RESULTS"
        fi
        if command -v tshark >/dev/null 2>&1; then
            measure "$label" tshark "$n" "$fbytes" check_tshark tshark -r "$pcap" -q -z sip,stat
        else
            printf '%s\ttshark\tna\t0\t0\t-\tnot installed\n' "$label" >>"$RESULTS"
        fi
    done
done

# ---------------------------------------------------------------- report
ver() {
    "$@" 2>/dev/null | grep -v 'Running as user' | head -n 1
}
TABLE="$OUT/table.md"
{
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPU ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo), $(uname -sr), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "Versions: sipdx $(ver "$SIPDX" --version | sed 's/^sipdx *//'), $(ver sngrep -V | sed 's/ - / /'), $(ver tshark --version | sed 's/ (Wireshark)//; s/ (Git.*//'), libpcap $(pkg-config --modversion libpcap 2>/dev/null || echo '?'), generator seed $SEED."
    echo
    echo "| capture | tool | wall s | CPU s | msgs/s | MB/s | peak RSS MB | RSS bytes/msg | x floor | note |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    awk -F'\t' -v OFS='' '
        FNR == NR { n[$1] = $2; fb[$1] = $3; dl[$1] = $4; next }
        $2 == "pcap_loop" && $3 == "ok" { floor[$1] = $4 }
        { rows[++k] = $0 }
        END {
            for (i = 1; i <= k; i++) {
                split(rows[i], r, "\t")
                lab = r[1]; cap = sprintf("%s (%.0f MB, %d dialogs)", lab, fb[lab] / 1e6, dl[lab])
                if (r[3] == "na") {
                    print "| ", cap, " | ", r[2], " | not available | | | | | | | ", r[7], " |"
                    continue
                }
                w = r[4] + 0; rss = r[5] * 1024
                wall = (r[6] != "-") ? sprintf("%.3f ± %.3f", w, r[6]) : sprintf("%.2f", w)
                mps = (w > 0) ? sprintf("%.0f", n[lab] / w) : "-"
                mbs = (w > 0) ? sprintf("%.0f", fb[lab] / 1e6 / w) : "-"
                xf = (floor[lab] > 0 && w > 0) ? sprintf("%.1f", w / floor[lab]) : "-"
                note = r[7]
                if (r[3] == "bad") note = "WRONG RESULT: " note
                print "| ", cap, " | ", r[2], " | ", wall, " | ", r[8], " | ", mps, " | ", mbs, " | ",
                      sprintf("%.1f", rss / 1e6), " | ", sprintf("%.0f", rss / n[lab]), " | ",
                      xf, " | ", note, " |"
            }
        }' "$OUT/sizes.tsv" "$RESULTS"
    echo
    # Targets (from the issue) for the largest plain capture of >= 1 M messages.
    awk -F'\t' '
        FNR == NR { if ($2 >= 1000000 && $1 !~ /rtp/) big = $1; next }
        $1 == big && $3 == "ok" { w[$2] = $4; rss[$2] = $5 * 1024 }
        END {
            if (big == "") { print "Targets apply to the ~1 M-message capture; none was run."; exit }
            if (!("sipdx" in w)) { print "Targets (" big "): sipdx not available, not evaluated."; exit }
            s = w["sipdx"]
            printf "Targets on %s: ", big
            if (s <= 0) s = 0.01
            if ("sngrep" in w) printf "%.1fx faster than sngrep (want >= 20) %s; ", w["sngrep"] / s, (w["sngrep"] / s >= 20 ? "PASS" : "FAIL")
            if ("tshark" in w) printf "%.1fx faster than tshark (want >= 8) %s; ", w["tshark"] / s, (w["tshark"] / s >= 8 ? "PASS" : "FAIL")
            if ("pcap_loop" in w) printf "%.1fx the read loop (want <= 5) %s; ", s / w["pcap_loop"], (s / w["pcap_loop"] <= 5 ? "PASS" : "FAIL")
            printf "peak RSS %.0f MB (want <= 250) %s.\n", rss["sipdx"] / 1e6, (rss["sipdx"] <= 250e6 ? "PASS" : "FAIL")
        }' "$OUT/sizes.tsv" "$RESULTS"
} >"$TABLE"

cat "$TABLE"

if [ "$WRITE_DOC" = 1 ]; then
    mkdir -p "$(dirname "$DOC")"
    if [ ! -f "$DOC" ] || ! grep -q '^<!-- bench:begin -->' "$DOC"; then
        {
            echo "# Benchmarks"
            echo
            echo "Produced by \`make bench\` (bench/run.sh); the table is rewritten on each run."
            echo
            echo "<!-- bench:begin -->"
            echo "<!-- bench:end -->"
        } >"$DOC"
    fi
    awk -v table="$TABLE" '
        /^<!-- bench:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
        /^<!-- bench:end -->/ { skip = 0 }
        !skip { print }' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
    echo "bench: table written to ${DOC#"$ROOT"/}" >&2
fi
