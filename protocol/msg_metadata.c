/* protocol/msg_metadata.c - Metadata (key 3) schema tables; see msg_metadata.h. */
#include "msg_metadata.h"

#define RT sp_metadata_req_topic
static const sp_field req_topic_fields[] = {
    SP_F(RT, topic_id, "TopicId", SP_T_UUID, 10, SP_VMAX),
    SP_F(RT, name, "Name", SP_T_STRING, 0, SP_VMAX, SP_NULL(10, SP_VMAX)),
};
#undef RT
static SP_STRUCT_DESC(req_topic_desc, "MetadataRequestTopic", sp_metadata_req_topic, req_topic_fields);

#define RQ sp_metadata_req
static const sp_field req_fields[] = {
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_topic_desc), SP_NULL(1, SP_VMAX)),
    SP_F(RQ, allow_auto_topic_creation, "AllowAutoTopicCreation", SP_T_BOOL, 4, SP_VMAX,
         SP_DEF("true")),
    SP_F(RQ, include_cluster_authorized_operations, "IncludeClusterAuthorizedOperations",
         SP_T_BOOL, 8, 10),
    SP_F(RQ, include_topic_authorized_operations, "IncludeTopicAuthorizedOperations",
         SP_T_BOOL, 8, SP_VMAX),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "MetadataRequest", sp_metadata_req, req_fields);

#define BR sp_metadata_resp_broker
static const sp_field broker_fields[] = {
    SP_F(BR, node_id, "NodeId", SP_T_INT32, 0, SP_VMAX),
    SP_F(BR, host, "Host", SP_T_STRING, 0, SP_VMAX),
    SP_F(BR, port, "Port", SP_T_INT32, 0, SP_VMAX),
    SP_F(BR, rack, "Rack", SP_T_STRING, 1, SP_VMAX, SP_NULL(1, SP_VMAX), SP_DEF("null")),
};
#undef BR
static SP_STRUCT_DESC(broker_desc, "MetadataResponseBroker", sp_metadata_resp_broker, broker_fields);

#define PA sp_metadata_resp_partition
static const sp_field part_fields[] = {
    SP_F(PA, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PA, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(PA, leader_id, "LeaderId", SP_T_INT32, 0, SP_VMAX),
    SP_F(PA, leader_epoch, "LeaderEpoch", SP_T_INT32, 7, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, replica_nodes, "ReplicaNodes", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
    SP_F(PA, isr_nodes, "IsrNodes", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
    SP_F(PA, offline_replicas, "OfflineReplicas", SP_T_ARRAY, 5, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
#undef PA
static SP_STRUCT_DESC(part_desc, "MetadataResponsePartition", sp_metadata_resp_partition, part_fields);

#define TO sp_metadata_resp_topic
static const sp_field topic_fields[] = {
    SP_F(TO, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(TO, name, "Name", SP_T_STRING, 0, SP_VMAX, SP_NULL(12, SP_VMAX)),
    SP_F(TO, topic_id, "TopicId", SP_T_UUID, 10, SP_VMAX),
    SP_F(TO, is_internal, "IsInternal", SP_T_BOOL, 1, SP_VMAX, SP_DEF("false")),
    SP_F(TO, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &part_desc)),
    SP_F(TO, topic_authorized_operations, "TopicAuthorizedOperations", SP_T_INT32, 8, SP_VMAX,
         SP_DEF("-2147483648")),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "MetadataResponseTopic", sp_metadata_resp_topic, topic_fields);

#define RS sp_metadata_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 3, SP_VMAX),
    SP_F(RS, brokers, "Brokers", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &broker_desc)),
    SP_F(RS, cluster_id, "ClusterId", SP_T_STRING, 2, SP_VMAX, SP_NULL(2, SP_VMAX), SP_DEF("null")),
    SP_F(RS, controller_id, "ControllerId", SP_T_INT32, 1, SP_VMAX, SP_DEF("-1")),
    SP_F(RS, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_desc)),
    SP_F(RS, cluster_authorized_operations, "ClusterAuthorizedOperations", SP_T_INT32, 8, 10,
         SP_DEF("-2147483648")),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 13, SP_VMAX),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "MetadataResponse", sp_metadata_resp, resp_fields);

const sp_msg_desc sp_msg_metadata_req = {
    "MetadataRequest", SP_METADATA_KEY, 0, 13, 9, &req_desc
};
const sp_msg_desc sp_msg_metadata_resp = {
    "MetadataResponse", SP_METADATA_KEY, 0, 13, 9, &resp_desc
};
