/*
 * protocol/msg_txn_offset_commit.h - TxnOffsetCommit (key 28), v0-6.
 *
 * A transactional producer commits consumer offsets to the group
 * coordinator as part of its transaction (after AddOffsetsToTxn). v2 adds
 * leader epochs, v3 (KIP-447) the group generation/member so the
 * coordinator can fence zombies, v6 names topics by id.
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer and its arrays
 * come from the caller's arena (one free).
 */
#ifndef SP_MSG_TXN_OFFSET_COMMIT_H
#define SP_MSG_TXN_OFFSET_COMMIT_H

#include "schema.h"

#define SP_TXN_OFFSET_COMMIT_KEY 28

typedef struct sp_txn_offset_commit_req_partition {
    int32_t partition_index;
    int64_t committed_offset;
    int32_t committed_leader_epoch; /* v2+, default -1 */
    sp_str committed_metadata;      /* nullable */
} sp_txn_offset_commit_req_partition;

typedef struct sp_txn_offset_commit_req_topic {
    sp_str name;      /* v0-5 */
    sp_uuid topic_id; /* v6+ */
    SP_ARRAY(sp_txn_offset_commit_req_partition) partitions;
} sp_txn_offset_commit_req_topic;

typedef struct sp_txn_offset_commit_req {
    sp_str transactional_id;
    sp_str group_id;
    int64_t producer_id;
    int16_t producer_epoch;
    int32_t generation_id_or_member_epoch; /* v3+, default -1 */
    sp_str member_id;                      /* v3+, default "" */
    sp_str group_instance_id;              /* v3+, nullable, default null */
    SP_ARRAY(sp_txn_offset_commit_req_topic) topics;
} sp_txn_offset_commit_req;

typedef struct sp_txn_offset_commit_resp_partition {
    int32_t partition_index;
    int16_t error_code;
} sp_txn_offset_commit_resp_partition;

typedef struct sp_txn_offset_commit_resp_topic {
    sp_str name;      /* v0-5 */
    sp_uuid topic_id; /* v6+ */
    SP_ARRAY(sp_txn_offset_commit_resp_partition) partitions;
} sp_txn_offset_commit_resp_topic;

typedef struct sp_txn_offset_commit_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_txn_offset_commit_resp_topic) topics;
} sp_txn_offset_commit_resp;

extern const sp_msg_desc sp_msg_txn_offset_commit_req;
extern const sp_msg_desc sp_msg_txn_offset_commit_resp;

#endif
