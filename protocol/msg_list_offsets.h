/*
 * protocol/msg_list_offsets.h - ListOffsets (key 2), versions 1-11.
 *
 * Looks up offsets by timestamp: -1 latest, -2 earliest, -3 max timestamp
 * (v7+), -4 earliest local (v8+), -5 latest tiered (v9+), -6 earliest
 * pending upload (v11), or a real timestamp. v2+ takes an isolation level
 * (the latest offset is the LSO under read_committed); v4+ checks the
 * current leader epoch and returns the offset's leader epoch; v10+ has a
 * timeout for tiered-storage lookups.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_LIST_OFFSETS_H
#define SP_MSG_LIST_OFFSETS_H

#include "schema.h"

#define SP_LIST_OFFSETS_KEY 2

typedef struct sp_list_offsets_req_partition {
    int32_t partition_index;
    int32_t current_leader_epoch; /* v4+, default -1 */
    int64_t timestamp;
} sp_list_offsets_req_partition;

typedef struct sp_list_offsets_req_topic {
    sp_str name;
    SP_ARRAY(sp_list_offsets_req_partition) partitions;
} sp_list_offsets_req_topic;

typedef struct sp_list_offsets_req {
    int32_t replica_id;     /* -1 for consumers */
    int8_t isolation_level; /* v2+ */
    SP_ARRAY(sp_list_offsets_req_topic) topics;
    int32_t timeout_ms;     /* v10+ */
} sp_list_offsets_req;

typedef struct sp_list_offsets_resp_partition {
    int32_t partition_index;
    int16_t error_code;
    int64_t timestamp;    /* default -1 */
    int64_t offset;       /* default -1 */
    int32_t leader_epoch; /* v4+, default -1 */
} sp_list_offsets_resp_partition;

typedef struct sp_list_offsets_resp_topic {
    sp_str name;
    SP_ARRAY(sp_list_offsets_resp_partition) partitions;
} sp_list_offsets_resp_topic;

typedef struct sp_list_offsets_resp {
    int32_t throttle_time_ms; /* v2+ */
    SP_ARRAY(sp_list_offsets_resp_topic) topics;
} sp_list_offsets_resp;

extern const sp_msg_desc sp_msg_list_offsets_req;
extern const sp_msg_desc sp_msg_list_offsets_resp;

#endif
