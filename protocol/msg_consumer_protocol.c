/* protocol/msg_consumer_protocol.c - consumer protocol payloads; see the header. */
#include "msg_consumer_protocol.h"

#include <string.h>

#include "samsa/error.h"

/* Same shape in both payloads, but each schema declares its own
 * TopicPartition (present from v1 in the subscription, v0 in the
 * assignment), so each gets its own table. */
#define TP sp_consumer_protocol_topic_partitions
static const sp_field owned_fields[] = {
    SP_F(TP, topic, "Topic", SP_T_STRING, 1, SP_VMAX),
    SP_F(TP, partitions, "Partitions", SP_T_ARRAY, 1, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
static const sp_field assigned_fields[] = {
    SP_F(TP, topic, "Topic", SP_T_STRING, 0, SP_VMAX),
    SP_F(TP, partitions, "Partitions", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_INT32, NULL)),
};
static SP_STRUCT_DESC(owned_desc, "TopicPartition", TP, owned_fields);
static SP_STRUCT_DESC(assigned_desc, "TopicPartition", TP, assigned_fields);
#undef TP

#define SU sp_consumer_protocol_subscription
static const sp_field sub_fields[] = {
    SP_F(SU, topics, "Topics", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRING, NULL)),
    SP_F(SU, user_data, "UserData", SP_T_BYTES, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
    SP_F(SU, owned_partitions, "OwnedPartitions", SP_T_ARRAY, 1, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &owned_desc)),
    SP_F(SU, generation_id, "GenerationId", SP_T_INT32, 2, SP_VMAX, SP_DEF("-1")),
    SP_F(SU, rack_id, "RackId", SP_T_STRING, 3, SP_VMAX, SP_NULL(3, SP_VMAX), SP_DEF("null")),
};
#undef SU
static SP_STRUCT_DESC(sub_desc, "ConsumerProtocolSubscription",
                      sp_consumer_protocol_subscription, sub_fields);

#define AS sp_consumer_protocol_assignment
static const sp_field asg_fields[] = {
    SP_F(AS, assigned_partitions, "AssignedPartitions", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &assigned_desc)),
    SP_F(AS, user_data, "UserData", SP_T_BYTES, 0, SP_VMAX, SP_NULL(0, SP_VMAX), SP_DEF("null")),
};
#undef AS
static SP_STRUCT_DESC(asg_desc, "ConsumerProtocolAssignment",
                      sp_consumer_protocol_assignment, asg_fields);

const sp_msg_desc sp_msg_consumer_protocol_subscription = {
    "ConsumerProtocolSubscription", -1, 0, SP_CONSUMER_PROTOCOL_VMAX, SP_VMAX, &sub_desc
};
const sp_msg_desc sp_msg_consumer_protocol_assignment = {
    "ConsumerProtocolAssignment", -1, 0, SP_CONSUMER_PROTOCOL_VMAX, SP_VMAX, &asg_desc
};

int sp_consumer_protocol_encode(sp_writer *w, const sp_msg_desc *d, int16_t v,
                                const void *obj)
{
    if (v < d->vmin || v > d->vmax)
        return SAMSA_ERR_INVALID_ARG;
    sp_write_i16(w, v);
    return sp_schema_encode(w, d, v, obj);
}

int sp_consumer_protocol_decode(const sp_msg_desc *d, void *obj,
                                int16_t *version_out, sp_arena *arena,
                                const uint8_t *buf, size_t len)
{
    sp_reader r;
    int16_t v;

    memset(obj, 0, d->body->size);
    sp_reader_init(&r, buf, len);
    v = sp_read_i16(&r);
    if (r.err)
        return r.err;
    if (v < 0)
        return SAMSA_ERR_MALFORMED;
    if (version_out)
        *version_out = v;
    if (v > d->vmax) /* newer writer: read what we know, ignore the rest */
        return sp_schema_decode_reader(d, d->vmax, obj, arena, &r);
    if (sp_schema_decode_reader(d, v, obj, arena, &r) != 0)
        return r.err;
    return sp_reader_finish(&r);
}
