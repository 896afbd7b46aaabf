/* protocol/msg_share_fetch.c - ShareFetch tables; see the header. */
#include "msg_share_fetch.h"

/* The schema's field versions still start at 0 (v0 is gone; samsa's range
 * is 1-2); the tables copy the schema. */
#define AB sp_share_ack_batch
static const sp_field ack_batch_fields[] = {
    SP_F(AB, first_offset, "FirstOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(AB, last_offset, "LastOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(AB, acknowledge_types, "AcknowledgeTypes", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_INT8, NULL)),
};
#undef AB
SP_STRUCT_DESC(sp_share_ack_batch_desc, "AcknowledgementBatch", sp_share_ack_batch, ack_batch_fields);

#define FP sp_share_fetch_partition
static const sp_field fetch_part_fields[] = {
    SP_F(FP, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(FP, partition_max_bytes, "PartitionMaxBytes", SP_T_INT32, 0, 0),
    SP_F(FP, acknowledgement_batches, "AcknowledgementBatches", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &sp_share_ack_batch_desc)),
};
#undef FP
static SP_STRUCT_DESC(fetch_part_desc, "FetchPartition", sp_share_fetch_partition, fetch_part_fields);

#define FT sp_share_fetch_topic
static const sp_field fetch_topic_fields[] = {
    SP_F(FT, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(FT, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &fetch_part_desc)),
};
#undef FT
static SP_STRUCT_DESC(fetch_topic_desc, "FetchTopic", sp_share_fetch_topic, fetch_topic_fields);

#define FG sp_share_forgotten_topic
static const sp_field forgotten_fields[] = {
    SP_F(FG, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(FG, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
#undef FG
static SP_STRUCT_DESC(forgotten_desc, "ForgottenTopic", sp_share_forgotten_topic, forgotten_fields);

#define RQ sp_share_fetch_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(RQ, share_session_epoch, "ShareSessionEpoch", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, max_wait_ms, "MaxWaitMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, min_bytes, "MinBytes", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, max_bytes, "MaxBytes", SP_T_INT32, 0, SP_VMAX, SP_DEF("0x7fffffff")),
    SP_F(RQ, max_records, "MaxRecords", SP_T_INT32, 1, SP_VMAX),
    SP_F(RQ, batch_size, "BatchSize", SP_T_INT32, 1, SP_VMAX),
    SP_F(RQ, share_acquire_mode, "ShareAcquireMode", SP_T_INT8, 2, SP_VMAX, SP_DEF("0")),
    SP_F(RQ, is_renew_ack, "IsRenewAck", SP_T_BOOL, 2, SP_VMAX, SP_DEF("false")),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &fetch_topic_desc)),
    SP_F(RQ, forgotten_topics_data, "ForgottenTopicsData", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &forgotten_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ShareFetchRequest", sp_share_fetch_req, req_fields);

#define LE sp_share_leader
static const sp_field leader_fields[] = {
    SP_F(LE, leader_id, "LeaderId", SP_T_INT32, 0, SP_VMAX),
    SP_F(LE, leader_epoch, "LeaderEpoch", SP_T_INT32, 0, SP_VMAX),
};
#undef LE
SP_STRUCT_DESC(sp_share_leader_desc, "LeaderIdAndEpoch", sp_share_leader, leader_fields);

#define AR sp_share_acquired_records
static const sp_field acquired_fields[] = {
    SP_F(AR, first_offset, "FirstOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(AR, last_offset, "LastOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(AR, delivery_count, "DeliveryCount", SP_T_INT16, 0, SP_VMAX),
};
#undef AR
static SP_STRUCT_DESC(acquired_desc, "AcquiredRecords", sp_share_acquired_records, acquired_fields);

#define PD sp_share_fetch_partition_data
static const sp_field part_data_fields[] = {
    SP_F(PD, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(PD, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PD, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(PD, acknowledge_error_code, "AcknowledgeErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PD, acknowledge_error_message, "AcknowledgeErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(PD, current_leader, "CurrentLeader", SP_T_STRUCT, 0, SP_VMAX, SP_SUB(&sp_share_leader_desc)),
    SP_F(PD, records, "Records", SP_T_RECORDS, 0, SP_VMAX, SP_NULL(0, 0)),
    SP_F(PD, acquired_records, "AcquiredRecords", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &acquired_desc)),
};
#undef PD
static SP_STRUCT_DESC(part_data_desc, "PartitionData", sp_share_fetch_partition_data, part_data_fields);

#define TR sp_share_fetch_topic_resp
static const sp_field topic_resp_fields[] = {
    SP_F(TR, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(TR, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &part_data_desc)),
};
#undef TR
static SP_STRUCT_DESC(topic_resp_desc, "ShareFetchableTopicResponse", sp_share_fetch_topic_resp, topic_resp_fields);

#define NE sp_share_node_endpoint
static const sp_field endpoint_fields[] = {
    SP_F(NE, node_id, "NodeId", SP_T_INT32, 0, SP_VMAX),
    SP_F(NE, host, "Host", SP_T_STRING, 0, SP_VMAX),
    SP_F(NE, port, "Port", SP_T_INT32, 0, SP_VMAX),
    SP_F(NE, rack, "Rack", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
};
#undef NE
SP_STRUCT_DESC(sp_share_node_endpoint_desc, "NodeEndpoint", sp_share_node_endpoint, endpoint_fields);

#define RS sp_share_fetch_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RS, acquisition_lock_timeout_ms, "AcquisitionLockTimeoutMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, responses, "Responses", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_resp_desc)),
    SP_F(RS, node_endpoints, "NodeEndpoints", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &sp_share_node_endpoint_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "ShareFetchResponse", sp_share_fetch_resp, resp_fields);

const sp_msg_desc sp_msg_share_fetch_req = {
    "ShareFetchRequest", SP_SHARE_FETCH_KEY, 1, 2, 0, &req_desc
};
const sp_msg_desc sp_msg_share_fetch_resp = {
    "ShareFetchResponse", SP_SHARE_FETCH_KEY, 1, 2, 0, &resp_desc
};
