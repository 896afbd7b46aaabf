/*
 * protocol/msg_offset_fetch.h - OffsetFetch (key 9), versions 1-10.
 *
 * Reads a group's committed offsets from its coordinator. v1-7 ask for one
 * group (GroupId + Topics, null Topics = all, v2+); v8+ is the multi-group
 * form (KIP-709: Groups, each with its own topics and error code); v9+
 * carries the KIP-848 member id and epoch; v10 names topics by id.
 * RequireStable (v7+) makes the broker answer UNSTABLE_OFFSET_COMMIT while
 * a transaction on the partition is pending.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_OFFSET_FETCH_H
#define SP_MSG_OFFSET_FETCH_H

#include "schema.h"

#define SP_OFFSET_FETCH_KEY 9

/* v1-7 single-group form */
typedef struct sp_offset_fetch_req_topic {
    sp_str name;
    SP_ARRAY(int32_t) partition_indexes;
} sp_offset_fetch_req_topic;

/* v8+ multi-group form */
typedef struct sp_offset_fetch_req_group_topic {
    sp_str name;      /* v8-9 */
    sp_uuid topic_id; /* v10+ */
    SP_ARRAY(int32_t) partition_indexes;
} sp_offset_fetch_req_group_topic;

typedef struct sp_offset_fetch_req_group {
    sp_str group_id;
    sp_str member_id;     /* v9+, nullable, default null */
    int32_t member_epoch; /* v9+, default -1 */
    SP_ARRAY(sp_offset_fetch_req_group_topic) topics; /* nullable: all */
} sp_offset_fetch_req_group;

typedef struct sp_offset_fetch_req {
    sp_str group_id;                            /* v0-7 */
    SP_ARRAY(sp_offset_fetch_req_topic) topics; /* v0-7, nullable v2-7 */
    SP_ARRAY(sp_offset_fetch_req_group) groups; /* v8+ */
    bool require_stable;                        /* v7+ */
} sp_offset_fetch_req;

typedef struct sp_offset_fetch_resp_partition {
    int32_t partition_index;
    int64_t committed_offset;
    int32_t committed_leader_epoch; /* v5+, default -1 */
    sp_str metadata;                /* nullable */
    int16_t error_code;
} sp_offset_fetch_resp_partition;

typedef struct sp_offset_fetch_resp_topic {
    sp_str name;
    SP_ARRAY(sp_offset_fetch_resp_partition) partitions;
} sp_offset_fetch_resp_topic;

typedef struct sp_offset_fetch_resp_group_topic {
    sp_str name;      /* v8-9 */
    sp_uuid topic_id; /* v10+ */
    SP_ARRAY(sp_offset_fetch_resp_partition) partitions;
} sp_offset_fetch_resp_group_topic;

typedef struct sp_offset_fetch_resp_group {
    sp_str group_id;
    SP_ARRAY(sp_offset_fetch_resp_group_topic) topics;
    int16_t error_code;
} sp_offset_fetch_resp_group;

typedef struct sp_offset_fetch_resp {
    int32_t throttle_time_ms;                    /* v3+ */
    SP_ARRAY(sp_offset_fetch_resp_topic) topics; /* v0-7 */
    int16_t error_code;                          /* v2-7 */
    SP_ARRAY(sp_offset_fetch_resp_group) groups; /* v8+ */
} sp_offset_fetch_resp;

extern const sp_msg_desc sp_msg_offset_fetch_req;
extern const sp_msg_desc sp_msg_offset_fetch_resp;

#endif
