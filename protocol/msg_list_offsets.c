/* protocol/msg_list_offsets.c - ListOffsets (key 2) schema tables; see msg_list_offsets.h. */
#include "msg_list_offsets.h"

#define RP sp_list_offsets_req_partition
static const sp_field req_part_fields[] = {
    SP_F(RP, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(RP, current_leader_epoch, "CurrentLeaderEpoch", SP_T_INT32, 4, SP_VMAX, SP_DEF("-1")),
    SP_F(RP, timestamp, "Timestamp", SP_T_INT64, 0, SP_VMAX),
};
#undef RP
static SP_STRUCT_DESC(req_part_desc, "ListOffsetsPartition", sp_list_offsets_req_partition, req_part_fields);

#define RT sp_list_offsets_req_topic
static const sp_field req_topic_fields[] = {
    SP_F(RT, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(RT, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
#undef RT
static SP_STRUCT_DESC(req_topic_desc, "ListOffsetsTopic", sp_list_offsets_req_topic, req_topic_fields);

#define RQ sp_list_offsets_req
static const sp_field req_fields[] = {
    SP_F(RQ, replica_id, "ReplicaId", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, isolation_level, "IsolationLevel", SP_T_INT8, 2, SP_VMAX),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
    SP_F(RQ, timeout_ms, "TimeoutMs", SP_T_INT32, 10, SP_VMAX),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ListOffsetsRequest", sp_list_offsets_req, req_fields);

#define PA sp_list_offsets_resp_partition
static const sp_field part_fields[] = {
    SP_F(PA, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(PA, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PA, timestamp, "Timestamp", SP_T_INT64, 1, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, offset, "Offset", SP_T_INT64, 1, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, leader_epoch, "LeaderEpoch", SP_T_INT32, 4, SP_VMAX, SP_DEF("-1")),
};
#undef PA
static SP_STRUCT_DESC(part_desc, "ListOffsetsPartitionResponse", sp_list_offsets_resp_partition, part_fields);

#define TO sp_list_offsets_resp_topic
static const sp_field topic_fields[] = {
    SP_F(TO, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(TO, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &part_desc)),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "ListOffsetsTopicResponse", sp_list_offsets_resp_topic, topic_fields);

#define RS sp_list_offsets_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 2, SP_VMAX),
    SP_F(RS, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "ListOffsetsResponse", sp_list_offsets_resp, resp_fields);

const sp_msg_desc sp_msg_list_offsets_req = {
    "ListOffsetsRequest", SP_LIST_OFFSETS_KEY, 1, 11, 6, &req_desc
};
const sp_msg_desc sp_msg_list_offsets_resp = {
    "ListOffsetsResponse", SP_LIST_OFFSETS_KEY, 1, 11, 6, &resp_desc
};
