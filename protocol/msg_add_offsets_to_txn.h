/*
 * protocol/msg_add_offsets_to_txn.h - AddOffsetsToTxn (key 25), v0-4.
 *
 * Tells the transaction coordinator that the open transaction will commit
 * offsets for a consumer group (sent before TxnOffsetCommit), so the
 * offsets become visible only when the transaction commits.
 *
 * Ownership: requests are read only during sp_schema_encode; responses are
 * plain values.
 */
#ifndef SP_MSG_ADD_OFFSETS_TO_TXN_H
#define SP_MSG_ADD_OFFSETS_TO_TXN_H

#include "schema.h"

#define SP_ADD_OFFSETS_TO_TXN_KEY 25

typedef struct sp_add_offsets_to_txn_req {
    sp_str transactional_id;
    int64_t producer_id;
    int16_t producer_epoch;
    sp_str group_id;
} sp_add_offsets_to_txn_req;

typedef struct sp_add_offsets_to_txn_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
} sp_add_offsets_to_txn_resp;

extern const sp_msg_desc sp_msg_add_offsets_to_txn_req;
extern const sp_msg_desc sp_msg_add_offsets_to_txn_resp;

#endif
