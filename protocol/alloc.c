/* protocol/alloc.c - see alloc.h. */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "alloc.h"

static void *libc_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void libc_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

static const samsa_allocator libc_allocator = {
    libc_alloc, libc_realloc, libc_free, NULL
};

const samsa_allocator *samsa_allocator_default(void)
{
    return &libc_allocator;
}

static const samsa_allocator *pick(const samsa_allocator *a)
{
    return a ? a : &libc_allocator;
}

void *sp_alloc(const samsa_allocator *a, size_t size)
{
    if (size == 0)
        return NULL;
    a = pick(a);
    return a->alloc(a->ctx, size);
}

void *sp_calloc(const samsa_allocator *a, size_t count, size_t size)
{
    void *p;

    if (count == 0 || size == 0 || count > SIZE_MAX / size)
        return NULL;
    p = sp_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *sp_realloc(const samsa_allocator *a, void *ptr, size_t size)
{
    if (size == 0)
        return NULL;
    a = pick(a);
    return a->realloc(a->ctx, ptr, size);
}

void sp_free(const samsa_allocator *a, void *ptr)
{
    if (!ptr)
        return;
    a = pick(a);
    a->free(a->ctx, ptr);
}
