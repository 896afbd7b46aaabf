/* protocol/msg_sync_group.c - SyncGroup tables; see the header. */
#include "msg_sync_group.h"

#define AS sp_sync_group_assignment
static const sp_field assignment_fields[] = {
    SP_F(AS, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(AS, assignment, "Assignment", SP_T_BYTES, 0, SP_VMAX),
};
#undef AS
static SP_STRUCT_DESC(assignment_desc, "SyncGroupRequestAssignment", sp_sync_group_assignment, assignment_fields);

#define RQ sp_sync_group_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, generation_id, "GenerationId", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, group_instance_id, "GroupInstanceId", SP_T_STRING, 3, SP_VMAX,
         SP_NULL(3, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, protocol_type, "ProtocolType", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, protocol_name, "ProtocolName", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, assignments, "Assignments", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &assignment_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "SyncGroupRequest", sp_sync_group_req, req_fields);

#define RS sp_sync_group_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, protocol_type, "ProtocolType", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(RS, protocol_name, "ProtocolName", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(RS, assignment, "Assignment", SP_T_BYTES, 0, SP_VMAX),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "SyncGroupResponse", sp_sync_group_resp, resp_fields);

const sp_msg_desc sp_msg_sync_group_req = {
    "SyncGroupRequest", SP_SYNC_GROUP_KEY, 0, 5, 4, &req_desc
};
const sp_msg_desc sp_msg_sync_group_resp = {
    "SyncGroupResponse", SP_SYNC_GROUP_KEY, 0, 5, 4, &resp_desc
};
