/*
 * protocol/msg_share_acknowledge.h - ShareAcknowledge (key 79), v1-2
 * (KIP-932).
 *
 * Acknowledges records a share-group member acquired through ShareFetch
 * (accept, release, reject; renew in v2) without fetching more, in the
 * member's share session. v2 adds lock renewal and reports the
 * acquisition lock timeout.
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer, its arrays and
 * structs come from the caller's arena (one free).
 */
#ifndef SP_MSG_SHARE_ACKNOWLEDGE_H
#define SP_MSG_SHARE_ACKNOWLEDGE_H

#include "schema.h"
#include "msg_share_fetch.h" /* sp_share_ack_batch, sp_share_leader, endpoints */

#define SP_SHARE_ACKNOWLEDGE_KEY 79

typedef struct sp_share_ack_partition {
    int32_t partition_index;
    SP_ARRAY(sp_share_ack_batch) acknowledgement_batches;
} sp_share_ack_partition;

typedef struct sp_share_ack_topic {
    sp_uuid topic_id;
    SP_ARRAY(sp_share_ack_partition) partitions;
} sp_share_ack_topic;

typedef struct sp_share_acknowledge_req {
    sp_str group_id;   /* nullable, default null */
    sp_str member_id;  /* nullable */
    int32_t share_session_epoch;
    bool is_renew_ack; /* v2+, default false */
    SP_ARRAY(sp_share_ack_topic) topics;
} sp_share_acknowledge_req;

typedef struct sp_share_ack_partition_data {
    int32_t partition_index;
    int16_t error_code;
    sp_str error_message;            /* nullable */
    sp_share_leader *current_leader; /* always present */
} sp_share_ack_partition_data;

typedef struct sp_share_ack_topic_resp {
    sp_uuid topic_id;
    SP_ARRAY(sp_share_ack_partition_data) partitions;
} sp_share_ack_topic_resp;

typedef struct sp_share_acknowledge_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
    sp_str error_message;                /* nullable */
    int32_t acquisition_lock_timeout_ms; /* v2+ */
    SP_ARRAY(sp_share_ack_topic_resp) responses;
    SP_ARRAY(sp_share_node_endpoint) node_endpoints;
} sp_share_acknowledge_resp;

extern const sp_msg_desc sp_msg_share_acknowledge_req;
extern const sp_msg_desc sp_msg_share_acknowledge_resp;

#endif
