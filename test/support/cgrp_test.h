/*
 * test/support/cgrp_test.h - shared setup of the consumer group
 * integration tests (test/integration/test_cgrp_*.c): members that are
 * embedded-mode handles driven round-robin by the test thread, a
 * 6-partition topic per test, and a count of every offset read over all
 * members (cgt_seen) to check "nothing lost, nothing read twice".
 *
 * Group and topic names start with "hgroup-". Everything here is for the
 * test thread only, and fails the running cmocka test on error.
 */
#ifndef CGRP_TEST_H
#define CGRP_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa.h"
#include "samsa/consumer.h"

#define CGT_NPART 6
#define CGT_MAXOFF 4096

/* One member: its handle and what the rebalance callback told it. */
typedef struct cgt_member {
    samsa_client *c;
    int id;
    bool owned[CGT_NPART];
    int assigned_events, revoked_events, lost_events;
    int revoked_parts;
    bool commit_on_revoke;   /* commit_sync(NULL) in REVOKED (default on) */
    int64_t last_assigned_ms;
} cgt_member;

/* Offsets read, over all members: count per (partition, offset). */
extern unsigned char cgt_seen[CGT_NPART][CGT_MAXOFF];
/* The topic of the running test (the callback checks every partition's). */
extern const char *cgt_topic;

/* SAMSA_TEST_BOOTSTRAP, or the test is skipped. */
const char *cgt_bootstrap(void);
/* "hgroup-<what>-<pid>-<ms>" */
void cgt_name_of(char *buf, size_t len, const char *what);
/* kv = "group.id" group, the NULL-terminated strings after extra, extra's
 * pairs (may be NULL), NULL; fails the test past cap slots. */
void cgt_kv(const char **kv, size_t cap, const char *group,
            const char *const *extra, ...);
/* The rebalance callback members use (opaque: the cgt_member). */
void cgt_rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                      const samsa_topic_partition *tps, size_t n);
/* A handle with bootstrap.servers and the NULL-terminated key/value list
 * kv; m: its rebalance callback goes to m. SAMSA_TEST_DEBUG=<contexts>
 * logs to stderr. */
samsa_client *cgt_client_new(const char *const *kv, cgt_member *m);
/* New handle subscribed to cgt_topic; member_stop closes (10 s) and
 * destroys it. */
void cgt_member_start(cgt_member *m, int id, const char *const *kv);
void cgt_member_stop(cgt_member *m);
/* Consume what is buffered (up to max records), counting offsets in
 * cgt_seen; events are released. Returns records read. */
int cgt_drain(cgt_member *m, int max);
/* Every partition owned by exactly one live member of ms[0..n), each
 * owning at least min_each. */
bool cgt_balanced(cgt_member *ms, int n, int min_each);
/* Drive ms[0..n) until balanced for 1.5 s; ms it took to balance. */
int64_t cgt_settle(cgt_member *ms, int n, int min_each, int consume_max,
                   int timeout_ms);
/* per_part records into every partition, values "p<P>-<base+i>". */
void cgt_produce(samsa_client *c, const char *topic, int per_part, int base);
/* Create a CGT_NPART-partition topic named for what; returns the admin
 * handle (which also produces). */
samsa_client *cgt_make_topic(char *topic, size_t len, const char *what);
/* Every offset below per_part_total in each partition seen exactly once. */
void cgt_check_exactly_once(int per_part_total);
/* Drive and drain until every offset below per_part_total was seen. */
void cgt_finish_reading(cgt_member *ms, int n, int per_part_total, int timeout_ms);

#endif
