/*
 * samsa/describe.h - describing a cluster: topics, partitions, leaders and
 * replicas (Metadata), consumer groups (ListGroups, DescribeGroups) and
 * their committed offsets (OffsetFetch). Synchronous, like samsa/admin.h.
 *
 * Each call asks the brokers it needs (any ready broker, every broker for
 * the group list, the group's coordinator for a group), waits up to
 * timeout_ms and returns 0, a Kafka error, or a local one (TIMED_OUT,
 * NOT_SUPPORTED when the broker lacks the API, REENTRANT from inside a
 * callback, NO_MEMORY). Details are in samsa_client_errstr().
 *
 * Both modes: embedded mode runs the loop while waiting (callbacks may run
 * meanwhile); background mode blocks the calling thread, which must not
 * be the I/O thread.
 *
 * Ownership: each call returns one allocation (made with the client's
 * allocator) holding the result and every string and array it points to;
 * free it with the matching *_free() call (before or after the client is
 * destroyed, as long as a custom allocator is still usable). Strings
 * passed in are read during the call only. *_free(NULL) is ignored.
 */
#ifndef SAMSA_DESCRIBE_H
#define SAMSA_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/admin.h"
#include "samsa/client.h"
#include "samsa/consumer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- metadata ---- */

typedef struct samsa_partition_metadata {
    int32_t id;
    int err;               /* e.g. LEADER_NOT_AVAILABLE; 0 = fine */
    int32_t leader;        /* broker id, -1 = none */
    int32_t leader_epoch;  /* -1 = unknown */
    size_t nreplicas;
    const int32_t *replicas;
    size_t nisr;
    const int32_t *isr;    /* in-sync replicas */
    size_t noffline;
    const int32_t *offline;
} samsa_partition_metadata;

typedef struct samsa_topic_metadata {
    const char *name;
    int err;               /* e.g. UNKNOWN_TOPIC_OR_PARTITION; 0 = fine */
    int internal;          /* 1 for __consumer_offsets and the like */
    size_t npartitions;
    const samsa_partition_metadata *partitions; /* sorted by id */
} samsa_topic_metadata;

typedef struct samsa_metadata {
    const char *cluster_id; /* "" when the broker did not say */
    int32_t controller_id;  /* -1 when unknown */
    size_t nbrokers;
    const samsa_broker_info *brokers; /* sorted by id */
    size_t ntopics;
    const samsa_topic_metadata *topics; /* sorted by name */
} samsa_metadata;

/*
 * Metadata for topics[0..ntopics), or for every topic when topics is
 * NULL. Topics are not auto-created by this call. A topic that does not
 * exist is listed with err UNKNOWN_TOPIC_OR_PARTITION (the call itself
 * still returns 0). On success *out is set; free it with
 * samsa_metadata_free().
 */
int samsa_metadata_get(samsa_client *c, const char *const *topics,
                       size_t ntopics, samsa_metadata **out, int timeout_ms);
void samsa_metadata_free(samsa_metadata *md);

/* ---- consumer groups ---- */

typedef struct samsa_group_listing {
    const char *group_id;
    const char *protocol_type; /* "consumer" for consumer groups, "" for
                                  KIP-848 groups on some brokers */
    const char *state;         /* "Stable", "Empty", ... ("" before v4) */
    const char *type;          /* "classic", "consumer", "share" ("" before v5) */
    int32_t coordinator_id;    /* the broker that listed it */
} samsa_group_listing;

typedef struct samsa_group_list {
    size_t ngroups;
    const samsa_group_listing *groups; /* sorted by group_id */
    int err;                   /* first broker error met (the rest listed) */
} samsa_group_list;

/* Every group on every broker of the cluster. On success *out is set;
 * free it with samsa_group_list_free(). */
int samsa_list_groups(samsa_client *c, samsa_group_list **out, int timeout_ms);
void samsa_group_list_free(samsa_group_list *l);

typedef struct samsa_group_member {
    const char *member_id;
    const char *group_instance_id; /* NULL unless a static member */
    const char *client_id;
    const char *client_host;
    size_t nassigned;              /* consumer groups: the assignment */
    const samsa_topic_partition *assigned; /* offset = SAMSA_OFFSET_INVALID */
} samsa_group_member;

typedef struct samsa_group_description {
    const char *group_id;
    int err;                 /* GROUP_ID_NOT_FOUND on 4.x for unknown ids */
    const char *state;       /* "Stable", "Empty", "Dead", ... */
    const char *protocol_type;
    const char *protocol;    /* the assignor chosen ("range", ...) */
    int32_t coordinator_id;
    size_t nmembers;
    const samsa_group_member *members;
} samsa_group_description;

/* Describe one group (FindCoordinator, then DescribeGroups). Returns 0
 * with *out set even when the group does not exist (see ->err, state
 * "Dead"); free it with samsa_group_description_free(). */
int samsa_describe_group(samsa_client *c, const char *group,
                         samsa_group_description **out, int timeout_ms);
void samsa_group_description_free(samsa_group_description *d);

typedef struct samsa_group_offsets {
    size_t n;
    /* sorted by topic, partition; offset = the committed offset (the next
     * to read) or SAMSA_OFFSET_INVALID, leader_epoch, metadata ("" when
     * none) and err (a per-partition error) as the coordinator said */
    const samsa_topic_partition *tps;
} samsa_group_offsets;

/* Every committed offset of group (OffsetFetch of all topics). Free with
 * samsa_group_offsets_free(). */
int samsa_group_offsets_get(samsa_client *c, const char *group,
                            samsa_group_offsets **out, int timeout_ms);
void samsa_group_offsets_free(samsa_group_offsets *o);

#ifdef __cplusplus
}
#endif
#endif
