/*
 * flow: `--flow CALL-ID`, one end-to-end call (every leg of it) as a ladder
 * (ladder.h): text, or with --json the model as one JSON object.  Main
 * thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "ladder.h"
#include "legs.h"

static int call_id_cmp(const void *x, const void *y)
{
    const struct store_call *a = *(const struct store_call *const *)x;
    const struct store_call *b = *(const struct store_call *const *)y;

    return a->id < b->id ? -1 : a->id > b->id;
}

int cli_flow(const struct config *cfg)
{
    struct store *s;
    const struct store_call *c, *legs[64];
    struct legs_member members[63];
    struct legs *l;
    struct ladder_opts lo;
    struct ladder lad;
    struct strbuf b;
    struct kb *kb;
    size_t nlegs, i;
    int rc;

    s = cli_load(cfg, NULL, NULL, &rc);
    if (rc == CLI_EXIT_INPUT) { /* a live source could not be opened: nothing to show */
        store_free(s);
        return rc;
    }
    c = cli_find_call(s, cfg->flow_call_id);
    if (!c) {
        char e[1024];

        fprintf(cfg->err, "sipdx: no call with Call-ID '%s' (see --list)\n",
                str_escape(cfg->flow_call_id, e, sizeof(e)));
        store_free(s);
        return CLI_EXIT_NO_CALL;
    }
    /* Any leg's Call-ID draws every dialog of its end-to-end call. */
    l = cli_legs_build(cfg, s);
    nlegs = legs_members(l, c->id, members, 63);
    if (nlegs > 63)
        nlegs = 63;
    for (i = 0; i < nlegs; i++)
        legs[i + 1] = store_call_get(s, members[i].link.peer);
    legs[0] = c;
    nlegs++;
    legs_free(l);
    /* In call order, so any leg's Call-ID gives the same ladder. */
    qsort(legs, nlegs, sizeof(*legs), call_id_cmp);
    kb = cli_kb(cfg);
    memset(&lo, 0, sizeof(lo));
    lo.kb = kb;
    lo.only = cfg->filter; /* -Y: only the matching messages of the legs */
    ladder_build(&lad, s, legs, nlegs, &lo);
    sb_init(&b);
    if (cfg->json)
        ladder_render_json(&lad, &b);
    else
        ladder_render_text(&lad, &b);
    cli_flush(cfg, &b);
    sb_fini(&b);
    ladder_fini(&lad);
    kb_free(kb);
    store_free(s);
    return rc;
}
