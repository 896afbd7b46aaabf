/*
 * protocol/api.h - the one table of Kafka APIs samsa speaks.
 *
 * For every API key: samsa's name for it, the version range samsa
 * implements (from the oldest version Kafka 4.x still accepts, KIP-896, to
 * the newest the latest 4.x broker offers) and the schema descriptions of
 * its request and response bodies. The list itself is api_list.h.
 *
 * Two parts, so that a static link takes only what it uses:
 *   sp_api_get / sp_api_at (api.c): the entries with their schemas, for
 *     code that handles any API by key (tests, tools, the conformance
 *     dump); linking them links every message's tables.
 *   sp_api_known, sp_api_pick_version, sp_api_*_header_version
 *     (api_wire.c): versions only, what the connection layer needs.
 *
 * Thread rules: const data and pure functions.
 */
#ifndef SP_API_H
#define SP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

typedef struct sp_api {
    int16_t key;
    const char *name;        /* Kafka's name without Request/Response */
    int16_t vmin, vmax;      /* versions samsa implements */
    const sp_msg_desc *req;  /* request body description */
    const sp_msg_desc *resp; /* response body description */
} sp_api;

/* The entry for key, or NULL when samsa does not implement the API. */
const sp_api *sp_api_get(int16_t key);
/* The i-th entry in key order, or NULL past the end (for iteration). */
const sp_api *sp_api_at(size_t i);

/* True when samsa implements the API (api_wire.c, like the rest below). */
bool sp_api_known(int16_t key);
/* The API's position in api_list.h (the index sp_api_at takes), or -1. */
int sp_api_index(int16_t key);

/*
 * Highest version both samsa and a broker advertising [broker_min,
 * broker_max] support. SAMSA_ERR_NO_COMMON_VERSION when the ranges do not
 * meet, SAMSA_ERR_NOT_SUPPORTED for an API samsa does not implement.
 * samsa's minimum already encodes the 4.x floors, which matters where a
 * broker advertises less than it accepts (4.x lists Produce from v0 but
 * rejects v0-v2, KAFKA-18659).
 */
int sp_api_pick_version(int16_t key, int16_t broker_min, int16_t broker_max,
                        int16_t *out);

/* Request header version (1, or 2 for flexible versions) and response
 * header version (0, or 1 for flexible versions; ApiVersions always 0). */
int sp_api_request_header_version(int16_t key, int16_t version);
int sp_api_response_header_version(int16_t key, int16_t version);

#endif
