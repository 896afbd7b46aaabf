/* protocol/msg_delete_records.c - DeleteRecords (key 21) schema tables; see
 * msg_delete_records.h. */
#include "msg_delete_records.h"

static const sp_field req_part_fields[] = {
    SP_F(sp_delete_records_req_partition, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_delete_records_req_partition, offset, "Offset", SP_T_INT64, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_part_desc, "DeleteRecordsPartition", sp_delete_records_req_partition, req_part_fields);

static const sp_field req_topic_fields[] = {
    SP_F(sp_delete_records_req_topic, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_delete_records_req_topic, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
static SP_STRUCT_DESC(req_topic_desc, "DeleteRecordsTopic", sp_delete_records_req_topic, req_topic_fields);

static const sp_field req_fields[] = {
    SP_F(sp_delete_records_req, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
    SP_F(sp_delete_records_req, timeout_ms, "TimeoutMs", SP_T_INT32, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_desc, "DeleteRecordsRequest", sp_delete_records_req, req_fields);

static const sp_field part_fields[] = {
    SP_F(sp_delete_records_resp_partition, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_delete_records_resp_partition, low_watermark, "LowWatermark", SP_T_INT64, 0, SP_VMAX),
    SP_F(sp_delete_records_resp_partition, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
};
static SP_STRUCT_DESC(part_desc, "DeleteRecordsPartitionResult", sp_delete_records_resp_partition, part_fields);

static const sp_field topic_fields[] = {
    SP_F(sp_delete_records_resp_topic, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_delete_records_resp_topic, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &part_desc)),
};
static SP_STRUCT_DESC(topic_desc, "DeleteRecordsTopicResult", sp_delete_records_resp_topic, topic_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_delete_records_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_delete_records_resp, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &topic_desc)),
};
static SP_STRUCT_DESC(resp_desc, "DeleteRecordsResponse", sp_delete_records_resp, resp_fields);

const sp_msg_desc sp_msg_delete_records_req = {
    "DeleteRecordsRequest", SP_DELETE_RECORDS_KEY, 0, 2, 2, &req_desc
};
const sp_msg_desc sp_msg_delete_records_resp = {
    "DeleteRecordsResponse", SP_DELETE_RECORDS_KEY, 0, 2, 2, &resp_desc
};
