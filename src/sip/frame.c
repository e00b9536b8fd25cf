/*
 * frame: RFC 3261 section 18.3 stream framing.  Finds where one SIP message
 * ends in a stream buffer: the header block ends at the first empty line
 * (CRLF CRLF, or bare LF tolerated), and the body is Content-Length bytes
 * long (compact form "l" too; absent means no body).  Leading CRLF
 * keep-alives (RFC 5626) are skipped and reported in *skip.
 *
 * Pure function, callable from any thread; no allocation.
 */
#include "sip.h"

#include <string.h>
#include <strings.h>

static bool is_tok(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("-.!%*_+`'~", c) != NULL);
}

/* -1: cannot be a SIP start line; 0: undecided yet; 1: plausible. */
static int start_ok(const char *p, size_t n)
{
    size_t i;

    if (n >= 4 && memcmp(p, "SIP/", 4) == 0)
        return 1;
    if (n < 4 && memcmp(p, "SIP/", n) == 0)
        return 0;
    for (i = 0; i < n && i < 32 && is_tok((unsigned char)p[i]); i++)
        ;
    if (i == n && i < 32)
        return 0;
    if (i == 0 || i >= n || p[i] != ' ')
        return -1;
    return 1;
}

int sip_frame(const char *buf, size_t len, size_t *skip, size_t *msglen)
{
    size_t i = 0, line, hdr_end = 0;
    long long cl = 0;
    int rc;

    while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
        i++;
    *skip = i;
    *msglen = 0;
    if (i == len)
        return 0;
    rc = start_ok(buf + i, len - i);
    if (rc <= 0)
        return rc;
    /* Walk the header lines. */
    line = i;
    for (;;) {
        const char *nl = memchr(buf + line, '\n', len - line);
        size_t e, le, k;

        if (!nl)
            return 0;
        e = (size_t)(nl - buf);                          /* index of '\n' */
        le = e > line && buf[e - 1] == '\r' ? e - 1 : e; /* end of line content */
        if (le == line) {                                /* empty line: end of headers */
            hdr_end = e + 1;
            break;
        }
        if (line > i) {
            /* Header line: Content-Length or l, then optional spaces and ':'. */
            k = line;
            while (k < le && is_tok((unsigned char)buf[k]))
                k++;
            if ((k - line == 14 && strncasecmp(buf + line, "Content-Length", 14) == 0) ||
                (k - line == 1 && (buf[line] == 'l' || buf[line] == 'L'))) {
                while (k < le && (buf[k] == ' ' || buf[k] == '\t'))
                    k++;
                if (k < le && buf[k] == ':') {
                    k++;
                    while (k < le && (buf[k] == ' ' || buf[k] == '\t'))
                        k++;
                    cl = 0;
                    while (k < le && buf[k] >= '0' && buf[k] <= '9' && cl < 100000000)
                        cl = cl * 10 + (buf[k++] - '0');
                }
            }
        }
        line = e + 1;
    }
    *msglen = hdr_end - i + (size_t)cl;
    return (size_t)cl > len - hdr_end ? 0 : 1;
}
