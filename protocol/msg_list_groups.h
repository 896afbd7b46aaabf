/*
 * protocol/msg_list_groups.h - ListGroups (key 16), v0-5.
 *
 * The groups a broker coordinates. v4 filters by state and reports it
 * (KIP-518), v5 filters by type and reports it ("classic", "consumer",
 * "share", KIP-848).
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer and its arrays
 * come from the caller's arena (one free).
 */
#ifndef SP_MSG_LIST_GROUPS_H
#define SP_MSG_LIST_GROUPS_H

#include "schema.h"

#define SP_LIST_GROUPS_KEY 16

typedef struct sp_list_groups_req {
    SP_ARRAY(sp_str) states_filter; /* v4+, empty = all */
    SP_ARRAY(sp_str) types_filter;  /* v5+, empty = all */
} sp_list_groups_req;

typedef struct sp_listed_group {
    sp_str group_id;
    sp_str protocol_type;
    sp_str group_state; /* v4+ */
    sp_str group_type;  /* v5+ */
} sp_listed_group;

typedef struct sp_list_groups_resp {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    SP_ARRAY(sp_listed_group) groups;
} sp_list_groups_resp;

extern const sp_msg_desc sp_msg_list_groups_req;
extern const sp_msg_desc sp_msg_list_groups_resp;

#endif
