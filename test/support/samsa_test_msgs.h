/*
 * test/support/samsa_test_msgs.h - helpers shared by the message-table
 * integration tests (test/integration/test_msgs_*.c): a blocking connection
 * with the broker's ApiVersions answer, version walks, calls that must
 * decode exactly, coordinator and topic set-up with retries, and small
 * value helpers. Built on samsa_test_kafka.h (plain sockets, below net/).
 *
 * Every function here fails the calling cmocka test (fail_msg / assert_*)
 * instead of returning an error: call them from a test's main thread only.
 * Nothing here is part of the library.
 */
#ifndef SAMSA_TEST_MSGS_H
#define SAMSA_TEST_MSGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa_test_kafka.h"
#include "samsa/error.h"

#define ST_TIMEOUT_MS 10000 /* connect and broker-side request timeouts */
#define ST_RETRIES 100      /* tries while a coordinator or topic settles */

/* A connection plus the broker's ApiVersions answer on it. */
typedef struct st_conn {
    int fd;
    sp_api_versions_resp versions;
    st_call vcall; /* owns versions */
} st_conn;

/* Connect to "host:port" and read ApiVersions; the test fails otherwise. */
void st_conn_open(st_conn *c, const char *bootstrap);
void st_conn_close(st_conn *c);

/* Versions of key samsa and the broker share; the test fails when none. */
void st_versions(const st_conn *c, int16_t key, int16_t *lo, int16_t *hi);
int16_t st_max_version(const st_conn *c, int16_t key);
/* st_versions of each keys[0..n) into lo[key], hi[key] (arrays indexed by
 * API key); returns the most versions any of them has: the steps of a walk
 * that uses every version of every key (see st_vpick). */
int st_walk_versions(const st_conn *c, const int16_t *keys, int n, int16_t *lo, int16_t *hi);
/* i-th version of a walk over [lo, hi]: lo + i, held at hi. */
int16_t st_vpick(int16_t lo, int16_t hi, int i);
/* True when the harness says the broker is Kafka 3.x. */
bool st_kafka_3x(void);

/* st_kafka_call that must succeed (decode exactly); capture: keep the
 * response as a fuzz seed when SAMSA_TEST_CAPTURE_DIR is set. */
void st_call_ok(int fd, int16_t key, int16_t v, const void *req, void *resp,
                st_call *c, bool capture);

/* Fails the test with both error names when got != want. */
#define ST_CHECK_ERR(what, got, want)                                        \
    do {                                                                     \
        if ((got) != (want))                                                 \
            fail_msg("%s: error %d (%s), want %d (%s)", what, (int)(got),    \
                     samsa_err_name(got), (int)(want), samsa_err_name(want)); \
    } while (0)

bool st_str_is(sp_str s, const char *want);
/* Copy a view into buf as a C string; the test fails when it does not fit. */
const char *st_cstr(sp_str s, char *buf, size_t len);
bool st_uuid_eq(const sp_uuid *a, const sp_uuid *b);
bool st_uuid_zero(const sp_uuid *a);
/* Kafka's text form of a UUID (Uuid.toString): unpadded base64url. */
void st_uuid_text(const uint8_t b16[16], char out[23]);
/* A random UUID in text form, as Java clients make member ids. */
void st_random_member_id(char out[23]);
void st_sleep_ms(long ms);
/* Big-endian int64 at p. */
int64_t st_be64(const uint8_t *p);

/* True when one of count items (stride bytes apart, each laid out as
 * {sp_uuid topic_id; SP_ARRAY(int32_t) partitions}, as in both the KIP-848
 * and the KIP-932 heartbeat assignments) is topic_id with partitions {0}. */
bool st_has_partition0(const sp_uuid *topic_id, const void *items, int32_t count,
                       size_t stride);

/* COORDINATOR_NOT_AVAILABLE, _LOAD_IN_PROGRESS, NOT_COORDINATOR ... */
bool st_retriable_coordinator_error(int16_t err);
/* ... and CONCURRENT_TRANSACTIONS. */
bool st_retriable_txn_error(int16_t err);

/*
 * FindCoordinator at version v for keys[0..n) (n == 1 below v4, n <= 4),
 * retried while the coordinator comes up (a broker creates its internal
 * topic on the first such request). Checks every answer; leaves
 * "host:port" of the first in hostport.
 */
void st_find_coordinator(int fd, int16_t v, int8_t key_type, const char *const *keys,
                         int n, char *hostport, size_t hplen);

/* Create topic `name` (1 partition) unless it exists; *id gets its id
 * once Metadata shows it with a leader. */
void st_ensure_topic(int fd, const char *name, sp_uuid *id);

/*
 * A magic-2 record batch of n uncompressed records, values "hdata-<i>",
 * written by hand (not with protocol/record_batch) so a test depends only
 * on the message tables. attrs, pid, epoch, seq go into the header (0, -1,
 * -1, -1 for a plain batch). The caller frees *out; returns its length.
 */
size_t st_make_batch(int n, int16_t attrs, int64_t pid, int16_t epoch, int32_t seq,
                     uint8_t **out);

#endif
