/* protocol/msg_consumer_group_heartbeat.c - ConsumerGroupHeartbeat tables; see the header. */
#include "msg_consumer_group_heartbeat.h"

#define TP sp_cgh_topic_partitions
static const sp_field tp_fields[] = {
    SP_F(TP, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(TP, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
#undef TP
static SP_STRUCT_DESC(tp_desc, "TopicPartitions", sp_cgh_topic_partitions, tp_fields);

#define RQ sp_consumer_group_heartbeat_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, member_epoch, "MemberEpoch", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, instance_id, "InstanceId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, rack_id, "RackId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, rebalance_timeout_ms, "RebalanceTimeoutMs", SP_T_INT32, 0, SP_VMAX, SP_DEF("-1")),
    SP_F(RQ, subscribed_topic_names, "SubscribedTopicNames", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRING, NULL), SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, subscribed_topic_regex, "SubscribedTopicRegex", SP_T_STRING, 1, SP_VMAX,
         SP_NULL(1, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, server_assignor, "ServerAssignor", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, topic_partitions, "TopicPartitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &tp_desc), SP_NULL(0, SP_VMAX), SP_DEF("null")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ConsumerGroupHeartbeatRequest", sp_consumer_group_heartbeat_req, req_fields);

#define AS sp_cgh_assignment
static const sp_field asg_fields[] = {
    SP_F(AS, topic_partitions, "TopicPartitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &tp_desc)),
};
#undef AS
static SP_STRUCT_DESC(asg_desc, "Assignment", sp_cgh_assignment, asg_fields);

#define RS sp_consumer_group_heartbeat_resp
static const sp_field resp_fields[] = {
    SP_F(RS, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RS, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RS, member_epoch, "MemberEpoch", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, heartbeat_interval_ms, "HeartbeatIntervalMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(RS, assignment, "Assignment", SP_T_STRUCT, 0, SP_VMAX, SP_SUB(&asg_desc),
         SP_NULL(0, SP_VMAX), SP_DEF("null")),
};
#undef RS
static SP_STRUCT_DESC(resp_desc, "ConsumerGroupHeartbeatResponse", sp_consumer_group_heartbeat_resp, resp_fields);

const sp_msg_desc sp_msg_consumer_group_heartbeat_req = {
    "ConsumerGroupHeartbeatRequest", SP_CONSUMER_GROUP_HEARTBEAT_KEY, 0, 1, 0, &req_desc
};
const sp_msg_desc sp_msg_consumer_group_heartbeat_resp = {
    "ConsumerGroupHeartbeatResponse", SP_CONSUMER_GROUP_HEARTBEAT_KEY, 0, 1, 0, &resp_desc
};
