/*
 * protocol/msg_metadata.h - Metadata (key 3), versions 0-13.
 *
 * Asks a broker for the cluster's brokers, controller and, for the topics
 * named (or all topics when the array is null, v1+), their partitions,
 * leaders, leader epochs (v7+) and topic ids (v10+). v10+ may name topics
 * by id; v12+ answers null names for ids it does not know; v13 adds a
 * top-level error code.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; its arrays come from the caller's arena (one free). Requests are
 * read only during sp_schema_encode.
 */
#ifndef SP_MSG_METADATA_H
#define SP_MSG_METADATA_H

#include "schema.h"

#define SP_METADATA_KEY 3

typedef struct sp_metadata_req_topic {
    sp_uuid topic_id;  /* v10+ */
    sp_str name;       /* nullable v10+ (when named by id) */
} sp_metadata_req_topic;

typedef struct sp_metadata_req {
    SP_ARRAY(sp_metadata_req_topic) topics; /* null = all topics (v1+) */
    bool allow_auto_topic_creation;          /* v4+, default true */
    bool include_cluster_authorized_operations; /* v8-10 */
    bool include_topic_authorized_operations;   /* v8+ */
} sp_metadata_req;

typedef struct sp_metadata_resp_broker {
    int32_t node_id;
    sp_str host;
    int32_t port;
    sp_str rack; /* v1+, nullable */
} sp_metadata_resp_broker;

typedef struct sp_metadata_resp_partition {
    int16_t error_code;
    int32_t partition_index;
    int32_t leader_id;
    int32_t leader_epoch; /* v7+, default -1 */
    SP_ARRAY(int32_t) replica_nodes;
    SP_ARRAY(int32_t) isr_nodes;
    SP_ARRAY(int32_t) offline_replicas; /* v5+ */
} sp_metadata_resp_partition;

typedef struct sp_metadata_resp_topic {
    int16_t error_code;
    sp_str name;      /* nullable v12+ */
    sp_uuid topic_id; /* v10+ */
    bool is_internal; /* v1+ */
    SP_ARRAY(sp_metadata_resp_partition) partitions;
    int32_t topic_authorized_operations; /* v8+, default INT32_MIN */
} sp_metadata_resp_topic;

typedef struct sp_metadata_resp {
    int32_t throttle_time_ms; /* v3+ */
    SP_ARRAY(sp_metadata_resp_broker) brokers;
    sp_str cluster_id;        /* v2+, nullable */
    int32_t controller_id;    /* v1+, default -1 */
    SP_ARRAY(sp_metadata_resp_topic) topics;
    int32_t cluster_authorized_operations; /* v8-10, default INT32_MIN */
    int16_t error_code;       /* v13+ */
} sp_metadata_resp;

extern const sp_msg_desc sp_msg_metadata_req;
extern const sp_msg_desc sp_msg_metadata_resp;

#endif
