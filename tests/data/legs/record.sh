#!/bin/sh
# Re-records the leg-correlation captures: a sipp caller on 127.0.0.1, the
# test B2BUA (b2bua.py, Asterisk-like: new Call-ID, tags, SDP, numbers in
# E.164, no correlation header) on 127.0.0.10 and sipp trunks on 127.0.0.2
# and 127.0.0.3, while tcpdump -i lo writes NAME.pcap.  The B2BUA writes the
# pairs it made to NAME.legs.tsv (the ground truth for the tests); tshark
# writes NAME.pcap.truth.tsv as for tests/corpus.
# Needs root (tcpdump), sipp, tcpdump, tshark, python3; loopback only.
#
#   tests/data/legs/record.sh [NAME ...]   (default: all)
#   tests/data/legs/record.sh --truth-only (tshark truth of every capture)
#   tests/data/legs/record.sh --truth-file FILE (of one, for other dirs)
#     b2bua_answer      one call answered by the trunk, BYE from the caller
#     b2bua_fail        the trunk answers 503, the caller gets 480
#     b2bua_serial      trunk 1 answers 503, the B2BUA tries trunk 2: answered
#     b2bua_cancel      the caller cancels while the trunk rings
#     b2bua_concurrent  12 overlapping calls between the same two numbers
#     b2bua_burst       30 calls between the same numbers 5 ms apart, all
#                       ringing and answered at once: too close to tell
#                       apart by timing alone
#     kamailio_topoh    6 calls through kamailio with topoh masking Call-IDs
#                       (truth: the calls in order, one at a time, as the
#                       caller and the trunk each numbered them)
set -eu
cd "$(dirname "$0")"
for t in sipp tcpdump tshark python3 kamailio; do
    command -v $t >/dev/null || { echo "record.sh: $t is missing" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -eq 0 ] && set -- b2bua_answer b2bua_fail b2bua_serial b2bua_cancel b2bua_concurrent b2bua_burst kamailio_topoh

truth() {
    # The columns of tests/corpus's truth files.
    tshark -r "$1" -Y sip -T fields -E header=n -e frame.number -e frame.time_epoch \
        -e ip.src -e udp.srcport -e tcp.srcport -e ip.dst -e udp.dstport -e tcp.dstport \
        -e sip.Call-ID -e sip.CSeq -e sip.Method -e sip.Status-Code -e sip.Reason-Phrase \
        -e sip.from.user -e sip.to.user 2>/dev/null |
        awk -F'\t' 'BEGIN { OFS = "\t"; print "frame", "time_epoch", "src", "sport", "dst", "dport", "transport", "call_id", "cseq", "method", "status", "reason", "from_user", "to_user" }
            { tcp = $4 == ""; print $1, $2, $3, tcp ? $5 : $4, $6, tcp ? $8 : $7, tcp ? "TCP" : "UDP", $9, $10, $11, $12, $13, $14, $15 }' >"$1.truth.tsv"
    tshark -r "$1" -q -z sip,stat >"$1.sipstat.txt" 2>/dev/null
}

# kamailio_topoh PORT: calls one at a time through kamailio + topoh.
topoh() {
    name=kamailio_topoh port=$1
    sed -e "s/@KPORT@/$port/" -e "s/@UASPORT@/$((port + 2))/" kamailio_topoh.cfg >"$tmp/k.cfg"
    tcpdump -i lo -U --immediate-mode -s 0 -w "$tmp/$name.pcap" "udp and portrange $port-$((port + 9))" 2>"$tmp/$name.tcpdump" &
    tpid=$!
    i=0
    while ! grep -q "listening on" "$tmp/$name.tcpdump" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { kill $tpid; return 1; }; sleep 0.1
    done
    kamailio -f "$tmp/k.cfg" -DD -E -m 32 -M 8 2>"$tmp/kam.log" &
    kpid=$!
    sleep 1
    timeout 60 sipp -sf trunk_answer_uas.xml -i 127.0.0.2 -p $((port + 2)) -m 6 -nostdin -timeout 40 \
        -trace_msg -message_file "$tmp/uas.msg" >/dev/null 2>&1 &
    p1=$!
    timeout 60 sipp -sf caller_uac.xml -i 127.0.0.1 -p $((port + 1)) -m 6 -r 1 -rp 1500 -l 1 -s 0301234567 \
        -nostdin -timeout 40 -trace_msg -message_file "$tmp/uac.msg" 127.0.0.20:$port >/dev/null 2>&1 ||
        echo "$name: caller sipp failed" >&2
    wait $p1 || echo "$name: trunk sipp failed" >&2
    kill $kpid; wait $kpid || true
    sleep 0.3
    kill -INT $tpid; wait $tpid || true
    # One call at a time: the n-th INVITE the caller sent and the n-th the
    # trunk received are the two sides of one call.
    grep -A8 "^INVITE" "$tmp/uac.msg" | sed -n 's/^Call-ID: *//p' >"$tmp/a"
    grep -A8 "^INVITE" "$tmp/uas.msg" | sed -n 's/^Call-ID: *//p' | tr -d '\r' >"$tmp/b"
    paste "$tmp/a" "$tmp/b" | tr -d '\r' | awk -F'\t' '{ print $1 "\t" $2 "\ttags" }' >"$name.legs.tsv"
    mv "$tmp/$name.pcap" "$name.pcap"
    truth "$name.pcap"
    echo "$name: $(tcpdump -r "$name.pcap" 2>/dev/null | wc -l) packets, $(wc -l <"$name.legs.tsv") legs"
}

run() {
    name=$1 port=$2
    tcpdump -i lo -U --immediate-mode -s 0 -w "$tmp/$name.pcap" "udp and portrange $port-$((port + 9))" 2>"$tmp/$name.tcpdump" &
    tpid=$!
    i=0
    while ! grep -q "listening on" "$tmp/$name.tcpdump" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { kill $tpid; return 1; }; sleep 0.1
    done
    calls=1 rate=1 limit=1 uac=caller_uac.xml t1=trunk_answer_uas.xml t2=
    case $name in
    b2bua_fail) t1=trunk_503_uas.xml ;;
    b2bua_serial) t1=trunk_503_uas.xml t2=trunk_answer_uas.xml ;;
    b2bua_cancel) t1=trunk_ring_uas.xml uac=caller_cancel_uac.xml ;;
    b2bua_concurrent) calls=12 rate=7 limit=12 ;;
    b2bua_burst) calls=30 rate=200 limit=30 ;;
    esac
    timeout 60 sipp -sf $t1 -i 127.0.0.2 -p $((port + 2)) -m $calls -nostdin -timeout 40 >/dev/null 2>&1 &
    p1=$!
    p2=
    if [ -n "$t2" ]; then
        timeout 60 sipp -sf $t2 -i 127.0.0.3 -p $((port + 3)) -m $calls -nostdin -timeout 40 >/dev/null 2>&1 &
        p2=$!
    fi
    trunks="--trunk 127.0.0.2:$((port + 2))"
    [ -n "$t2" ] && trunks="$trunks --trunk 127.0.0.3:$((port + 3))"
    python3 b2bua.py --listen 127.0.0.10:$port $trunks --truth "$tmp/$name.legs.tsv" --idle 4 &
    bpid=$!
    sleep 0.5
    timeout 60 sipp -sf $uac -i 127.0.0.1 -p $((port + 1)) -m $calls -r $rate -l $limit -s 0301234567 \
        -nostdin -timeout 40 127.0.0.10:$port >/dev/null 2>&1 || echo "$name: caller sipp failed" >&2
    wait $p1 || echo "$name: trunk sipp failed" >&2
    [ -n "$p2" ] && { wait $p2 || echo "$name: trunk 2 sipp failed" >&2; }
    wait $bpid
    sleep 0.3
    kill -INT $tpid; wait $tpid || true
    mv "$tmp/$name.pcap" "$name.pcap"
    mv "$tmp/$name.legs.tsv" "$name.legs.tsv"
    truth "$name.pcap"
    echo "$name: $(tcpdump -r "$name.pcap" 2>/dev/null | wc -l) packets, $(wc -l <"$name.legs.tsv") legs"
}

if [ "${1:-}" = --truth-file ]; then
    truth "$2"
    exit 0
fi
if [ "${1:-}" = --truth-only ]; then
    for f in *.pcap; do truth "$f"; done
    exit 0
fi
port=5400
for name in "$@"; do
    if [ "$name" = kamailio_topoh ]; then topoh $port; else run "$name" $port; fi
    port=$((port + 10))
done
