/* protocol/msg_heartbeat.c - Heartbeat tables; see the header. */
#include "msg_heartbeat.h"

#define RQ sp_heartbeat_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, generation_id, "GenerationId", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, group_instance_id, "GroupInstanceId", SP_T_STRING, 3, SP_VMAX,
         SP_NULL(3, SP_VMAX), SP_DEF("null")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "HeartbeatRequest", sp_heartbeat_req, req_fields);

#define RS sp_heartbeat_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "HeartbeatResponse", sp_heartbeat_resp, resp_fields);

const sp_msg_desc sp_msg_heartbeat_req = {
    "HeartbeatRequest", SP_HEARTBEAT_KEY, 0, 4, 4, &req_desc
};
const sp_msg_desc sp_msg_heartbeat_resp = {
    "HeartbeatResponse", SP_HEARTBEAT_KEY, 0, 4, 4, &resp_desc
};
