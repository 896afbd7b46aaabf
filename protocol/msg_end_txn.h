/*
 * protocol/msg_end_txn.h - EndTxn (key 26), v0-5.
 *
 * Commits or aborts a producer's open transaction. From v5 (KIP-890
 * transactions v2) the coordinator bumps the epoch at the end of every
 * transaction and returns the producer id and epoch to use next.
 *
 * Ownership: requests are read only during sp_schema_encode; responses are
 * plain values.
 */
#ifndef SP_MSG_END_TXN_H
#define SP_MSG_END_TXN_H

#include "schema.h"

#define SP_END_TXN_KEY 26

typedef struct sp_end_txn_req {
    sp_str transactional_id;
    int64_t producer_id;
    int16_t producer_epoch;
    bool committed; /* true = commit, false = abort */
} sp_end_txn_req;

typedef struct sp_end_txn_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
    int64_t producer_id;    /* v5+, default -1 */
    int16_t producer_epoch; /* v5+, default -1 */
} sp_end_txn_resp;

extern const sp_msg_desc sp_msg_end_txn_req;
extern const sp_msg_desc sp_msg_end_txn_resp;

#endif
