/*
 * test_sandbox: the seccomp filter and no_new_privs of src/capture/
 * sandbox.c, each in a forked child (the filter cannot be taken off).
 * Allowed: files written and renamed (-w rotation, saving from the
 * console), threads, time, the terminal.  Refused by death (SIGSYS): a new
 * socket, exec, and, outside sanitizer builds (whose leak checker needs
 * them), fork and ptrace.
 */
#define _GNU_SOURCE /* fork-free syscall wrappers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture_int.h"
#include "util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* Runs fn in a child that entered the sandbox; returns its wait status. */
static int in_sandbox(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    int st = 0;

    assert_true(pid >= 0);
    if (pid == 0) {
        struct err d;

        err_clear(&d);
        if (cap_sandbox_enter(&d) != 0) {
            fprintf(stderr, "%s\n", d.msg);
            _exit(100);
        }
        _exit(fn(arg));
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static void *thread_fn(void *arg)
{
    return arg;
}

static int allowed_work(void *arg)
{
    const char *dir = arg;
    char a[512], b[512];
    struct timespec ts;
    pthread_t th;
    void *ret = NULL;
    int fd;

    char st[4096];
    ssize_t k;

    /* prctl itself is refused: read the state from /proc */
    fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    k = fd >= 0 ? read(fd, st, sizeof(st) - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (k <= 0)
        return 1;
    st[k] = '\0';
    if (!strstr(st, "NoNewPrivs:\t1") || !strstr(st, "Seccomp:\t2"))
        return 1;
    snprintf(a, sizeof(a), "%s/a.pcap", dir);
    snprintf(b, sizeof(b), "%s/a.pcap.1", dir);
    fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, "x", 1) != 1 || fsync(fd) != 0 || close(fd) != 0)
        return 2;
    if (rename(a, b) != 0 || unlink(b) != 0)
        return 3;
    if (pthread_create(&th, NULL, thread_fn, &ts) != 0 || pthread_join(th, &ret) != 0 || ret != &ts)
        return 4;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 || getpid() <= 0)
        return 5;
    free(malloc(1 << 20)); /* mmap / munmap */
    return 0;
}

static int make_socket(void *arg)
{
    (void)arg;
    return socket(AF_INET, SOCK_DGRAM, 0) >= 0 ? 0 : 1;
}

static int do_exec(void *arg)
{
    char *const argv[] = {"true", NULL};

    (void)arg;
    execv("/bin/true", argv);
    return 1;
}

static int do_fork(void *arg)
{
    pid_t p;

    (void)arg;
    p = (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, 0, 0, 0, 0);
    if (p == 0)
        _exit(0);
    return 0;
}

static int do_ptrace(void *arg)
{
    (void)arg;
    return (int)syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0) == 0 ? 0 : 1;
}

static void allows_files_threads_and_time(void **state)
{
    char dir[] = "/tmp/sipdx-sandbox-XXXXXX";
    int st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    st = in_sandbox(allowed_work, dir);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    rmdir(dir);
}

static void expect_killed(int (*fn)(void *))
{
    int st = in_sandbox(fn, NULL);

    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void kills_on_new_socket(void **state)
{
    (void)state;
    expect_killed(make_socket);
}

static void kills_on_exec(void **state)
{
    (void)state;
    expect_killed(do_exec);
}

static void kills_on_fork_and_ptrace(void **state)
{
    (void)state;
    if (SANITIZED)
        skip(); /* the sanitizer build allows both: its leak checker needs them */
    expect_killed(do_fork);
    expect_killed(do_ptrace);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allows_files_threads_and_time),
        cmocka_unit_test(kills_on_new_socket),
        cmocka_unit_test(kills_on_exec),
        cmocka_unit_test(kills_on_fork_and_ptrace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
