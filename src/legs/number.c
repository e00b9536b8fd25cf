/*
 * number: dialled numbers brought to one form so the legs of a call
 * compare equal however each hop writes them (national, E.164, '00',
 * an outside-line prefix).  Pure; any thread.
 */
#include "legs.h"

#include <string.h>

void legs_number_norm(const char *user, char out[64])
{
    char d[64];
    size_t n = 0, i, k;
    const char *p;
    bool digits_only = true;

    for (p = user; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n < sizeof(d) - 1)
                d[n++] = *p;
        } else if (!(*p == ' ' || *p == '-' || *p == '.' || *p == '(' || *p == ')' ||
                     (*p == '+' && p == user))) {
            digits_only = false;
        }
    }
    d[n] = '\0';
    if (digits_only) {
        /* '+', '00' and the national '0' all introduce the same digits. */
        for (i = 0; i < n && d[i] == '0'; i++)
            ;
        if (n - i >= 3) {
            memcpy(out, d + i, n - i + 1);
            return;
        }
    }
    for (k = 0; user[k] && k < 63; k++)
        out[k] = (user[k] >= 'A' && user[k] <= 'Z') ? (char)(user[k] - 'A' + 'a') : user[k];
    out[k] = '\0';
}

static bool is_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool legs_number_same(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    const char *lng = la >= lb ? a : b, *sht = la >= lb ? b : a;
    size_t ll = la >= lb ? la : lb, ls = la >= lb ? lb : la;

    if (ls == 0)
        return false;
    if (!is_digits(a) || !is_digits(b))
        return la == lb && memcmp(a, b, la) == 0;
    /* The shorter is the tail of the longer; a tail shorter than
     * LEGS_NUM_TAIL must be the whole number on both sides (extensions). */
    if (ls < LEGS_NUM_TAIL && ll != ls)
        return false;
    return memcmp(lng + (ll - ls), sht, ls) == 0;
}
