/*
 * client/topic_create.h - client-side topic auto-creation
 * (auto.create.topics.method=create_topics, allow.auto.create.topics=true).
 *
 * The metadata refresher calls sc_tc_unknown() when a Metadata answer says
 * UNKNOWN_TOPIC_OR_PARTITION for a topic the producer writes to (consumers
 * never create). One CreateTopics goes out for it, with
 * auto.create.topics.num.partitions and .replication.factor (-1 = the
 * broker's defaults, KIP-464, CreateTopics v4+), to the controller when a
 * connection to it is ready, else to any ready broker (KIP-590 brokers
 * forward it). Then:
 *   - created, or TOPIC_ALREADY_EXISTS: metadata is refreshed soon, and the
 *     producer places the records that waited; while the new topic
 *     propagates (Metadata still says UNKNOWN) no other request goes out
 *     for it until a Metadata answer shows it (sc_tc_known) or
 *     request.timeout.ms passes;
 *   - a transient error (transport, REQUEST_TIMED_OUT, NOT_CONTROLLER,
 *     THROTTLING_QUOTA_EXCEEDED): nothing is reported; the next Metadata
 *     answer that still says UNKNOWN tries again after retry.backoff.ms;
 *   - any other error (POLICY_VIOLATION, TOPIC_AUTHORIZATION_FAILED,
 *     INVALID_REPLICATION_FACTOR, INVALID_PARTITIONS, a broker older than
 *     CreateTopics v4 with -1 counts, ...): the error and the broker's
 *     message go into the metadata cache (sc_md_set_topic_error) and the
 *     parts are told (sc_client_md_changed), so the producer fails the
 *     topic's waiting records with a per-message report; the topic is tried
 *     again no sooner than retry.backoff.max.ms later.
 * One request per topic at a time; topics are created one per request.
 * sc_tc_encode/sc_tc_decode (below) are the one-topic request and answer,
 * usable by samsa_create_topic as well.
 *
 * Ownership: the creator copies topic names. Requests in flight own their
 * context and free it in their callback (also when the client closes).
 * Thread rules: the loop thread only.
 */
#ifndef SC_TOPIC_CREATE_H
#define SC_TOPIC_CREATE_H

#include <stddef.h>

#include "client_int.h"

typedef struct sc_tc sc_tc;

/* 0 or SAMSA_ERR_NO_MEMORY. */
int sc_tc_new(samsa_client *c, sc_tc **out);
/* After the connections are gone (their callbacks ran). NULL is fine. */
void sc_tc_free(sc_tc *tc);

/* A Metadata answer said UNKNOWN_TOPIC_OR_PARTITION for topic (a producer
 * topic): create it unless a request is out or the last one failed recently. */
void sc_tc_unknown(sc_tc *tc, const char *topic, size_t len);

/* A Metadata answer showed topic: forget its creation state. */
void sc_tc_known(sc_tc *tc, const char *topic, size_t len);

/* Requests sent so far (for tests and debug). */
unsigned sc_tc_requests(const sc_tc *tc);

/* ---- one topic's CreateTopics, shared with the admin call ---- */

#define SC_TC_MAX_CONFIGS 64

typedef struct sc_tc_spec {
    const char *name;     /* not NUL-terminated necessarily */
    size_t len;
    int32_t partitions;   /* -1: the broker's num.partitions (v4+) */
    int16_t rf;           /* -1: the broker's default.replication.factor */
    const char *const *configs; /* nconfigs name/value pairs, or NULL */
    size_t nconfigs;      /* at most SC_TC_MAX_CONFIGS */
    int32_t timeout_ms;   /* how long the broker may take */
} sc_tc_spec;

/* Encode the request for spec (an sn_body_encode_fn: arg is the spec,
 * read during the call only). 0, SAMSA_ERR_INVALID_ARG (too many configs)
 * or the encoder's error. */
int sc_tc_encode(sp_writer *w, int16_t version, const void *spec);

/* Decode the answer: *err = the topic's error code (TOPIC_ALREADY_EXISTS
 * left for the caller to judge), its message copied into detail (NUL-
 * terminated, "" when none). 0, or a decode error (PROTOCOL when the
 * answer names no topic). */
int sc_tc_decode(const samsa_allocator *a, int16_t version,
                 const uint8_t *body, size_t len, int *err, char *detail,
                 size_t detail_len);

#endif
