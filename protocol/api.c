/* protocol/api.c - the API table with its schemas; see api.h. The
 * version and header queries are in api_wire.c, which names no schema. */
#include "api.h"
#include "api_list.h"
#include "samsa/error.h"

#include "msg_api_versions.h"
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

#define API(key, name, lo, hi, flex, id) \
    { key, name, lo, hi, &sp_msg_##id##_req, &sp_msg_##id##_resp },

/* The same list in the same order as api_wire.c's table, so an index
 * there is an index here. */
static const sp_api apis[] = { SP_API_LIST(API) };

#define NAPIS (sizeof apis / sizeof apis[0])

const sp_api *sp_api_get(int16_t key)
{
    int i = sp_api_index(key);

    return i < 0 ? NULL : &apis[i];
}

const sp_api *sp_api_at(size_t i)
{
    return i < NAPIS ? &apis[i] : NULL;
}
