/*
 * protocol/api_list.h - the Kafka APIs samsa implements, one line each,
 * sorted by key (the lookups binary-search):
 *
 *   X(key, name, vmin, vmax, flex, id)
 *
 * name is Kafka's without Request/Response; [vmin, vmax] the versions samsa
 * implements (from the oldest Kafka 4.x still accepts, KIP-896, to the
 * newest the latest 4.x broker offers); flex the first flexible version
 * (SP_VMAX: none), the same for request and response and equal to the
 * schemas' flex_min (test_api_wire checks); id names msg_<id>.h's
 * sp_msg_<id>_req and sp_msg_<id>_resp.
 *
 * Expanded twice: api.c builds the table with the schemas (sp_api_get,
 * for code that encodes any API by key: tests, tools, conformance);
 * api_wire.c builds the versions-only table that the connection layer
 * needs, which names no schema, so a program links only the schemas of
 * the messages it sends.
 */
#ifndef SP_API_LIST_H
#define SP_API_LIST_H

#include "schema.h" /* SP_VMAX */

/* clang-format off */
#define SP_API_LIST(X) \
    X(0, "Produce", 3, 13, 9, produce)                                 \
    X(1, "Fetch", 4, 18, 12, fetch)                                    \
    X(2, "ListOffsets", 1, 11, 6, list_offsets)                        \
    X(3, "Metadata", 0, 13, 9, metadata)                               \
    X(8, "OffsetCommit", 2, 10, 8, offset_commit)                      \
    X(9, "OffsetFetch", 1, 10, 6, offset_fetch)                        \
    X(10, "FindCoordinator", 0, 6, 3, find_coordinator)                \
    X(11, "JoinGroup", 0, 9, 6, join_group)                            \
    X(12, "Heartbeat", 0, 4, 4, heartbeat)                             \
    X(13, "LeaveGroup", 0, 5, 4, leave_group)                          \
    X(14, "SyncGroup", 0, 5, 4, sync_group)                            \
    X(15, "DescribeGroups", 0, 6, 5, describe_groups)                  \
    X(16, "ListGroups", 0, 5, 3, list_groups)                          \
    X(17, "SaslHandshake", 0, 1, SP_VMAX, sasl_handshake)              \
    X(18, "ApiVersions", 0, 5, 3, api_versions)                        \
    X(19, "CreateTopics", 2, 7, 5, create_topics)                      \
    X(20, "DeleteTopics", 1, 6, 4, delete_topics)                      \
    X(21, "DeleteRecords", 0, 2, 2, delete_records)                    \
    X(22, "InitProducerId", 0, 5, 2, init_producer_id)                 \
    X(23, "OffsetForLeaderEpoch", 2, 4, 4, offset_for_leader_epoch)    \
    X(24, "AddPartitionsToTxn", 0, 5, 3, add_partitions_to_txn)        \
    X(25, "AddOffsetsToTxn", 0, 4, 3, add_offsets_to_txn)              \
    X(26, "EndTxn", 0, 5, 3, end_txn)                                  \
    X(28, "TxnOffsetCommit", 0, 6, 3, txn_offset_commit)               \
    X(32, "DescribeConfigs", 1, 4, 4, describe_configs)                \
    X(36, "SaslAuthenticate", 0, 2, 2, sasl_authenticate)              \
    X(37, "CreatePartitions", 0, 3, 2, create_partitions)              \
    X(60, "DescribeCluster", 0, 2, 0, describe_cluster)                \
    X(68, "ConsumerGroupHeartbeat", 0, 1, 0, consumer_group_heartbeat) \
    X(76, "ShareGroupHeartbeat", 1, 1, 0, share_group_heartbeat)       \
    X(78, "ShareFetch", 1, 2, 0, share_fetch)                          \
    X(79, "ShareAcknowledge", 1, 2, 0, share_acknowledge)
/* clang-format on */

#endif
