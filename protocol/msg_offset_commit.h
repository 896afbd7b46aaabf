/*
 * protocol/msg_offset_commit.h - OffsetCommit (key 8), versions 2-10.
 *
 * Commits consumed offsets for a group to its coordinator. Simple
 * (group-less) commits use generation -1 and an empty member id; group
 * members pass their generation (classic) or member epoch (KIP-848).
 * v2-4 carry a retention time (-1 = broker default); v6+ the leader epoch
 * of the committed offset; v7+ the static member's instance id; v10 names
 * topics by id.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_OFFSET_COMMIT_H
#define SP_MSG_OFFSET_COMMIT_H

#include "schema.h"

#define SP_OFFSET_COMMIT_KEY 8

typedef struct sp_offset_commit_req_partition {
    int32_t partition_index;
    int64_t committed_offset;
    int32_t committed_leader_epoch; /* v6+, default -1 */
    sp_str committed_metadata;      /* nullable */
} sp_offset_commit_req_partition;

typedef struct sp_offset_commit_req_topic {
    sp_str name;      /* v0-9 */
    sp_uuid topic_id; /* v10+ */
    SP_ARRAY(sp_offset_commit_req_partition) partitions;
} sp_offset_commit_req_topic;

typedef struct sp_offset_commit_req {
    sp_str group_id;
    int32_t generation_id_or_member_epoch; /* default -1 */
    sp_str member_id;
    sp_str group_instance_id;   /* v7+, nullable, default null */
    int64_t retention_time_ms;  /* v2-4, default -1 */
    SP_ARRAY(sp_offset_commit_req_topic) topics;
} sp_offset_commit_req;

typedef struct sp_offset_commit_resp_partition {
    int32_t partition_index;
    int16_t error_code;
} sp_offset_commit_resp_partition;

typedef struct sp_offset_commit_resp_topic {
    sp_str name;      /* v0-9 */
    sp_uuid topic_id; /* v10+ */
    SP_ARRAY(sp_offset_commit_resp_partition) partitions;
} sp_offset_commit_resp_topic;

typedef struct sp_offset_commit_resp {
    int32_t throttle_time_ms; /* v3+ */
    SP_ARRAY(sp_offset_commit_resp_topic) topics;
} sp_offset_commit_resp;

extern const sp_msg_desc sp_msg_offset_commit_req;
extern const sp_msg_desc sp_msg_offset_commit_resp;

#endif
