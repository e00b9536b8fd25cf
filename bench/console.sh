#!/usr/bin/env bash
# bench/console.sh: how fast the console answers on a big capture (issue 15
# point 16).  Runs `sipdx FILE` in a private tmux server (120x40) and polls
# the screen (capture-pane, no fixed sleeps) for
#   first   the call list's header row and a first call on screen
#   all     the status line says the whole file was read and shows every call
# then times the batch `sipdx -r FILE --list >/dev/null` the same way
# (wall clock), each RUNS times, alternating, and prints the minimum of each.
#
# usage: bash bench/console.sh FILE CALLS [RUNS]   (CALLS: the file's dialogs)
# environment: SIPDX (binary, default build/sipdx)
set -u
file=$1 calls=$2 runs=${3:-3}
sipdx=${SIPDX:-build/sipdx}
now() { date +%s.%N; }
sock=cbench$$
trap 'tmux -L $sock kill-server >/dev/null 2>&1' EXIT
best_first=999 best_all=999 best_list=999
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
for r in $(seq 1 "$runs"); do
    tmux -L $sock kill-server >/dev/null 2>&1
    t0=$(now)
    tmux -L $sock -f /dev/null new-session -d -s t -x 120 -y 40 \
        "env TERM=xterm-256color LANG=C.UTF-8 $sipdx $file; sleep 60"
    first="" all=""
    end=$((SECONDS + 120))
    while [ $SECONDS -le $end ]; do
        scr=$(tmux -L $sock capture-pane -p -t t 2>/dev/null)
        t=$(now)
        if [ -z "$first" ] && printf '%s\n' "$scr" | grep -Eq '^ +Idx' &&
            printf '%s\n' "$scr" | grep -Eq '^[ *][ !?]1 '; then
            first=$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
        fi
        if printf '%s\n' "$scr" | grep -Eq "read \\| msgs [0-9]+ calls $calls( |\$)"; then
            all=$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
            break
        fi
    done
    tmux -L $sock send-keys -t t Q
    tmux -L $sock kill-server >/dev/null 2>&1
    t0=$(now)
    "$sipdx" -r "$file" --list >/dev/null
    list=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
    echo "run $r: first screen ${first:-never} s, every call ${all:-never} s, batch --list $list s"
    [ -n "$first" ] && best_first=$(min "$best_first" "$first")
    [ -n "$all" ] && best_all=$(min "$best_all" "$all")
    best_list=$(min "$best_list" "$list")
done
ratio=$(awk -v a="$best_all" -v b="$best_list" 'BEGIN { printf "%.2f", a / b }')
echo "min of $runs: first screen $best_first s; every call listed $best_all s; batch --list $best_list s; ratio ${ratio}x"
