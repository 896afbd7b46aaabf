/* protocol/msg_txn_offset_commit.c - TxnOffsetCommit tables; see the header. */
#include "msg_txn_offset_commit.h"

#define QP sp_txn_offset_commit_req_partition
static const sp_field req_part_fields[] = {
    SP_F(QP, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(QP, committed_offset, "CommittedOffset", SP_T_INT64, 0, SP_VMAX),
    SP_F(QP, committed_leader_epoch, "CommittedLeaderEpoch", SP_T_INT32, 2, SP_VMAX, SP_DEF("-1")),
    SP_F(QP, committed_metadata, "CommittedMetadata", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
};
#undef QP
static SP_STRUCT_DESC(req_part_desc, "TxnOffsetCommitRequestPartition",
                      sp_txn_offset_commit_req_partition, req_part_fields);

#define QT sp_txn_offset_commit_req_topic
static const sp_field req_topic_fields[] = {
    SP_F(QT, name, "Name", SP_T_STRING, 0, 5),
    SP_F(QT, topic_id, "TopicId", SP_T_UUID, 6, SP_VMAX),
    SP_F(QT, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_part_desc)),
};
#undef QT
static SP_STRUCT_DESC(req_topic_desc, "TxnOffsetCommitRequestTopic",
                      sp_txn_offset_commit_req_topic, req_topic_fields);

#define RQ sp_txn_offset_commit_req
static const sp_field req_fields[] = {
    SP_F(RQ, transactional_id, "TransactionalId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, producer_id, "ProducerId", SP_T_INT64, 0, SP_VMAX),
    SP_F(RQ, producer_epoch, "ProducerEpoch", SP_T_INT16, 0, SP_VMAX),
    SP_F(RQ, generation_id_or_member_epoch, "GenerationIdOrMemberEpoch", SP_T_INT32, 3, SP_VMAX,
         SP_DEF("-1")),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 3, SP_VMAX, SP_DEF("")),
    SP_F(RQ, group_instance_id, "GroupInstanceId", SP_T_STRING, 3, SP_VMAX,
         SP_NULL(3, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &req_topic_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "TxnOffsetCommitRequest", sp_txn_offset_commit_req, req_fields);

#define SP sp_txn_offset_commit_resp_partition
static const sp_field resp_part_fields[] = {
    SP_F(SP, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(SP, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
};
#undef SP
static SP_STRUCT_DESC(resp_part_desc, "TxnOffsetCommitResponsePartition",
                      sp_txn_offset_commit_resp_partition, resp_part_fields);

#define ST sp_txn_offset_commit_resp_topic
static const sp_field resp_topic_fields[] = {
    SP_F(ST, name, "Name", SP_T_STRING, 0, 5),
    SP_F(ST, topic_id, "TopicId", SP_T_UUID, 6, SP_VMAX),
    SP_F(ST, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &resp_part_desc)),
};
#undef ST
static SP_STRUCT_DESC(resp_topic_desc, "TxnOffsetCommitResponseTopic",
                      sp_txn_offset_commit_resp_topic, resp_topic_fields);

#define RS sp_txn_offset_commit_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &resp_topic_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "TxnOffsetCommitResponse", sp_txn_offset_commit_resp, resp_fields);

const sp_msg_desc sp_msg_txn_offset_commit_req = {
    "TxnOffsetCommitRequest", SP_TXN_OFFSET_COMMIT_KEY, 0, 6, 3, &req_desc
};
const sp_msg_desc sp_msg_txn_offset_commit_resp = {
    "TxnOffsetCommitResponse", SP_TXN_OFFSET_COMMIT_KEY, 0, 6, 3, &resp_desc
};
