/*
 * export_int.h: what the sharing formats (share_*.c) have in common.
 * Private to src/export.
 */
#ifndef SIPDX_EXPORT_INT_H
#define SIPDX_EXPORT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "export.h"
#include "ladder.h"
#include "store.h"
#include "util.h"

/* Appends s (display text: control characters already escaped) with the
 * XML/HTML specials & < > " ' as character references, so wire text never
 * becomes markup in a page or a picture. */
void share_xml(struct strbuf *b, const char *s);
/* Bytes from the wire: escaped for display (sb_append_escaped), then as
 * share_xml. */
void share_xml_bytes(struct strbuf *b, const char *p, size_t n);

/* The ladder as an <svg> element (lanes, arrows, labels, times, notes;
 * failures in the failure colour).  link: each arrow is an <a> to
 * "#<link><row>" (the page's message anchors); NULL for a picture alone,
 * whose <style> is then written inside the svg. */
void share_svg_ladder(const struct ladder *l, const char *link, struct strbuf *out);

/* export_calls for the formats below: writes path (created set when a
 * file was made).  0, or -1 with d filled. */
int share_save(const struct store *s, const struct store_call *const *calls, size_t n,
               const char *path, enum export_format fmt, const struct export_opts *o,
               struct export_result *res, bool *created, struct err *d);

/* The formats, appended to out.  calls are the saved calls (at least one). */
void share_html(const struct store *s, const struct store_call *const *calls, size_t n,
                const struct export_opts *o, struct strbuf *out);
void share_mermaid(const struct ladder *l, struct strbuf *out);
void share_plantuml(const struct ladder *l, struct strbuf *out);
void share_csv(const struct store *s, const struct store_call *const *calls, size_t n,
               struct strbuf *out);
/* Inline SVG charts over the calls: calls and failures over time, final
 * codes by frequency, PDD and duration distributions. */
void share_charts(const struct store_call *const *calls, size_t n, struct strbuf *out);

#endif
