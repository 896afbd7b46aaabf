/*
 * protocol/msg_delete_records.h - DeleteRecords (key 21), versions 0-2.
 *
 * Moves a partition's log start offset forward to `offset` (-1 = the high
 * watermark), deleting every record below it; sent to partition leaders.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_DELETE_RECORDS_H
#define SP_MSG_DELETE_RECORDS_H

#include "schema.h"

#define SP_DELETE_RECORDS_KEY 21

typedef struct sp_delete_records_req_partition {
    int32_t partition_index;
    int64_t offset; /* -1: up to the high watermark */
} sp_delete_records_req_partition;

typedef struct sp_delete_records_req_topic {
    sp_str name;
    SP_ARRAY(sp_delete_records_req_partition) partitions;
} sp_delete_records_req_topic;

typedef struct sp_delete_records_req {
    SP_ARRAY(sp_delete_records_req_topic) topics;
    int32_t timeout_ms;
} sp_delete_records_req;

typedef struct sp_delete_records_resp_partition {
    int32_t partition_index;
    int64_t low_watermark;
    int16_t error_code;
} sp_delete_records_resp_partition;

typedef struct sp_delete_records_resp_topic {
    sp_str name;
    SP_ARRAY(sp_delete_records_resp_partition) partitions;
} sp_delete_records_resp_topic;

typedef struct sp_delete_records_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_delete_records_resp_topic) topics;
} sp_delete_records_resp;

extern const sp_msg_desc sp_msg_delete_records_req;
extern const sp_msg_desc sp_msg_delete_records_resp;

#endif
