/* protocol/msg_leave_group.c - LeaveGroup tables; see the header. */
#include "msg_leave_group.h"

#define MI sp_leave_group_member
static const sp_field member_fields[] = {
    SP_F(MI, member_id, "MemberId", SP_T_STRING, 3, SP_VMAX),
    SP_F(MI, group_instance_id, "GroupInstanceId", SP_T_STRING, 3, SP_VMAX,
         SP_NULL(3, SP_VMAX), SP_DEF("null")),
    SP_F(MI, reason, "Reason", SP_T_STRING, 5, SP_VMAX, SP_NULL(5, SP_VMAX), SP_DEF("null")),
};
#undef MI
static SP_STRUCT_DESC(member_desc, "MemberIdentity", sp_leave_group_member, member_fields);

#define RQ sp_leave_group_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, 2),
    SP_F(RQ, members, "Members", SP_T_ARRAY, 3, SP_VMAX, SP_ELEM(SP_T_STRUCT, &member_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "LeaveGroupRequest", sp_leave_group_req, req_fields);

#define MR sp_leave_group_member_resp
static const sp_field member_resp_fields[] = {
    SP_F(MR, member_id, "MemberId", SP_T_STRING, 3, SP_VMAX),
    SP_F(MR, group_instance_id, "GroupInstanceId", SP_T_STRING, 3, SP_VMAX, SP_NULL(3, SP_VMAX)),
    SP_F(MR, error_code, "ErrorCode", SP_T_INT16, 3, SP_VMAX),
};
#undef MR
static SP_STRUCT_DESC(member_resp_desc, "MemberResponse", sp_leave_group_member_resp, member_resp_fields);

#define RS sp_leave_group_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, members, "Members", SP_T_ARRAY, 3, SP_VMAX, SP_ELEM(SP_T_STRUCT, &member_resp_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "LeaveGroupResponse", sp_leave_group_resp, resp_fields);

const sp_msg_desc sp_msg_leave_group_req = {
    "LeaveGroupRequest", SP_LEAVE_GROUP_KEY, 0, 5, 4, &req_desc
};
const sp_msg_desc sp_msg_leave_group_resp = {
    "LeaveGroupResponse", SP_LEAVE_GROUP_KEY, 0, 5, 4, &resp_desc
};
