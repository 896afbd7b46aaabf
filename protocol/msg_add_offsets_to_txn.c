/* protocol/msg_add_offsets_to_txn.c - AddOffsetsToTxn tables; see the header. */
#include "msg_add_offsets_to_txn.h"

#define RQ sp_add_offsets_to_txn_req
static const sp_field req_fields[] = {
    SP_F(RQ, transactional_id, "TransactionalId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, producer_id, "ProducerId", SP_T_INT64, 0, SP_VMAX),
    SP_F(RQ, producer_epoch, "ProducerEpoch", SP_T_INT16, 0, SP_VMAX),
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "AddOffsetsToTxnRequest", sp_add_offsets_to_txn_req, req_fields);

#define RS sp_add_offsets_to_txn_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "AddOffsetsToTxnResponse", sp_add_offsets_to_txn_resp, resp_fields);

const sp_msg_desc sp_msg_add_offsets_to_txn_req = {
    "AddOffsetsToTxnRequest", SP_ADD_OFFSETS_TO_TXN_KEY, 0, 4, 3, &req_desc
};
const sp_msg_desc sp_msg_add_offsets_to_txn_resp = {
    "AddOffsetsToTxnResponse", SP_ADD_OFFSETS_TO_TXN_KEY, 0, 4, 3, &resp_desc
};
