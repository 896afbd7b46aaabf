/*
 * client/coord_find.h - FindCoordinator for one group: the request and
 * its answer, shared by the group member (cgrp.c) and the group admin
 * calls (admin_groups.c). v0-3 carry one key, v4+ a key list (we send
 * one). I/O-free; thread rules: none (pure functions).
 */
#ifndef SC_COORD_FIND_H
#define SC_COORD_FIND_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "writer.h"

/* Encode the request for group (an sn_body_encode_fn: arg is the group
 * id, NUL-terminated). 0 or the encoder's error. */
int sc_coord_find_encode(sp_writer *w, int16_t version, const void *group);

/* Decode the answer: *err the coordinator's error code, *node its id (-1
 * when none), msg the broker's message ("" when none, NUL-terminated).
 * 0, or a decode error (PROTOCOL when a v4+ answer lists no key). */
int sc_coord_find_decode(const samsa_allocator *a, int16_t version,
                         const uint8_t *body, size_t len, int *err,
                         int32_t *node, char *msg, size_t msglen);

#endif
