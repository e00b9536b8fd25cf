/*
 * arena: a bump allocator.  Everything allocated from an arena is freed at
 * once by arena_fini().  Used for bytes copied once from live capture,
 * stdin and reassembly, and for per-call strings.  Not thread-safe: an arena
 * belongs to one owner (the store lives on the UI thread).
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (256 * 1024)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void arena_fini(struct arena *a)
{
    struct arena_chunk *c = a->head, *next;

    while (c) {
        next = c->next;
        free(c);
        c = next;
    }
    arena_init(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct arena_chunk *c = a->head;
    size_t need = (n + 7) & ~(size_t)7;
    size_t size;
    void *p;

    if (!c || c->size - c->used < need) {
        size = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
        c = xmalloc(sizeof(*c) + size);
        c->used = 0;
        c->size = size;
        if (size > ARENA_CHUNK / 4 && a->head) {
            /* A big block gets its own chunk behind the current one, so the
             * free space in the current chunk is not wasted. */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
        a->total += sizeof(*c) + size;
    }
    p = c->data + c->used;
    c->used += need;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
