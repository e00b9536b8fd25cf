/*
 * compare_int.h: what the files of src/compare share.  Private.
 */
#ifndef SIPDX_COMPARE_INT_H
#define SIPDX_COMPARE_INT_H

#include "compare.h"

struct sip_msg;
struct store_msg;

#define COMPARE_VAL       COMPARE_TEXT
#define COMPARE_MAX_FEATS 96

/* One thing a request says: key ("header Allow", "SDP codecs"), the value
 * compared (a per-call value reduced to its form), and the value shown. */
struct compare_feat {
    char key[64];   /* matched on: unknown header names case-folded */
    char label[64]; /* shown: the name as the first call wrote it */
    char val[COMPARE_VAL];
    char show[COMPARE_VAL];
};

struct compare_feats {
    struct compare_feat v[COMPARE_MAX_FEATS];
    size_t n;
};

/* The features of parsed message m (sm: its store entry). */
void compare_features(const struct sip_msg *m, const struct store_msg *sm, struct compare_feats *f);
const struct compare_feat *compare_feat_find(const struct compare_feats *f, const char *key);
const struct compare_feat *compare_feat_find_label(const struct compare_feats *f,
                                                   const char *label);
/* "E.164 (+...)", "national (0...)", "short / extension", ... */
const char *compare_number_form(const char *user, size_t n);

#endif
