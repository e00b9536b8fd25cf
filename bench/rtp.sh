#!/bin/sh
# bench/rtp.sh: what RTP costs sipdx.  For each size, the plain capture and
# its --rtp variant from bench/gen.c (same seed), read by the libpcap loop
# (the floor) and by `sipdx --list` (and `--rtp-streams` on the RTP file).
# CPU seconds (user + system, mean of hyperfine runs) are the figure to
# compare: wall time on a shared machine moves with the load; peak RSS from
# /usr/bin/time.  Prints a markdown table (docs/benchmarks.md, "RTP").
#
# usage: sh bench/rtp.sh [SIZES...]   (default 10000 100000)
# environment: BUILD (default build), RUNS (default 5)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/bench/out"
SIPDX="$ROOT/${BUILD:-build}/sipdx"
RUNS=${RUNS:-5}
SIZES=${*:-10000 100000}
CF="-std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -O2"
mkdir -p "$OUT"
[ -x "$SIPDX" ] || { echo "rtp.sh: build sipdx first ($SIPDX)" >&2; exit 1; }
for t in hyperfine python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "rtp.sh: needs $t" >&2; exit 1; }
done
[ -x "$OUT/gen" ] || cc $CF -o "$OUT/gen" "$ROOT/bench/gen.c"
[ -x "$OUT/pcap_loop" ] || cc $CF -o "$OUT/pcap_loop" "$ROOT/bench/pcap_loop.c" -lpcap

# cpu CMD...: mean user+system seconds over $RUNS runs
cpu() {
    hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/rtp-hf.json" "$*" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]
print("%.3f" % (r["user"] + r["system"]))' "$OUT/rtp-hf.json"
}
rss() { # peak RSS in MB
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'
}

echo "| capture | MB | RTP packets | pcap_loop CPU s | sipdx --list CPU s | peak RSS MB | sipdx --rtp-streams CPU s | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
    for v in plain rtp; do
        f="$OUT/rtpbench-$v-$n.pcap"
        flag=""
        [ "$v" = rtp ] && flag="--rtp"
        [ -f "$f" ] || "$OUT/gen" -n "$n" -s 1 $flag -o "$f" 2>"$f.log"
        pk=$(sed -n 's/.* \([0-9]*\) RTP packets.*/\1/p' "$f.log")
        mb=$(awk -v b="$(wc -c <"$f")" 'BEGIN{printf "%.1f", b/1e6}')
        fl=$(cpu "$OUT/pcap_loop" "$f")
        sl=$(cpu "$SIPDX" -r "$f" --list)
        sr=$(rss "$SIPDX" -r "$f" --list)
        if [ "$v" = rtp ]; then
            rl=$(cpu "$SIPDX" -r "$f" --rtp-streams)
            rr=$(rss "$SIPDX" -r "$f" --rtp-streams)
        else
            rl=-; rr=-
        fi
        echo "| $n SIP msgs, $v | $mb | ${pk:-0} | $fl | $sl | $sr | $rl | $rr |"
    done
done
