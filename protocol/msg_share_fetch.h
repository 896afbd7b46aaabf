/*
 * protocol/msg_share_fetch.h - ShareFetch (key 78), v1-2 (KIP-932).
 *
 * A share-group member fetches records from the partitions the share
 * group assigned it, in a share session (epoch 0 opens it, -1 closes it),
 * and can piggyback acknowledgements of records it got earlier. Records
 * come back with the ranges this member acquired (and how often each was
 * delivered); they stay locked for AcquisitionLockTimeoutMs. v1 is the
 * first stable version (4.1; v0 was the 4.0 early access), v2 adds the
 * acquire mode and lock renewal (IsRenewAck).
 *
 * AcknowledgeTypes: 0 gap, 1 accept, 2 release, 3 reject (4 renew, v2).
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings and records are views into the response buffer (use
 * the record batch decoder on records), its arrays and structs come from
 * the caller's arena (one free).
 */
#ifndef SP_MSG_SHARE_FETCH_H
#define SP_MSG_SHARE_FETCH_H

#include "schema.h"

#define SP_SHARE_FETCH_KEY 78

typedef struct sp_share_ack_batch {
    int64_t first_offset;
    int64_t last_offset;
    SP_ARRAY(int8_t) acknowledge_types; /* one per offset, or one for all */
} sp_share_ack_batch;

typedef struct sp_share_fetch_partition {
    int32_t partition_index;
    int32_t partition_max_bytes; /* v0 only (not sent by samsa's range) */
    SP_ARRAY(sp_share_ack_batch) acknowledgement_batches;
} sp_share_fetch_partition;

typedef struct sp_share_fetch_topic {
    sp_uuid topic_id;
    SP_ARRAY(sp_share_fetch_partition) partitions;
} sp_share_fetch_topic;

typedef struct sp_share_forgotten_topic {
    sp_uuid topic_id;
    SP_ARRAY(int32_t) partitions;
} sp_share_forgotten_topic;

typedef struct sp_share_fetch_req {
    sp_str group_id;            /* nullable, default null */
    sp_str member_id;           /* nullable */
    int32_t share_session_epoch;
    int32_t max_wait_ms;
    int32_t min_bytes;
    int32_t max_bytes;          /* default 0x7fffffff */
    int32_t max_records;        /* v1+ */
    int32_t batch_size;         /* v1+ */
    int8_t share_acquire_mode;  /* v2+, default 0 */
    bool is_renew_ack;          /* v2+, default false */
    SP_ARRAY(sp_share_fetch_topic) topics;
    SP_ARRAY(sp_share_forgotten_topic) forgotten_topics_data;
} sp_share_fetch_req;

typedef struct sp_share_leader {
    int32_t leader_id;
    int32_t leader_epoch;
} sp_share_leader;

typedef struct sp_share_acquired_records {
    int64_t first_offset;
    int64_t last_offset;
    int16_t delivery_count;
} sp_share_acquired_records;

typedef struct sp_share_fetch_partition_data {
    int32_t partition_index;
    int16_t error_code;
    sp_str error_message;             /* nullable */
    int16_t acknowledge_error_code;
    sp_str acknowledge_error_message; /* nullable */
    sp_share_leader *current_leader;  /* always present */
    sp_bytes records;                 /* record batches */
    SP_ARRAY(sp_share_acquired_records) acquired_records;
} sp_share_fetch_partition_data;

typedef struct sp_share_fetch_topic_resp {
    sp_uuid topic_id;
    SP_ARRAY(sp_share_fetch_partition_data) partitions;
} sp_share_fetch_topic_resp;

typedef struct sp_share_node_endpoint {
    int32_t node_id;
    sp_str host;
    int32_t port;
    sp_str rack; /* nullable */
} sp_share_node_endpoint;

typedef struct sp_share_fetch_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
    sp_str error_message;                /* nullable */
    int32_t acquisition_lock_timeout_ms; /* v1+ */
    SP_ARRAY(sp_share_fetch_topic_resp) responses;
    SP_ARRAY(sp_share_node_endpoint) node_endpoints;
} sp_share_fetch_resp;

extern const sp_msg_desc sp_msg_share_fetch_req;
extern const sp_msg_desc sp_msg_share_fetch_resp;

/* Shared with ShareAcknowledge (same schema structs). */
extern const sp_struct_desc sp_share_ack_batch_desc;
extern const sp_struct_desc sp_share_leader_desc;
extern const sp_struct_desc sp_share_node_endpoint_desc;

#endif
