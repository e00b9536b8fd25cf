#!/usr/bin/env bash
# record.sh: re-records media_findings.pcap, real RTP from sipp on the
# loopback of a private network namespace (unshare -n), for the media
# findings test.  Needs root (unshare, tcpdump), sipp, editcap.
#
#   call 1: 127.0.0.2 offers PCMA + telephone-event and plays sipp's G.711
#           sample with 12 packets removed (seq gaps: 5 % loss), then one
#           RFC 4733 digit "1"; 127.0.0.1 answers PCMA only and never sends
#           RTP -> one-way audio, loss, DTMF not negotiated
#   call 2: the same caller announces port 6100 but sends from 6200 (as a
#           NAT would), the callee echoes RTP back (sipp -rtp_echo) ->
#           RTP from an address the SDP did not announce; two-way, no loss
# Every process is bounded with timeout and stopped by its PID.
set -eu
cd "$(dirname "$0")"
if [ -z "${RTP_NETNS:-}" ]; then
    RTP_NETNS=1 exec timeout 120 unshare -n "$0" "$@"
fi
ip link set lo up
for t in sipp tcpdump editcap ss; do
    command -v $t >/dev/null || { echo "record.sh: needs $t" >&2; exit 1; }
done
SAMPLE=/usr/share/sip-tester/g711a.pcap
WORK=$(mktemp -d)
TCPDUMP=""
cleanup() {
    [ -n "$TCPDUMP" ] && kill "$TCPDUMP" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_until() {
    local i
    for i in $(seq 1 100); do
        "$@" && return 0
        sleep 0.05
    done
    echo "record.sh: timed out waiting for: $*" >&2
    return 1
}
udp_bound() { ss -Hlun "sport = :$1" | grep -q .; }
udp_free() { ! udp_bound "$1"; }

# 12 packets out of 236 removed: 20, 40, ..., 200 and a burst 150-151
editcap "$SAMPLE" "$WORK/lossy.pcap" 20 40 60 80 100 120 140 150 151 160 180 200

# call UASARGS UACARGS (media ports in the args)
call() {
    wait_until udp_free 5060
    (cd "$WORK" && exec timeout 30 sipp -sf "$OLDPWD/uas.xml" -i 127.0.0.1 -p 5060 \
        -mi 127.0.0.1 -m 1 -nostdin $1 >/dev/null 2>&1) &
    local spid=$!
    wait_until udp_bound 5060
    (cd "$WORK" && timeout 30 sipp -sf "$OLDPWD/uac.xml" -i 127.0.0.2 -p 5070 -mi 127.0.0.2 \
        -m 1 -nostdin -trace_err $2 127.0.0.1:5060 >"$WORK/uac.log" 2>&1) || {
        grep -i -m5 "error\|unable\|fail" "$WORK/uac.log" >&2; ls "$WORK" >&2; cat "$WORK"/*errors* 2>/dev/null | head >&2
        echo "record.sh: uac $2 failed" >&2
        exit 1
    }
    wait "$spid" || { echo "record.sh: uas $1 failed" >&2; exit 1; }
}

tcpdump -i lo --immediate-mode -U -s 0 -w "$WORK/media_findings.pcap" udp 2>"$WORK/tcpdump.err" &
TCPDUMP=$!
wait_until grep -q "listening on" "$WORK/tcpdump.err"
call "-mp 7000" "-mp 6000 -key sdp_port 6000 -key audio $WORK/lossy.pcap"
call "-mp 7100 -rtp_echo" "-mp 6200 -key sdp_port 6100 -key audio $SAMPLE"
sleep 0.2
kill "$TCPDUMP"
wait "$TCPDUMP" || true
TCPDUMP=""
cp "$WORK/media_findings.pcap" ./media_findings.pcap
echo "record.sh: wrote media_findings.pcap"
