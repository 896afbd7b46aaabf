/* protocol/msg_delete_topics.c - DeleteTopics (key 20) schema tables; see msg_delete_topics.h. */
#include "msg_delete_topics.h"

static const sp_field state_fields[] = {
    SP_F(sp_delete_topics_state, name, "Name", SP_T_STRING, 6, SP_VMAX,
         SP_NULL(6, SP_VMAX), SP_DEF("null")),
    SP_F(sp_delete_topics_state, topic_id, "TopicId", SP_T_UUID, 6, SP_VMAX),
};
static SP_STRUCT_DESC(state_desc, "DeleteTopicState", sp_delete_topics_state, state_fields);

static const sp_field req_fields[] = {
    SP_F(sp_delete_topics_req, topics, "Topics", SP_T_ARRAY, 6, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &state_desc)),
    SP_F(sp_delete_topics_req, topic_names, "TopicNames", SP_T_ARRAY, 0, 5,
         SP_ELEM(SP_T_STRING, NULL)),
    SP_F(sp_delete_topics_req, timeout_ms, "TimeoutMs", SP_T_INT32, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_desc, "DeleteTopicsRequest", sp_delete_topics_req, req_fields);

#define RE sp_delete_topics_result
static const sp_field result_fields[] = {
    SP_F(RE, name, "Name", SP_T_STRING, 0, SP_VMAX, SP_NULL(6, SP_VMAX)),
    SP_F(RE, topic_id, "TopicId", SP_T_UUID, 6, SP_VMAX),
    SP_F(RE, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RE, error_message, "ErrorMessage", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
};
#undef RE
static SP_STRUCT_DESC(result_desc, "DeletableTopicResult", sp_delete_topics_result, result_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_delete_topics_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(sp_delete_topics_resp, responses, "Responses", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &result_desc)),
};
static SP_STRUCT_DESC(resp_desc, "DeleteTopicsResponse", sp_delete_topics_resp, resp_fields);

const sp_msg_desc sp_msg_delete_topics_req = {
    "DeleteTopicsRequest", SP_DELETE_TOPICS_KEY, 1, 6, 4, &req_desc
};
const sp_msg_desc sp_msg_delete_topics_resp = {
    "DeleteTopicsResponse", SP_DELETE_TOPICS_KEY, 1, 6, 4, &resp_desc
};
