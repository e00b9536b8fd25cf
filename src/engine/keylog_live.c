/*
 * keylog_live: TLS keys that arrive while capturing live.
 *
 *   --tls-keylog udp:[ADDR:]PORT  a UDP socket receiving key log lines, one
 *                                 per datagram (Kamailio's tls keylog_peer)
 *   --tls-keylog FILE             the file is followed: what is appended
 *                                 (a peer writing SSLKEYLOGFILE as it
 *                                 connects) is read every poll round
 *
 * Everything goes into the key store the live decoder reads; records
 * that were waiting for these keys are retried by the decoder when it
 * sees the store grow.  Sockets and files are opened before the
 * privilege drop; nothing is opened after it.
 *
 * Thread: opened on the caller's, then serviced by the live thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"
#include "engine_int.h"
#include "util.h"

#define KL_MAX 16 /* key log sources */

struct keylog_live {
    struct cap_tls_keys *keys; /* borrowed */
    int udp[KL_MAX];           /* owned sockets */
    unsigned nudp;
    int file[KL_MAX]; /* owned descriptors, read from where they are */
    unsigned nfile;
    char tail[KL_MAX][512]; /* a file's last line, until its end is written */
    size_t tlen[KL_MAX];
    uint64_t datagrams;
};

static int udp_bind(const char *spec, struct err *d)
{
    char host[256], port[16];
    struct addrinfo hints, *ai = NULL, *a;
    const char *colon = strrchr(spec, ':');
    int fd = -1, rc;

    host[0] = '\0';
    if (colon) {
        size_t n = (size_t)(colon - spec);

        if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
            spec++;
            n -= 2;
        }
        if (n >= sizeof(host))
            n = sizeof(host) - 1;
        memcpy(host, spec, n);
        host[n] = '\0';
        snprintf(port, sizeof(port), "%s", colon + 1);
    } else {
        snprintf(port, sizeof(port), "%s", spec);
    }
    if (!port[0] || strspn(port, "0123456789") != strlen(port) || atoi(port) < 1 ||
        atoi(port) > 65535) {
        err_set(d, "--tls-keylog udp:%s: expected udp:[ADDR:]PORT", spec);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
    if (rc != 0) {
        err_set(d, "--tls-keylog udp:%s: %s", spec, gai_strerror(rc));
        return -1;
    }
    for (a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        err_set(d, "--tls-keylog udp:%s: %s", spec, strerror(errno));
    freeaddrinfo(ai);
    return fd;
}

struct keylog_live *keylog_live_open(const struct live_opts *o, struct cap_tls_keys *keys,
                                     struct err *d)
{
    struct keylog_live *kl = xcalloc(1, sizeof(*kl));
    size_t i;

    kl->keys = keys;
    for (i = 0; i < o->ntls_keylogs; i++) {
        const char *p = o->tls_keylogs[i];

        if (kl->nudp + kl->nfile >= KL_MAX) {
            err_set(d, "--tls-keylog: at most %d with live capture", KL_MAX);
            goto fail;
        }
        if (strncmp(p, "udp:", 4) == 0) {
            int fd = udp_bind(p + 4, d);

            if (fd < 0)
                goto fail;
            kl->udp[kl->nudp++] = fd;
        } else {
            /* Read again from the start (the loader read it already: the
             * same keys twice change nothing), then what is appended. */
            int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

            if (fd < 0) {
                err_set(d, "--tls-keylog %s: %s", p, strerror(errno));
                goto fail;
            }
            kl->file[kl->nfile++] = fd;
        }
    }
    return kl;
fail:
    keylog_live_free(kl);
    return NULL;
}

unsigned keylog_live_pollfds(struct keylog_live *kl, struct pollfd *pf)
{
    unsigned i;

    for (i = 0; kl && i < kl->nudp; i++) {
        pf[i].fd = kl->udp[i];
        pf[i].events = POLLIN;
        pf[i].revents = 0;
    }
    return kl ? kl->nudp : 0;
}

void keylog_live_service(struct keylog_live *kl, const struct pollfd *pf)
{
    char buf[4096];
    unsigned i;
    int guard;

    if (!kl)
        return;
    for (i = 0; i < kl->nudp; i++) {
        if (!(pf[i].revents & POLLIN))
            continue;
        for (guard = 0; guard < 1024; guard++) { /* bounded per round */
            ssize_t n = recv(kl->udp[i], buf, sizeof(buf), 0);

            if (n <= 0)
                break;
            kl->datagrams++;
            /* One line per datagram, with or without its newline. */
            cap_tls_keys_add(kl->keys, buf, (size_t)n, true);
        }
    }
    for (i = 0; i < kl->nfile; i++) {
        for (guard = 0; guard < 256; guard++) {
            size_t t = kl->tlen[i], e;
            ssize_t n;

            memcpy(buf, kl->tail[i], t);
            n = read(kl->file[i], buf + t, sizeof(buf) - t);
            if (n <= 0)
                break; /* end for now (a regular file), or nothing ready */
            /* Whole lines to the store (its own cut-line buffer is the
             * UDP side's); a line still being written waits here. */
            for (e = t + (size_t)n; e > 0 && buf[e - 1] != '\n'; e--)
                ;
            if (e == 0 && t + (size_t)n >= sizeof(kl->tail[i]))
                e = t + (size_t)n; /* no line end in 512 bytes: not a key line */
            cap_tls_keys_add(kl->keys, buf, e, true);
            kl->tlen[i] = t + (size_t)n - e;
            memcpy(kl->tail[i], buf + e, kl->tlen[i]);
        }
    }
}

void keylog_live_free(struct keylog_live *kl)
{
    unsigned i;

    if (!kl)
        return;
    for (i = 0; i < kl->nudp; i++)
        close(kl->udp[i]);
    for (i = 0; i < kl->nfile; i++)
        close(kl->file[i]);
    free(kl);
}
