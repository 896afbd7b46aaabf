/* protocol/msg_describe_cluster.c - DescribeCluster (key 60) schema tables; see
 * msg_describe_cluster.h. */
#include "msg_describe_cluster.h"

#define RQ sp_describe_cluster_req
static const sp_field req_fields[] = {
    SP_F(RQ, include_cluster_authorized_operations, "IncludeClusterAuthorizedOperations",
         SP_T_BOOL, 0, SP_VMAX),
    SP_F(RQ, endpoint_type, "EndpointType", SP_T_INT8, 1, SP_VMAX, SP_DEF("1")),
    SP_F(RQ, include_fenced_brokers, "IncludeFencedBrokers", SP_T_BOOL, 2, SP_VMAX),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "DescribeClusterRequest", sp_describe_cluster_req, req_fields);

#define BR sp_describe_cluster_broker
static const sp_field broker_fields[] = {
    SP_F(BR, broker_id, "BrokerId", SP_T_INT32, 0, SP_VMAX),
    SP_F(BR, host, "Host", SP_T_STRING, 0, SP_VMAX),
    SP_F(BR, port, "Port", SP_T_INT32, 0, SP_VMAX),
    SP_F(BR, rack, "Rack", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(BR, is_fenced, "IsFenced", SP_T_BOOL, 2, SP_VMAX),
};
#undef BR
static SP_STRUCT_DESC(broker_desc, "DescribeClusterBroker", sp_describe_cluster_broker, broker_fields);

#define RS sp_describe_cluster_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX),
         SP_DEF("null")),
    SP_F(RS, endpoint_type, "EndpointType", SP_T_INT8, 1, SP_VMAX, SP_DEF("1")),
    SP_F(RS, cluster_id, "ClusterId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RS, controller_id, "ControllerId", SP_T_INT32, 0, SP_VMAX, SP_DEF("-1")),
    SP_F(RS, brokers, "Brokers", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &broker_desc)),
    SP_F(RS, cluster_authorized_operations, "ClusterAuthorizedOperations", SP_T_INT32, 0, SP_VMAX,
         SP_DEF("-2147483648")),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "DescribeClusterResponse", sp_describe_cluster_resp, resp_fields);

const sp_msg_desc sp_msg_describe_cluster_req = {
    "DescribeClusterRequest", SP_DESCRIBE_CLUSTER_KEY, 0, 2, 0, &req_desc
};
const sp_msg_desc sp_msg_describe_cluster_resp = {
    "DescribeClusterResponse", SP_DESCRIBE_CLUSTER_KEY, 0, 2, 0, &resp_desc
};
