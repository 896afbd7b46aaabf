/* client/coord_find.c - see coord_find.h. */
#include <stdio.h>
#include <string.h>

#include "coord_find.h"
#include "arena.h"
#include "msg_find_coordinator.h"
#include "schema.h"
#include "samsa/error.h"

#define FC_ARENA_MAX (1u << 20) /* one key's answer is tiny */

int sc_coord_find_encode(sp_writer *w, int16_t v, const void *group)
{
    sp_find_coordinator_req req;
    sp_str key = sp_str_of(group);

    memset(&req, 0, sizeof req);
    req.key = key;
    req.key_type = SP_COORDINATOR_GROUP;
    req.coordinator_keys.count = 1;
    req.coordinator_keys.items = &key;
    return sp_schema_encode(w, &sp_msg_find_coordinator_req, v, &req);
}

int sc_coord_find_decode(const samsa_allocator *a, int16_t v,
                         const uint8_t *body, size_t len, int *err,
                         int32_t *node, char *msg, size_t msglen)
{
    sp_find_coordinator_resp r;
    sp_str m = { NULL, -1 };
    sp_arena arena;
    int rc;

    *err = 0;
    *node = -1;
    if (msglen)
        msg[0] = '\0';
    memset(&r, 0, sizeof r);
    sp_arena_init(&arena, a, FC_ARENA_MAX);
    rc = sp_schema_decode(&sp_msg_find_coordinator_resp, v, &r, &arena, body, len);
    if (rc == 0 && v >= 4 && r.coordinators.count < 1)
        rc = SAMSA_ERR_PROTOCOL;
    if (rc == 0 && v >= 4) {
        *err = r.coordinators.items[0].error_code;
        *node = r.coordinators.items[0].node_id;
        m = r.coordinators.items[0].error_message;
    } else if (rc == 0) {
        *err = r.error_code;
        *node = r.node_id;
        m = r.error_message;
    }
    if (m.len > 0 && msglen) /* copied before the arena goes */
        snprintf(msg, msglen, "%.*s", (int)m.len, m.ptr);
    sp_arena_free(&arena);
    return rc;
}
