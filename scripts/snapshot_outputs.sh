#!/bin/sh
# Writes every batch output of a sipdx binary on every corpus capture into a
# directory, one file per capture and mode, so that two builds can be
# compared with `diff -r` (the house rule: a restructure changes no output).
#
#   scripts/snapshot_outputs.sh BUILD/sipdx OUTDIR [CORPUS]
set -u
bin=$1 out=$2 corpus=${3:-$(dirname "$0")/../tests/corpus}
mkdir -p "$out"
export LANG=C LC_ALL=C TZ=UTC
top=$(cd "$(dirname "$0")/.." && pwd)
find "$corpus" "$top/data" "$top/tests/data" -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' |
sort | while read -r f; do
    n=$(echo "$f" | sed "s|^$corpus/||; s|^$top/||; s|/|__|g")
    for mode in --list --stats --report --registrations --rtp-streams \
                "--dump messages" "--dump packets"; do
        m=$(echo "$mode" | tr -d ' -')
        # shellcheck disable=SC2086
        "$bin" -r "$f" $mode >"$out/$n.$m.txt" 2>&1; echo "exit $?" >>"$out/$n.$m.txt"
        "$bin" -r "$f" $mode --json >"$out/$n.$m.json" 2>&1; echo "exit $?" >>"$out/$n.$m.json"
    done
    "$bin" -r "$f" --list --json 2>/dev/null |
        python3 -c 'import sys,json
for l in sys.stdin:
    try: print(json.loads(l)["call_id"])
    except Exception: pass' | head -20 | while read -r cid; do
        h=$(printf '%s' "$cid" | md5sum | cut -c1-8)
        "$bin" -r "$f" --flow "$cid" >"$out/$n.flow.$h.txt" 2>&1; echo "exit $?" >>"$out/$n.flow.$h.txt"
        "$bin" -r "$f" --flow "$cid" --json >"$out/$n.flow.$h.json" 2>&1; echo "exit $?" >>"$out/$n.flow.$h.json"
    done
done
