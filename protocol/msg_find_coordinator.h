/*
 * protocol/msg_find_coordinator.h - FindCoordinator (key 10), v0-6.
 *
 * Asks any broker which broker coordinates a group (key type 0), a
 * transactional id (1) or a share group (2). v0-3 ask for one key and get
 * one answer at the top level; v4+ (KIP-699) ask for several keys at once
 * and get one Coordinator entry per key. v6 adds share-group keys
 * ("group:topic_id:partition", KIP-932).
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer and its arrays
 * come from the caller's arena (one free).
 */
#ifndef SP_MSG_FIND_COORDINATOR_H
#define SP_MSG_FIND_COORDINATOR_H

#include "schema.h"

#define SP_FIND_COORDINATOR_KEY 10

/* KeyType values */
#define SP_COORDINATOR_GROUP 0
#define SP_COORDINATOR_TRANSACTION 1
#define SP_COORDINATOR_SHARE 2

typedef struct sp_find_coordinator_req {
    sp_str key;                        /* v0-3 */
    int8_t key_type;                   /* v1+ */
    SP_ARRAY(sp_str) coordinator_keys; /* v4+ */
} sp_find_coordinator_req;

typedef struct sp_find_coordinator_coordinator {
    sp_str key;
    int32_t node_id;
    sp_str host;
    int32_t port;
    int16_t error_code;
    sp_str error_message; /* nullable */
} sp_find_coordinator_coordinator;

typedef struct sp_find_coordinator_resp {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;       /* v0-3 */
    sp_str error_message;     /* v1-3, nullable */
    int32_t node_id;          /* v0-3 */
    sp_str host;              /* v0-3 */
    int32_t port;             /* v0-3 */
    SP_ARRAY(sp_find_coordinator_coordinator) coordinators; /* v4+ */
} sp_find_coordinator_resp;

extern const sp_msg_desc sp_msg_find_coordinator_req;
extern const sp_msg_desc sp_msg_find_coordinator_resp;

#endif
