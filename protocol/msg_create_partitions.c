/* protocol/msg_create_partitions.c - CreatePartitions (key 37) schema tables;
 * see msg_create_partitions.h. */
#include "msg_create_partitions.h"

static const sp_field assign_fields[] = {
    SP_F(sp_create_partitions_assignment, broker_ids, "BrokerIds", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_INT32, NULL)),
};
static SP_STRUCT_DESC(assign_desc, "CreatePartitionsAssignment", sp_create_partitions_assignment, assign_fields);

static const sp_field topic_fields[] = {
    SP_F(sp_create_partitions_topic, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_create_partitions_topic, count, "Count", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_create_partitions_topic, assignments, "Assignments", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &assign_desc), SP_NULL(0, SP_VMAX)),
};
static SP_STRUCT_DESC(topic_desc, "CreatePartitionsTopic", sp_create_partitions_topic, topic_fields);

static const sp_field req_fields[] = {
    SP_F(sp_create_partitions_req, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &topic_desc)),
    SP_F(sp_create_partitions_req, timeout_ms, "TimeoutMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_create_partitions_req, validate_only, "ValidateOnly", SP_T_BOOL, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_desc, "CreatePartitionsRequest", sp_create_partitions_req, req_fields);

static const sp_field result_fields[] = {
    SP_F(sp_create_partitions_result, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_create_partitions_result, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_create_partitions_result, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
};
static SP_STRUCT_DESC(result_desc, "CreatePartitionsTopicResult", sp_create_partitions_result, result_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_create_partitions_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_create_partitions_resp, results, "Results", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &result_desc)),
};
static SP_STRUCT_DESC(resp_desc, "CreatePartitionsResponse", sp_create_partitions_resp, resp_fields);

const sp_msg_desc sp_msg_create_partitions_req = {
    "CreatePartitionsRequest", SP_CREATE_PARTITIONS_KEY, 0, 3, 2, &req_desc
};
const sp_msg_desc sp_msg_create_partitions_resp = {
    "CreatePartitionsResponse", SP_CREATE_PARTITIONS_KEY, 0, 3, 2, &resp_desc
};
