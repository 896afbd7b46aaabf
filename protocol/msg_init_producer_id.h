/*
 * protocol/msg_init_producer_id.h - InitProducerId (key 22), v0-5.
 *
 * Gets a producer id and epoch: with a null transactional id for an
 * idempotent producer (any broker), with a transactional id for a
 * transactional one (sent to its transaction coordinator, which fences
 * older instances and aborts their open transaction). v3+ can pass the
 * current id/epoch to bump the epoch instead of fencing (KIP-360).
 *
 * samsa stops at v5: the 4.4 schema has a v6 (two-phase commit, KIP-939)
 * marked unstable, which brokers do not offer; its fields are in the
 * tables (vmin 6) so raising the range is a one-line change.
 *
 * Ownership: requests are read only during sp_schema_encode; responses are
 * plain values.
 */
#ifndef SP_MSG_INIT_PRODUCER_ID_H
#define SP_MSG_INIT_PRODUCER_ID_H

#include "schema.h"

#define SP_INIT_PRODUCER_ID_KEY 22

typedef struct sp_init_producer_id_req {
    sp_str transactional_id;        /* nullable: null = idempotent only */
    int32_t transaction_timeout_ms;
    int64_t producer_id;            /* v3+, default -1 */
    int16_t producer_epoch;         /* v3+, default -1 */
    bool enable_2pc;                /* v6+ */
    bool keep_prepared_txn;         /* v6+ */
} sp_init_producer_id_req;

typedef struct sp_init_producer_id_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
    int64_t producer_id;                  /* default -1 */
    int16_t producer_epoch;
    int64_t ongoing_txn_producer_id;      /* v6+, default -1 */
    int16_t ongoing_txn_producer_epoch;   /* v6+, default -1 */
} sp_init_producer_id_resp;

extern const sp_msg_desc sp_msg_init_producer_id_req;
extern const sp_msg_desc sp_msg_init_producer_id_resp;

#endif
