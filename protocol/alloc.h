/*
 * protocol/alloc.h - internal helpers over samsa_allocator.
 *
 * A NULL allocator pointer means samsa_allocator_default(). sp_alloc() and
 * sp_realloc() return NULL for a zero size and on failure; callers check.
 */
#ifndef SP_ALLOC_H
#define SP_ALLOC_H

#include <stddef.h>
#include "samsa/alloc.h"

void *sp_alloc(const samsa_allocator *a, size_t size);
void *sp_calloc(const samsa_allocator *a, size_t count, size_t size);
void *sp_realloc(const samsa_allocator *a, void *ptr, size_t size);
void sp_free(const samsa_allocator *a, void *ptr);

#endif
