/*
 * protocol/msg_create_partitions.h - CreatePartitions (key 37), versions 0-3.
 *
 * Raises a topic's partition count to `count`, optionally with a replica
 * assignment for each new partition (null = let the controller place
 * them); validate_only checks without changing anything.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_CREATE_PARTITIONS_H
#define SP_MSG_CREATE_PARTITIONS_H

#include "schema.h"

#define SP_CREATE_PARTITIONS_KEY 37

typedef struct sp_create_partitions_assignment {
    SP_ARRAY(int32_t) broker_ids;
} sp_create_partitions_assignment;

typedef struct sp_create_partitions_topic {
    sp_str name;
    int32_t count;
    SP_ARRAY(sp_create_partitions_assignment) assignments; /* nullable */
} sp_create_partitions_topic;

typedef struct sp_create_partitions_req {
    SP_ARRAY(sp_create_partitions_topic) topics;
    int32_t timeout_ms;
    bool validate_only;
} sp_create_partitions_req;

typedef struct sp_create_partitions_result {
    sp_str name;
    int16_t error_code;
    sp_str error_message; /* nullable */
} sp_create_partitions_result;

typedef struct sp_create_partitions_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_create_partitions_result) results;
} sp_create_partitions_resp;

extern const sp_msg_desc sp_msg_create_partitions_req;
extern const sp_msg_desc sp_msg_create_partitions_resp;

#endif
