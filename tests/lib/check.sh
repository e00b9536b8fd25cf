# The one harness of the shell test scripts (POSIX sh; tests/integration's
# shell scripts source it, and tests/lib/tmux_console.sh for tests/ui/*):
#
#   . "$(dirname "$0")/../lib/check.sh"
#   need_tools tshark
#   check "the 488 is explained" grep -q 'Not Acceptable' "$out"
#   if [ "$n" -eq 5 ]; then pass; else fail "5 findings, got $n"; fi
#   finish test_name
#
# Every check is counted; a failed one prints "FAIL: <what>" and the
# script goes on, so one run shows every failure.  finish prints "NAME: N
# checks, M failed" and exits 1 if a check failed or none ran.  A missing
# tool is a failure (scripts/deps.sh installs it), never a skip.
#
# ctest sets SIPDX, SIPDX_CORPUS, SIPDX_TESTDATA and SIPDX_SRC
# (tests/CMakeLists.txt); by hand the last three default to this checkout.

CHECKS=0
FAILS=0
if [ -z "${SIPDX_SRC:-}" ]; then
    SIPDX_SRC=$(cd "$(dirname "$0")/../.." && pwd)
fi
: "${SIPDX_CORPUS:=$SIPDX_SRC/tests/corpus}"
: "${SIPDX_TESTDATA:=$SIPDX_SRC/tests/data}"
export SIPDX_SRC SIPDX_CORPUS SIPDX_TESTDATA

# pass: count a check that held (for if/else tests).
pass() {
    CHECKS=$((CHECKS + 1))
}

# fail WHAT: count a check that failed, and say which.
fail() {
    CHECKS=$((CHECKS + 1))
    FAILS=$((FAILS + 1))
    echo "FAIL: $*"
}

# check WHAT COMMAND [ARGS...]: the command's exit status is the check.
check() {
    _what=$1
    shift
    if "$@"; then pass; else fail "$_what"; fi
}

# need_tools TOOL...: stop at once (exit 1) if one is missing.
need_tools() {
    for _t in "$@"; do
        command -v "$_t" >/dev/null 2>&1 ||
            { echo "FAIL: $_t is missing (scripts/deps.sh installs it)"; exit 1; }
    done
}

# need_sipdx: SIPDX names an executable binary.
need_sipdx() {
    [ -n "${SIPDX:-}" ] && [ -x "$SIPDX" ] ||
        { echo "FAIL: SIPDX must name the sipdx binary (ctest sets it): '${SIPDX:-}'"; exit 1; }
}

# finish NAME: totals, then exit 1 if any check failed or none ran.
finish() {
    echo "$1: $CHECKS checks, $FAILS failed"
    [ "$CHECKS" -gt 0 ] || { echo "FAIL: no check ran"; exit 1; }
    [ "$FAILS" -eq 0 ]
    exit $?
}

need_sipdx
