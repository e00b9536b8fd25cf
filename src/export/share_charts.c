/*
 * share_charts: pictures for a page that covers a whole capture (or
 * --stats): calls and failures over time, final codes by frequency, and
 * the distributions of post-dial delay (first INVITE to final answer,
 * the --list SETUP column) and of answered calls' duration.  Inline SVG
 * bars with their numbers written beside them, so a printed page or a
 * screen reader gets the figures too.
 */
#include "export_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define BUCKETS 24
#define CHART_W 640
#define BAR_H   18

static bool call_failed(const struct store_call *c)
{
    return c->final_status && ladder_is_failure(c->final_status, DIAG_CTX_PLAIN);
}

/* Horizontal bars: one row per label with its count. */
static void hbars(struct strbuf *b, const char *id, const char *title, const char *const *labels,
                  const uint64_t *counts, size_t n, const char *cls)
{
    uint64_t max = 1;
    size_t i;
    int h = 28 + (int)n * (BAR_H + 4);

    for (i = 0; i < n; i++)
        if (counts[i] > max)
            max = counts[i];
    sb_printf(b,
              "<figure class=\"chart\" id=\"%s\"><figcaption>%s</figcaption>"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
              "role=\"img\"><title>%s</title>",
              id, title, CHART_W, h, title);
    for (i = 0; i < n; i++) {
        int y = 8 + (int)i * (BAR_H + 4), w = (int)((CHART_W - 220) * counts[i] / max);

        sb_printf(b, "<text class=\"ax\" x=\"150\" y=\"%d\" text-anchor=\"end\">", y + 13);
        share_xml(b, labels[i]);
        sb_printf(b,
                  "</text><rect class=\"%s\" x=\"158\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
                  "<text class=\"ax\" x=\"%d\" y=\"%d\">%" PRIu64 "</text>",
                  cls, y, w, BAR_H, 164 + w, y + 13, counts[i]);
    }
    sb_puts(b, "</svg></figure>");
}

static void over_time(struct strbuf *b, const struct store_call *const *calls, size_t n)
{
    uint64_t all[BUCKETS] = {0}, failed[BUCKETS] = {0}, max = 1;
    int64_t lo = INT64_MAX, hi = INT64_MIN, span;
    char t0[64], t1[64];
    size_t i;
    int k, bw = (CHART_W - 60) / BUCKETS, h = 180;

    for (i = 0; i < n; i++) {
        if (calls[i]->first_ts < lo)
            lo = calls[i]->first_ts;
        if (calls[i]->first_ts > hi)
            hi = calls[i]->first_ts;
    }
    span = hi - lo + 1;
    for (i = 0; i < n; i++) {
        k = (int)((double)(calls[i]->first_ts - lo) / (double)span * BUCKETS);
        if (k >= BUCKETS)
            k = BUCKETS - 1;
        all[k]++;
        failed[k] += call_failed(calls[i]);
    }
    for (k = 0; k < BUCKETS; k++)
        if (all[k] > max)
            max = all[k];
    fmt_time_utc(lo, t0, sizeof(t0));
    fmt_time_utc(hi, t1, sizeof(t1));
    sb_printf(b,
              "<figure class=\"chart\" id=\"chart-time\"><figcaption>Calls (bars) and failed "
              "calls (red) over time</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
              "width=\"%d\" height=\"%d\" role=\"img\"><title>Calls and failures over "
              "time</title>",
              CHART_W, h + 40);
    for (k = 0; k < BUCKETS; k++) {
        int ha = (int)((h - 20) * all[k] / max), hf = (int)((h - 20) * failed[k] / max);
        int x = 40 + k * bw;

        sb_printf(b,
                  "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
                  "<title>%" PRIu64 " calls, %" PRIu64 " failed</title></rect>",
                  x, h - ha, bw - 2, ha, all[k], failed[k]);
        if (hf)
            sb_printf(b, "<rect class=\"bad\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", x,
                      h - hf, bw - 2, hf);
    }
    sb_printf(b,
              "<text class=\"ax\" x=\"4\" y=\"20\">%" PRIu64 "</text>"
              "<text class=\"ax\" x=\"40\" y=\"%d\">%s</text>"
              "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text></svg></figure>",
              max, h + 16, t0, CHART_W - 20, h + 32, t1);
}

static void codes(struct strbuf *b, const struct store_call *const *calls, size_t n)
{
    uint64_t cnt[700] = {0}, top[12];
    char names[12][24];
    const char *labels[12];
    size_t i, k, m = 0;

    for (i = 0; i < n; i++)
        if (calls[i]->final_status < 700)
            cnt[calls[i]->final_status]++;
    while (m < 12) {
        size_t best = 0;
        uint64_t bestc = 0;

        for (k = 100; k < 700; k++) {
            if (cnt[k] > bestc) {
                best = k;
                bestc = cnt[k];
            }
        }
        if (!bestc)
            break;
        snprintf(names[m], sizeof(names[m]), "%u", (unsigned)best);
        labels[m] = names[m];
        top[m++] = cnt[best];
        cnt[best] = 0;
    }
    if (cnt[0]) { /* no final response */
        snprintf(names[m < 12 ? m : 11], sizeof(names[0]), "none");
        labels[m < 12 ? m : 11] = names[m < 12 ? m : 11];
        top[m < 12 ? m : 11] = cnt[0];
        m = m < 12 ? m + 1 : 12;
    }
    hbars(b, "chart-codes", "Final codes by frequency", labels, top, m, "bar");
}

static void dist(struct strbuf *b, const char *id, const char *title,
                 const struct store_call *const *calls, size_t n,
                 int64_t (*val)(const struct store_call *), const int64_t *edges,
                 const char *const *labels, size_t nb)
{
    uint64_t cnt[8] = {0};
    size_t i, k;

    for (i = 0; i < n; i++) {
        int64_t v = val(calls[i]);

        if (v < 0)
            continue;
        for (k = 0; k + 1 < nb && v >= edges[k]; k++)
            ;
        cnt[k]++;
    }
    hbars(b, id, title, labels, cnt, nb, "bar");
}

#define S 1000000000LL

static int64_t setup_of(const struct store_call *c)
{
    return store_call_setup(c);
}

static int64_t duration_of(const struct store_call *c)
{
    return store_call_duration(c);
}

void share_charts(const struct store_call *const *calls, size_t n, struct strbuf *out)
{
    static const int64_t pdd_edges[] = {S / 2, S, 2 * S, 5 * S, 10 * S, 30 * S};
    static const char *const pdd_labels[] = {"< 0.5 s", "0.5-1 s", "1-2 s", "2-5 s",
                                             "5-10 s",  "10-30 s", "> 30 s"};
    static const int64_t dur_edges[] = {10 * S, 30 * S, 60 * S, 300 * S, 900 * S, 3600 * S};
    static const char *const dur_labels[] = {"< 10 s",   "10-30 s",   "30-60 s", "1-5 min",
                                             "5-15 min", "15-60 min", "> 1 h"};

    if (!n)
        return;
    sb_puts(out, "<section class=\"charts\"><h2>The capture at a glance</h2>");
    over_time(out, calls, n);
    codes(out, calls, n);
    dist(out, "chart-pdd", "Post-dial delay (first INVITE to final answer)", calls, n, setup_of,
         pdd_edges, pdd_labels, 7);
    dist(out, "chart-duration", "Duration of answered calls", calls, n, duration_of, dur_edges,
         dur_labels, 7);
    sb_puts(out, "</section>");
}
