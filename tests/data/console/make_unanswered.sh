#!/usr/bin/env bash
# Makes unanswered.pcap (sipp on loopback, real time, about 3.5 minutes):
#  t=0     call A: INVITE 2001 -> 3001 to a port where nothing answers (a
#          sink): sipp retransmits it (Timer A) and gives up (Timer B)
#  t=2     call B: INVITE 2002 -> 3002, 100 + 180, then nothing ever
#  t=45    call C: a normal answered call (sipp uac -> uas), past Timer B
#  t=200   call D: another answered call, past Timer C of call B
# Cut at 60 s (editcap) it shows A given up on and B still ringing.
set -eu
out=${1:-unanswered.pcap}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
tcpdump -i lo -U -w "$tmp/cap.pcap" 'udp and portrange 5460-5469' 2>/dev/null & pids+=($!)
sleep 1
python3 -c 'import socket,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",5461))
end=time.time()+60
while time.time()<end:
    s.settimeout(1)
    try: s.recv(65535)
    except OSError: pass' & pids+=($!)
sipp -sf "$here/uas_ring_only.xml" -i 127.0.0.1 -p 5462 -m 1 -nostdin >/dev/null 2>&1 & pids+=($!)
sipp -sn uac 127.0.0.1:5461 -i 127.0.0.1 -p 5463 -s 3001 -m 1 -timeout 40s -nostdin >/dev/null 2>&1 & pids+=($!)
sleep 2
sipp -sn uac 127.0.0.1:5462 -i 127.0.0.1 -p 5464 -s 3002 -m 1 -timeout 230s -nostdin >/dev/null 2>&1 & pids+=($!)
sleep 43
sipp -sn uas -i 127.0.0.1 -p 5465 -m 1 -timeout 20s -nostdin >/dev/null 2>&1 & pids+=($!)
sleep 0.5
sipp -sn uac 127.0.0.1:5465 -i 127.0.0.1 -p 5466 -s 3003 -m 1 -d 500 -timeout 20s -nostdin >/dev/null 2>&1
sleep 155
sipp -sn uas -i 127.0.0.1 -p 5467 -m 1 -timeout 20s -nostdin >/dev/null 2>&1 & pids+=($!)
sleep 0.5
sipp -sn uac 127.0.0.1:5467 -i 127.0.0.1 -p 5468 -s 3004 -m 1 -d 500 -timeout 20s -nostdin >/dev/null 2>&1
sleep 1
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
cp "$tmp/cap.pcap" "$out"
