/*
 * share_diagram: the ladder model (ladder.h) as text diagrams people paste
 * into GitLab/GitHub markdown or a wiki: Mermaid sequenceDiagram (.mmd) and
 * PlantUML (.puml).  One participant per lane, one arrow per row (requests
 * solid, responses dashed), a note beside every failure and every arrow
 * findings point at.
 *
 * Wire text is display text already (control characters escaped); here the
 * characters each syntax would read as structure are written as its
 * escapes: Mermaid entity codes (#59; for ';'), PlantUML's '~' before
 * creole markup, and no '"' inside a quoted participant name.
 */
#include "export_int.h"

#include <stdio.h>
#include <string.h>

/* Mermaid: ';' ends a statement, '#' starts an entity code, '<' '>' would
 * be HTML inside the rendered SVG, ':' is safe after the first one. */
static void mmd_text(struct strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == ';' || *s == '#' || *s == '<' || *s == '>' || *s == '&' || *s == '"' ||
            *s == '%' || *s == '{' || *s == '}')
            sb_printf(b, "#%u;", (unsigned char)*s);
        else
            sb_putc(b, *s);
    }
}

static void row_text(const struct ladder_row *r, struct strbuf *b,
                     void (*put)(struct strbuf *, const char *))
{
    if (r->resent)
        put(b, "[resent] ");
    put(b, r->label);
    if (r->sdp) {
        put(b, " (SDP ");
        put(b, r->sdp);
        put(b, ")");
    }
}

static void note_text(const struct ladder *l, const struct ladder_row *r, struct strbuf *b,
                      void (*put)(struct strbuf *, const char *))
{
    size_t k;

    if (r->note)
        put(b, r->note);
    for (k = 0; k < r->nfindings; k++) {
        put(b, k ? " " : (r->note ? " !! " : "!! "));
        put(b, diag_rule_text(l->findings.v[r->findings[k]].rule, "en")->id);
    }
}

static bool wants_note(const struct ladder_row *r)
{
    return r->failure || r->nfindings > 0 || (r->note && r->status >= 300);
}

void share_mermaid(const struct ladder *l, struct strbuf *out)
{
    size_t i;

    sb_puts(out, "sequenceDiagram\n");
    for (i = 0; i < l->nlanes; i++) {
        sb_printf(out, "    participant L%zu as ", i);
        mmd_text(out, l->lanes[i].name);
        sb_putc(out, '\n');
    }
    for (i = 0; i < l->nrows; i++) {
        const struct ladder_row *r = &l->rows[i];

        sb_printf(out, "    L%u%sL%u: ", r->from, r->request ? "->>" : "-->>", r->to);
        row_text(r, out, mmd_text);
        sb_putc(out, '\n');
        if (wants_note(r)) {
            if (r->from == r->to)
                sb_printf(out, "    Note right of L%u: ", r->to);
            else
                sb_printf(out, "    Note over L%u,L%u: ", r->from, r->to);
            if (r->failure)
                sb_puts(out, "FAILURE ");
            note_text(l, r, out, mmd_text);
            sb_putc(out, '\n');
        }
    }
}

/* PlantUML creole: '~' makes the next character literal. */
static void puml_text(struct strbuf *b, const char *s)
{
    for (; *s; s++) {
        if (strchr("*_~-=/\"^<>[]#|`\\", *s))
            sb_putc(b, '~');
        sb_putc(b, *s);
    }
}

void share_plantuml(const struct ladder *l, struct strbuf *out)
{
    size_t i;
    const char *p;

    sb_puts(out, "@startuml\n");
    for (i = 0; i < l->nlanes; i++) {
        sb_puts(out, "participant \"");
        for (p = l->lanes[i].name; *p; p++)
            sb_putc(out, *p == '"' ? '\'' : *p);
        sb_printf(out, "\" as L%zu\n", i);
    }
    for (i = 0; i < l->nrows; i++) {
        const struct ladder_row *r = &l->rows[i];

        sb_printf(out, "L%u %s L%u : ", r->from, r->request ? "->" : "-->", r->to);
        if (r->failure)
            sb_puts(out, "<color:red>");
        row_text(r, out, puml_text);
        if (r->failure)
            sb_puts(out, "</color>");
        sb_putc(out, '\n');
        if (wants_note(r)) {
            sb_printf(out, "note %s", r->failure ? "right #FFCCCC: " : "right: ");
            note_text(l, r, out, puml_text);
            sb_putc(out, '\n');
        }
    }
    sb_puts(out, "@enduml\n");
}
