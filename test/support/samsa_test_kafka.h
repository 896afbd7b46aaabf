/*
 * test/support/samsa_test_kafka.h - blocking request/response helpers for
 * protocol integration tests (below the net/ layer, on a plain socket).
 */
#ifndef SAMSA_TEST_KAFKA_H
#define SAMSA_TEST_KAFKA_H

#include <stdint.h>

#include "api.h"
#include "api_versions.h"
#include "msg_api_versions.h"
#include "arena.h"

typedef struct st_call {
    unsigned char *frame; /* response frame body (malloc'd) */
    long frame_len;
    const unsigned char *body; /* response body inside frame, after the header */
    size_t body_len;
    sp_arena arena;       /* decoded arrays and structs */
} st_call;

/*
 * Encode `req` with the API table's description of (key, version), send it
 * on fd with a fresh correlation id, read the response, check the
 * correlation id and decode the body into `resp` (exactly: leftover bytes
 * fail). Returns 0 or the first error. st_call_free() releases everything.
 */
int st_kafka_call(int fd, int16_t key, int16_t version, const void *req,
                  void *resp, st_call *c);
void st_call_free(st_call *c);

/* The broker's ApiVersions answer on fd (v3, falling back to v0). The
 * struct stays valid until st_call_free(c). */
int st_broker_versions(int fd, sp_api_versions_resp *out, st_call *c);

/* Versions to exercise for key: [max(samsa min, broker min) .. min(samsa
 * max, broker max)]; returns 0 when they do not meet. */
int st_common_versions(const sp_api_versions_resp *broker, int16_t key,
                       int16_t *lo, int16_t *hi);

/* When SAMSA_TEST_CAPTURE_DIR is set, write one real response as a fuzz
 * seed: 2 bytes key, 2 bytes version (big-endian), then the body. */
void st_capture_response(int16_t key, int16_t version, const st_call *c);

#endif
