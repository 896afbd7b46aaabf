/* protocol/msg_init_producer_id.c - InitProducerId tables; see the header. */
#include "msg_init_producer_id.h"

#define RQ sp_init_producer_id_req
static const sp_field req_fields[] = {
    SP_F(RQ, transactional_id, "TransactionalId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(RQ, transaction_timeout_ms, "TransactionTimeoutMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, producer_id, "ProducerId", SP_T_INT64, 3, SP_VMAX, SP_DEF("-1")),
    SP_F(RQ, producer_epoch, "ProducerEpoch", SP_T_INT16, 3, SP_VMAX, SP_DEF("-1")),
    SP_F(RQ, enable_2pc, "Enable2Pc", SP_T_BOOL, 6, SP_VMAX, SP_DEF("false")),
    SP_F(RQ, keep_prepared_txn, "KeepPreparedTxn", SP_T_BOOL, 6, SP_VMAX, SP_DEF("false")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "InitProducerIdRequest", sp_init_producer_id_req, req_fields);

#define RS sp_init_producer_id_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, producer_id, "ProducerId", SP_T_INT64, 0, SP_VMAX, SP_DEF("-1")),
    SP_F(RS, producer_epoch, "ProducerEpoch", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, ongoing_txn_producer_id, "OngoingTxnProducerId", SP_T_INT64, 6, SP_VMAX,
         SP_DEF("-1")),
    SP_F(RS, ongoing_txn_producer_epoch, "OngoingTxnProducerEpoch", SP_T_INT16, 6, SP_VMAX,
         SP_DEF("-1")),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "InitProducerIdResponse", sp_init_producer_id_resp, resp_fields);

const sp_msg_desc sp_msg_init_producer_id_req = {
    "InitProducerIdRequest", SP_INIT_PRODUCER_ID_KEY, 0, 5, 2, &req_desc
};
const sp_msg_desc sp_msg_init_producer_id_resp = {
    "InitProducerIdResponse", SP_INIT_PRODUCER_ID_KEY, 0, 5, 2, &resp_desc
};
