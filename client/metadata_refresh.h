/*
 * client/metadata_refresh.h - keeps the metadata cache fresh.
 *
 * Sends Metadata (at the highest version both sides support) for the
 * topics the client uses to the least-loaded ready broker, and applies the
 * answer to c->md: brokers (then sc_brokers_sync), topics (then
 * sc_client_md_changed per topic). A refresh runs
 *   - at start (bootstrap, brokers only),
 *   - when a part asks (sc_mdr_want for a new topic, sc_mdr_refresh after
 *     NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, an epoch change),
 *     no sooner than retry.backoff.ms after the previous one,
 *   - every metadata.max.age.ms (topic.metadata.refresh.interval.ms when
 *     that is smaller and not -1).
 * Requests are coalesced: one in flight at a time; asks meanwhile cause
 * one more. Topic auto-creation (allow.auto.create.topics):
 *   - auto.create.topics.method=broker: the setting is the request's flag
 *     (the broker creates when its auto.create.topics.enable is true);
 *   - create_topics: the flag is false, and a topic added with
 *     sc_mdr_want_create() (the producer's) that a Metadata answer calls
 *     UNKNOWN_TOPIC_OR_PARTITION goes to topic_create.c, which sends
 *     CreateTopics; topics added with sc_mdr_want() are never created.
 *
 * Thread rules: the loop thread only.
 */
#ifndef SC_METADATA_REFRESH_H
#define SC_METADATA_REFRESH_H

#include <stddef.h>

#include "client_int.h"

typedef struct sc_mdr sc_mdr;

int sc_mdr_new(samsa_client *c, sc_mdr **out);
void sc_mdr_free(sc_mdr *m);

/* Add a topic to the set refreshed (copied) and refresh soon if new.
 * 0 or NO_MEMORY. */
int sc_mdr_want(sc_mdr *m, const char *topic, size_t len);
/* Same, for a topic the client may create (the producer's): see above. */
int sc_mdr_want_create(sc_mdr *m, const char *topic, size_t len);
/* Stop refreshing a topic (no-op when unknown). */
void sc_mdr_unwant(sc_mdr *m, const char *topic, size_t len);

/* Refresh as soon as allowed (backoff since the last one). */
void sc_mdr_refresh(sc_mdr *m);
/* Same, forgetting the backoff grown by repeated asks (KIP-580): for news
 * that makes the next answer likely different (a topic was just created). */
void sc_mdr_refresh_soon(sc_mdr *m);

/* Connection events (sent by the client core). */
void sc_mdr_conn_event(sc_mdr *m, sn_conn_event ev);

/* Refreshes completed so far (for waiting callers and tests). */
unsigned sc_mdr_generation(const sc_mdr *m);

#endif
