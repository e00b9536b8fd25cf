"""The one harness of the integration scripts (tests/integration/*).

A script starts with

    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import sipdx_test as t

then runs the real binary and checks what it printed:

    rc, out, err = t.run("-r", t.corpus("generated/call_fail_488.pcap"), "--list")
    t.check(rc == 0 and "REJECTED" in out, "a 488 call is listed as rejected")
    ...
    t.done()

Every check is counted; a failed one prints "FAIL <what>" and the script
goes on, so one run shows every failure.  done() prints "N checks, M
failed" and exits 1 if any failed or if no check ran at all.  A tool the
script needs and cannot find is a failure (scripts/deps.sh installs it),
never a skip.  Processes started with start() and directories made with
tmpdir() are cleaned up however the script ends.

ctest sets SIPDX (the binary), SIPDX_CORPUS, SIPDX_TESTDATA and SIPDX_SRC
(tests/CMakeLists.txt); by hand, the last three default to this
checkout's tests/corpus, tests/data and top directory.
"""
import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.environ.get("SIPDX_SRC") or os.path.join(_HERE, "..", ".."))
CORPUS = os.path.abspath(os.environ.get("SIPDX_CORPUS") or os.path.join(SRC, "tests", "corpus"))
TESTDATA = os.path.abspath(os.environ.get("SIPDX_TESTDATA") or os.path.join(SRC, "tests", "data"))
SIPDX = os.environ.get("SIPDX", "")

_checks = 0
_failures = []
_procs = []
_dirs = []


def _die(what):
    print("FAIL " + what)
    sys.exit(1)


if not SIPDX or not os.access(SIPDX, os.X_OK):
    _die("SIPDX must name the sipdx binary (ctest sets it): %r" % SIPDX)
for _d, _name in ((CORPUS, "SIPDX_CORPUS"), (TESTDATA, "SIPDX_TESTDATA")):
    if not os.path.isdir(_d):
        _die("%s is not a directory (%s)" % (_d, _name))


def corpus(rel):
    """A capture of tests/corpus, e.g. corpus("generated/call_fail_488.pcap")."""
    return os.path.join(CORPUS, rel)


def testdata(rel):
    """A file of tests/data."""
    return os.path.join(TESTDATA, rel)


def check(cond, what):
    """One assertion: counted; on failure prints FAIL and the sentence."""
    global _checks
    _checks += 1
    if not cond:
        _failures.append(what)
        print("FAIL " + what)
    return bool(cond)


def fail(what):
    """An assertion that failed where it was found."""
    return check(False, what)


def checks():
    """How many checks ran so far, and how many failed."""
    return _checks, len(_failures)


def done():
    """Print the totals and exit: 1 if a check failed or none ran."""
    print("%d checks, %d failed" % (_checks, len(_failures)))
    if _checks == 0:
        print("FAIL no check ran")
    sys.exit(1 if _failures or _checks == 0 else 0)


def run(*args, env=None, input=None, timeout=120, errors="strict", raw=False, one_cpu=False,
        binary=None):
    """Run sipdx (or `binary`) with args; returns (exit status, stdout, stderr).

    stdout is decoded as UTF-8 with `errors` (strict by default, so output
    that is not UTF-8 fails loudly), stderr with replacement; raw=True
    returns bytes.  env adds to (and None values remove from) the
    environment; one_cpu pins the child to one CPU, as on a machine with
    no spare core."""
    e = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    pre = None
    if one_cpu:
        cpu = min(os.sched_getaffinity(0))
        pre = lambda: os.sched_setaffinity(0, {cpu})  # noqa: E731
    p = subprocess.run([binary or SIPDX] + [str(a) for a in args], input=input,
                       capture_output=True, timeout=timeout, env=e, preexec_fn=pre)
    if raw:
        return p.returncode, p.stdout, p.stderr
    return (p.returncode, p.stdout.decode("utf-8", errors),
            p.stderr.decode("utf-8", "replace"))


def json_lines(text):
    """One JSON object per non-empty line (the --json outputs)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def need_tools(*names):
    """A tool the test needs: missing is a failure, not a skip."""
    for n in names:
        if not shutil.which(n):
            _die("%s is missing (scripts/deps.sh installs it)" % n)


def need_root(why="live capture needs root (CI runs as root)"):
    if os.geteuid() != 0:
        _die(why)


def free_port(family=socket.AF_INET, kind=socket.SOCK_DGRAM):
    """A port nobody uses right now on loopback (others test on lo too)."""
    s = socket.socket(family, kind)
    s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def tmpdir(prefix="sipdx-test-"):
    """A private directory, removed at exit."""
    d = tempfile.mkdtemp(prefix=prefix)
    _dirs.append(d)
    return d


def start(args, **kw):
    """Popen with pipes for stdout and stderr; stopped at exit if still running."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    p = subprocess.Popen([str(a) for a in args], **kw)
    _procs.append(p)
    return p


def status_field(pid, name):
    """A field of /proc/PID/status as a list of words, None if gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split()[1:]
    except OSError:
        return None
    return None


def wait_dropped(p, timeout=10):
    """sipdx switches to user nobody right after opening its capture
    handles and sockets: once its uid is 65534 it is capturing."""
    end = time.time() + timeout
    while time.time() < end:
        uid = status_field(p.pid, "Uid")
        if uid and uid[0] == "65534":
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def stop_all():
    """Stop every process start() began (terminate, then kill after 5 s)."""
    for p in _procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@atexit.register
def _cleanup():
    stop_all()
    for d in _dirs:
        shutil.rmtree(d, ignore_errors=True)
