/*
 * test/support/samsa_test_topic.h - the topic fixture of the data-path
 * message-table tests (test_msgs_topics.c, test_msgs_produce_fetch.c,
 * test_msgs_offsets.c): one connection and a topic "hdata-main-<pid>" of
 * ST_NPART partitions, with 3 records in partitions 0 and 2 (partition 1
 * stays empty), deleted at teardown. Also the topic calls it is built from.
 *
 * Like samsa_test_msgs.h, everything fails the calling test on error; one
 * fixture per process, used from the test's main thread.
 */
#ifndef SAMSA_TEST_TOPIC_H
#define SAMSA_TEST_TOPIC_H

#include "samsa_test_msgs.h"

#define ST_NPART 3

typedef struct st_fixture {
    const char *bootstrap; /* NULL: no broker, every test skips */
    st_conn conn;
    char topic[64];
    sp_uuid topic_id;
    int32_t leader_epoch; /* of partition 0 */
    int32_t node_id;      /* the (only) broker */
} st_fixture;

/* A topic id no broker knows. */
extern const sp_uuid st_bogus_id;

/* Filled by st_fixture_setup; cmocka group set-up/teardown wrap these. */
extern st_fixture g_fx;

/* Group set-up/teardown for cmocka_run_group_tests (state unused): the
 * topic is "hdata-main-<pid>". Without SAMSA_TEST_BOOTSTRAP they do
 * nothing (tests skip). */
int st_fixture_setup(void **state);
int st_fixture_teardown(void **state);

/* On the fixture's connection: st_call_ok, st_versions, st_max_version,
 * and st_find_coordinator of one key at the newest version. */
void st_fx_call(int16_t key, int16_t v, const void *req, void *resp, st_call *c,
                bool capture);
void st_fx_versions(int16_t key, int16_t *lo, int16_t *hi);
int16_t st_fx_max_version(int16_t key);
void st_fx_find_coordinator(const char *key, int8_t key_type);

/* The calls below use the fixture's connection too. */

/* Create `name` with n partitions at the newest CreateTopics; *id_out
 * (optional) gets its id. */
void st_create_topic(const char *name, int32_t n, sp_uuid *id_out);
void st_delete_topic(const char *name);
/* Poll Metadata until every partition of `name` has a leader; when name is
 * the fixture's topic, fills g_fx's id, leader epoch and node id. */
void st_wait_topic(const char *name, int32_t nparts);

/* Produce one st_make_batch of n records at version v to (name or id,
 * partition); returns the partition's error, *base (optional) the base
 * offset. A success is checked field by field for version v. */
int16_t st_produce(int16_t v, const sp_uuid *id, const char *name, int32_t partition, int n,
                   int64_t *base, bool capture);
/* The same with a given record batch, and a transactional id (or NULL). */
int16_t st_produce_batch(int16_t v, const sp_uuid *id, const char *name, int32_t partition,
                         const char *txn_id, const uint8_t *batch, size_t blen, int64_t *base,
                         bool capture);

#endif
