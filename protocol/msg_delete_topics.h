/*
 * protocol/msg_delete_topics.h - DeleteTopics (key 20), versions 1-6.
 *
 * Deletes topics by name (v1-5: TopicNames) or by name or id (v6+:
 * Topics, each with a nullable name and a topic id; a zero id means "by
 * name").
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_DELETE_TOPICS_H
#define SP_MSG_DELETE_TOPICS_H

#include "schema.h"

#define SP_DELETE_TOPICS_KEY 20

typedef struct sp_delete_topics_state {
    sp_str name;      /* nullable, default null */
    sp_uuid topic_id;
} sp_delete_topics_state;

typedef struct sp_delete_topics_req {
    SP_ARRAY(sp_delete_topics_state) topics; /* v6+ */
    SP_ARRAY(sp_str) topic_names;            /* v0-5 */
    int32_t timeout_ms;
} sp_delete_topics_req;

typedef struct sp_delete_topics_result {
    sp_str name;          /* nullable v6+ */
    sp_uuid topic_id;     /* v6+ */
    int16_t error_code;
    sp_str error_message; /* v5+, nullable */
} sp_delete_topics_result;

typedef struct sp_delete_topics_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_delete_topics_result) responses;
} sp_delete_topics_resp;

extern const sp_msg_desc sp_msg_delete_topics_req;
extern const sp_msg_desc sp_msg_delete_topics_resp;

#endif
