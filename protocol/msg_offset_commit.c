/* protocol/msg_offset_commit.c - OffsetCommit (key 8) schema tables; see msg_offset_commit.h. */
#include "msg_offset_commit.h"

#define RP sp_offset_commit_req_partition
static const sp_field req_part_fields[] = {
    SP_F(RP, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(RP, committed_offset, "CommittedOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(RP, committed_leader_epoch, "CommittedLeaderEpoch", SP_T_INT32, 6, SP_VMAX, SP_DEF("-1")),
    SP_F(RP, committed_metadata, "CommittedMetadata", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
};
#undef RP
static SP_STRUCT_DESC(req_part_desc, "OffsetCommitRequestPartition", sp_offset_commit_req_partition, req_part_fields);

#define RT sp_offset_commit_req_topic
static const sp_field req_topic_fields[] = {
    SP_F(RT, name, "Name", SP_T_STRING, 0, 9),
    SP_F(RT, topic_id, "TopicId", SP_T_UUID, 10, SP_VMAX),
    SP_F(RT, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
#undef RT
static SP_STRUCT_DESC(req_topic_desc, "OffsetCommitRequestTopic", sp_offset_commit_req_topic, req_topic_fields);

#define RQ sp_offset_commit_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, generation_id_or_member_epoch, "GenerationIdOrMemberEpoch", SP_T_INT32, 1, SP_VMAX,
         SP_DEF("-1")),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 1, SP_VMAX),
    SP_F(RQ, group_instance_id, "GroupInstanceId", SP_T_STRING, 7, SP_VMAX,
         SP_NULL(7, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, retention_time_ms, "RetentionTimeMs", SP_T_INT64, 2, 4, SP_DEF("-1")),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "OffsetCommitRequest", sp_offset_commit_req, req_fields);

static const sp_field part_fields[] = {
    SP_F(sp_offset_commit_resp_partition, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_offset_commit_resp_partition, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
};
static SP_STRUCT_DESC(part_desc, "OffsetCommitResponsePartition", sp_offset_commit_resp_partition, part_fields);

#define TO sp_offset_commit_resp_topic
static const sp_field topic_fields[] = {
    SP_F(TO, name, "Name", SP_T_STRING, 0, 9),
    SP_F(TO, topic_id, "TopicId", SP_T_UUID, 10, SP_VMAX),
    SP_F(TO, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &part_desc)),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "OffsetCommitResponseTopic", sp_offset_commit_resp_topic, topic_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_offset_commit_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 3, SP_VMAX),
    SP_F(sp_offset_commit_resp, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &topic_desc)),
};
static SP_STRUCT_DESC(resp_desc, "OffsetCommitResponse", sp_offset_commit_resp, resp_fields);

const sp_msg_desc sp_msg_offset_commit_req = {
    "OffsetCommitRequest", SP_OFFSET_COMMIT_KEY, 2, 10, 8, &req_desc
};
const sp_msg_desc sp_msg_offset_commit_resp = {
    "OffsetCommitResponse", SP_OFFSET_COMMIT_KEY, 2, 10, 8, &resp_desc
};
