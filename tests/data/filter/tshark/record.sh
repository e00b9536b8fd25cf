#!/bin/sh
# Records what tshark -Y selects for each case of cases.tsv: the sorted,
# distinct Call-IDs of the frames the filter selects, one per line, in
# sets/NNN.txt, and the numbers of those frames that carry SIP in
# sets/NNN.frames.  Made once with tshark 4.0.17 (Debian 12) by
#   SIPDX_CORPUS=/path/to/corpus sh tests/data/filter/tshark/record.sh
# from the repository root.  The files are the contract; re-run only when
# a case is added (and look at every difference).
set -eu
dir=$(dirname "$0")
: "${SIPDX_CORPUS:?set SIPDX_CORPUS}"
mkdir -p "$dir/sets"
n=0
grep -v '^#' "$dir/cases.tsv" | while IFS='	' read -r cap extra expr _sipdx; do
    n=$((n + 1))
    out=$(printf '%s/sets/%03d.txt' "$dir" "$n")
    if [ "$extra" = "-" ]; then extra=""; fi
    # shellcheck disable=SC2086  # extra is a list of arguments
    tshark -n -r "$SIPDX_CORPUS/$cap" $extra -Y "$expr" -T fields \
        -E aggregator=/s -e frame.number -e sip.Call-ID 2>/dev/null >"$out.tmp"
    cut -f2 "$out.tmp" | tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u >"$out"
    # Frames with a SIP message only (not, say, MEGACO/SDP or RTP frames
    # that "frame.number <= 100" or "sdp..." also select).
    awk -F'\t' '$2 != "" { print $1 }' "$out.tmp" | sort -n >"${out%.txt}.frames"
    rm -f "$out.tmp"
    printf '%03d %5d  %s  %s\n' "$n" "$(wc -l <"$out")" "$cap" "$expr"
done
