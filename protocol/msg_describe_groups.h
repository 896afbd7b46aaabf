/*
 * protocol/msg_describe_groups.h - DescribeGroups (key 15), v0-6.
 *
 * State, protocol and members (with their metadata and assignment bytes)
 * of classic groups. v3 can ask for the authorized operations, v4 adds
 * static instance ids, v6 a per-group error message (KIP-1043).
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings and bytes are views into the response buffer and its
 * arrays come from the caller's arena (one free).
 */
#ifndef SP_MSG_DESCRIBE_GROUPS_H
#define SP_MSG_DESCRIBE_GROUPS_H

#include "schema.h"

#define SP_DESCRIBE_GROUPS_KEY 15

typedef struct sp_describe_groups_req {
    SP_ARRAY(sp_str) groups;
    bool include_authorized_operations; /* v3+ */
} sp_describe_groups_req;

typedef struct sp_described_group_member {
    sp_str member_id;
    sp_str group_instance_id; /* v4+, nullable */
    sp_str client_id;
    sp_str client_host;
    sp_bytes member_metadata;   /* ConsumerProtocolSubscription for consumers */
    sp_bytes member_assignment; /* ConsumerProtocolAssignment for consumers */
} sp_described_group_member;

typedef struct sp_described_group {
    int16_t error_code;
    sp_str error_message;  /* v6+, nullable */
    sp_str group_id;
    sp_str group_state;    /* "Stable", "Empty", "Dead", ... */
    sp_str protocol_type;
    sp_str protocol_data;  /* the chosen protocol (assignor) name */
    SP_ARRAY(sp_described_group_member) members;
    int32_t authorized_operations; /* v3+, default INT32_MIN */
} sp_described_group;

typedef struct sp_describe_groups_resp {
    int32_t throttle_time_ms; /* v1+ */
    SP_ARRAY(sp_described_group) groups;
} sp_describe_groups_resp;

extern const sp_msg_desc sp_msg_describe_groups_req;
extern const sp_msg_desc sp_msg_describe_groups_resp;

#endif
