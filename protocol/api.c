/* protocol/api.c - the API table; see api.h. */
#include "api.h"
#include "samsa/error.h"

#include "msg_api_versions.h"
/* One line per API; a line is uncommented when its tables exist. */
#include "msg_produce.h"
#include "msg_fetch.h"
#include "msg_list_offsets.h"
#include "msg_metadata.h"
#include "msg_offset_commit.h"
#include "msg_offset_fetch.h"
#include "msg_find_coordinator.h"
#include "msg_join_group.h"
#include "msg_heartbeat.h"
#include "msg_leave_group.h"
#include "msg_sync_group.h"
#include "msg_describe_groups.h"
#include "msg_list_groups.h"
#include "msg_sasl_handshake.h"
#include "msg_create_topics.h"
#include "msg_delete_topics.h"
#include "msg_delete_records.h"
#include "msg_init_producer_id.h"
#include "msg_offset_for_leader_epoch.h"
#include "msg_add_partitions_to_txn.h"
#include "msg_add_offsets_to_txn.h"
#include "msg_end_txn.h"
#include "msg_txn_offset_commit.h"
#include "msg_describe_configs.h"
#include "msg_sasl_authenticate.h"
#include "msg_create_partitions.h"
#include "msg_describe_cluster.h"
#include "msg_consumer_group_heartbeat.h"
#include "msg_share_group_heartbeat.h"
#include "msg_share_fetch.h"
#include "msg_share_acknowledge.h"

#define API(key, name, lo, hi, req, resp) { key, name, lo, hi, req, resp }

/* Sorted by key; sp_api_get relies on it. */
static const sp_api apis[] = {
    API(0, "Produce", 3, 13, &sp_msg_produce_req, &sp_msg_produce_resp),
    API(1, "Fetch", 4, 18, &sp_msg_fetch_req, &sp_msg_fetch_resp),
    API(2, "ListOffsets", 1, 11, &sp_msg_list_offsets_req, &sp_msg_list_offsets_resp),
    API(3, "Metadata", 0, 13, &sp_msg_metadata_req, &sp_msg_metadata_resp),
    API(8, "OffsetCommit", 2, 10, &sp_msg_offset_commit_req, &sp_msg_offset_commit_resp),
    API(9, "OffsetFetch", 1, 10, &sp_msg_offset_fetch_req, &sp_msg_offset_fetch_resp),
    API(10, "FindCoordinator", 0, 6, &sp_msg_find_coordinator_req, &sp_msg_find_coordinator_resp),
    API(11, "JoinGroup", 0, 9, &sp_msg_join_group_req, &sp_msg_join_group_resp),
    API(12, "Heartbeat", 0, 4, &sp_msg_heartbeat_req, &sp_msg_heartbeat_resp),
    API(13, "LeaveGroup", 0, 5, &sp_msg_leave_group_req, &sp_msg_leave_group_resp),
    API(14, "SyncGroup", 0, 5, &sp_msg_sync_group_req, &sp_msg_sync_group_resp),
    API(15, "DescribeGroups", 0, 6, &sp_msg_describe_groups_req, &sp_msg_describe_groups_resp),
    API(16, "ListGroups", 0, 5, &sp_msg_list_groups_req, &sp_msg_list_groups_resp),
    API(17, "SaslHandshake", 0, 1, &sp_msg_sasl_handshake_req, &sp_msg_sasl_handshake_resp),
    API(18, "ApiVersions", 0, 5, &sp_msg_api_versions_req, &sp_msg_api_versions_resp),
    API(19, "CreateTopics", 2, 7, &sp_msg_create_topics_req, &sp_msg_create_topics_resp),
    API(20, "DeleteTopics", 1, 6, &sp_msg_delete_topics_req, &sp_msg_delete_topics_resp),
    API(21, "DeleteRecords", 0, 2, &sp_msg_delete_records_req, &sp_msg_delete_records_resp),
    API(22, "InitProducerId", 0, 5, &sp_msg_init_producer_id_req, &sp_msg_init_producer_id_resp),
    API(23, "OffsetForLeaderEpoch", 2, 4, &sp_msg_offset_for_leader_epoch_req, &sp_msg_offset_for_leader_epoch_resp),
    API(24, "AddPartitionsToTxn", 0, 5, &sp_msg_add_partitions_to_txn_req, &sp_msg_add_partitions_to_txn_resp),
    API(25, "AddOffsetsToTxn", 0, 4, &sp_msg_add_offsets_to_txn_req, &sp_msg_add_offsets_to_txn_resp),
    API(26, "EndTxn", 0, 5, &sp_msg_end_txn_req, &sp_msg_end_txn_resp),
    API(28, "TxnOffsetCommit", 0, 6, &sp_msg_txn_offset_commit_req, &sp_msg_txn_offset_commit_resp),
    API(32, "DescribeConfigs", 1, 4, &sp_msg_describe_configs_req, &sp_msg_describe_configs_resp),
    API(36, "SaslAuthenticate", 0, 2, &sp_msg_sasl_authenticate_req, &sp_msg_sasl_authenticate_resp),
    API(37, "CreatePartitions", 0, 3, &sp_msg_create_partitions_req, &sp_msg_create_partitions_resp),
    API(60, "DescribeCluster", 0, 2, &sp_msg_describe_cluster_req, &sp_msg_describe_cluster_resp),
    API(68, "ConsumerGroupHeartbeat", 0, 1, &sp_msg_consumer_group_heartbeat_req, &sp_msg_consumer_group_heartbeat_resp),
    API(76, "ShareGroupHeartbeat", 1, 1, &sp_msg_share_group_heartbeat_req, &sp_msg_share_group_heartbeat_resp),
    API(78, "ShareFetch", 1, 2, &sp_msg_share_fetch_req, &sp_msg_share_fetch_resp),
    API(79, "ShareAcknowledge", 1, 2, &sp_msg_share_acknowledge_req, &sp_msg_share_acknowledge_resp),
};

#define NAPIS (sizeof apis / sizeof apis[0])

const sp_api *sp_api_get(int16_t key)
{
    size_t lo = 0, hi = NAPIS;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (apis[mid].key == key)
            return &apis[mid];
        if (apis[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const sp_api *sp_api_at(size_t i)
{
    return i < NAPIS ? &apis[i] : NULL;
}

int sp_api_pick_version(int16_t key, int16_t broker_min, int16_t broker_max,
                        int16_t *out)
{
    const sp_api *a = sp_api_get(key);
    int16_t lo, hi;

    if (!a)
        return SAMSA_ERR_NOT_SUPPORTED;
    lo = a->vmin > broker_min ? a->vmin : broker_min;
    hi = a->vmax < broker_max ? a->vmax : broker_max;
    if (lo > hi)
        return SAMSA_ERR_NO_COMMON_VERSION;
    *out = hi;
    return 0;
}

int sp_api_request_header_version(int16_t key, int16_t version)
{
    const sp_api *a = sp_api_get(key);

    if (a && a->req && version >= a->req->flex_min)
        return 2;
    return 1;
}

int sp_api_response_header_version(int16_t key, int16_t version)
{
    const sp_api *a = sp_api_get(key);

    if (key == 18) /* ApiVersions answers with header v0 in every version */
        return 0;
    if (a && a->resp && version >= a->resp->flex_min)
        return 1;
    return 0;
}
