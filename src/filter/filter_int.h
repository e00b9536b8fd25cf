/*
 * filter internals shared by lex.c, fields.c, parse.c, regex.c and eval.c.
 * Nothing here is visible outside src/filter.
 */
#ifndef SIPDX_FILTER_INT_H
#define SIPDX_FILTER_INT_H

#include "filter.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FILTER_MAX_LEN   8192 /* characters of filter text */
#define FILTER_MAX_DEPTH 64   /* nested parentheses / not */
#define FILTER_MAX_SET   1024 /* elements of one { } set */

/* ---- lexer ---- */
enum ftok {
    TK_EOF = 0,
    TK_WORD,   /* bare word: field name, number, IP, unquoted value, keyword */
    TK_STRING, /* "..." (escapes decoded) or '...' (raw) */
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACE,
    TK_RBRACE,
    TK_LBRACKET,
    TK_RBRACKET,
    TK_COMMA,
    TK_AND, /* && */
    TK_OR,  /* || */
    TK_NOT, /* ! */
    TK_OP,  /* = == != < <= > >= ~ === !== */
    TK_ERROR,
};

struct token {
    enum ftok type;
    int col;       /* 1-based column of the first character */
    const char *p; /* raw text in the source */
    size_t n;
    char *str; /* TK_STRING: decoded text, owned by the lexer */
    size_t slen;
};

struct lexer {
    const char *src;
    size_t len, pos;
    char *strbuf;    /* owned: decoded text of the current string token */
    const char *err; /* TK_ERROR: message */
    int hdr;         /* 1: just read "sip.msg.header"; 2: inside its [ ] */
};

void lex_init(struct lexer *lx, const char *src, size_t len);
void lex_fini(struct lexer *lx);
/* Reads the next token; the previous TK_STRING text is invalidated. */
void lex_next(struct lexer *lx, struct token *t);

/* ---- fields ---- */
enum fkind {
    FK_STR = 0,
    FK_INT,
    FK_ADDR,
    FK_TIME, /* absolute */
    FK_DUR,  /* relative */
    FK_BOOL,
};

struct field_def {
    const char *name;
    enum filter_field field;
    enum fkind kind;
    const char *key; /* header name for generic header aliases */
    unsigned needs;
};

/* Looks a field name up (case-insensitive).  NULL when unknown. */
const struct field_def *field_lookup(const char *name, size_t n);

/* ---- regex ---- */
struct fregex;
/* Compiles pattern; NULL with *erroff and msg filled on error. */
struct fregex *fregex_new(const char *pat, size_t n, bool caseless, size_t *erroff, char *msg,
                          size_t msglen);
void fregex_free(struct fregex *re);
bool fregex_match(struct fregex *re, const char *s, size_t n);

/* ---- tree ---- */
enum fop {
    OP_PRESENT = 0,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_CONTAINS,
    OP_MATCHES, /* ~ matches: caseless PCRE2 */
    OP_LIKE,    /* Asterisk like: case-sensitive, unanchored */
    OP_IN,
};

struct lit {
    enum fkind kind;
    char *s; /* FK_STR: owned */
    size_t len;
    int64_t i, hi;             /* INT/TIME/DUR/BOOL value; hi: range upper bound */
    int64_t gran;              /* TIME/DUR: subject truncated to this many ns (>= 1) */
    struct filter_addr a, ahi; /* ADDR; ahi: range upper bound */
    int prefix;                /* ADDR: prefix length in bits */
    bool range;
};

enum nodetype {
    N_AND = 0,
    N_OR,
    N_NOT,
    N_TEST,
};

struct fnode {
    enum nodetype type;
    struct fnode **kids; /* AND/OR: n-ary; NOT: one */
    size_t nkids;
    /* N_TEST */
    const struct field_def *def;
    char *key; /* owned: header name for sip.msg.header[...] */
    enum fop op;
    struct lit lit;
    struct lit *set; /* owned, OP_IN */
    size_t nset;
    struct fregex *re; /* owned, OP_MATCHES / OP_LIKE */
};

struct filter {
    char *src;          /* owned */
    struct fnode *root; /* owned */
    unsigned needs;
    const struct legs *legs; /* borrowed: filter_set_legs */
};

void fnode_free(struct fnode *n);
bool fnode_eval(const struct fnode *n, const struct filter_subject *s);

/* Time literal: epoch seconds ("1700000000", "1700000000.25") or a date
 * "YYYY-MM-DD[ T]HH:MM[:SS[.frac]]" (local time; "Z" suffix = UTC).  On
 * success *ns and *gran (precision) are set. */
int parse_time_lit(const char *s, size_t n, int64_t *ns, int64_t *gran);

#endif
