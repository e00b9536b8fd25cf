# The one harness of the console tests (tests/ui/*, bash): the real sipdx
# in a private tmux server, asserting on what is on the screen.
#
#   . "$(dirname "$0")/../lib/tmux_console.sh"
#   console_start 120 40 "$SIPDX_CORPUS/generated/call_cancel_487.pcap"
#   wait_for 'msgs 7 calls 1'         # polls the screen, bounded
#   keys Enter
#   wait_for 'Call-ID: 1-11929@127\.0\.0\.1'
#   keys q q
#   wait_for '^SIPDX-EXIT=0$'         # the exit status, printed after sipdx
#   finish test_name
#
# Every wait is a counted check (tests/lib/check.sh): it polls
# capture-pane every 50 ms up to WAIT seconds (10 unless the script sets
# it, or the second argument), never a fixed sleep, and on a timeout
# prints the screen it saw.  Each console_start gets a fresh tmux server
# (no race with the previous one exiting); all are killed at exit, then
# the script's own CLEANUP code runs and $TMP (the console's working
# directory) is removed.

. "$(dirname "${BASH_SOURCE[0]}")/check.sh"
need_tools tmux
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
TMP=$(mktemp -d) || exit 1
WAIT=${WAIT:-10}
CLEANUP=""
_UI_NSTART=0
SOCK="sipdx-ui$$-0"

_ui_cleanup() {
    local i
    for i in $(seq 0 "$_UI_NSTART"); do tmux -L "sipdx-ui$$-$i" kill-server >/dev/null 2>&1; done
    eval "$CLEANUP"
    rm -rf "$TMP"
}
trap _ui_cleanup EXIT

# console_run W H 'COMMAND': a fresh W x H terminal running the shell
# COMMAND in $TMP, then SIPDX-EXIT=<its status> on the screen.
console_run() {
    local w=$1 h=$2
    tmux -L "$SOCK" kill-server >/dev/null 2>&1
    _UI_NSTART=$((_UI_NSTART + 1))
    SOCK="sipdx-ui$$-$_UI_NSTART"
    tmux -L "$SOCK" -f /dev/null new-session -d -s t -x "$w" -y "$h" -c "$TMP" \
        "$3 ; echo SIPDX-EXIT=\$?; sleep 30"
}

# console_start W H ARGS...: sipdx with ARGS (joined into the command line).
console_start() {
    local w=$1 h=$2
    shift 2
    console_run "$w" "$h" "$SIPDX $*"
}

# screen: what the terminal shows now, trailing blanks cut.
screen() { tmux -L "$SOCK" capture-pane -p -t t 2>/dev/null | sed 's/[[:space:]]*$//'; }

# keys KEY...: tmux key names (Enter, Down, C-u, F5) or words.
keys() { tmux -L "$SOCK" send-keys -t t "$@"; }

# typed TEXT: TEXT literally, no key names.
typed() { tmux -L "$SOCK" send-keys -t t -l -- "$1"; }

# resize W H: the terminal changes size under the console.
resize() { tmux -L "$SOCK" resize-window -t t -x "$1" -y "$2"; }

# wait_for REGEX [SECONDS]: a line of the screen matches (grep -E).
wait_for() {
    local re=$1 limit=${2:-$WAIT} end=$((SECONDS + ${2:-$WAIT}))
    while [ $SECONDS -le $end ]; do
        if screen | grep -Eq -- "$re"; then
            pass
            return 0
        fi
        sleep 0.05
    done
    fail "the screen shows /$re/ within ${limit}s; it showed:"
    screen
    return 1
}

# wait_gone REGEX [SECONDS]: no line of the screen matches any more.
wait_gone() {
    local re=$1 limit=${2:-$WAIT} end=$((SECONDS + ${2:-$WAIT}))
    while [ $SECONDS -le $end ]; do
        if ! screen | grep -Eq -- "$re"; then
            pass
            return 0
        fi
        sleep 0.05
    done
    fail "/$re/ leaves the screen within ${limit}s; it showed:"
    screen
    return 1
}

# wait_file PATH [SECONDS]: the console wrote a non-empty PATH.
wait_file() {
    local limit=${2:-$WAIT} end=$((SECONDS + ${2:-$WAIT}))
    while [ $SECONDS -le $end ]; do
        if [ -s "$1" ]; then
            pass
            return 0
        fi
        sleep 0.05
    done
    fail "$1 is written within ${limit}s"
    return 1
}

# screen_lacks REGEX WHAT: nothing on the screen now matches (a one-shot
# check, for what must never show: a raw ESC, a too-wide line).
screen_lacks() {
    if screen | grep -Eq -- "$1"; then
        fail "$2; the screen showed:"
        screen
        return 1
    fi
    pass
}
