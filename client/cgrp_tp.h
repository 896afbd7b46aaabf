/*
 * client/cgrp_tp.h - a set of (topic, partition) pairs with owned topic
 * strings, kept sorted by topic then partition: what a group member owns,
 * what a rebalance adds or takes away.
 *
 * Pure data: no I/O, no locking (the owner says which thread uses it).
 * Ownership: the list owns its entries' topic strings; sc_tpl_free()
 * releases them. Views handed out (sc_tpl_view) borrow those strings and
 * are valid until the list changes.
 */
#ifndef SC_CGRP_TP_H
#define SC_CGRP_TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"
#include "samsa/consumer.h"

typedef struct sc_tp {
    char *topic;
    int32_t partition;
} sc_tp;

typedef struct sc_tpl {
    const samsa_allocator *alloc;
    sc_tp *v;
    size_t n, cap;
} sc_tpl;

void sc_tpl_init(sc_tpl *l, const samsa_allocator *alloc);
void sc_tpl_free(sc_tpl *l);
/* Empty the list (keeps the allocator). */
void sc_tpl_clear(sc_tpl *l);

/* Insert (topic[0..len), partition) in order; a duplicate is ignored.
 * 0, INVALID_ARG (partition < 0, empty topic) or NO_MEMORY. */
int sc_tpl_add(sc_tpl *l, const char *topic, size_t len, int32_t partition);
bool sc_tpl_has(const sc_tpl *l, const char *topic, size_t len,
                int32_t partition);
/* Remove one entry (no-op when absent). */
void sc_tpl_del(sc_tpl *l, const char *topic, size_t len, int32_t partition);

/* *out = a minus b (out is cleared first; out != a, b). 0 or NO_MEMORY. */
int sc_tpl_minus(const sc_tpl *a, const sc_tpl *b, sc_tpl *out);
/* *dst = copy of src. 0 or NO_MEMORY. */
int sc_tpl_copy(sc_tpl *dst, const sc_tpl *src);
bool sc_tpl_equal(const sc_tpl *a, const sc_tpl *b);

/* Fill out[0..l->n) with views (offset INVALID, epoch -1, no metadata).
 * out must have room for l->n entries. */
void sc_tpl_view(const sc_tpl *l, samsa_topic_partition *out);

#endif
