/* protocol/msg_produce.c - Produce (key 0) schema tables; see msg_produce.h. */
#include "msg_produce.h"

#define RP sp_produce_req_partition
static const sp_field req_part_fields[] = {
    SP_F(RP, index, "Index", SP_T_INT32, 0, SP_VMAX),
    SP_F(RP, records, "Records", SP_T_RECORDS, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
};
#undef RP
static SP_STRUCT_DESC(req_part_desc, "PartitionProduceData", sp_produce_req_partition, req_part_fields);

#define RT sp_produce_req_topic
static const sp_field req_topic_fields[] = {
    SP_F(RT, name, "Name", SP_T_STRING, 0, 12),
    SP_F(RT, topic_id, "TopicId", SP_T_UUID, 13, SP_VMAX),
    SP_F(RT, partition_data, "PartitionData", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
#undef RT
static SP_STRUCT_DESC(req_topic_desc, "TopicProduceData", sp_produce_req_topic, req_topic_fields);

#define RQ sp_produce_req
static const sp_field req_fields[] = {
    SP_F(RQ, transactional_id, "TransactionalId", SP_T_STRING, 3, SP_VMAX,
         SP_NULL(3, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, acks, "Acks", SP_T_INT16, 0, SP_VMAX),
    SP_F(RQ, timeout_ms, "TimeoutMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, topic_data, "TopicData", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ProduceRequest", sp_produce_req, req_fields);

#define RE sp_produce_record_error
static const sp_field rec_err_fields[] = {
    SP_F(RE, batch_index, "BatchIndex", SP_T_INT32, 8, SP_VMAX),
    SP_F(RE, batch_index_error_message, "BatchIndexErrorMessage", SP_T_STRING, 8, SP_VMAX,
         SP_NULL(8, SP_VMAX), SP_DEF("null")),
};
#undef RE
static SP_STRUCT_DESC(rec_err_desc, "BatchIndexAndErrorMessage", sp_produce_record_error, rec_err_fields);

static const sp_field leader_fields[] = {
    SP_F(sp_produce_leader, leader_id, "LeaderId", SP_T_INT32, 10, SP_VMAX, SP_DEF("-1")),
    SP_F(sp_produce_leader, leader_epoch, "LeaderEpoch", SP_T_INT32, 10, SP_VMAX, SP_DEF("-1")),
};
static SP_STRUCT_DESC(leader_desc, "LeaderIdAndEpoch", sp_produce_leader, leader_fields);

#define PA sp_produce_resp_partition
static const sp_field part_fields[] = {
    SP_F(PA, index, "Index", SP_T_INT32, 0, SP_VMAX),
    SP_F(PA, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PA, base_offset, "BaseOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(PA, log_append_time_ms, "LogAppendTimeMs", SP_T_INT64, 2, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, log_start_offset, "LogStartOffset", SP_T_INT64, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, record_errors, "RecordErrors", SP_T_ARRAY, 8, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &rec_err_desc)),
    SP_F(PA, error_message, "ErrorMessage", SP_T_STRING, 8, SP_VMAX,
         SP_NULL(8, SP_VMAX), SP_DEF("null")),
    SP_F(PA, current_leader, "CurrentLeader", SP_T_STRUCT, 10, SP_VMAX,
         SP_SUB(&leader_desc), SP_TAG(0, 10)),
};
#undef PA
static SP_STRUCT_DESC(part_desc, "PartitionProduceResponse", sp_produce_resp_partition, part_fields);

#define TO sp_produce_resp_topic
static const sp_field topic_fields[] = {
    SP_F(TO, name, "Name", SP_T_STRING, 0, 12),
    SP_F(TO, topic_id, "TopicId", SP_T_UUID, 13, SP_VMAX),
    SP_F(TO, partition_responses, "PartitionResponses", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &part_desc)),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "TopicProduceResponse", sp_produce_resp_topic, topic_fields);

#define NE sp_produce_node_endpoint
static const sp_field node_fields[] = {
    SP_F(NE, node_id, "NodeId", SP_T_INT32, 10, SP_VMAX),
    SP_F(NE, host, "Host", SP_T_STRING, 10, SP_VMAX),
    SP_F(NE, port, "Port", SP_T_INT32, 10, SP_VMAX),
    SP_F(NE, rack, "Rack", SP_T_STRING, 10, SP_VMAX, SP_NULL(10, SP_VMAX), SP_DEF("null")),
};
#undef NE
static SP_STRUCT_DESC(node_desc, "NodeEndpoint", sp_produce_node_endpoint, node_fields);

#define RS sp_produce_resp
static const sp_field resp_fields[] = {
    SP_F(RS, responses, "Responses", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_desc)),
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX, SP_DEF("0")),
    SP_F(RS, node_endpoints, "NodeEndpoints", SP_T_ARRAY, 10, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &node_desc), SP_TAG(0, 10)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "ProduceResponse", sp_produce_resp, resp_fields);

const sp_msg_desc sp_msg_produce_req = {
    "ProduceRequest", SP_PRODUCE_KEY, 3, 13, 9, &req_desc
};
const sp_msg_desc sp_msg_produce_resp = {
    "ProduceResponse", SP_PRODUCE_KEY, 3, 13, 9, &resp_desc
};
