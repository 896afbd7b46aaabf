/* protocol/msg_offset_for_leader_epoch.c - OffsetForLeaderEpoch (key 23) schema
 * tables; see msg_offset_for_leader_epoch.h. */
#include "msg_offset_for_leader_epoch.h"

static const sp_field req_part_fields[] = {
    SP_F(sp_ofle_req_partition, partition, "Partition", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_ofle_req_partition, current_leader_epoch, "CurrentLeaderEpoch", SP_T_INT32, 2, SP_VMAX,
         SP_DEF("-1")),
    SP_F(sp_ofle_req_partition, leader_epoch, "LeaderEpoch", SP_T_INT32, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_part_desc, "OffsetForLeaderPartition", sp_ofle_req_partition, req_part_fields);

static const sp_field req_topic_fields[] = {
    SP_F(sp_ofle_req_topic, topic, "Topic", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_ofle_req_topic, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
static SP_STRUCT_DESC(req_topic_desc, "OffsetForLeaderTopic", sp_ofle_req_topic, req_topic_fields);

static const sp_field req_fields[] = {
    SP_F(sp_offset_for_leader_epoch_req, replica_id, "ReplicaId", SP_T_INT32, 3, SP_VMAX, SP_DEF("-2")),
    SP_F(sp_offset_for_leader_epoch_req, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
};
static SP_STRUCT_DESC(req_desc, "OffsetForLeaderEpochRequest", sp_offset_for_leader_epoch_req, req_fields);

static const sp_field part_fields[] = {
    SP_F(sp_ofle_resp_partition, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_ofle_resp_partition, partition, "Partition", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_ofle_resp_partition, leader_epoch, "LeaderEpoch", SP_T_INT32, 1, SP_VMAX, SP_DEF("-1")),
    SP_F(sp_ofle_resp_partition, end_offset, "EndOffset", SP_T_INT64, 0, SP_VMAX, SP_DEF("-1")),
};
static SP_STRUCT_DESC(part_desc, "EpochEndOffset", sp_ofle_resp_partition, part_fields);

static const sp_field topic_fields[] = {
    SP_F(sp_ofle_resp_topic, topic, "Topic", SP_T_STRING, 0, SP_VMAX),
    SP_F(sp_ofle_resp_topic, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &part_desc)),
};
static SP_STRUCT_DESC(topic_desc, "OffsetForLeaderTopicResult", sp_ofle_resp_topic, topic_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_offset_for_leader_epoch_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 2, SP_VMAX),
    SP_F(sp_offset_for_leader_epoch_resp, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &topic_desc)),
};
static SP_STRUCT_DESC(resp_desc, "OffsetForLeaderEpochResponse", sp_offset_for_leader_epoch_resp, resp_fields);

const sp_msg_desc sp_msg_offset_for_leader_epoch_req = {
    "OffsetForLeaderEpochRequest", SP_OFFSET_FOR_LEADER_EPOCH_KEY, 2, 4, 4, &req_desc
};
const sp_msg_desc sp_msg_offset_for_leader_epoch_resp = {
    "OffsetForLeaderEpochResponse", SP_OFFSET_FOR_LEADER_EPOCH_KEY, 2, 4, 4, &resp_desc
};
