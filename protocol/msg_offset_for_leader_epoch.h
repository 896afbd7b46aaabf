/*
 * protocol/msg_offset_for_leader_epoch.h - OffsetForLeaderEpoch (key 23),
 * versions 2-4.
 *
 * Asks a partition leader for the end offset of a leader epoch: a consumer
 * uses it after a leader change to detect log truncation (KIP-320). The
 * current leader epoch fences requests made with stale metadata. Consumers
 * send replica id -1 (v3+; the schema default -2 means "debug").
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_OFFSET_FOR_LEADER_EPOCH_H
#define SP_MSG_OFFSET_FOR_LEADER_EPOCH_H

#include "schema.h"

#define SP_OFFSET_FOR_LEADER_EPOCH_KEY 23

typedef struct sp_ofle_req_partition {
    int32_t partition;
    int32_t current_leader_epoch; /* default -1 */
    int32_t leader_epoch;
} sp_ofle_req_partition;

typedef struct sp_ofle_req_topic {
    sp_str topic;
    SP_ARRAY(sp_ofle_req_partition) partitions;
} sp_ofle_req_topic;

typedef struct sp_offset_for_leader_epoch_req {
    int32_t replica_id; /* v3+, default -2; consumers send -1 */
    SP_ARRAY(sp_ofle_req_topic) topics;
} sp_offset_for_leader_epoch_req;

typedef struct sp_ofle_resp_partition {
    int16_t error_code;
    int32_t partition;
    int32_t leader_epoch; /* default -1 */
    int64_t end_offset;   /* default -1 */
} sp_ofle_resp_partition;

typedef struct sp_ofle_resp_topic {
    sp_str topic;
    SP_ARRAY(sp_ofle_resp_partition) partitions;
} sp_ofle_resp_topic;

typedef struct sp_offset_for_leader_epoch_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_ofle_resp_topic) topics;
} sp_offset_for_leader_epoch_resp;

extern const sp_msg_desc sp_msg_offset_for_leader_epoch_req;
extern const sp_msg_desc sp_msg_offset_for_leader_epoch_resp;

#endif
