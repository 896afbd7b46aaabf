/*
 * protocol/msg_produce.h - Produce (key 0), versions 3-13.
 *
 * Appends record batches to partitions. The records field is opaque here:
 * one or more encoded record batches (protocol/record_batch*), carried as
 * bytes. Kafka 4.x advertises Produce from v0 but rejects v0-v2
 * (KAFKA-18659); samsa's range starts at v3, so sp_api_pick_version never
 * picks them. v13 names topics by id instead of by name. v10+ answers
 * NOT_LEADER_OR_FOLLOWER with the new leader and its endpoint (tagged).
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays and the CurrentLeader struct come from the caller's arena.
 * Requests (and the records bytes) are read only during sp_schema_encode.
 */
#ifndef SP_MSG_PRODUCE_H
#define SP_MSG_PRODUCE_H

#include "schema.h"

#define SP_PRODUCE_KEY 0

typedef struct sp_produce_req_partition {
    int32_t index;
    sp_bytes records; /* record batches; nullable */
} sp_produce_req_partition;

typedef struct sp_produce_req_topic {
    sp_str name;      /* v0-12 */
    sp_uuid topic_id; /* v13+ */
    SP_ARRAY(sp_produce_req_partition) partition_data;
} sp_produce_req_topic;

typedef struct sp_produce_req {
    sp_str transactional_id; /* nullable, default null */
    int16_t acks;
    int32_t timeout_ms;
    SP_ARRAY(sp_produce_req_topic) topic_data;
} sp_produce_req;

typedef struct sp_produce_record_error {
    int32_t batch_index;
    sp_str batch_index_error_message; /* nullable */
} sp_produce_record_error;

typedef struct sp_produce_leader {
    int32_t leader_id;    /* default -1 */
    int32_t leader_epoch; /* default -1 */
} sp_produce_leader;

typedef struct sp_produce_resp_partition {
    int32_t index;
    int16_t error_code;
    int64_t base_offset;
    int64_t log_append_time_ms; /* default -1 */
    int64_t log_start_offset;   /* v5+, default -1 */
    SP_ARRAY(sp_produce_record_error) record_errors; /* v8+ */
    sp_str error_message;       /* v8+, nullable */
    sp_produce_leader *current_leader; /* v10+, tag 0; NULL when absent */
} sp_produce_resp_partition;

typedef struct sp_produce_resp_topic {
    sp_str name;      /* v0-12 */
    sp_uuid topic_id; /* v13+ */
    SP_ARRAY(sp_produce_resp_partition) partition_responses;
} sp_produce_resp_topic;

typedef struct sp_produce_node_endpoint {
    int32_t node_id;
    sp_str host;
    int32_t port;
    sp_str rack; /* nullable */
} sp_produce_node_endpoint;

typedef struct sp_produce_resp {
    SP_ARRAY(sp_produce_resp_topic) responses;
    int32_t throttle_time_ms;
    SP_ARRAY(sp_produce_node_endpoint) node_endpoints; /* v10+, tag 0 */
} sp_produce_resp;

extern const sp_msg_desc sp_msg_produce_req;
extern const sp_msg_desc sp_msg_produce_resp;

#endif
