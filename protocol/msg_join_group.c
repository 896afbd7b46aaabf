/* protocol/msg_join_group.c - JoinGroup tables; see the header. */
#include "msg_join_group.h"

#define PR sp_join_group_protocol
static const sp_field protocol_fields[] = {
    SP_F(PR, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(PR, metadata, "Metadata", SP_T_BYTES, 0, SP_VMAX),
};
#undef PR
static SP_STRUCT_DESC(protocol_desc, "JoinGroupRequestProtocol", sp_join_group_protocol, protocol_fields);

#define RQ sp_join_group_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, session_timeout_ms, "SessionTimeoutMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, rebalance_timeout_ms, "RebalanceTimeoutMs", SP_T_INT32, 1, SP_VMAX, SP_DEF("-1")),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, group_instance_id, "GroupInstanceId", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, protocol_type, "ProtocolType", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, protocols, "Protocols", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &protocol_desc)),
    SP_F(RQ, reason, "Reason", SP_T_STRING, 8, SP_VMAX, SP_NULL(8, SP_VMAX), SP_DEF("null")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "JoinGroupRequest", sp_join_group_req, req_fields);

#define ME sp_join_group_member
static const sp_field member_fields[] = {
    SP_F(ME, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(ME, group_instance_id, "GroupInstanceId", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(ME, metadata, "Metadata", SP_T_BYTES, 0, SP_VMAX),
};
#undef ME
static SP_STRUCT_DESC(member_desc, "JoinGroupResponseMember", sp_join_group_member, member_fields);

#define RS sp_join_group_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 2, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, generation_id, "GenerationId", SP_T_INT32, 0, SP_VMAX, SP_DEF("-1")),
    SP_F(RS, protocol_type, "ProtocolType", SP_T_STRING, 7, SP_VMAX,
         SP_NULL(7, SP_VMAX), SP_DEF("null")),
    SP_F(RS, protocol_name, "ProtocolName", SP_T_STRING, 0, SP_VMAX, SP_NULL(7, SP_VMAX)),
    SP_F(RS, leader, "Leader", SP_T_STRING, 0, SP_VMAX),
    SP_F(RS, skip_assignment, "SkipAssignment", SP_T_BOOL, 9, SP_VMAX, SP_DEF("false")),
    SP_F(RS, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RS, members, "Members", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &member_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "JoinGroupResponse", sp_join_group_resp, resp_fields);

const sp_msg_desc sp_msg_join_group_req = {
    "JoinGroupRequest", SP_JOIN_GROUP_KEY, 0, 9, 6, &req_desc
};
const sp_msg_desc sp_msg_join_group_resp = {
    "JoinGroupResponse", SP_JOIN_GROUP_KEY, 0, 9, 6, &resp_desc
};
