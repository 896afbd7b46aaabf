/*
 * protocol/msg_leave_group.h - LeaveGroup (key 13), v0-5.
 *
 * A classic-protocol member leaves its group so the rebalance starts at
 * once. v0-2 name one member; v3+ (KIP-345) name a batch of members, by
 * member id or by static group instance id, with a result per member; v5
 * adds a reason per member (KIP-800).
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer and its arrays
 * come from the caller's arena (one free).
 */
#ifndef SP_MSG_LEAVE_GROUP_H
#define SP_MSG_LEAVE_GROUP_H

#include "schema.h"

#define SP_LEAVE_GROUP_KEY 13

typedef struct sp_leave_group_member {
    sp_str member_id;
    sp_str group_instance_id; /* nullable, default null */
    sp_str reason;            /* v5+, nullable, default null */
} sp_leave_group_member;

typedef struct sp_leave_group_req {
    sp_str group_id;
    sp_str member_id;                         /* v0-2 */
    SP_ARRAY(sp_leave_group_member) members;  /* v3+ */
} sp_leave_group_req;

typedef struct sp_leave_group_member_resp {
    sp_str member_id;
    sp_str group_instance_id; /* nullable */
    int16_t error_code;
} sp_leave_group_member_resp;

typedef struct sp_leave_group_resp {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    SP_ARRAY(sp_leave_group_member_resp) members; /* v3+ */
} sp_leave_group_resp;

extern const sp_msg_desc sp_msg_leave_group_req;
extern const sp_msg_desc sp_msg_leave_group_resp;

#endif
