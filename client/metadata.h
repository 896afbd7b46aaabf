/*
 * client/metadata.h - the client's view of the cluster: brokers, topics,
 * partitions and their leaders.
 *
 * The cache is filled from Metadata responses through the update calls
 * below (client/metadata_apply.c turns a decoded response into them). A
 * partition's leader is only replaced by information at least as new as
 * what is cached: a lower leader epoch (a lagging broker's answer) is
 * ignored, as the Java client does.
 *
 * Ownership: the cache owns copies of every string; pointers returned by
 * the lookups stay valid until the next update of the same topic (or of
 * the broker list) or sc_md_free(). Thread rules: the loop thread only.
 */
#ifndef SC_METADATA_H
#define SC_METADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "samsa/alloc.h"
#include "reader.h"
#include "strmap.h"

typedef struct sc_broker {
    int32_t id;
    char *host;
    int32_t port;
    char *rack; /* NULL when not set */
} sc_broker;

typedef struct sc_partition_md {
    int32_t id;
    int16_t err;
    int32_t leader;       /* -1 while there is none */
    int32_t leader_epoch; /* -1 when the broker did not say */
    int32_t nreplicas, nisr;
    int32_t *replicas, *isr;
} sc_partition_md;

typedef struct sc_topic_md {
    char *name;
    sp_uuid id;
    int16_t err;
    bool internal;
    int32_t npartitions;
    sc_partition_md *parts; /* indexed by partition id */
    uint8_t *available;     /* parts[i].leader >= 0, for partitioners */
    int64_t updated_ms;
    char *detail; /* NULL, or why err is final (sc_md_set_topic_error) */
} sc_topic_md;

typedef struct sc_metadata {
    const samsa_allocator *alloc;
    sc_broker *brokers;
    int32_t nbrokers;
    char *cluster_id;
    int32_t controller_id;
    sc_strmap topics; /* name -> sc_topic_md* */
} sc_metadata;

/* What an update changed, for the caller to react to. */
#define SC_MD_NEW_TOPIC      0x1
#define SC_MD_LEADER_CHANGED 0x2
#define SC_MD_PARTITIONS_ADDED 0x4

void sc_md_init(sc_metadata *md, const samsa_allocator *alloc);
void sc_md_free(sc_metadata *md);

/* Replace the broker list (copied). 0 or SAMSA_ERR_NO_MEMORY (old list kept). */
int sc_md_set_brokers(sc_metadata *md, const sc_broker *brokers, int32_t n,
                      const char *cluster_id, int32_t controller_id);

/*
 * Apply a topic's metadata (copied). Partitions may come in any order and
 * must have ids 0..n-1. A topic error (e.g. UNKNOWN_TOPIC_OR_PARTITION) is
 * recorded and keeps older partition data. Returns a mask of SC_MD_* in
 * *changed. 0, SAMSA_ERR_INVALID_ARG (bad partition ids) or NO_MEMORY.
 */
int sc_md_update_topic(sc_metadata *md, const char *name, size_t namelen,
                       const sp_uuid *id, int16_t err, bool internal,
                       const sc_partition_md *parts, int32_t nparts,
                       int64_t now_ms, unsigned *changed);

void sc_md_remove_topic(sc_metadata *md, const char *name, size_t namelen);

/*
 * A final topic error learned outside Metadata (client-side creation
 * failed, topic_create.c): err becomes the topic's error and detail (copied)
 * says why; parts treat a topic with a detail as failed for good. The next
 * Metadata answer for the topic clears both. 0, SAMSA_ERR_INVALID_ARG (topic
 * not cached, err 0) or NO_MEMORY.
 */
int sc_md_set_topic_error(sc_metadata *md, const char *name, size_t namelen,
                          int16_t err, const char *detail);

/*
 * A new leader learned outside Metadata (a Produce or Fetch answer's
 * CurrentLeader, KIP-951): applied only when the topic and the broker are
 * known and leader_epoch is at least the cached one. true when the cached
 * leader changed.
 */
bool sc_md_update_leader(sc_metadata *md, const char *name, size_t namelen,
                         int32_t partition, int32_t leader,
                         int32_t leader_epoch);

const sc_topic_md *sc_md_topic(const sc_metadata *md, const char *name,
                               size_t namelen);
const sc_broker *sc_md_broker(const sc_metadata *md, int32_t id);

#endif
