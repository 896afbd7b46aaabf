/*
 * protocol/msg_heartbeat.h - Heartbeat (key 12), v0-4.
 *
 * Keeps a classic-protocol member alive between JoinGroup/SyncGroup
 * rounds; REBALANCE_IN_PROGRESS in the answer tells it to rejoin. v3 adds
 * static membership.
 *
 * Ownership: requests are read only during sp_schema_encode; responses are
 * plain values.
 */
#ifndef SP_MSG_HEARTBEAT_H
#define SP_MSG_HEARTBEAT_H

#include "schema.h"

#define SP_HEARTBEAT_KEY 12

typedef struct sp_heartbeat_req {
    sp_str group_id;
    int32_t generation_id;
    sp_str member_id;
    sp_str group_instance_id; /* v3+, nullable, default null */
} sp_heartbeat_req;

typedef struct sp_heartbeat_resp {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
} sp_heartbeat_resp;

extern const sp_msg_desc sp_msg_heartbeat_req;
extern const sp_msg_desc sp_msg_heartbeat_resp;

#endif
