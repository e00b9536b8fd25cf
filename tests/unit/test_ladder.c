/*
 * test_ladder: the ladder model (ladder.h) on real captures of the corpus,
 * its two policies (failure, note), and store_msg_parse, the one helper
 * that reads and parses a stored message, when the capture file is cut
 * under a loaded store (the read of a later message fails).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "kb.h"
#include "ladder.h"
#include "store.h"
#include "util.h"

static char *corpus_path(const char *rel)
{
    const char *dir = getenv("SIPDX_CORPUS");
    static char buf[4096];

    snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests/corpus", rel);
    return buf;
}

static struct store *load_path(const char *path)
{
    struct store_opts o = {0};
    struct store *s = store_new(&o);
    int rc = engine_run_files(&path, 1, s, NULL, NULL, stderr);

    assert_int_equal(rc, 0);
    return s;
}

static struct store *load(const char *rel)
{
    return load_path(corpus_path(rel));
}

static struct kb *kb_en(void)
{
    return kb_new("en", NULL, NULL);
}

static const struct ladder_row *row_labelled(const struct ladder *l, const char *label)
{
    size_t i;

    for (i = 0; i < l->nrows; i++)
        if (strcmp(l->rows[i].label, label) == 0)
            return &l->rows[i];
    fail_msg("no row labelled '%s'", label);
    return NULL;
}

/* A copy of a corpus capture in /tmp that the test may cut. */
static void copy_capture(const char *rel, char *tmp, size_t n)
{
    FILE *in = fopen(corpus_path(rel), "rb"), *out;
    char buf[65536];
    size_t got;
    int fd;

    assert_non_null(in);
    snprintf(tmp, n, "/tmp/test_ladder_XXXXXX");
    fd = mkstemp(tmp);
    assert_true(fd >= 0);
    out = fdopen(fd, "wb");
    while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, got, out), got);
    fclose(in);
    fclose(out);
}

static void a_cancelled_call_reads_as_its_messages_in_time_order(void **state)
{
    struct store *s = load("generated/call_cancel_487.pcap");
    struct kb *kb = kb_en();
    const struct store_call *c = store_call_at(s, 0);
    struct ladder_opts o = {.kb = kb};
    struct ladder l;
    const struct ladder_row *r;
    size_t i;

    (void)state;
    ladder_build(&l, s, &c, 1, &o);
    assert_int_equal(l.nrows, 7);
    assert_int_equal(l.nlanes, 2);
    assert_string_equal(l.lanes[0].name, "127.0.0.1:5060");
    assert_string_equal(l.lanes[1].name, "127.0.0.2:5060");
    assert_string_equal(l.calls[0].call_id, "1-11929@127.0.0.1");
    for (i = 1; i < l.nrows; i++) {
        assert_true(l.rows[i].ts_ns >= l.rows[i - 1].ts_ns);
        assert_int_equal(l.rows[i].delta_ns, l.rows[i].ts_ns - l.rows[i - 1].ts_ns);
    }
    r = &l.rows[0];
    assert_string_equal(r->label, "INVITE");
    assert_string_equal(r->sdp, "PCMU,PCMA 127.0.0.1:6000");
    assert_string_equal(r->first_line, "INVITE sip:119@127.0.0.2:5060 SIP/2.0");
    assert_int_equal(r->from, 0);
    assert_int_equal(r->to, 1);
    /* a 487 after our CANCEL is normal in its flow: a note, no failure */
    r = row_labelled(&l, "487 Request Terminated");
    assert_false(r->failure);
    assert_non_null(r->note);
    assert_non_null(strstr(r->note, "[normal here]"));
    assert_int_equal(r->from, 1);
    assert_int_equal(r->to, 0);
    assert_null(row_labelled(&l, "180 Ringing")->note);
    ladder_fini(&l);
    kb_free(kb);
    store_free(s);
}

static void a_refused_call_marks_its_final_response_as_the_failure(void **state)
{
    struct store *s = load("generated/call_fail_486.pcap");
    struct kb *kb = kb_en();
    const struct store_call *c = store_call_at(s, 0);
    struct ladder_opts o = {.kb = kb};
    struct ladder l;
    size_t i, nfail = 0;

    (void)state;
    ladder_build(&l, s, &c, 1, &o);
    for (i = 0; i < l.nrows; i++)
        nfail += l.rows[i].failure;
    assert_int_equal(nfail, 1);
    assert_true(row_labelled(&l, "486 Busy Here")->failure);
    assert_non_null(row_labelled(&l, "486 Busy Here")->note);
    ladder_fini(&l);
    kb_free(kb);
    store_free(s);
}

static void an_accepted_challenge_is_no_failure(void **state)
{
    struct store *s = load("generated/call_auth_401.pcap");
    struct kb *kb = kb_en();
    const struct store_call *c = store_call_at(s, 0);
    struct ladder_opts o = {.kb = kb};
    struct ladder l;
    const struct ladder_row *r;

    (void)state;
    ladder_build(&l, s, &c, 1, &o);
    r = row_labelled(&l, "401 Unauthorized");
    assert_false(r->failure);
    assert_non_null(strstr(r->note, "[normal here]"));
    ladder_fini(&l);
    kb_free(kb);
    store_free(s);
}

static void failure_policy_reads_the_code_in_its_flow(void **state)
{
    (void)state;
    assert_true(ladder_is_failure(486, DIAG_CTX_PLAIN));
    assert_true(ladder_is_failure(503, DIAG_CTX_FAILURE));
    assert_false(ladder_is_failure(487, DIAG_CTX_NORMAL));
    assert_false(ladder_is_failure(401, DIAG_CTX_PLAIN));
    assert_false(ladder_is_failure(407, DIAG_CTX_NORMAL));
    assert_true(ladder_is_failure(401, DIAG_CTX_FAILURE));
    assert_true(ladder_is_failure(407, DIAG_CTX_FAILURE));
    assert_false(ladder_is_failure(302, DIAG_CTX_PLAIN));
    assert_false(ladder_is_failure(200, DIAG_CTX_PLAIN));
}

/* The file under a loaded store is cut after the first message: reading
 * a later one fails.  The helper leaves the message defined (what three
 * callers freed as garbage before: sip_msg_fini on a struct never
 * initialised), and the ladder shows the rows it could not read. */
static void a_failed_read_leaves_the_message_defined(void **state)
{
    char path[64];
    struct store *s;
    const struct store_call *c;
    struct strbuf scratch;
    struct sip_msg m;
    struct ladder l;
    size_t i, unreadable = 0;

    (void)state;
    copy_capture("generated/call_cancel_487.pcap", path, sizeof(path));
    s = load_path(path);
    c = store_call_at(s, 0);
    assert_int_equal(c->nmsgs, 7);
    assert_false(c->msgs[6].flags & STORE_MSG_OWNED);
    sb_init(&scratch);
    /* first a good read with the same scratch buffer, as a ladder does */
    assert_int_equal(store_msg_parse(s, &c->msgs[0], &scratch, &m), 0);
    assert_true(m.is_request);
    sip_msg_fini(&m);
    assert_int_equal(truncate(path, (off_t)(c->msgs[0].file_off + c->msgs[0].len)), 0);
    memset(&m, 0xa5, sizeof(m)); /* what an uninitialised stack struct holds */
    assert_int_equal(store_msg_parse(s, &c->msgs[6], &scratch, &m), -1);
    assert_int_equal(m.nhdrs, 0);
    assert_ptr_equal(m.hdrs, m.inl);
    sip_msg_fini(&m); /* freed garbage before: ASan/abort on 0xa5a5... */
    /* the message before the cut still reads */
    assert_int_equal(store_msg_parse(s, &c->msgs[0], &scratch, &m), 0);
    sip_msg_fini(&m);
    sb_fini(&scratch);

    ladder_build(&l, s, &c, 1, NULL);
    assert_int_equal(l.nrows, 7);
    for (i = 0; i < l.nrows; i++) {
        if (l.rows[i].unreadable) {
            unreadable++;
            assert_string_equal(l.rows[i].label, "(unreadable)");
            assert_null(l.rows[i].sdp);
        }
    }
    assert_int_equal(unreadable, 6);
    assert_string_equal(l.rows[0].label, "INVITE");
    {
        struct strbuf t;

        sb_init(&t);
        ladder_render_text(&l, &t);
        assert_non_null(strstr(t.s, "(unreadable)"));
        sb_fini(&t);
    }
    ladder_fini(&l);
    store_free(s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_cancelled_call_reads_as_its_messages_in_time_order),
        cmocka_unit_test(a_refused_call_marks_its_final_response_as_the_failure),
        cmocka_unit_test(an_accepted_challenge_is_no_failure),
        cmocka_unit_test(failure_policy_reads_the_code_in_its_flow),
        cmocka_unit_test(a_failed_read_leaves_the_message_defined),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
