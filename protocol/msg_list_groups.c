/* protocol/msg_list_groups.c - ListGroups tables; see the header. */
#include "msg_list_groups.h"

#define RQ sp_list_groups_req
static const sp_field req_fields[] = {
    SP_F(RQ, states_filter, "StatesFilter", SP_T_ARRAY, 4, SP_VMAX, SP_ELEM(SP_T_STRING, NULL)),
    SP_F(RQ, types_filter, "TypesFilter", SP_T_ARRAY, 5, SP_VMAX, SP_ELEM(SP_T_STRING, NULL)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ListGroupsRequest", sp_list_groups_req, req_fields);

#define LG sp_listed_group
static const sp_field group_fields[] = {
    SP_F(LG, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(LG, protocol_type, "ProtocolType", SP_T_STRING, 0, SP_VMAX),
    SP_F(LG, group_state, "GroupState", SP_T_STRING, 4, SP_VMAX),
    SP_F(LG, group_type, "GroupType", SP_T_STRING, 5, SP_VMAX),
};
#undef LG
static SP_STRUCT_DESC(group_desc, "ListedGroup", sp_listed_group, group_fields);

#define RS sp_list_groups_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, groups, "Groups", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &group_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "ListGroupsResponse", sp_list_groups_resp, resp_fields);

const sp_msg_desc sp_msg_list_groups_req = {
    "ListGroupsRequest", SP_LIST_GROUPS_KEY, 0, 5, 3, &req_desc
};
const sp_msg_desc sp_msg_list_groups_resp = {
    "ListGroupsResponse", SP_LIST_GROUPS_KEY, 0, 5, 3, &resp_desc
};
