/* protocol/msg_end_txn.c - EndTxn tables; see the header. */
#include "msg_end_txn.h"

#define RQ sp_end_txn_req
static const sp_field req_fields[] = {
    SP_F(RQ, transactional_id, "TransactionalId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, producer_id, "ProducerId", SP_T_INT64, 0, SP_VMAX),
    SP_F(RQ, producer_epoch, "ProducerEpoch", SP_T_INT16, 0, SP_VMAX),
    SP_F(RQ, committed, "Committed", SP_T_BOOL, 0, SP_VMAX),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "EndTxnRequest", sp_end_txn_req, req_fields);

#define RS sp_end_txn_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, producer_id, "ProducerId", SP_T_INT64, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(RS, producer_epoch, "ProducerEpoch", SP_T_INT16, 5, SP_VMAX, SP_DEF("-1")),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "EndTxnResponse", sp_end_txn_resp, resp_fields);

const sp_msg_desc sp_msg_end_txn_req = {
    "EndTxnRequest", SP_END_TXN_KEY, 0, 5, 3, &req_desc
};
const sp_msg_desc sp_msg_end_txn_resp = {
    "EndTxnResponse", SP_END_TXN_KEY, 0, 5, 3, &resp_desc
};
