/*
 * samsa/alloc.h - allocator hooks for embedders.
 *
 * Every object that allocates is given a samsa_allocator (or NULL for the
 * C library's malloc/realloc/free) when it is created, and uses only that
 * one for its whole life. There is no global allocator to replace: two
 * handles in one process may use different allocators.
 *
 * The hooks must behave like their libc namesakes: realloc(ctx, NULL, n)
 * allocates, free(ctx, NULL) does nothing, and a failed call returns NULL.
 * They are called from whichever thread uses the owning object.
 */
#ifndef SAMSA_ALLOC_H
#define SAMSA_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct samsa_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} samsa_allocator;

/* The libc-backed allocator used wherever NULL is given. Never NULL. */
const samsa_allocator *samsa_allocator_default(void);

#ifdef __cplusplus
}
#endif
#endif
