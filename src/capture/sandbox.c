/*
 * sandbox: what live capture gives up for good once its handles and
 * sockets are open (after the user switch in priv.c).
 *
 *   1. PR_SET_NO_NEW_PRIVS: no execve can grant privileges again;
 *   2. the capability bounding set is emptied (needs CAP_SETPCAP, which
 *      root has before the switch; a setcap'd binary run by a user holds
 *      no capability afterwards anyway and may not be able to);
 *   3. a seccomp filter (classic BPF, written against linux/seccomp.h and
 *      linux/filter.h: the list is short and static, libseccomp would add
 *      a dependency for nothing it checks better) that allows only what
 *      capture, parsing, drawing and writing files need.  Anything else
 *      kills the process: no new sockets, no exec, no fork, no ptrace, no
 *      mount, no module loading, no set*id.  clone is allowed only with
 *      CLONE_THREAD (threads, not processes); clone3, whose flags a filter
 *      cannot read, answers ENOSYS so that glibc falls back to clone.
 *
 * Sanitizer builds also allow what their run-time needs at exit (the leak
 * checker stops the world with ptrace from a cloned process).
 *
 * Thread: the main thread, before the capture threads start; threads
 * created later inherit the filter (TSYNC covers any started before).
 */
#include "capture.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture_int.h"
#include "util.h"

#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif

#ifdef SANDBOX_ARCH
/* Every system call the program makes after the drop (glibc, ncurses,
 * libpcap and zlib included).  -1 entries are calls this architecture
 * lacks. */
static const long allowed[] = {
    /* files, pipes, the terminal */
    SYS_read,
    SYS_write,
    SYS_readv,
    SYS_writev,
    SYS_pread64,
    SYS_pwrite64,
    SYS_lseek,
    SYS_close,
    SYS_openat,
    SYS_newfstatat,
    SYS_fstat,
    SYS_fcntl,
    SYS_ioctl,
    SYS_dup,
    SYS_dup3,
    SYS_getdents64,
    SYS_readlinkat,
    SYS_faccessat,
    SYS_renameat,
    SYS_unlinkat,
    SYS_fsync,
    SYS_fdatasync,
    SYS_ftruncate,
    SYS_getcwd,
    SYS_statfs,
    SYS_fstatfs,
#ifdef SYS_statx
    SYS_statx,
#endif
#ifdef SYS_faccessat2
    SYS_faccessat2,
#endif
#ifdef SYS_renameat2
    SYS_renameat2,
#endif
#ifdef SYS_open
    SYS_open,
    SYS_stat,
    SYS_lstat,
    SYS_access,
    SYS_rename,
    SYS_unlink,
    SYS_readlink,
    SYS_dup2,
    SYS_poll,
    SYS_select,
#endif
    SYS_ppoll,
    SYS_pselect6,
    /* sockets already open: capture, HEP in and out */
    SYS_recvfrom,
    SYS_recvmsg,
    SYS_recvmmsg,
    SYS_sendto,
    SYS_sendmsg,
    SYS_sendmmsg,
    SYS_accept,
    SYS_accept4,
    SYS_getsockopt,
    SYS_setsockopt,
    SYS_getsockname,
    SYS_getpeername,
    SYS_shutdown,
    /* memory */
    SYS_mmap,
    SYS_munmap,
    SYS_mremap,
    SYS_mprotect,
    SYS_madvise,
    SYS_brk,
    /* threads, signals, time */
    SYS_futex,
    SYS_set_robust_list,
    SYS_get_robust_list,
    SYS_rt_sigaction,
    SYS_rt_sigprocmask,
    SYS_rt_sigreturn,
    SYS_sigaltstack,
    SYS_restart_syscall,
    SYS_tgkill,
    SYS_tkill,
    SYS_kill,
    SYS_getpid,
    SYS_gettid,
    SYS_getppid,
    SYS_getuid,
    SYS_geteuid,
    SYS_getgid,
    SYS_getegid,
    SYS_clock_gettime,
    SYS_clock_getres,
    SYS_clock_nanosleep,
    SYS_nanosleep,
    SYS_gettimeofday,
    SYS_sched_yield,
    SYS_sched_getaffinity,
    SYS_getrandom,
    SYS_uname,
    SYS_sysinfo,
    SYS_prlimit64,
    SYS_getrusage,
    SYS_exit,
    SYS_exit_group,
    SYS_set_tid_address,
    SYS_membarrier,
#ifdef SYS_rseq
    SYS_rseq,
#endif
#ifdef SYS_time
    SYS_time,
#endif
#ifdef SANDBOX_SANITIZER
/* LeakSanitizer's tracer: a cloned process that lists /proc/self/task
 * (getdents, not getdents64, on x86_64) and ptraces every thread */
#ifdef SYS_getdents
    SYS_getdents,
#endif
    SYS_ptrace,
    SYS_wait4,
    SYS_prctl,
    SYS_sched_setaffinity,
    SYS_mincore,
    SYS_personality,
    SYS_process_vm_readv,
#endif
};

#define SC_OFF(f) ((unsigned)offsetof(struct seccomp_data, f))
#define LD(f)     BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SC_OFF(f))
#define RET(v)    BPF_STMT(BPF_RET | BPF_K, (v))

static int install_filter(struct err *d)
{
    enum {
        HEAD = 8,
        TAIL = 2,
        NMAX = HEAD + 2 * (sizeof(allowed) / sizeof(allowed[0])) + TAIL
    };
    struct sock_filter f[NMAX + 8];
    struct sock_fprog prog;
    size_t n = 0, i;

    /* The architecture the call was made for, then the call's number. */
    f[n++] = (struct sock_filter)LD(arch);
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0);
    f[n++] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);
    f[n++] = (struct sock_filter)LD(nr);
#ifdef __x86_64__
    /* x32 calls share the architecture value: refused. */
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
    f[n++] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);
#endif
#ifdef SYS_clone3
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
    f[n++] = (struct sock_filter)RET(SECCOMP_RET_ERRNO | ENOSYS);
#endif
    for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        f[n++] =
            (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)allowed[i], 0, 1);
        f[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
    }
    /* clone: threads only (the flags are the first argument's low word;
     * jump offsets count from the next instruction). */
#ifdef SANDBOX_SANITIZER
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 1);
#else
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3);
    f[n++] = (struct sock_filter)LD(args[0]);
    f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1);
#endif
    f[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
    f[n++] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);
    prog.len = (unsigned short)n;
    prog.filter = f;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0) {
        err_set(d, "cannot install the seccomp filter: %s", strerror(errno));
        return -1;
    }
    return 0;
}
#endif

int cap_sandbox_bounding_clear(struct err *d)
{
    int cap;

    for (cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
            break; /* past the last capability this kernel knows */
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
            err_set(d, "cannot empty the capability bounding set: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

int cap_sandbox_enter(struct err *d)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        err_set(d, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
        return -1;
    }
#ifdef SANDBOX_ARCH
    return install_filter(d);
#else
    return 0; /* no filter written for this architecture (docs/security.md) */
#endif
}
