/*
 * note: the two policies every ladder drawing shares (ladder.h): whether a
 * response is a failure, and what the note beside its arrow says.  The
 * --list Final column and --report use the same note, so a response reads
 * the same wherever it is shown.
 *
 * Pure; runs on the store owner's thread and on --list's helper threads
 * (it only reads a store that no longer loads and writes the caller's
 * strbuf).
 */
#include "ladder.h"

#include <string.h>

#include "kb.h"
#include "store.h"
#include "util.h"

bool ladder_is_failure(unsigned status, enum diag_ctx ctx)
{
    if (status < 400 || ctx == DIAG_CTX_NORMAL)
        return false;
    /* a challenge is part of a normal call unless its flow shows it failed;
     * 487 stays: it is the INVITE's answer, the place to look in a cancel */
    if ((status == 401 || status == 407) && ctx != DIAG_CTX_FAILURE)
        return false;
    return true;
}

const struct kb_entry *ladder_explain(const struct kb *kb, unsigned code, const char *reason,
                                      size_t len)
{
    const struct kb_entry *e;

    if (!kb || code < 100)
        return NULL;
    e = kb_lookup_response(kb, (int)code, reason, len);
    return e ? e : kb_lookup_class(kb, (int)(code / 100));
}

void ladder_response_extras(const struct store *s, const struct kb *kb, const struct store_call *c,
                            uint32_t i, bool json, struct strbuf *out)
{
    struct strbuf bytes;
    bool done = false;

    if (!c || i >= c->nmsgs)
        goto none;
    /* Nothing to add when ingest saw neither a Reason nor a Warning, and
     * nothing to read when all they add is one Q.850 cause (kept at ingest:
     * re-reading every such final response was a third of a listing). */
    if ((c->msgs[i].flags & STORE_MSG_HDRS_KNOWN) && !(c->msgs[i].flags & STORE_MSG_REASON_WARNING))
        goto none;
    if (!json && (c->msgs[i].flags & STORE_MSG_HDRS_KNOWN) &&
        c->msgs[i].q850 != STORE_Q850_UNKNOWN) {
        if (c->msgs[i].q850 != STORE_Q850_NONE)
            diag_q850_note(kb, c->msgs[i].q850, out);
        return;
    }
    sb_init(&bytes);
    if (store_msg_bytes(s, &c->msgs[i], &bytes) == 0 && bytes.s) {
        if (json)
            diag_response_extras_json(kb, bytes.s, bytes.len, out);
        else
            diag_response_extras(kb, bytes.s, bytes.len, out);
        done = true;
    }
    sb_fini(&bytes);
none:
    if (json && !done) /* both keys always, null when absent (docs/json.md) */
        sb_puts(out, ",\"q850\":null,\"warning\":null");
}

void ladder_response_note(const struct store *s, const struct kb *kb, const struct store_call *c,
                          uint32_t i, const struct kb_entry *e, struct strbuf *out)
{
    enum diag_ctx ctx;
    size_t start = out->len;
    struct strbuf x;

    ctx = diag_response_context(s, c, i);
    if (e)
        sb_append_escaped(out, e->short_text, strlen(e->short_text));
    if (ctx != DIAG_CTX_PLAIN)
        sb_printf(out, "%s[%s]", out->len > start ? " " : "",
                  diag_ctx_label(ctx, kb ? kb_lang(kb) : "en"));
    sb_init(&x);
    ladder_response_extras(s, kb, c, i, false, &x);
    if (x.len) {
        if (out->len > start)
            sb_puts(out, "; ");
        sb_append(out, x.s, x.len);
    }
    sb_fini(&x);
}
