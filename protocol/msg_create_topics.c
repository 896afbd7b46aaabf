/* protocol/msg_create_topics.c - CreateTopics (key 19) schema tables; see msg_create_topics.h. */
#include "msg_create_topics.h"

static const sp_field assign_fields[] = {
    SP_F(sp_create_topics_assignment, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_create_topics_assignment, broker_ids, "BrokerIds", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_INT32, NULL)),
};
static SP_STRUCT_DESC(assign_desc, "CreatableReplicaAssignment", sp_create_topics_assignment, assign_fields);

static const sp_field config_fields[] = {
    SP_F(sp_create_topics_config, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_create_topics_config, value, "Value", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
};
static SP_STRUCT_DESC(config_desc, "CreatableTopicConfig", sp_create_topics_config, config_fields);

#define TO sp_create_topics_topic
static const sp_field topic_fields[] = {
    SP_F(TO, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(TO, num_partitions, "NumPartitions", SP_T_INT32, 0, SP_VMAX),
    SP_F(TO, replication_factor, "ReplicationFactor", SP_T_INT16, 0, SP_VMAX),
    SP_F(TO, assignments, "Assignments", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &assign_desc)),
    SP_F(TO, configs, "Configs", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &config_desc)),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "CreatableTopic", sp_create_topics_topic, topic_fields);

#define RQ sp_create_topics_req
static const sp_field req_fields[] = {
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_desc)),
    SP_F(RQ, timeout_ms, "timeoutMs", SP_T_INT32, 0, SP_VMAX, SP_DEF("60000")),
    SP_F(RQ, validate_only, "validateOnly", SP_T_BOOL, 1, SP_VMAX, SP_DEF("false")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "CreateTopicsRequest", sp_create_topics_req, req_fields);

#define RC sp_create_topics_result_config
static const sp_field res_config_fields[] = {
    SP_F(RC, name, "Name", SP_T_STRING, 5, SP_VMAX),
    SP_F(RC, value, "Value", SP_T_STRING, 5, SP_VMAX, SP_NULL(5, SP_VMAX)),
    SP_F(RC, read_only, "ReadOnly", SP_T_BOOL, 5, SP_VMAX),
    SP_F(RC, config_source, "ConfigSource", SP_T_INT8, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(RC, is_sensitive, "IsSensitive", SP_T_BOOL, 5, SP_VMAX),
};
#undef RC
static SP_STRUCT_DESC(res_config_desc, "CreatableTopicConfigs", sp_create_topics_result_config, res_config_fields);

#define RE sp_create_topics_result
static const sp_field result_fields[] = {
    SP_F(RE, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(RE, topic_id, "TopicId", SP_T_UUID, 7, SP_VMAX),
    SP_F(RE, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RE, error_message, "ErrorMessage", SP_T_STRING, 1, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(RE, topic_config_error_code, "TopicConfigErrorCode", SP_T_INT16, 5, SP_VMAX, SP_TAG(0, 5)),
    SP_F(RE, num_partitions, "NumPartitions", SP_T_INT32, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(RE, replication_factor, "ReplicationFactor", SP_T_INT16, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(RE, configs, "Configs", SP_T_ARRAY, 5, SP_VMAX, SP_ELEM(SP_T_STRUCT, &res_config_desc),
         SP_NULL(5, SP_VMAX)),
};
#undef RE
static SP_STRUCT_DESC(result_desc, "CreatableTopicResult", sp_create_topics_result, result_fields);

#define RS sp_create_topics_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 2, SP_VMAX),
    SP_F(RS, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &result_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "CreateTopicsResponse", sp_create_topics_resp, resp_fields);

const sp_msg_desc sp_msg_create_topics_req = {
    "CreateTopicsRequest", SP_CREATE_TOPICS_KEY, 2, 7, 5, &req_desc
};
const sp_msg_desc sp_msg_create_topics_resp = {
    "CreateTopicsResponse", SP_CREATE_TOPICS_KEY, 2, 7, 5, &resp_desc
};
