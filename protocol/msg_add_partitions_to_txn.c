/* protocol/msg_add_partitions_to_txn.c - AddPartitionsToTxn tables; see the header. */
#include "msg_add_partitions_to_txn.h"

/* commonStructs of the schemas */
#define TO sp_add_partitions_to_txn_topic
static const sp_field topic_fields[] = {
    SP_F(TO, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(TO, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
#undef TO
static SP_STRUCT_DESC(topic_desc, "AddPartitionsToTxnTopic", sp_add_partitions_to_txn_topic, topic_fields);

#define PR sp_add_partitions_to_txn_partition_result
static const sp_field part_result_fields[] = {
    SP_F(PR, partition_index, "PartitionIndex", SP_T_INT32, 0, SP_VMAX),
    SP_F(PR, partition_error_code, "PartitionErrorCode", SP_T_INT16, 0, SP_VMAX),
};
#undef PR
static SP_STRUCT_DESC(part_result_desc, "AddPartitionsToTxnPartitionResult",
                      sp_add_partitions_to_txn_partition_result, part_result_fields);

#define TR sp_add_partitions_to_txn_topic_result
static const sp_field topic_result_fields[] = {
    SP_F(TR, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(TR, results_by_partition, "ResultsByPartition", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &part_result_desc)),
};
#undef TR
static SP_STRUCT_DESC(topic_result_desc, "AddPartitionsToTxnTopicResult",
                      sp_add_partitions_to_txn_topic_result, topic_result_fields);

#define TX sp_add_partitions_to_txn_transaction
static const sp_field txn_fields[] = {
    SP_F(TX, transactional_id, "TransactionalId", SP_T_STRING, 4, SP_VMAX),
    SP_F(TX, producer_id, "ProducerId", SP_T_INT64, 4, SP_VMAX),
    SP_F(TX, producer_epoch, "ProducerEpoch", SP_T_INT16, 4, SP_VMAX),
    SP_F(TX, verify_only, "VerifyOnly", SP_T_BOOL, 4, SP_VMAX, SP_DEF("false")),
    SP_F(TX, topics, "Topics", SP_T_ARRAY, 4, SP_VMAX, SP_ELEM(SP_T_STRUCT, &topic_desc)),
};
#undef TX
static SP_STRUCT_DESC(txn_desc, "AddPartitionsToTxnTransaction",
                      sp_add_partitions_to_txn_transaction, txn_fields);

#define RQ sp_add_partitions_to_txn_req
static const sp_field req_fields[] = {
    SP_F(RQ, transactions, "Transactions", SP_T_ARRAY, 4, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &txn_desc)),
    SP_F(RQ, v3_and_below_transactional_id, "V3AndBelowTransactionalId", SP_T_STRING, 0, 3),
    SP_F(RQ, v3_and_below_producer_id, "V3AndBelowProducerId", SP_T_INT64, 0, 3),
    SP_F(RQ, v3_and_below_producer_epoch, "V3AndBelowProducerEpoch", SP_T_INT16, 0, 3),
    SP_F(RQ, v3_and_below_topics, "V3AndBelowTopics", SP_T_ARRAY, 0, 3,
         SP_ELEM(SP_T_STRUCT, &topic_desc)),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "AddPartitionsToTxnRequest", sp_add_partitions_to_txn_req, req_fields);

#define RE sp_add_partitions_to_txn_result
static const sp_field result_fields[] = {
    SP_F(RE, transactional_id, "TransactionalId", SP_T_STRING, 4, SP_VMAX),
    SP_F(RE, topic_results, "TopicResults", SP_T_ARRAY, 4, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &topic_result_desc)),
};
#undef RE
static SP_STRUCT_DESC(result_desc, "AddPartitionsToTxnResult", sp_add_partitions_to_txn_result, result_fields);

#define RS sp_add_partitions_to_txn_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 4, SP_VMAX),
    SP_F(RS, results_by_transaction, "ResultsByTransaction", SP_T_ARRAY, 4, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &result_desc)),
    SP_F(RS, results_by_topic_v3_and_below, "ResultsByTopicV3AndBelow", SP_T_ARRAY, 0, 3,
         SP_ELEM(SP_T_STRUCT, &topic_result_desc)),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "AddPartitionsToTxnResponse", sp_add_partitions_to_txn_resp, resp_fields);

const sp_msg_desc sp_msg_add_partitions_to_txn_req = {
    "AddPartitionsToTxnRequest", SP_ADD_PARTITIONS_TO_TXN_KEY, 0, 5, 3, &req_desc
};
const sp_msg_desc sp_msg_add_partitions_to_txn_resp = {
    "AddPartitionsToTxnResponse", SP_ADD_PARTITIONS_TO_TXN_KEY, 0, 5, 3, &resp_desc
};
