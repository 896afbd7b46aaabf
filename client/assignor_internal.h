/*
 * client/assignor_internal.h - what the assignors share: the input checked
 * and ranked once (members in Java order, topics by name, partitions
 * numbered globally), and the result builder.
 *
 * Internally a member is its rank (0..nm-1 in Java order), a topic its rank
 * (0..nt-1 by name) and a partition its global number gp: topic rank t
 * holds gp in [tbase[t], tbase[t+1]). An assignor fills owner[gp] with a
 * member rank or -1 and reports how many it withheld.
 * Thread rules: one call at a time per sa_ctx; the ctx borrows the input.
 */
#ifndef SC_ASSIGNOR_INTERNAL_H
#define SC_ASSIGNOR_INTERNAL_H

#include <stdbool.h>

#include "assignor.h"

typedef struct sa_ctx {
    const samsa_allocator *alloc;
    const sc_assign_input *in;
    uint32_t nm, nt, np;
    uint32_t *mord;     /* member rank -> input index */
    uint32_t *tord;     /* topic rank -> input index */
    uint32_t *tbase;    /* nt + 1 entries */
    uint32_t *sub_off;  /* nm + 1: member rank -> its topics in sub[] */
    uint32_t *sub;      /* topic ranks, ascending, unique per member */
    uint32_t *tsub_off; /* nt + 1: topic rank -> its members in tsub[] */
    uint32_t *tsub;     /* member ranks, ascending */
    uint32_t *thash;    /* topic name hash table: rank + 1, 0 = empty */
    uint32_t hmask;
} sa_ctx;

typedef int (*sa_plan_fn)(const sa_ctx *c, int32_t *owner, size_t *withheld);

/* Check and rank the input, then run plan and build *out. */
int sa_run(const samsa_allocator *alloc, const sc_assign_input *in,
           sc_assign_result *out, sa_plan_fn plan);

/* Topic rank of name; false when the input has no such topic. */
bool sa_topic_rank(const sa_ctx *c, sp_str name, uint32_t *rank);
bool sa_subscribed(const sa_ctx *c, uint32_t m, uint32_t t);

/* In-place heapsort of n indices under cmp(ctx, a, b) (a total order). */
void sa_sort(uint32_t *a, size_t n,
             int (*cmp)(const void *ctx, uint32_t a, uint32_t b), const void *ctx);

#endif
