/*
 * protocol/msg_add_partitions_to_txn.h - AddPartitionsToTxn (key 24), v0-5.
 *
 * Adds partitions to a producer's open transaction before it writes to
 * them. v0-3 name one transaction (the "V3AndBelow" fields; what clients
 * send); v4+ (KIP-890) batch several transactions and can only verify
 * (VerifyOnly), the form brokers use among themselves, and answer per
 * transaction with a top-level error code.
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer and its arrays
 * come from the caller's arena (one free).
 */
#ifndef SP_MSG_ADD_PARTITIONS_TO_TXN_H
#define SP_MSG_ADD_PARTITIONS_TO_TXN_H

#include "schema.h"

#define SP_ADD_PARTITIONS_TO_TXN_KEY 24

typedef struct sp_add_partitions_to_txn_topic {
    sp_str name;
    SP_ARRAY(int32_t) partitions;
} sp_add_partitions_to_txn_topic;

typedef struct sp_add_partitions_to_txn_transaction {
    sp_str transactional_id;
    int64_t producer_id;
    int16_t producer_epoch;
    bool verify_only; /* default false */
    SP_ARRAY(sp_add_partitions_to_txn_topic) topics;
} sp_add_partitions_to_txn_transaction;

typedef struct sp_add_partitions_to_txn_req {
    SP_ARRAY(sp_add_partitions_to_txn_transaction) transactions; /* v4+ */
    sp_str v3_and_below_transactional_id;                        /* v0-3 */
    int64_t v3_and_below_producer_id;                            /* v0-3 */
    int16_t v3_and_below_producer_epoch;                         /* v0-3 */
    SP_ARRAY(sp_add_partitions_to_txn_topic) v3_and_below_topics; /* v0-3 */
} sp_add_partitions_to_txn_req;

typedef struct sp_add_partitions_to_txn_partition_result {
    int32_t partition_index;
    int16_t partition_error_code;
} sp_add_partitions_to_txn_partition_result;

typedef struct sp_add_partitions_to_txn_topic_result {
    sp_str name;
    SP_ARRAY(sp_add_partitions_to_txn_partition_result) results_by_partition;
} sp_add_partitions_to_txn_topic_result;

typedef struct sp_add_partitions_to_txn_result {
    sp_str transactional_id;
    SP_ARRAY(sp_add_partitions_to_txn_topic_result) topic_results;
} sp_add_partitions_to_txn_result;

typedef struct sp_add_partitions_to_txn_resp {
    int32_t throttle_time_ms;
    int16_t error_code; /* v4+ */
    SP_ARRAY(sp_add_partitions_to_txn_result) results_by_transaction;          /* v4+ */
    SP_ARRAY(sp_add_partitions_to_txn_topic_result) results_by_topic_v3_and_below; /* v0-3 */
} sp_add_partitions_to_txn_resp;

extern const sp_msg_desc sp_msg_add_partitions_to_txn_req;
extern const sp_msg_desc sp_msg_add_partitions_to_txn_resp;

#endif
