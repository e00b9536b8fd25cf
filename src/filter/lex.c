/*
 * filter/lex: splits filter text into tokens for parse.c.
 *
 * Pure; called on whichever thread compiles a filter.  The lexer owns the
 * decoded text of the current string token (lx->strbuf), valid until the next
 * lex_next() or lex_fini().
 *
 * Words are runs of anything but blanks and ( ) { } , " ' ! = < > ~ & |,
 * so unquoted values like abc@10.0.0.1, 10.0.0.0/8, 2001:db8::1, 100..199
 * and ^a[0-9]+ are single words, as Asterisk's whitespace-split CLI words
 * are.  '[' and ']' are tokens only right after the word sip.msg.header
 * (sip.msg.header["X-Name"] or sip.msg.header[X-Name]).
 * "..." strings take C escapes (\" \\ \n \r \t \e \xHH \uXXXX, so a string
 * sipdx printed can be pasted back; any other backslash is
 * kept, so "\d+" reaches PCRE2 unchanged); '...' strings are raw.
 */
#include "filter_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void lex_init(struct lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
}

void lex_fini(struct lexer *lx)
{
    free(lx->strbuf);
    lx->strbuf = NULL;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_word_char(char c)
{
    if (is_blank(c) || c == '\0')
        return false;
    return !strchr("(){},\"'!=<>~&|", c);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void lex_string(struct lexer *lx, struct token *t)
{
    char q = lx->src[lx->pos];
    size_t i = lx->pos + 1, o = 0;
    char *out;

    free(lx->strbuf);
    out = lx->strbuf = xmalloc(lx->len - lx->pos + 1);
    while (i < lx->len && lx->src[i] != q) {
        char c = lx->src[i];

        if (q == '"' && c == '\\' && i + 1 < lx->len) {
            char e = lx->src[i + 1];

            i += 2;
            switch (e) {
            case 'n':
                out[o++] = '\n';
                break;
            case 'r':
                out[o++] = '\r';
                break;
            case 't':
                out[o++] = '\t';
                break;
            case 'e': /* as sipdx prints ESC in a wire string */
                out[o++] = 0x1b;
                break;
            case 'u': /* \uXXXX: how sipdx prints an invisible character */
                if (i + 3 < lx->len && hexval(lx->src[i]) >= 0 && hexval(lx->src[i + 1]) >= 0 &&
                    hexval(lx->src[i + 2]) >= 0 && hexval(lx->src[i + 3]) >= 0) {
                    unsigned v = (unsigned)(hexval(lx->src[i]) << 12 | hexval(lx->src[i + 1]) << 8 |
                                            hexval(lx->src[i + 2]) << 4 | hexval(lx->src[i + 3]));

                    if (v >= 0x800) {
                        out[o++] = (char)(0xe0 | v >> 12);
                        out[o++] = (char)(0x80 | (v >> 6 & 0x3f));
                        out[o++] = (char)(0x80 | (v & 0x3f));
                        i += 4;
                        break;
                    }
                    if (v >= 0x80) {
                        out[o++] = (char)(0xc0 | v >> 6);
                        out[o++] = (char)(0x80 | (v & 0x3f));
                        i += 4;
                        break;
                    }
                }
                out[o++] = '\\';
                out[o++] = 'u';
                break;
            case '"':
            case '\\':
                out[o++] = e;
                break;
            case 'x':
                if (i + 1 < lx->len && hexval(lx->src[i]) >= 0 && hexval(lx->src[i + 1]) >= 0) {
                    out[o++] = (char)(hexval(lx->src[i]) * 16 + hexval(lx->src[i + 1]));
                    i += 2;
                    break;
                }
                out[o++] = '\\';
                out[o++] = 'x';
                break;
            default: /* unknown escape: keep it for the regex engine */
                out[o++] = '\\';
                out[o++] = e;
                break;
            }
            continue;
        }
        out[o++] = c;
        i++;
    }
    if (i >= lx->len) {
        t->type = TK_ERROR;
        lx->err = "unterminated string";
        lx->pos = lx->len;
        return;
    }
    out[o] = '\0';
    t->type = TK_STRING;
    t->str = out;
    t->slen = o;
    lx->pos = i + 1;
    t->n = lx->pos - (size_t)(t->col - 1);
}

void lex_next(struct lexer *lx, struct token *t)
{
    const char *s = lx->src;
    size_t p;

    while (lx->pos < lx->len && is_blank(s[lx->pos]))
        lx->pos++;
    memset(t, 0, sizeof(*t));
    p = lx->pos;
    t->col = (int)p + 1;
    t->p = s + p;
    t->n = 1;
    if (p >= lx->len) {
        t->type = TK_EOF;
        t->n = 0;
        return;
    }
    switch (s[p]) {
    case '(':
        t->type = TK_LPAREN;
        break;
    case ')':
        t->type = TK_RPAREN;
        break;
    case '{':
        t->type = TK_LBRACE;
        break;
    case '}':
        t->type = TK_RBRACE;
        break;
    case '[':
        if (lx->hdr != 1)
            goto word;
        t->type = TK_LBRACKET;
        lx->hdr = 2;
        lx->pos = p + 1;
        return;
    case ']':
        if (lx->hdr != 2)
            goto word;
        t->type = TK_RBRACKET;
        lx->hdr = 0;
        lx->pos = p + 1;
        return;
    case ',':
        t->type = TK_COMMA;
        break;
    case '"':
    case '\'':
        lex_string(lx, t);
        return;
    case '&':
    case '|':
        if (p + 1 < lx->len && s[p + 1] == s[p]) {
            t->type = s[p] == '&' ? TK_AND : TK_OR;
            t->n = 2;
            break;
        }
        t->type = TK_ERROR;
        lx->err =
            s[p] == '&' ? "'&' must be written '&&' or 'and'" : "'|' must be written '||' or 'or'";
        break;
    case '!':
        if (p + 1 < lx->len && s[p + 1] == '=') {
            t->type = TK_OP;
            t->n = (p + 2 < lx->len && s[p + 2] == '=') ? 3 : 2;
            break;
        }
        t->type = TK_NOT;
        break;
    case '=':
        t->type = TK_OP;
        if (p + 1 < lx->len && s[p + 1] == '=')
            t->n = (p + 2 < lx->len && s[p + 2] == '=') ? 3 : 2;
        break;
    case '<':
    case '>':
        t->type = TK_OP;
        if (p + 1 < lx->len && s[p + 1] == '=')
            t->n = 2;
        break;
    case '~':
        t->type = TK_OP;
        break;
    default:
    word:
        if (!is_word_char(s[p])) { /* NUL or another byte no token starts with */
            t->type = TK_ERROR;
            lx->err = "unexpected character";
            break;
        }
        t->type = TK_WORD;
        while (p + t->n < lx->len && is_word_char(s[p + t->n])) {
            if (s[p + t->n] == ']' && lx->hdr == 2)
                break;
            if (s[p + t->n] == '[' && t->n == 14 && mem_ieq(s + p, 14, "sip.msg.header")) {
                lx->hdr = 1;
                lx->pos = p + t->n;
                return;
            }
            t->n++;
        }
        break;
    }
    if (lx->hdr == 1)
        lx->hdr = 0;
    lx->pos = p + t->n;
}
