/*
 * protocol/msg_sync_group.h - SyncGroup (key 14), v0-5.
 *
 * Second step of the classic group protocol: the leader sends one
 * assignment per member (for consumers a ConsumerProtocolAssignment, see
 * msg_consumer_protocol.h), everyone else sends none, and each member gets
 * its own assignment back. v3 adds static membership, v5 echoes the
 * protocol type and name so the broker can check them (KIP-559).
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings and bytes are views into the response buffer.
 */
#ifndef SP_MSG_SYNC_GROUP_H
#define SP_MSG_SYNC_GROUP_H

#include "schema.h"

#define SP_SYNC_GROUP_KEY 14

typedef struct sp_sync_group_assignment {
    sp_str member_id;
    sp_bytes assignment;
} sp_sync_group_assignment;

typedef struct sp_sync_group_req {
    sp_str group_id;
    int32_t generation_id;
    sp_str member_id;
    sp_str group_instance_id; /* v3+, nullable, default null */
    sp_str protocol_type;     /* v5+, nullable, default null */
    sp_str protocol_name;     /* v5+, nullable, default null */
    SP_ARRAY(sp_sync_group_assignment) assignments; /* leader only */
} sp_sync_group_req;

typedef struct sp_sync_group_resp {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    sp_str protocol_type;     /* v5+, nullable */
    sp_str protocol_name;     /* v5+, nullable */
    sp_bytes assignment;
} sp_sync_group_resp;

extern const sp_msg_desc sp_msg_sync_group_req;
extern const sp_msg_desc sp_msg_sync_group_resp;

#endif
