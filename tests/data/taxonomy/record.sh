#!/bin/sh
# Re-records the taxonomy captures (issue 20): each NAME.pcap holds one or
# more failure classes played by sipp peers on loopback, beside healthy
# calls (a clean call between other addresses, busy and declined calls).
# The peers of one capture run concurrently on their own 127.0.0.x
# addresses; tcpdump -i lo writes everything they exchange, ICMP included.
#
#   tests/data/taxonomy/record.sh [NAME ...]       (default: all)
#   OUT=/tmp/dev CSV=/tmp/dev.csv NET=127.0.1 record.sh responder
#     records a variant with other addresses and answers (what the rules
#     were developed against, so the committed captures are not it).
# Needs root (tcpdump), sipp and tcpdump; touches only loopback.
set -eu
cd "$(dirname "$0")"
here=$(pwd)
for t in sipp tcpdump; do
    command -v $t >/dev/null || { echo "record.sh: $t is missing" >&2; exit 1; }
done
OUT=${OUT:-$here}
NET=${NET:-127.0.0}
SC=$here/../scenarios
tmp=$(mktemp -d)
# On the way out, end the peers and tcpdump this script started (by pid).
cleanup() {
    for p in ${pids:-} ${allpids:-}; do
        kill "$p" 2>/dev/null || true
    done
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

# capture_start NAME SUFFIX...: tcpdump on lo into $tmp/NAME.pcap, every
# packet to or from $NET.SUFFIX (ICMP about them too); capture_stop NAME
# moves it to $OUT.
capture_start() {
    f=
    name=$1
    shift
    for h in "$@"; do
        f="${f:+$f or }host $NET.$h"
    done
    tcpdump -i lo -U --immediate-mode -s 0 -w "$tmp/$name.pcap" "$f" 2>"$tmp/$name.tcpdump" &
    echo $! >"$tmp/$name.tpid"
    allpids="${allpids:-} $!"
    i=0
    while ! grep -q "listening on" "$tmp/$name.tcpdump" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "record.sh: tcpdump did not start" >&2; return 1; }
        sleep 0.1
    done
}
capture_stop() {
    sleep 0.5
    kill -INT "$(cat "$tmp/$1.tpid")"
    wait "$(cat "$tmp/$1.tpid")" 2>/dev/null || true
    mv "$tmp/$1.pcap" "$OUT/$1.pcap"
    echo "$1: $(tcpdump -r "$OUT/$1.pcap" 2>/dev/null | wc -l) packets"
}

# uas XML IP PORT CALLS [sipp args...]: a sipp UAS in the background.
uas() {
    xml=$1 ip=$2 port=$3 calls=$4
    shift 4
    timeout 150 sipp -sf "$xml" -i "$ip" -p "$port" -m "$calls" -nostdin -timeout 120 \
        -trace_err -error_file "$tmp/uas.$ip.$port.err" "$@" >/dev/null 2>&1 &
    pids="${pids:-} $!"
    allpids="${allpids:-} $!"
}
# uac XML IP PORT DEST CALLS [sipp args...]: a sipp UAC, waited for.
uac() {
    xml=$1 ip=$2 port=$3 dest=$4 calls=$5
    shift 5
    timeout 150 sipp -sf "$xml" -i "$ip" -p "$port" -m "$calls" -l 1 -nostdin -timeout 120 \
        -trace_err -error_file "$tmp/uac.$ip.$port.err" "$@" "$dest" >/dev/null 2>&1 || true
}
# peers_wait: waits for the peers started so far (not for tcpdump).
peers_wait() {
    for p in ${pids:-}; do
        wait "$p" 2>/dev/null || true
    done
    pids=
}
# clean IPSUFFIX: a healthy call between $NET.IP+1 -> $NET.IP (the distractor).
clean() {
    uas "$SC/clean_call_uas.xml" "$NET.$1" 5060 1
    sleep 0.3
    uac "$SC/clean_call_uac.xml" "$NET.$(($1 + 1))" 5062 "$NET.$1:5060" 1 -s 500
}

# responder: one far end refusing each call as the caller's line of
# responder.csv asks (404, 484, 604, 480 "No money left", 503 Retry-After,
# 500 quota, 403 Empty Route Set, 420, 421, 482, 302 not followed, 488 to an
# SRTP offer and to a plain one, 486, 603, 500 DB Timeout, 502, 405, 400,
# 410, 480 absent, 402), with a clean call in the middle.
rec_responder() {
    csv=${CSV:-$here/responder.csv}
    n=$(($(wc -l <"$csv") - 1))
    capture_start responder 20 21 30 31
    uas "$here/responder_uas.xml" "$NET.20" 5070 "$n"
    sleep 0.3
    (sleep 1.5 && clean 30) &
    pids="$pids $!"
    uac "$here/responder_uac.xml" "$NET.21" 5072 "$NET.20:5070" "$n" -inf "$csv" -r 4
    peers_wait
    capture_stop responder
}

# flow NAME UAS_IP UAC_IP PORT CLEAN_IP [UAC ARGS]: the NAME_uas/NAME_uac
# pair of gen_flows.py between $NET.UAS_IP and $NET.UAC_IP, with a clean
# call between $NET.CLEAN_IP+1 and $NET.CLEAN_IP during it.
flow() {
    name=$1 a=$2 b=$3 port=$4 c=$5
    shift 5
    capture_start "$name" "$a" "$b" "$c" $((c + 1))
    uas "$here/${name}_uas.xml" "$NET.$a" "$port" 1 -s 2201 -max_retrans 14
    sleep 0.3
    (sleep 0.5 && clean "$c") &
    pids="$pids $!"
    uac "$here/${name}_uac.xml" "$NET.$b" $((port + 1)) "$NET.$a:$port" 1 -s 2201 "$@"
    peers_wait
    capture_stop "$name"
}
rec_auth_wrongpw() { flow auth_wrongpw 40 41 5080 42 -au 2201 -ap not-the-password; }
rec_auth_stale_loop() { flow auth_stale_loop 44 45 5084 46 -au 2202 -ap stale; }
rec_bye_481() { flow bye_481 48 49 5088 50; }
rec_t38_refused() { flow t38_refused 52 53 5092 54; }
rec_contact_dead() { flow contact_dead 56 57 5096 58; }
rec_redirect_loop() { flow redirect_loop 78 79 5120 80; }

# scan: a scanner (User-Agent and extensions from scan.csv) sweeps the PBX
# at .60 with REGISTERs, each answered 401; a clean call beside it.
rec_scan() {
    csv=${SCAN_CSV:-$here/scan.csv}
    n=$(($(wc -l <"$csv") - 1))
    capture_start scan 60 61 62 63
    uas "$here/scan_uas.xml" "$NET.60" 5100 "$n"
    sleep 0.3
    (sleep 1 && clean 62) &
    pids="$pids $!"
    uac "$here/scan_uac.xml" "$NET.61" 5101 "$NET.60:5100" "$n" -inf "$csv" -r 20
    peers_wait
    capture_stop scan
}
# reg_lapse: 2301 registers for 3 s and 2302 for an hour at the PBX .64;
# 6 s later a caller at .66 dials both: 2301 gets 480 (its binding
# expired), 2302 answers.
rec_reg_lapse() {
    capture_start reg_lapse 64 65 66
    uas "$here/register_once_uas.xml" "$NET.64" 5104 2
    sleep 0.3
    uac "$here/register_once_uac.xml" "$NET.65" 5105 "$NET.64:5104" 2 -inf "$here/reg_lapse.csv"
    peers_wait
    sleep 6
    uas "$here/responder_uas.xml" "$NET.64" 5106 1
    uas "$SC/clean_call_uas.xml" "$NET.64" 5107 1
    sleep 0.3
    uac "$here/responder_uac.xml" "$NET.66" 5108 "$NET.64:5106" 1 -inf "$here/reg_lapse_call.csv"
    uac "$SC/clean_call_uac.xml" "$NET.66" 5109 "$NET.64:5107" 1 -s 2302
    peers_wait
    capture_stop reg_lapse
}
# dead_dest: two calls to .68, which never answers (Timer B each); a
# clean call to .70 from the same caller.
rec_dead_dest() {
    capture_start dead_dest 68 69 70 71
    uas "$here/silent_uas.xml" "$NET.68" 5110 2
    sleep 0.3
    (sleep 1 && clean 70) &
    pids="$pids $!"
    uac "$here/silent_uac.xml" "$NET.69" 5111 "$NET.68:5110" 2 -s 4401 -l 2 -r 2
    peers_wait
    capture_stop dead_dest
}
# trunk_onset: the trunk at .72 answers two calls, then refuses every call
# with 503 from a moment on.
rec_trunk_onset() {
    capture_start trunk_onset 72 73
    uas "$SC/clean_call_uas.xml" "$NET.72" 5112 2
    sleep 0.3
    uac "$SC/clean_call_uac.xml" "$NET.73" 5113 "$NET.72:5112" 2 -s 74997001122
    peers_wait
    sleep 1
    uas "$here/responder_uas.xml" "$NET.72" 5112 3
    sleep 0.3
    uac "$here/responder_uac.xml" "$NET.73" 5113 "$NET.72:5112" 3 -inf "$here/trunk_onset.csv" -r 2
    peers_wait
    capture_stop trunk_onset
}

[ $# -eq 0 ] && set -- scan reg_lapse dead_dest trunk_onset responder auth_wrongpw auth_stale_loop bye_481 t38_refused contact_dead \
    redirect_loop
for name in "$@"; do
    "rec_$name"
done
