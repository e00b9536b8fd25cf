/*
 * priv: give up the privileges live capture needed once every capture
 * handle and listening socket is open, before any packet is parsed.
 *
 * As root: setgroups to the target's primary group only, setgid, setuid
 * (in that order: setgid needs root), then check that the switch stuck and
 * cannot be undone.  As a non-root user running a binary with file
 * capabilities (setcap cap_net_raw): clear every capability set, staying
 * the invoking user.
 *
 * Then, either way, sandbox.c closes the door behind: the capability
 * bounding set emptied (root empties it before the switch, while it still
 * has CAP_SETPCAP), PR_SET_NO_NEW_PRIVS, and the seccomp filter.
 *
 * Thread: the main thread, before the capture threads start (setuid in a
 * threaded glibc process applies to every thread anyway).
 */
#include "capture.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "capture_int.h"
#include "util.h"

static int caps_clear(struct err *d)
{
    struct __user_cap_header_struct hdr;
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

    memset(&hdr, 0, sizeof(hdr));
    memset(data, 0, sizeof(data));
    hdr.version = _LINUX_CAPABILITY_VERSION_3;
    if (syscall(SYS_capset, &hdr, data) != 0) {
        err_set(d, "cannot drop capabilities: %s", strerror(errno));
        return -1;
    }
    memset(data, 0xff, sizeof(data));
    if (syscall(SYS_capget, &hdr, data) != 0 || data[0].effective || data[0].permitted ||
        data[1].effective || data[1].permitted) {
        err_set(d, "capabilities are still held after dropping them");
        return -1;
    }
    return 0;
}

int cap_priv_drop(const char *user, struct err *d)
{
    struct passwd *pw;
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0) { /* setcap'd binary run by a user: keep the user */
        struct err ignored;

        if (caps_clear(d) != 0)
            return -1;
        /* Without CAP_SETPCAP the bounding set stays; no capability is held
         * and no_new_privs keeps any from coming back. */
        (void)cap_sandbox_bounding_clear(&ignored);
        return cap_sandbox_enter(d);
    }
    errno = 0;
    pw = getpwnam(user);
    if (!pw) {
        err_set(d, "--user %s: no such user%s%s", user, errno ? ": " : "",
                errno ? strerror(errno) : "");
        return -1;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    if (cap_sandbox_bounding_clear(d) != 0)
        return -1;
    if (setgroups(1, &gid) != 0) {
        err_set(d, "setgroups(%u): %s", (unsigned)gid, strerror(errno));
        return -1;
    }
    if (setgid(gid) != 0) {
        err_set(d, "setgid(%u): %s", (unsigned)gid, strerror(errno));
        return -1;
    }
    if (setuid(uid) != 0) {
        err_set(d, "setuid(%u): %s", (unsigned)uid, strerror(errno));
        return -1;
    }
    if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
        err_set(d, "user switch to %s did not take effect", user);
        return -1;
    }
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        err_set(d, "could get root back after switching to %s", user);
        return -1;
    }
    if (uid != 0 && caps_clear(d) != 0)
        return -1;
    return cap_sandbox_enter(d);
}
