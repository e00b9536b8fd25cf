/*
 * legs_cause: diagnosis across the legs of a call (legs.h).  Behind a PBX
 * or SBC the caller sees the B2BUA's answer, not the far end's: a trunk's
 * 503 often reaches the phone as 480 or 486, and the phone's leg alone
 * points at the wrong culprit.  For a failed call whose outgoing legs
 * failed too, this rule names the leg where the failure began and the
 * code it had there.
 *
 * Thread: the store's (diag.h).  Reads only the store's index fields.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag_int.h"
#include "legs.h"
#include "util.h"

#define MAX_LEGS 16

static bool failed(const struct store_call *c)
{
    return c->kind == CALL_KIND_INVITE && !c->answer_ts && c->final_status >= 300;
}

void diag_legs(const struct store *s, const struct legs *l, struct diag_list *out)
{
    size_t n = store_ncalls(s), i;

    for (i = 0; i < n; i++) {
        const struct store_call *a = store_call_at(s, i), *last = NULL;
        const struct legs_link *ls;
        size_t nl, k;
        struct diag_finding *f;
        struct ctx x;
        char tried[160], ep[64];
        size_t used = 0, nfail = 0;
        const struct cap_addr *dst;

        if (!failed(a) || a->state == CALL_STATE_CANCELLED)
            continue;
        nl = legs_links_of(l, a->id, &ls);
        tried[0] = '\0';
        /* Its outgoing legs: linked to it, started after it; the last to
         * fail is the one whose failure it passed on. */
        for (k = 0; k < nl && k < MAX_LEGS; k++) {
            const struct store_call *b = store_call_get(s, ls[k].peer);

            if (!b || b->invite_ts <= a->invite_ts || b->kind != CALL_KIND_INVITE)
                continue;
            if (!failed(b))
                continue;
            nfail++;
            if (!last || b->invite_ts > last->invite_ts)
                last = b;
            if (used + 16 < sizeof(tried))
                used += (size_t)snprintf(tried + used, sizeof(tried) - used, "%s%u",
                                         used ? ", " : "", b->final_status);
        }
        if (!last)
            continue;
        memset(&x, 0, sizeof(x));
        x.s = s;
        x.c = a;
        x.out = out;
        x.first = out->n;
        dst = store_endpoint(s, last->dst_ep);
        if (dst)
            cap_addr_format(dst, true, ep, sizeof(ep));
        else
            strcpy(ep, "?");
        f = diag_add(
            &x, DIAG_LEG_CAUSE, DIAG_SEV_PROBLEM,
            "%s answered %u %s on leg %.60s; %s %u %s on this leg%s%s%s", ep, last->final_status,
            last->final_reason ? last->final_reason : "", last->call_id,
            last->final_status == a->final_status ? "passed on as" : "turned into", a->final_status,
            a->final_reason ? a->final_reason : "", nfail > 1 ? " (legs tried: " : "",
            nfail > 1 ? tried : "", nfail > 1 ? ")" : "");
        diag_ref(f, diag_call_final_msg(a));
    }
}

static const struct diag_text en = {
    "LEG-01", "The failure came from another leg",
    "This call went through a B2BUA (PBX, SBC): the failure this leg shows was first a "
    "failure on the B2BUA's outgoing leg, where the far end (trunk, phone, carrier) refused "
    "the call. B2BUAs map codes on the way back (503 to 480 or 486, 404 to 480), so this "
    "leg's code may hide the real one.",
    "Read the outgoing leg's response and its Reason/Warning headers; fix the cause there "
    "(the trunk's capacity, the number's format, the account) rather than the phone. If "
    "several legs were tried, each one's refusal counts."};

static const struct diag_text ru = {
    "LEG-01", "Отказ пришёл с другого плеча вызова",
    "Вызов прошёл через B2BUA (АТС, SBC): отказ, который видно на этом плече, сначала "
    "случился на исходящем плече B2BUA, где вызов отклонила другая сторона (транк, телефон, "
    "оператор). B2BUA подменяют коды на обратном пути (503 в 480 или 486, 404 в 480), "
    "поэтому код этого плеча может скрывать настоящий.",
    "Смотрите ответ исходящего плеча и его заголовки Reason/Warning; устраняйте причину там "
    "(ёмкость транка, формат номера, учётная запись), а не на телефоне. Если пробовали "
    "несколько плеч, важен отказ каждого."};

const struct diag_text *diag_text_legs(enum diag_rule r, bool russian)
{
    if (r != DIAG_LEG_CAUSE)
        return NULL;
    return russian ? &ru : &en;
}
