/*
 * protocol/msg_share_group_heartbeat.h - ShareGroupHeartbeat (key 76), v1.
 *
 * Membership of a KIP-932 share group (GA in Kafka 4.2; v0 was the 4.0
 * early-access version, gone since 4.1): like ConsumerGroupHeartbeat, a
 * member joins with epoch 0 and a client-generated member id, sends its
 * subscription when it changes, and gets its epoch, heartbeat interval and
 * (when changed) assignment back. Epoch -1 leaves.
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings are views into the response buffer, its assignment
 * and arrays come from the caller's arena (one free).
 */
#ifndef SP_MSG_SHARE_GROUP_HEARTBEAT_H
#define SP_MSG_SHARE_GROUP_HEARTBEAT_H

#include "schema.h"

#define SP_SHARE_GROUP_HEARTBEAT_KEY 76

typedef struct sp_sgh_topic_partitions {
    sp_uuid topic_id;
    SP_ARRAY(int32_t) partitions;
} sp_sgh_topic_partitions;

typedef struct sp_share_group_heartbeat_req {
    sp_str group_id;
    sp_str member_id;
    int32_t member_epoch;
    sp_str rack_id;                          /* nullable, default null */
    SP_ARRAY(sp_str) subscribed_topic_names; /* nullable, default null */
} sp_share_group_heartbeat_req;

typedef struct sp_sgh_assignment {
    SP_ARRAY(sp_sgh_topic_partitions) topic_partitions;
} sp_sgh_assignment;

typedef struct sp_share_group_heartbeat_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
    sp_str error_message; /* nullable */
    sp_str member_id;     /* nullable */
    int32_t member_epoch;
    int32_t heartbeat_interval_ms;
    sp_sgh_assignment *assignment; /* NULL when unchanged */
} sp_share_group_heartbeat_resp;

extern const sp_msg_desc sp_msg_share_group_heartbeat_req;
extern const sp_msg_desc sp_msg_share_group_heartbeat_resp;

#endif
