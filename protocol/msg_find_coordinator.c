/* protocol/msg_find_coordinator.c - FindCoordinator tables; see the header. */
#include "msg_find_coordinator.h"

#define RQ sp_find_coordinator_req
static const sp_field req_fields[] = {
    SP_F(RQ, key, "Key", SP_T_STRING, 0, 3),
    SP_F(RQ, key_type, "KeyType", SP_T_INT8, 1, SP_VMAX, SP_DEF("0")),
    SP_F(RQ, coordinator_keys, "CoordinatorKeys", SP_T_ARRAY, 4, SP_VMAX,
         SP_ELEM(SP_T_STRING, NULL)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "FindCoordinatorRequest", sp_find_coordinator_req, req_fields);

#define CO sp_find_coordinator_coordinator
static const sp_field coord_fields[] = {
    SP_F(CO, key, "Key", SP_T_STRING, 4, SP_VMAX),
    SP_F(CO, node_id, "NodeId", SP_T_INT32, 4, SP_VMAX),
    SP_F(CO, host, "Host", SP_T_STRING, 4, SP_VMAX),
    SP_F(CO, port, "Port", SP_T_INT32, 4, SP_VMAX),
    SP_F(CO, error_code, "ErrorCode", SP_T_INT16, 4, SP_VMAX),
    SP_F(CO, error_message, "ErrorMessage", SP_T_STRING, 4, SP_VMAX, SP_NULL(4, SP_VMAX)),
};
#undef CO
static SP_STRUCT_DESC(coord_desc, "Coordinator", sp_find_coordinator_coordinator, coord_fields);

#define RS sp_find_coordinator_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, 3),
    SP_F(RS, error_message, "ErrorMessage", SP_T_STRING, 1, 3, SP_NULL(1, 3)),
    SP_F(RS, node_id, "NodeId", SP_T_INT32, 0, 3),
    SP_F(RS, host, "Host", SP_T_STRING, 0, 3),
    SP_F(RS, port, "Port", SP_T_INT32, 0, 3),
    SP_F(RS, coordinators, "Coordinators", SP_T_ARRAY, 4, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &coord_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "FindCoordinatorResponse", sp_find_coordinator_resp, resp_fields);

const sp_msg_desc sp_msg_find_coordinator_req = {
    "FindCoordinatorRequest", SP_FIND_COORDINATOR_KEY, 0, 6, 3, &req_desc
};
const sp_msg_desc sp_msg_find_coordinator_resp = {
    "FindCoordinatorResponse", SP_FIND_COORDINATOR_KEY, 0, 6, 3, &resp_desc
};
