/*
 * protocol/arena.h - bump allocator for decoded responses.
 *
 * A decoded response's arrays all come from one arena, so the whole
 * response is released with one sp_arena_free(). Memory comes from the
 * arena's samsa_allocator in chunks; a request larger than the chunk size
 * gets a chunk of its own. The arena has a hard cap (`max` total bytes) so
 * a decoder can never allocate more than it was allowed, whatever the input.
 *
 * Returned memory is zeroed and aligned for any scalar type.
 * Thread rules: one thread at a time.
 */
#ifndef SP_ARENA_H
#define SP_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

struct sp_arena_chunk;

typedef struct sp_arena {
    const samsa_allocator *alloc;
    struct sp_arena_chunk *head;
    size_t used;  /* bytes handed out in all chunks */
    size_t max;   /* cap on used */
    int err;      /* sticky: SAMSA_ERR_NO_MEMORY or SAMSA_ERR_LIMIT */
} sp_arena;

void sp_arena_init(sp_arena *a, const samsa_allocator *alloc, size_t max);
/* Zeroed memory for n bytes, or NULL (and a sticky error) on failure. */
void *sp_arena_alloc(sp_arena *a, size_t n);
/* Zeroed array of count elements of size bytes, overflow-checked. */
void *sp_arena_array(sp_arena *a, size_t count, size_t size);
/* Release every chunk; the arena may be reused afterwards. */
void sp_arena_free(sp_arena *a);

#endif
