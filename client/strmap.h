/*
 * client/strmap.h - string-keyed hash map (open addressing, linear probing).
 *
 * Keys are copied into the map; values are caller pointers the map does not
 * own. Lookups take (pointer, length), so views into wire buffers work
 * without a copy. The table doubles when 3/4 full; removal uses tombstones.
 * Thread rules: one thread at a time.
 */
#ifndef SC_STRMAP_H
#define SC_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

typedef struct sc_strmap_slot {
    char *key;      /* NULL = empty; SC_STRMAP_TOMB = removed */
    size_t keylen;
    uint32_t hash;
    void *value;
} sc_strmap_slot;

typedef struct sc_strmap {
    const samsa_allocator *alloc;
    sc_strmap_slot *slots;
    size_t cap;   /* power of two, or 0 */
    size_t count; /* live entries */
    size_t used;  /* live + tombstones */
} sc_strmap;

void sc_strmap_init(sc_strmap *m, const samsa_allocator *alloc);
/* Frees the keys and the table, not the values. */
void sc_strmap_free(sc_strmap *m);
/* Insert or replace. 0 or SAMSA_ERR_NO_MEMORY. */
int sc_strmap_put(sc_strmap *m, const char *key, size_t keylen, void *value);
void *sc_strmap_get(const sc_strmap *m, const char *key, size_t keylen);
/* Remove; returns the value that was stored, or NULL. */
void *sc_strmap_del(sc_strmap *m, const char *key, size_t keylen);
/* Iterate: *pos starts at 0; returns the next value or NULL at the end. */
void *sc_strmap_next(const sc_strmap *m, size_t *pos, const char **key);

#endif
