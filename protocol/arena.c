/* protocol/arena.c - see arena.h. */
#include <string.h>

#include "arena.h"
#include "alloc.h"
#include "samsa/error.h"

#define CHUNK_SIZE 4096u
#define ALIGN 16u

struct sp_arena_chunk {
    struct sp_arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t off;  /* next free byte */
    /* data follows, aligned */
};

#define HDR_SIZE ((sizeof(struct sp_arena_chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

void sp_arena_init(sp_arena *a, const samsa_allocator *alloc, size_t max)
{
    a->alloc = alloc;
    a->head = NULL;
    a->used = 0;
    a->max = max;
    a->err = 0;
}

void *sp_arena_alloc(sp_arena *a, size_t n)
{
    struct sp_arena_chunk *c;
    uint8_t *p;

    if (a->err)
        return NULL;
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ALIGN) {
        a->err = SAMSA_ERR_LIMIT;
        return NULL;
    }
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (a->max - a->used < n) {
        a->err = SAMSA_ERR_LIMIT;
        return NULL;
    }
    c = a->head;
    if (!c || c->size - c->off < n) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = (struct sp_arena_chunk *)sp_alloc(a->alloc, HDR_SIZE + size);
        if (!c) {
            a->err = SAMSA_ERR_NO_MEMORY;
            return NULL;
        }
        c->size = size;
        c->off = 0;
        if (a->head && n > CHUNK_SIZE) {
            /* keep the partly used chunk at the head for small requests */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    p = (uint8_t *)c + HDR_SIZE + c->off;
    c->off += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

void *sp_arena_array(sp_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        if (!a->err)
            a->err = SAMSA_ERR_LIMIT;
        return NULL;
    }
    return sp_arena_alloc(a, count * size);
}

void sp_arena_free(sp_arena *a)
{
    struct sp_arena_chunk *c = a->head;

    while (c) {
        struct sp_arena_chunk *next = c->next;
        sp_free(a->alloc, c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
    a->err = 0;
}
