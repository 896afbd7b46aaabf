/* protocol/msg_share_group_heartbeat.c - ShareGroupHeartbeat tables; see the header. */
#include "msg_share_group_heartbeat.h"

/* The schema's field versions still say "0+" (v0 is gone, v1 is the only
 * valid version); the tables copy the schema. */
#define TP sp_sgh_topic_partitions
static const sp_field tp_fields[] = {
    SP_F(TP, topic_id, "TopicId", SP_T_UUID, 0, SP_VMAX),
    SP_F(TP, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
#undef TP
static SP_STRUCT_DESC(tp_desc, "TopicPartitions", sp_sgh_topic_partitions, tp_fields);

#define RQ sp_share_group_heartbeat_req
static const sp_field req_fields[] = {
    SP_F(RQ, group_id, "GroupId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, member_id, "MemberId", SP_T_STRING, 0, SP_VMAX),
    SP_F(RQ, member_epoch, "MemberEpoch", SP_T_INT32, 0, SP_VMAX),
    SP_F(RQ, rack_id, "RackId", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(RQ, subscribed_topic_names, "SubscribedTopicNames", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRING, NULL), SP_NULL(0, SP_VMAX), SP_DEF("null")),
};
#undef RQ
static SP_STRUCT_DESC(req_desc, "ShareGroupHeartbeatRequest", sp_share_group_heartbeat_req, req_fields);

#define AS sp_sgh_assignment
static const sp_field asg_fields[] = {
    SP_F(AS, topic_partitions, "TopicPartitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &tp_desc)),
};
#undef AS
static SP_STRUCT_DESC(asg_desc, "Assignment", sp_sgh_assignment, asg_fields);

#define RS sp_share_group_heartbeat_resp
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
static SP_STRUCT_DESC(resp_desc, "ShareGroupHeartbeatResponse", sp_share_group_heartbeat_resp, resp_fields);

const sp_msg_desc sp_msg_share_group_heartbeat_req = {
    "ShareGroupHeartbeatRequest", SP_SHARE_GROUP_HEARTBEAT_KEY, 1, 1, 0, &req_desc
};
const sp_msg_desc sp_msg_share_group_heartbeat_resp = {
    "ShareGroupHeartbeatResponse", SP_SHARE_GROUP_HEARTBEAT_KEY, 1, 1, 0, &resp_desc
};
