/*
 * protocol/msg_join_group.h - JoinGroup (key 11), v0-9.
 *
 * First step of the classic group protocol: a member offers its protocols
 * (for consumers: assignor names with a ConsumerProtocolSubscription as
 * metadata, see msg_consumer_protocol.h) and gets a generation, a member
 * id and, as leader, every member's metadata. From v4 a first join with an
 * empty member id is answered MEMBER_ID_REQUIRED with the id to rejoin
 * with (KIP-394); v5 adds static membership (KIP-345); v9 lets the leader
 * skip assigning (KIP-814). Kafka 4.0.0 dropped v0-1 (KIP-896) and 4.0.1 /
 * 4.1 took them back (KAFKA-19444); a broker that lacks them does not list
 * them, so negotiation never picks them.
 *
 * Ownership: requests are read only during sp_schema_encode; a decoded
 * response's strings and bytes are views into the response buffer, its
 * arrays come from the caller's arena (one free).
 */
#ifndef SP_MSG_JOIN_GROUP_H
#define SP_MSG_JOIN_GROUP_H

#include "schema.h"

#define SP_JOIN_GROUP_KEY 11

typedef struct sp_join_group_protocol {
    sp_str name;
    sp_bytes metadata;
} sp_join_group_protocol;

typedef struct sp_join_group_req {
    sp_str group_id;
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms; /* v1+, default -1 */
    sp_str member_id;             /* "" on the first join */
    sp_str group_instance_id;     /* v5+, nullable, default null */
    sp_str protocol_type;         /* "consumer" for consumers */
    SP_ARRAY(sp_join_group_protocol) protocols;
    sp_str reason;                /* v8+, nullable, default null */
} sp_join_group_req;

typedef struct sp_join_group_member {
    sp_str member_id;
    sp_str group_instance_id; /* v5+, nullable */
    sp_bytes metadata;
} sp_join_group_member;

typedef struct sp_join_group_resp {
    int32_t throttle_time_ms; /* v2+ */
    int16_t error_code;
    int32_t generation_id;    /* default -1 */
    sp_str protocol_type;     /* v7+, nullable */
    sp_str protocol_name;     /* nullable v7+ */
    sp_str leader;
    bool skip_assignment;     /* v9+ */
    sp_str member_id;
    SP_ARRAY(sp_join_group_member) members; /* leader only */
} sp_join_group_resp;

extern const sp_msg_desc sp_msg_join_group_req;
extern const sp_msg_desc sp_msg_join_group_resp;

#endif
