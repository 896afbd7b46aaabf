/* protocol/msg_offset_fetch.c - OffsetFetch (key 9) schema tables; see msg_offset_fetch.h. */
#include "msg_offset_fetch.h"

static const sp_field req_topic_fields[] = {
    SP_F(sp_offset_fetch_req_topic, name, "Name", SP_T_STRING, 0, 7),
    SP_F(sp_offset_fetch_req_topic, partition_indexes, "PartitionIndexes", SP_T_ARRAY, 0, 7,
         SP_ELEM(SP_T_INT32, NULL)),
};
static SP_STRUCT_DESC(req_topic_desc, "OffsetFetchRequestTopic", sp_offset_fetch_req_topic, req_topic_fields);

#define GT sp_offset_fetch_req_group_topic
static const sp_field req_group_topic_fields[] = {
    SP_F(GT, name, "Name", SP_T_STRING, 8, 9),
    SP_F(GT, topic_id, "TopicId", SP_T_UUID, 10, SP_VMAX),
    SP_F(GT, partition_indexes, "PartitionIndexes", SP_T_ARRAY, 8, SP_VMAX,
         SP_ELEM(SP_T_INT32, NULL)),
};
#undef GT
static SP_STRUCT_DESC(req_group_topic_desc, "OffsetFetchRequestTopics", sp_offset_fetch_req_group_topic,
                      req_group_topic_fields);

#define GR sp_offset_fetch_req_group
static const sp_field req_group_fields[] = {
    SP_F(GR, group_id, "GroupId", SP_T_STRING, 8, SP_VMAX),
    SP_F(GR, member_id, "MemberId", SP_T_STRING, 9, SP_VMAX, SP_NULL(9, SP_VMAX), SP_DEF("null")),
    SP_F(GR, member_epoch, "MemberEpoch", SP_T_INT32, 9, SP_VMAX, SP_DEF("-1")),
    SP_F(GR, topics, "Topics", SP_T_ARRAY, 8, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_group_topic_desc),
         SP_NULL(8, SP_VMAX)),
};
#undef GR
static SP_STRUCT_DESC(req_group_desc, "OffsetFetchRequestGroup", sp_offset_fetch_req_group, req_group_fields);

#define RQ sp_offset_fetch_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, 7),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, 7, SP_ELEM(SP_T_STRUCT, &req_topic_desc),
         SP_NULL(2, 7)),
    SP_F(RQ, groups, "Groups", SP_T_ARRAY, 8, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_group_desc)),
    SP_F(RQ, require_stable, "RequireStable", SP_T_BOOL, 7, SP_VMAX, SP_DEF("false")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "OffsetFetchRequest", sp_offset_fetch_req, req_fields);

/* The single-group (v0-7) and multi-group (v8+) forms share one C struct
 * for partitions; the schema names them differently, hence two tables. */
#define PA sp_offset_fetch_resp_partition
static const sp_field part_fields[] = {
    SP_F(PA, partition_index, "PartitionIndex", SP_T_INT32, 0, 7),
    SP_F(PA, committed_offset, "CommittedOffset", SP_T_INT64, 0, 7),
    SP_F(PA, committed_leader_epoch, "CommittedLeaderEpoch", SP_T_INT32, 5, 7, SP_DEF("-1")),
    SP_F(PA, metadata, "Metadata", SP_T_STRING, 0, 7, SP_NULL(0, 7)),
    SP_F(PA, error_code, "ErrorCode", SP_T_INT16, 0, 7),
};
static SP_STRUCT_DESC(part_desc, "OffsetFetchResponsePartition", sp_offset_fetch_resp_partition, part_fields);

static const sp_field group_part_fields[] = {
    SP_F(PA, partition_index, "PartitionIndex", SP_T_INT32, 8, SP_VMAX),
    SP_F(PA, committed_offset, "CommittedOffset", SP_T_INT64, 8, SP_VMAX),
    SP_F(PA, committed_leader_epoch, "CommittedLeaderEpoch", SP_T_INT32, 8, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, metadata, "Metadata", SP_T_STRING, 8, SP_VMAX, SP_NULL(8, SP_VMAX)),
    SP_F(PA, error_code, "ErrorCode", SP_T_INT16, 8, SP_VMAX),
};
#undef PA
static SP_STRUCT_DESC(group_part_desc, "OffsetFetchResponsePartitions", sp_offset_fetch_resp_partition,
                      group_part_fields);

static const sp_field topic_fields[] = {
    SP_F(sp_offset_fetch_resp_topic, name, "Name", SP_T_STRING, 0, 7),
    SP_F(sp_offset_fetch_resp_topic, partitions, "Partitions", SP_T_ARRAY, 0, 7,
         SP_ELEM(SP_T_STRUCT, &part_desc)),
};
static SP_STRUCT_DESC(topic_desc, "OffsetFetchResponseTopic", sp_offset_fetch_resp_topic, topic_fields);

#define GT sp_offset_fetch_resp_group_topic
static const sp_field group_topic_fields[] = {
    SP_F(GT, name, "Name", SP_T_STRING, 8, 9),
    SP_F(GT, topic_id, "TopicId", SP_T_UUID, 10, SP_VMAX),
    SP_F(GT, partitions, "Partitions", SP_T_ARRAY, 8, SP_VMAX, SP_ELEM(SP_T_STRUCT, &group_part_desc)),
};
#undef GT
static SP_STRUCT_DESC(group_topic_desc, "OffsetFetchResponseTopics", sp_offset_fetch_resp_group_topic,
                      group_topic_fields);

static const sp_field group_fields[] = {
    SP_F(sp_offset_fetch_resp_group, group_id, "GroupId", SP_T_STRING, 8, SP_VMAX),
    SP_F(sp_offset_fetch_resp_group, topics, "Topics", SP_T_ARRAY, 8, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &group_topic_desc)),
    SP_F(sp_offset_fetch_resp_group, error_code, "ErrorCode", SP_T_INT16, 8, SP_VMAX, SP_DEF("0")),
};
static SP_STRUCT_DESC(group_desc, "OffsetFetchResponseGroup", sp_offset_fetch_resp_group, group_fields);

#define RS sp_offset_fetch_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 3, SP_VMAX),
    SP_F(RS, topics, "Topics", SP_T_ARRAY, 0, 7, SP_ELEM(SP_T_STRUCT, &topic_desc)),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 2, 7, SP_DEF("0")),
    SP_F(RS, groups, "Groups", SP_T_ARRAY, 8, SP_VMAX, SP_ELEM(SP_T_STRUCT, &group_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "OffsetFetchResponse", sp_offset_fetch_resp, resp_fields);

const sp_msg_desc sp_msg_offset_fetch_req = {
    "OffsetFetchRequest", SP_OFFSET_FETCH_KEY, 1, 10, 6, &req_desc
};
const sp_msg_desc sp_msg_offset_fetch_resp = {
    "OffsetFetchResponse", SP_OFFSET_FETCH_KEY, 1, 10, 6, &resp_desc
};
