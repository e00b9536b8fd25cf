/* test_msgq: the bounded capture -> UI queue (threads, back-pressure, drops). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>

#include "msgq.h"

#define N_ITEMS 20000

struct producer {
    struct msgq *q;
    int first, count;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    int i;

    for (i = 0; i < p->count; i++) {
        int *v = malloc(sizeof(*v));
        *v = p->first + i;
        msgq_push(p->q, v);
    }
    return NULL;
}

static void consumer_gets_every_item_in_order_with_back_pressure(void **state)
{
    struct msgq *q = msgq_new(16, free);
    struct producer p = {q, 0, N_ITEMS};
    pthread_t th;
    void *batch[8];
    int expect = 0;
    size_t n, i;

    (void)state;
    assert_int_equal(pthread_create(&th, NULL, produce, &p), 0);
    while (expect < N_ITEMS) {
        if (!msgq_wait(q, 1000))
            continue;
        n = msgq_drain(q, batch, 8);
        assert_true(n <= 8);
        for (i = 0; i < n; i++) {
            assert_int_equal(*(int *)batch[i], expect);
            expect++;
            free(batch[i]);
        }
        assert_true(msgq_len(q) <= 16);
    }
    pthread_join(th, NULL);
    assert_int_equal(msgq_pushed(q), N_ITEMS);
    assert_int_equal(msgq_dropped(q), 0);
    /* 20000 items through 16 slots with an 8-item consumer: the producer
     * must have blocked on a full queue at least once. */
    assert_true(msgq_waits(q) > 0);
    msgq_free(q);
}

static void try_push_drops_and_counts_when_full(void **state)
{
    struct msgq *q = msgq_new(4, free);
    void *out[8];
    int i, ok = 0;

    (void)state;
    for (i = 0; i < 10; i++) {
        int *v = malloc(sizeof(*v));
        *v = i;
        if (msgq_try_push(q, v) == 0)
            ok++;
    }
    assert_int_equal(ok, 4);
    assert_int_equal(msgq_dropped(q), 6);
    assert_int_equal(msgq_len(q), 4);
    assert_int_equal(msgq_drain(q, out, 8), 4);
    assert_int_equal(*(int *)out[0], 0);
    assert_int_equal(*(int *)out[3], 3);
    for (i = 0; i < 4; i++)
        free(out[i]);
    msgq_free(q);
}

static void close_wakes_a_blocked_producer(void **state)
{
    struct msgq *q = msgq_new(2, free);
    struct producer p = {q, 0, 100};
    pthread_t th;

    (void)state;
    assert_int_equal(pthread_create(&th, NULL, produce, &p), 0);
    while (msgq_waits(q) == 0)
        msgq_wait(q, 10); /* until the producer blocks on the full queue */
    msgq_close(q);
    pthread_join(th, NULL); /* would hang if close did not wake it */
    assert_int_equal(msgq_len(q), 2);
    {
        int *v = malloc(sizeof(*v));
        assert_int_equal(msgq_push(q, v), -1); /* closed: freed, not queued */
    }
    msgq_free(q); /* frees the two left (LSan checks) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(consumer_gets_every_item_in_order_with_back_pressure),
        cmocka_unit_test(try_push_drops_and_counts_when_full),
        cmocka_unit_test(close_wakes_a_blocked_producer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
