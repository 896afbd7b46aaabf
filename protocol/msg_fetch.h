/*
 * protocol/msg_fetch.h - Fetch (key 1), versions 4-18.
 *
 * Reads record batches from partitions. Covers: isolation level and
 * aborted transactions (v4+), KIP-227 fetch sessions (SessionId,
 * SessionEpoch, ForgottenTopicsData; v7+), leader epochs (v9+), the
 * preferred read replica (KIP-392, v11+), diverging epochs and current
 * leader hints (v12+, tagged), topic ids instead of names (v13+), node
 * endpoints for new leaders (v16+, tagged) and the follower-only fields
 * (ReplicaState, ReplicaDirectoryId, HighWatermark) for completeness.
 * Records are opaque bytes (record batches) here.
 *
 * Tagged fields are sent only when they differ from their schema default,
 * so a request built by hand must set the defaults it does not mean to
 * override (e.g. high_watermark = INT64_MAX, current_leader_epoch = -1).
 *
 * Ownership: a decoded response's strings and records are views into the
 * response buffer; arrays and the tagged structs come from the caller's
 * arena (one free). Requests are read only during sp_schema_encode.
 */
#ifndef SP_MSG_FETCH_H
#define SP_MSG_FETCH_H

#include "schema.h"

#define SP_FETCH_KEY 1

typedef struct sp_fetch_replica_state {
    int32_t replica_id;    /* default -1 */
    int64_t replica_epoch; /* default -1 */
} sp_fetch_replica_state;

typedef struct sp_fetch_req_partition {
    int32_t partition;
    int32_t current_leader_epoch; /* v9+, default -1 */
    int64_t fetch_offset;
    int32_t last_fetched_epoch;   /* v12+, default -1 */
    int64_t log_start_offset;     /* v5+, default -1 (followers only) */
    int32_t partition_max_bytes;
    sp_uuid replica_directory_id; /* v17+, tag 0 */
    int64_t high_watermark;       /* v18+, tag 1, default INT64_MAX */
} sp_fetch_req_partition;

typedef struct sp_fetch_req_topic {
    sp_str topic;     /* v0-12 */
    sp_uuid topic_id; /* v13+ */
    SP_ARRAY(sp_fetch_req_partition) partitions;
} sp_fetch_req_topic;

typedef struct sp_fetch_forgotten_topic {
    sp_str topic;     /* v7-12 */
    sp_uuid topic_id; /* v13+ */
    SP_ARRAY(int32_t) partitions;
} sp_fetch_forgotten_topic;

typedef struct sp_fetch_req {
    sp_str cluster_id;  /* v12+, tag 0, nullable, default null */
    int32_t replica_id; /* v0-14, default -1 */
    sp_fetch_replica_state *replica_state; /* v15+, tag 1; NULL for consumers */
    int32_t max_wait_ms;
    int32_t min_bytes;
    int32_t max_bytes;       /* v3+, default INT32_MAX */
    int8_t isolation_level;  /* v4+: 0 read_uncommitted, 1 read_committed */
    int32_t session_id;      /* v7+, default 0 */
    int32_t session_epoch;   /* v7+, default -1 */
    SP_ARRAY(sp_fetch_req_topic) topics;
    SP_ARRAY(sp_fetch_forgotten_topic) forgotten_topics_data; /* v7+ */
    sp_str rack_id;          /* v11+, default "" */
} sp_fetch_req;

typedef struct sp_fetch_epoch_end_offset {
    int32_t epoch;      /* default -1 */
    int64_t end_offset; /* default -1 */
} sp_fetch_epoch_end_offset;

typedef struct sp_fetch_leader {
    int32_t leader_id;    /* default -1 */
    int32_t leader_epoch; /* default -1 */
} sp_fetch_leader;

typedef struct sp_fetch_snapshot_id {
    int64_t end_offset; /* default -1 */
    int32_t epoch;      /* default -1 */
} sp_fetch_snapshot_id;

typedef struct sp_fetch_aborted_txn {
    int64_t producer_id;
    int64_t first_offset;
} sp_fetch_aborted_txn;

typedef struct sp_fetch_resp_partition {
    int32_t partition_index;
    int16_t error_code;
    int64_t high_watermark;
    int64_t last_stable_offset; /* v4+, default -1 */
    int64_t log_start_offset;   /* v5+, default -1 */
    sp_fetch_epoch_end_offset *diverging_epoch; /* v12+, tag 0 */
    sp_fetch_leader *current_leader;            /* v12+, tag 1 */
    sp_fetch_snapshot_id *snapshot_id;          /* v12+, tag 2 */
    SP_ARRAY(sp_fetch_aborted_txn) aborted_transactions; /* nullable */
    int32_t preferred_read_replica; /* v11+, default -1 */
    sp_bytes records;               /* record batches; nullable */
} sp_fetch_resp_partition;

typedef struct sp_fetch_resp_topic {
    sp_str topic;     /* v0-12 */
    sp_uuid topic_id; /* v13+ */
    SP_ARRAY(sp_fetch_resp_partition) partitions;
} sp_fetch_resp_topic;

typedef struct sp_fetch_node_endpoint {
    int32_t node_id;
    sp_str host;
    int32_t port;
    sp_str rack; /* nullable */
} sp_fetch_node_endpoint;

typedef struct sp_fetch_resp {
    int32_t throttle_time_ms;
    int16_t error_code; /* v7+ */
    int32_t session_id; /* v7+, default 0 */
    SP_ARRAY(sp_fetch_resp_topic) responses;
    SP_ARRAY(sp_fetch_node_endpoint) node_endpoints; /* v16+, tag 0 */
} sp_fetch_resp;

extern const sp_msg_desc sp_msg_fetch_req;
extern const sp_msg_desc sp_msg_fetch_resp;

#endif
