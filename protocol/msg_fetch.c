/* protocol/msg_fetch.c - Fetch (key 1) schema tables; see msg_fetch.h. */
#include "msg_fetch.h"

#define RS_ sp_fetch_replica_state
static const sp_field replica_state_fields[] = {
    SP_F(RS_, replica_id, "ReplicaId", SP_T_INT32, 15, SP_VMAX, SP_DEF("-1")),
    SP_F(RS_, replica_epoch, "ReplicaEpoch", SP_T_INT64, 15, SP_VMAX, SP_DEF("-1")),
};
#undef RS_
static SP_STRUCT_DESC(replica_state_desc, "ReplicaState", sp_fetch_replica_state, replica_state_fields);

#define RP sp_fetch_req_partition
static const sp_field req_part_fields[] = {
    SP_F(RP, partition, "Partition", SP_T_INT32, 0, SP_VMAX),
    SP_F(RP, current_leader_epoch, "CurrentLeaderEpoch", SP_T_INT32, 9, SP_VMAX, SP_DEF("-1")),
    SP_F(RP, fetch_offset, "FetchOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(RP, last_fetched_epoch, "LastFetchedEpoch", SP_T_INT32, 12, SP_VMAX, SP_DEF("-1")),
    SP_F(RP, log_start_offset, "LogStartOffset", SP_T_INT64, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(RP, partition_max_bytes, "PartitionMaxBytes", SP_T_INT32, 0, SP_VMAX),
    SP_F(RP, replica_directory_id, "ReplicaDirectoryId", SP_T_UUID, 17, SP_VMAX, SP_TAG(0, 17)),
    SP_F(RP, high_watermark, "HighWatermark", SP_T_INT64, 18, SP_VMAX, SP_TAG(1, 18),
         SP_DEF("9223372036854775807")),
};
#undef RP
static SP_STRUCT_DESC(req_part_desc, "FetchPartition", sp_fetch_req_partition, req_part_fields);

#define RT sp_fetch_req_topic
static const sp_field req_topic_fields[] = {
    SP_F(RT, topic, "Topic", SP_T_STRING, 0, 12),
    SP_F(RT, topic_id, "TopicId", SP_T_UUID, 13, SP_VMAX),
    SP_F(RT, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
#undef RT
static SP_STRUCT_DESC(req_topic_desc, "FetchTopic", sp_fetch_req_topic, req_topic_fields);

#define FT sp_fetch_forgotten_topic
static const sp_field forgotten_fields[] = {
    SP_F(FT, topic, "Topic", SP_T_STRING, 7, 12),
    SP_F(FT, topic_id, "TopicId", SP_T_UUID, 13, SP_VMAX),
    SP_F(FT, partitions, "Partitions", SP_T_ARRAY, 7, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
#undef FT
static SP_STRUCT_DESC(forgotten_desc, "ForgottenTopic", sp_fetch_forgotten_topic, forgotten_fields);

#define RQ sp_fetch_req
static const sp_field req_fields[] = {
    SP_F(RQ, cluster_id, "ClusterId", SP_T_STRING, 12, SP_VMAX, SP_NULL(12, SP_VMAX),
         SP_TAG(0, 12), SP_DEF("null")),
    SP_F(RQ, replica_id, "ReplicaId", SP_T_INT32, 0, 14, SP_DEF("-1")),
    SP_F(RQ, replica_state, "ReplicaState", SP_T_STRUCT, 15, SP_VMAX,
         SP_SUB(&replica_state_desc), SP_TAG(1, 15)),
    SP_F(RQ, max_wait_ms, "MaxWaitMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, min_bytes, "MinBytes", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, max_bytes, "MaxBytes", SP_T_INT32, 3, SP_VMAX, SP_DEF("0x7fffffff")),
    SP_F(RQ, isolation_level, "IsolationLevel", SP_T_INT8, 4, SP_VMAX, SP_DEF("0")),
    SP_F(RQ, session_id, "SessionId", SP_T_INT32, 7, SP_VMAX, SP_DEF("0")),
    SP_F(RQ, session_epoch, "SessionEpoch", SP_T_INT32, 7, SP_VMAX, SP_DEF("-1")),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
    SP_F(RQ, forgotten_topics_data, "ForgottenTopicsData", SP_T_ARRAY, 7, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &forgotten_desc)),
    SP_F(RQ, rack_id, "RackId", SP_T_STRING, 11, SP_VMAX, SP_DEF("")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "FetchRequest", sp_fetch_req, req_fields);

static const sp_field epoch_end_fields[] = {
    SP_F(sp_fetch_epoch_end_offset, epoch, "Epoch", SP_T_INT32, 12, SP_VMAX, SP_DEF("-1")),
    SP_F(sp_fetch_epoch_end_offset, end_offset, "EndOffset", SP_T_INT64, 12, SP_VMAX, SP_DEF("-1")),
};
static SP_STRUCT_DESC(epoch_end_desc, "EpochEndOffset", sp_fetch_epoch_end_offset, epoch_end_fields);

static const sp_field leader_fields[] = {
    SP_F(sp_fetch_leader, leader_id, "LeaderId", SP_T_INT32, 12, SP_VMAX, SP_DEF("-1")),
    SP_F(sp_fetch_leader, leader_epoch, "LeaderEpoch", SP_T_INT32, 12, SP_VMAX, SP_DEF("-1")),
};
static SP_STRUCT_DESC(leader_desc, "LeaderIdAndEpoch", sp_fetch_leader, leader_fields);

static const sp_field snapshot_fields[] = {
    SP_F(sp_fetch_snapshot_id, end_offset, "EndOffset", SP_T_INT64, 0, SP_VMAX, SP_DEF("-1")),
    SP_F(sp_fetch_snapshot_id, epoch, "Epoch", SP_T_INT32, 0, SP_VMAX, SP_DEF("-1")),
};
static SP_STRUCT_DESC(snapshot_desc, "SnapshotId", sp_fetch_snapshot_id, snapshot_fields);

static const sp_field aborted_fields[] = {
    SP_F(sp_fetch_aborted_txn, producer_id, "ProducerId", SP_T_INT64, 4, SP_VMAX),
    SP_F(sp_fetch_aborted_txn, first_offset, "FirstOffset", SP_T_INT64, 4, SP_VMAX),
};
static SP_STRUCT_DESC(aborted_desc, "AbortedTransaction", sp_fetch_aborted_txn, aborted_fields);

#define PA sp_fetch_resp_partition
static const sp_field part_fields[] = {
    SP_F(PA, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(PA, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(PA, high_watermark, "HighWatermark", SP_T_INT64, 0, SP_VMAX),
    SP_F(PA, last_stable_offset, "LastStableOffset", SP_T_INT64, 4, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, log_start_offset, "LogStartOffset", SP_T_INT64, 5, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, diverging_epoch, "DivergingEpoch", SP_T_STRUCT, 12, SP_VMAX,
         SP_SUB(&epoch_end_desc), SP_TAG(0, 12)),
    SP_F(PA, current_leader, "CurrentLeader", SP_T_STRUCT, 12, SP_VMAX,
         SP_SUB(&leader_desc), SP_TAG(1, 12)),
    SP_F(PA, snapshot_id, "SnapshotId", SP_T_STRUCT, 12, SP_VMAX,
         SP_SUB(&snapshot_desc), SP_TAG(2, 12)),
    SP_F(PA, aborted_transactions, "AbortedTransactions", SP_T_ARRAY, 4, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &aborted_desc), SP_NULL(4, SP_VMAX)),
    SP_F(PA, preferred_read_replica, "PreferredReadReplica", SP_T_INT32, 11, SP_VMAX, SP_DEF("-1")),
    SP_F(PA, records, "Records", SP_T_RECORDS, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
};
#undef PA
static SP_STRUCT_DESC(part_desc, "PartitionData", sp_fetch_resp_partition, part_fields);

#define TO sp_fetch_resp_topic
static const sp_field topic_fields[] = {
    SP_F(TO, topic, "Topic", SP_T_STRING, 0, 12),
    SP_F(TO, topic_id, "TopicId", SP_T_UUID, 13, SP_VMAX),
    SP_F(TO, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &part_desc)),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "FetchableTopicResponse", sp_fetch_resp_topic, topic_fields);

#define NE sp_fetch_node_endpoint
static const sp_field node_fields[] = {
    SP_F(NE, node_id, "NodeId", SP_T_INT32, 16, SP_VMAX),
    SP_F(NE, host, "Host", SP_T_STRING, 16, SP_VMAX),
    SP_F(NE, port, "Port", SP_T_INT32, 16, SP_VMAX),
    SP_F(NE, rack, "Rack", SP_T_STRING, 16, SP_VMAX, SP_NULL(16, SP_VMAX), SP_DEF("null")),
};
#undef NE
static SP_STRUCT_DESC(node_desc, "NodeEndpoint", sp_fetch_node_endpoint, node_fields);

#define RS sp_fetch_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 7, SP_VMAX),
    SP_F(RS, session_id, "SessionId", SP_T_INT32, 7, SP_VMAX, SP_DEF("0")),
    SP_F(RS, responses, "Responses", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_desc)),
    SP_F(RS, node_endpoints, "NodeEndpoints", SP_T_ARRAY, 16, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &node_desc), SP_TAG(0, 16)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "FetchResponse", sp_fetch_resp, resp_fields);

const sp_msg_desc sp_msg_fetch_req = {
    "FetchRequest", SP_FETCH_KEY, 4, 18, 12, &req_desc
};
const sp_msg_desc sp_msg_fetch_resp = {
    "FetchResponse", SP_FETCH_KEY, 4, 18, 12, &resp_desc
};
