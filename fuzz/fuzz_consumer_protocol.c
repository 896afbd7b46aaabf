/*
 * Fuzz target: the consumer protocol payloads (msg_consumer_protocol.h).
 * The first byte picks the payload (even: ConsumerProtocolSubscription,
 * odd: ConsumerProtocolAssignment); the rest is the payload with its int16
 * version prefix. What decodes is re-encoded at the version samsa read it
 * as; for a version samsa knows that must give back the input bytes, and in
 * every case the re-encoding must decode and re-encode to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg_consumer_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const sp_msg_desc *d;
    union {
        sp_consumer_protocol_subscription s;
        sp_consumer_protocol_assignment a;
    } o1, o2;
    sp_arena a1, a2;
    sp_writer w1, w2;
    int16_t v, v2;

    if (size < 1)
        return 0;
    d = data[0] & 1 ? &sp_msg_consumer_protocol_assignment
                    : &sp_msg_consumer_protocol_subscription;
    data++;
    size--;
    sp_arena_init(&a1, NULL, 64 << 20);
    sp_arena_init(&a2, NULL, 64 << 20);
    sp_writer_init(&w1, NULL, 64 << 20);
    sp_writer_init(&w2, NULL, 64 << 20);
    if (sp_consumer_protocol_decode(d, &o1, &v, &a1, data, size) == 0) {
        int16_t ev = v > d->vmax ? d->vmax : v;
        if (sp_consumer_protocol_encode(&w1, d, ev, &o1) != 0)
            abort();
        if (v == ev && (w1.len != size || memcmp(w1.buf, data, size) != 0))
            abort();
        if (sp_consumer_protocol_decode(d, &o2, &v2, &a2, w1.buf, w1.len) != 0 || v2 != ev)
            abort();
        if (sp_consumer_protocol_encode(&w2, d, ev, &o2) != 0)
            abort();
        if (w1.len != w2.len || memcmp(w1.buf, w2.buf, w1.len) != 0)
            abort();
    }
    sp_writer_free(&w1);
    sp_writer_free(&w2);
    sp_arena_free(&a1);
    sp_arena_free(&a2);
    return 0;
}
