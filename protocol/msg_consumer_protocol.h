/*
 * protocol/msg_consumer_protocol.h - the consumer protocol payloads
 * carried as opaque bytes inside the classic group APIs (versions 0-3).
 *
 * ConsumerProtocolSubscription is a member's JoinGroup protocol metadata
 * (and DescribeGroups' MemberMetadata): the topics it wants, user data,
 * from v1 the partitions it owns (KIP-429 cooperative rebalancing), from
 * v2 its generation and from v3 its rack (KIP-881 rack-aware assignment).
 * ConsumerProtocolAssignment is what the leader hands each member in
 * SyncGroup (and DescribeGroups' MemberAssignment).
 *
 * They are not APIs: on the wire each is an int16 version followed by the
 * body of that version (never flexible). sp_consumer_protocol_encode and
 * _decode handle that prefix. A version newer than samsa knows is decoded
 * as the newest one samsa knows and the extra trailing fields are ignored,
 * as Kafka's own clients do (fields are only ever appended); for a known
 * version the body must be used up exactly.
 *
 * Ownership: decoded strings and bytes are views into the input buffer;
 * arrays come from the caller's arena. Encoding reads the struct only
 * during the call.
 */
#ifndef SP_MSG_CONSUMER_PROTOCOL_H
#define SP_MSG_CONSUMER_PROTOCOL_H

#include "schema.h"

#define SP_CONSUMER_PROTOCOL_VMAX 3

typedef struct sp_consumer_protocol_topic_partitions {
    sp_str topic;
    SP_ARRAY(int32_t) partitions;
} sp_consumer_protocol_topic_partitions;

typedef struct sp_consumer_protocol_subscription {
    SP_ARRAY(sp_str) topics;
    sp_bytes user_data; /* nullable, default null */
    SP_ARRAY(sp_consumer_protocol_topic_partitions) owned_partitions; /* v1+ */
    int32_t generation_id; /* v2+, default -1 */
    sp_str rack_id;        /* v3+, nullable, default null */
} sp_consumer_protocol_subscription;

typedef struct sp_consumer_protocol_assignment {
    SP_ARRAY(sp_consumer_protocol_topic_partitions) assigned_partitions;
    sp_bytes user_data; /* nullable, default null */
} sp_consumer_protocol_assignment;

/* Body descriptions (api_key -1; no version prefix in them). */
extern const sp_msg_desc sp_msg_consumer_protocol_subscription;
extern const sp_msg_desc sp_msg_consumer_protocol_assignment;

/*
 * Write the int16 version v and then obj (a struct described by d, one of
 * the two above) as version v. Returns 0 or the writer's error;
 * SAMSA_ERR_INVALID_ARG for a version outside 0..3.
 */
int sp_consumer_protocol_encode(sp_writer *w, const sp_msg_desc *d, int16_t v,
                                const void *obj);

/*
 * Decode buf[0..len): the version prefix, then the body into obj (zeroed
 * first). *version_out (may be NULL) gets the version on the wire. A
 * negative version is SAMSA_ERR_MALFORMED; see the header comment for
 * versions above 3.
 */
int sp_consumer_protocol_decode(const sp_msg_desc *d, void *obj,
                                int16_t *version_out, sp_arena *arena,
                                const uint8_t *buf, size_t len);

#endif
