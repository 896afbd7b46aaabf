/*
 * protocol/api.h - the one table of Kafka APIs samsa speaks.
 *
 * For every API key: samsa's name for it, the version range samsa
 * implements (from the oldest version Kafka 4.x still accepts, KIP-896, to
 * the newest the latest 4.x broker offers) and the schema descriptions of
 * its request and response bodies. Version negotiation, header versions,
 * docs/protocol.md and the conformance test all read this table.
 *
 * Thread rules: const data and pure functions.
 */
#ifndef SP_API_H
#define SP_API_H

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
