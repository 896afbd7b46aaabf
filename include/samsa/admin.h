/*
 * samsa/admin.h - basic cluster administration, synchronous.
 *
 * Each call sends one request to a suitable broker (any ready broker; the
 * partition leader for list offsets), waits up to timeout_ms for the
 * answer and returns its error: 0, a Kafka error (TOPIC_ALREADY_EXISTS,
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS, ...) or a local one
 * (SAMSA_ERR_TIMED_OUT, SAMSA_ERR_REENTRANT from inside a callback). The
 * broker's error message, if any, is in samsa_client_errstr().
 *
 * They work in both modes: in embedded mode they run the loop while
 * waiting (callbacks may run meanwhile); in background mode they block the
 * calling thread, which must not be the I/O thread (REENTRANT).
 * Ownership: strings passed in are read during the call only.
 */
#ifndef SAMSA_ADMIN_H
#define SAMSA_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/client.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Create a topic. partitions / replication_factor -1 = the broker's
 * defaults. configs: nconfigs pairs {name, value} as a flat array
 * ("cleanup.policy", "compact", ...), may be NULL when nconfigs is 0.
 * The call returns once the controller accepted the topic; leaders may
 * take a moment longer to appear in metadata (the producer waits).
 */
int samsa_create_topic(samsa_client *c, const char *name, int32_t partitions,
                       int16_t replication_factor, const char *const *configs,
                       size_t nconfigs, int timeout_ms);

/* Delete a topic. */
int samsa_delete_topic(samsa_client *c, const char *name, int timeout_ms);

/* Grow a topic to total_partitions partitions. */
int samsa_create_partitions(samsa_client *c, const char *topic,
                            int32_t total_partitions, int timeout_ms);

#define SAMSA_OFFSET_LATEST (-1)   /* the next offset to be written */
#define SAMSA_OFFSET_EARLIEST (-2) /* the log start offset */

/*
 * Offset of a partition: `when` is SAMSA_OFFSET_EARLIEST, _LATEST or a
 * timestamp in ms (the first offset whose timestamp is >= it; -1 in
 * *offset when there is none). *timestamp_ms (may be NULL) gets the
 * matching record's timestamp, or -1. A topic Metadata does not know:
 * UNKNOWN_TOPIC_OR_PARTITION at once when allow.auto.create.topics is
 * false; else the call waits for it to appear (as Java's offsetsForTimes)
 * and, still unknown at timeout_ms, returns UNKNOWN_TOPIC_OR_PARTITION
 * with the topic named in samsa_client_errstr.
 */
int samsa_list_offset(samsa_client *c, const char *topic, int32_t partition,
                      int64_t when, int64_t *offset, int64_t *timestamp_ms,
                      int timeout_ms);

typedef struct samsa_broker_info {
    int32_t id;
    char host[256];
    int32_t port;
    char rack[64]; /* "" when not set */
} samsa_broker_info;

typedef struct samsa_cluster_info {
    char cluster_id[64];
    int32_t controller_id;
    size_t nbrokers; /* brokers in the cluster (may exceed what fit) */
} samsa_cluster_info;

/* Describe the cluster: id, controller and up to max brokers into
 * brokers[] (may be NULL when max is 0). */
int samsa_describe_cluster(samsa_client *c, samsa_cluster_info *info,
                           samsa_broker_info *brokers, size_t max,
                           int timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
