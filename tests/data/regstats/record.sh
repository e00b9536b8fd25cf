#!/usr/bin/env bash
# record.sh: re-records register.pcap and calls.pcap from the sipp
# scenarios in this directory, on the loopback of a private network
# namespace (unshare -n: nobody else's SIP test can mix in; 127.0.0.1
# registrar / callee, 127.0.0.2-3 phones).  Needs root (unshare, tcpdump)
# and sipp.  Every process is bounded with timeout and stopped by its PID.
#
#   register.pcap  1004 granted 1 s (expires before the capture ends),
#                  1001 digest auth OK, 1002 wrong password -> 403,
#                  1003 423 Interval Too Brief -> retry -> 200,
#                  1005 registers then deregisters (Expires: 0)
#   calls.pcap     answered after ringing, 486, ringing then CANCEL/487,
#                  503, answered without ringing (tel: R-URI), 302
set -eu
cd "$(dirname "$0")"
if [ -z "${REGSTATS_NETNS:-}" ]; then
    REGSTATS_NETNS=1 exec timeout 300 unshare -n "$0" "$@"
fi
ip link set lo up
command -v sipp >/dev/null && command -v tcpdump >/dev/null || {
    echo "record.sh: needs sipp and tcpdump" >&2
    exit 1
}
WORK=$(mktemp -d)
TCPDUMP=""
cleanup() {
    [ -n "$TCPDUMP" ] && kill "$TCPDUMP" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# wait_until CMD...: polls (up to 5 s) until CMD succeeds
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

start_capture() { # out.pcap
    tcpdump -i lo --immediate-mode -U -s 0 -w "$WORK/$1" 'udp port 5060' 2>"$WORK/tcpdump.err" &
    TCPDUMP=$!
    wait_until grep -q "listening on" "$WORK/tcpdump.err"
}
stop_capture() { # out.pcap
    sleep 0.2 # let the last datagrams reach the capture buffer
    kill "$TCPDUMP"
    wait "$TCPDUMP" || true
    TCPDUMP=""
    cp "$WORK/$1" "./$1"
    echo "record.sh: wrote $1"
}

# flow UAS.xml "uas args" UAC.xml "uac args": one exchange, both sides must
# pass (args are shell words: quote phrases with spaces)
flow() {
    local uas=$1 uac=$3 spid here=$PWD
    local -a uasargs uacargs
    eval "uasargs=($2)"
    eval "uacargs=($4)"
    wait_until udp_free 5060
    (cd "$WORK" && exec timeout 20 sipp -sf "$here/$uas" -i 127.0.0.1 -p 5060 -m 1 \
        -nostdin -trace_err "${uasargs[@]}" >/dev/null 2>&1) &
    spid=$!
    wait_until udp_bound 5060
    (cd "$WORK" && timeout 20 sipp -sf "$here/$uac" -m 1 -nostdin -trace_err \
        "${uacargs[@]}" 127.0.0.1:5060 >/dev/null 2>&1) || {
        echo "record.sh: $uac $uacargs failed" >&2
        exit 1
    }
    wait "$spid" || {
        echo "record.sh: $uas $uasargs failed" >&2
        exit 1
    }
}

start_capture register.pcap
flow reg_short_uas.xml "-key user 1004" \
     reg_short_uac.xml "-i 127.0.0.2 -p 5064 -key user 1004"
flow reg_auth_uas.xml "-key user 1001" \
     reg_uac.xml "-i 127.0.0.2 -p 5061 -key user 1001 -key expires 3600 -au 1001 -ap secret"
flow reg_auth_uas.xml "-key user 1002" \
     reg_uac.xml "-i 127.0.0.2 -p 5062 -key user 1002 -key expires 3600 -au 1002 -ap guess"
flow reg_423_uas.xml "-key user 1003" \
     reg_423_uac.xml "-i 127.0.0.3 -p 5063 -key user 1003"
flow reg_auth_uas.xml "-key user 1005" \
     reg_uac.xml "-i 127.0.0.2 -p 5065 -key user 1005 -key expires 600 -au 1005 -ap secret"
flow reg_auth_uas.xml "-key user 1005" \
     reg_uac.xml "-i 127.0.0.2 -p 5065 -key user 1005 -key expires 0 -au 1005 -ap secret"
stop_capture register.pcap

start_capture calls.pcap
UAC="-i 127.0.0.2 -p 5070"
flow call_answer_uas.xml "" \
     call_answer_uac.xml "$UAC -key ruri sip:2001@carrier-a.test -d 1000"
flow call_486_uas.xml "" \
     call_reject_uac.xml "$UAC -key ruri sip:2002@carrier-a.test"
flow call_cancel_uas.xml "" call_cancel_uac.xml "$UAC -key ruri sip:3001@carrier-b.test"
flow call_503_uas.xml "" \
     call_reject_uac.xml "$UAC -key ruri sip:3002@carrier-b.test"
flow call_direct_uas.xml "" call_answer_uac.xml "$UAC -key ruri tel:+15550001 -d 500"
flow call_302_uas.xml "" \
     call_reject_uac.xml "$UAC -key ruri sip:3003@carrier-b.test"
stop_capture calls.pcap
