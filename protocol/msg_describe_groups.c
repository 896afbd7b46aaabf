/* protocol/msg_describe_groups.c - DescribeGroups tables; see the header. */
#include "msg_describe_groups.h"

#define RQ sp_describe_groups_req
static const sp_field req_fields[] = {
    SP_F(RQ, groups, "Groups", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRING, NULL)),
    SP_F(RQ, include_authorized_operations, "IncludeAuthorizedOperations", SP_T_BOOL, 3, SP_VMAX),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "DescribeGroupsRequest", sp_describe_groups_req, req_fields);

#define ME sp_described_group_member
static const sp_field member_fields[] = {
    SP_F(ME, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(ME, group_instance_id, "GroupInstanceId", SP_T_STRING, 4, SP_VMAX,
         SP_NULL(4, SP_VMAX), SP_DEF("null")),
    SP_F(ME, client_id, "ClientId", SP_T_STRING, 0, SP_VMAX),
    SP_F(ME, client_host, "ClientHost", SP_T_STRING, 0, SP_VMAX),
    SP_F(ME, member_metadata, "MemberMetadata", SP_T_BYTES, 0, SP_VMAX),
    SP_F(ME, member_assignment, "MemberAssignment", SP_T_BYTES, 0, SP_VMAX),
};
#undef ME
static SP_STRUCT_DESC(member_desc, "DescribedGroupMember", sp_described_group_member, member_fields);

#define GR sp_described_group
static const sp_field group_fields[] = {
    SP_F(GR, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(GR, error_message, "ErrorMessage", SP_T_STRING, 6, SP_VMAX,
         SP_NULL(6, SP_VMAX), SP_DEF("null")),
    SP_F(GR, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(GR, group_state, "GroupState", SP_T_STRING, 0, SP_VMAX),
    SP_F(GR, protocol_type, "ProtocolType", SP_T_STRING, 0, SP_VMAX),
    SP_F(GR, protocol_data, "ProtocolData", SP_T_STRING, 0, SP_VMAX),
    SP_F(GR, members, "Members", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &member_desc)),
    SP_F(GR, authorized_operations, "AuthorizedOperations", SP_T_INT32, 3, SP_VMAX,
         SP_DEF("-2147483648")),
};
#undef GR
static SP_STRUCT_DESC(group_desc, "DescribedGroup", sp_described_group, group_fields);

#define RS sp_describe_groups_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, groups, "Groups", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &group_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "DescribeGroupsResponse", sp_describe_groups_resp, resp_fields);

const sp_msg_desc sp_msg_describe_groups_req = {
    "DescribeGroupsRequest", SP_DESCRIBE_GROUPS_KEY, 0, 6, 5, &req_desc
};
const sp_msg_desc sp_msg_describe_groups_resp = {
    "DescribeGroupsResponse", SP_DESCRIBE_GROUPS_KEY, 0, 6, 5, &resp_desc
};
