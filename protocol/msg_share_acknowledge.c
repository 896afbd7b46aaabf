/* protocol/msg_share_acknowledge.c - ShareAcknowledge tables; see the header. */
#include "msg_share_acknowledge.h"

#define AP sp_share_ack_partition
static const sp_field ack_part_fields[] = {
    SP_F(AP, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(AP, acknowledgement_batches, "AcknowledgementBatches", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &sp_share_ack_batch_desc)),
};
#undef AP
static SP_STRUCT_DESC(ack_part_desc, "AcknowledgePartition", sp_share_ack_partition, ack_part_fields);

#define AT sp_share_ack_topic
static const sp_field ack_topic_fields[] = {
    SP_F(AT, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(AT, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &ack_part_desc)),
};
#undef AT
static SP_STRUCT_DESC(ack_topic_desc, "AcknowledgeTopic", sp_share_ack_topic, ack_topic_fields);

#define RQ sp_share_acknowledge_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(RQ, share_session_epoch, "ShareSessionEpoch", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, is_renew_ack, "IsRenewAck", SP_T_BOOL, 2, SP_VMAX, SP_DEF("false")),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &ack_topic_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ShareAcknowledgeRequest", sp_share_acknowledge_req, req_fields);

#define PD sp_share_ack_partition_data
static const sp_field part_data_fields[] = {
    SP_F(PD, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(PD, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PD, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(PD, current_leader, "CurrentLeader", SP_T_STRUCT, 0, SP_VMAX, SP_SUB(&sp_share_leader_desc)),
};
#undef PD
static SP_STRUCT_DESC(part_data_desc, "PartitionData", sp_share_ack_partition_data, part_data_fields);

#define TR sp_share_ack_topic_resp
static const sp_field topic_resp_fields[] = {
    SP_F(TR, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(TR, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &part_data_desc)),
};
#undef TR
static SP_STRUCT_DESC(topic_resp_desc, "ShareAcknowledgeTopicResponse", sp_share_ack_topic_resp, topic_resp_fields);

#define RS sp_share_acknowledge_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RS, acquisition_lock_timeout_ms, "AcquisitionLockTimeoutMs", SP_T_INT32, 2, SP_VMAX),
    SP_F(RS, responses, "Responses", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_resp_desc)),
    SP_F(RS, node_endpoints, "NodeEndpoints", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &sp_share_node_endpoint_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "ShareAcknowledgeResponse", sp_share_acknowledge_resp, resp_fields);

const sp_msg_desc sp_msg_share_acknowledge_req = {
    "ShareAcknowledgeRequest", SP_SHARE_ACKNOWLEDGE_KEY, 1, 2, 0, &req_desc
};
const sp_msg_desc sp_msg_share_acknowledge_resp = {
    "ShareAcknowledgeResponse", SP_SHARE_ACKNOWLEDGE_KEY, 1, 2, 0, &resp_desc
};
