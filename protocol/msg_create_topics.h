/*
 * protocol/msg_create_topics.h - CreateTopics (key 19), versions 2-7.
 *
 * Creates topics with a partition count and replication factor (-1 for the
 * broker defaults, v4+) or a manual assignment, plus topic configs;
 * validate_only checks without creating. v5+ answers with the resulting
 * partition count, replication factor and configs; v7+ with the topic id.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_CREATE_TOPICS_H
#define SP_MSG_CREATE_TOPICS_H

#include "schema.h"

#define SP_CREATE_TOPICS_KEY 19

typedef struct sp_create_topics_assignment {
    int32_t partition_index;
    SP_ARRAY(int32_t) broker_ids;
} sp_create_topics_assignment;

typedef struct sp_create_topics_config {
    sp_str name;
    sp_str value; /* nullable */
} sp_create_topics_config;

typedef struct sp_create_topics_topic {
    sp_str name;
    int32_t num_partitions;     /* -1: default or manual assignment */
    int16_t replication_factor; /* -1: default or manual assignment */
    SP_ARRAY(sp_create_topics_assignment) assignments;
    SP_ARRAY(sp_create_topics_config) configs;
} sp_create_topics_topic;

typedef struct sp_create_topics_req {
    SP_ARRAY(sp_create_topics_topic) topics;
    int32_t timeout_ms; /* default 60000 */
    bool validate_only;
} sp_create_topics_req;

typedef struct sp_create_topics_result_config {
    sp_str name;
    sp_str value; /* nullable */
    bool read_only;
    int8_t config_source; /* default -1 */
    bool is_sensitive;
} sp_create_topics_result_config;

typedef struct sp_create_topics_result {
    sp_str name;
    sp_uuid topic_id;           /* v7+ */
    int16_t error_code;
    sp_str error_message;       /* nullable */
    int16_t topic_config_error_code; /* v5+, tag 0 */
    int32_t num_partitions;     /* v5+, default -1 */
    int16_t replication_factor; /* v5+, default -1 */
    SP_ARRAY(sp_create_topics_result_config) configs; /* v5+, nullable */
} sp_create_topics_result;

typedef struct sp_create_topics_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_create_topics_result) topics;
} sp_create_topics_resp;

extern const sp_msg_desc sp_msg_create_topics_req;
extern const sp_msg_desc sp_msg_create_topics_resp;

#endif
