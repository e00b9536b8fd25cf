#!/bin/sh
# Re-records the scenario captures: for each NAME_uac.xml / NAME_uas.xml
# pair, a sipp UAS on 127.0.0.2 and a sipp UAC on 127.0.0.1 run one call
# (auth_reject: four) while tcpdump -i lo writes NAME.pcap.  Scenarios run
# in parallel, each on its own port, so the whole set takes about a minute
# (session_refresh_fail and session_refresh_ok wait 60 s, session_expired
# 58 s, no_ack, cancel_ghost and cancel_ghost_bye 32 s, cancel_ack_only 5 s,
# glare_retry 4 s).
# Needs root (tcpdump), sipp and tcpdump; touches only loopback.
#
#   tests/data/scenarios/record.sh [NAME ...]     (default: all)
set -eu
cd "$(dirname "$0")"
for t in sipp tcpdump; do
    command -v $t >/dev/null || { echo "record.sh: $t is missing" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

if [ $# -eq 0 ]; then
    set -- $(ls *_uac.xml | sed 's/_uac\.xml$//')
fi

# run NAME PORT: one scenario, its capture in NAME.pcap.
run() {
    name=$1 port=$2 calls=1 uac_calls=1
    # auth_reject: three refused calls, then the UAS is gone (as if the
    # address were banned) and a fourth INVITE gets no answer at all
    [ "$name" = auth_reject ] && calls=3 uac_calls=4
    uac_port=$((port + 1))
    tcpdump -i lo -U --immediate-mode -s 0 -w "$tmp/$name.pcap" "udp and (port $port)" 2>"$tmp/$name.tcpdump" &
    tpid=$!
    i=0
    while ! grep -q "listening on" "$tmp/$name.tcpdump" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "record.sh: tcpdump did not start" >&2; kill $tpid; return 1; }
        sleep 0.1
    done
    timeout 120 sipp -sf "${name}_uas.xml" -i 127.0.0.2 -p "$port" -m $calls -nostdin \
        -timeout 100 -trace_err -error_file "$tmp/$name.uas.err" >/dev/null 2>&1 &
    spid=$!
    sleep 0.3
    timeout 120 sipp -sf "${name}_uac.xml" -i 127.0.0.1 -p "$uac_port" -m $uac_calls -l 1 \
        -nostdin -timeout 100 -au 200 -ap wrong-password -s 100 \
        -trace_err -error_file "$tmp/$name.uac.err" "127.0.0.2:$port" >/dev/null 2>&1 || true
    wait $spid || true
    sleep 0.3
    kill -INT $tpid
    wait $tpid || true
    mv "$tmp/$name.pcap" "$name.pcap"
    echo "$name: $(tcpdump -r "$name.pcap" 2>/dev/null | wc -l) packets"
}

port=5200
pids=
for name in "$@"; do
    run "$name" $port &
    pids="$pids $!"
    port=$((port + 10))
done
rc=0
for p in $pids; do
    wait $p || rc=1
done
exit $rc
