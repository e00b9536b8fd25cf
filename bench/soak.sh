#!/bin/sh
# Soak: sipp calls on loopback at RATE calls/s for DURATION seconds while
# `sipdx -i lo --max-memory MAXMEM -w ... --rotate-size` captures them; RSS
# of sipdx is sampled every 10 s.  Not run in CI (minutes, and it loads the
# machine).  Needs root, sipp.
#   sh bench/soak.sh [RATE] [DURATION] [MAXMEM]     e.g. sh bench/soak.sh 400 180 64M
set -eu
RATE=${1:-400}
DURATION=${2:-180}
MAXMEM=${3:-64M}
SIPDX=${SIPDX:-build/sipdx}
DIR=$(mktemp -d /tmp/sipdx-soak.XXXXXX)
chown 65534:65534 "$DIR"     # -w files are written as nobody
UAS=35060
UAC=35070
CALLS=$((RATE * DURATION))

"$SIPDX" -i lo -f "udp port $UAS" --max-memory "$MAXMEM" -w "$DIR/soak.pcap" \
    --rotate-size "${ROTATE:-100M}" --stats --json >"$DIR/stats.json" 2>"$DIR/sipdx.err" &
SPID=$!
# wait for the privilege drop: capture is open
i=0
while [ "$(awk '/^Uid:/{print $2}' /proc/$SPID/status 2>/dev/null)" != 65534 ] && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
sipp -sn uas -i 127.0.0.1 -p $UAS -m "$CALLS" -timeout $((DURATION + 60)) -nostdin \
    -bg >/dev/null 2>&1 || true
sleep 0.5
start=$(date +%s)
sipp -sn uac 127.0.0.1:$UAS -i 127.0.0.1 -p $UAC -r "$RATE" -m "$CALLS" -l 100000 \
    -timeout $((DURATION + 60)) -nostdin -trace_stat -stf "$DIR/uac.csv" -fd 10 \
    >/dev/null 2>&1 &
UPID=$!
# CPU of sipdx: utime + stime from /proc/PID/stat, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' /proc/$SPID/stat 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
cpu0=$(cpu_ticks)
echo "t_s rss_kb cpu_s" >"$DIR/rss.txt"
while kill -0 $UPID 2>/dev/null; do
    now=$(($(date +%s) - start))
    echo "$now $(awk '/^VmRSS:/{print $2}' /proc/$SPID/status) $(( ($(cpu_ticks) - cpu0) / HZ ))" \
        >>"$DIR/rss.txt"
    sleep ${SAMPLE:-10}
done
cpu1=$(cpu_ticks)
busy=$(($(date +%s) - start))
wait $UPID || true
sleep 2
kill -INT $SPID
wait $SPID || true
end=$(date +%s)
echo "rate=$RATE calls/s duration=$((end - start)) s calls=$CALLS max-memory=$MAXMEM"
echo "sipdx CPU while sipp ran: $(awk -v t=$((cpu1 - cpu0)) -v hz=$HZ -v s=$busy 'BEGIN{printf "%.1f s in %d s = %.1f %% of one CPU", t/hz, s, 100*t/hz/s}')"
echo "sipp: $(awk -F';' 'NR==1{for(i=1;i<=NF;i++)h[i]=$i} END{for(i=1;i<=NF;i++) if(h[i]~/(SuccessfulCall|FailedCall)\(C\)/) printf "%s=%s ", h[i], $i}' "$DIR/uac.csv")"
cat "$DIR/sipdx.err"
echo "rss samples (kB):"; cat "$DIR/rss.txt"
echo "files written: $(ls "$DIR" | grep -c soak.pcap)"; ls -l "$DIR" | grep soak
head -c 300 "$DIR/stats.json"; echo
echo "(outputs kept in $DIR)"
