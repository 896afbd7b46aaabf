/*
 * protocol/api_versions.h - ApiVersions (key 18) request and response, v0-5.
 *
 * Hand-written (it is the first message on every connection); the schema
 * tables in api_versions_schema.c describe the same structs, and a unit
 * test checks that both codecs produce identical bytes and values.
 *
 * The response is decoded into caller-provided structs; its arrays come from
 * the given arena and its strings point into the response buffer, so both
 * must outlive the struct. A broker that does not support the request's
 * version answers with a v0 body and UNSUPPORTED_VERSION: the decoder
 * recognises that and decodes it as v0 whatever version was asked.
 */
#ifndef SP_API_VERSIONS_H
#define SP_API_VERSIONS_H

#include <stdint.h>

#include "arena.h"
#include "reader.h"
#include "schema.h"
#include "writer.h"

#define SP_API_VERSIONS_KEY 18
#define SP_API_VERSIONS_MAX_ENTRIES 4096 /* far above Kafka's ~100 APIs */

typedef struct sp_api_versions_req {
    const char *client_software_name;    /* v3+ */
    const char *client_software_version; /* v3+ */
    const char *cluster_id;              /* v5+, nullable (KIP-1242) */
    int32_t node_id;                     /* v5+, -1 when unknown */
} sp_api_versions_req;

typedef struct sp_api_version_range {
    int16_t api_key;
    int16_t min_version;
    int16_t max_version;
} sp_api_version_range;

typedef struct sp_feature_range {
    sp_str name;
    int16_t min_version;
    int16_t max_version;
} sp_feature_range;

typedef struct sp_api_versions_resp {
    int16_t error_code;
    SP_ARRAY(sp_api_version_range) api_keys;
    int32_t throttle_time_ms;                          /* v1+ */
    SP_ARRAY(sp_feature_range) supported_features;     /* tag 0, v3+ */
    int64_t finalized_features_epoch;                  /* tag 1, -1 if absent */
    SP_ARRAY(sp_feature_range) finalized_features;     /* tag 2: min/max levels */
    bool zk_migration_ready;                           /* tag 3 */
} sp_api_versions_resp;

/* Encode the request body (no header, no frame) for version 0-5. */
int sp_api_versions_req_encode(sp_writer *w, int16_t version,
                               const sp_api_versions_req *req);

/* Decode a response body of `version` that must fill buf exactly. */
int sp_api_versions_resp_decode(sp_api_versions_resp *out, sp_arena *arena,
                                const uint8_t *buf, size_t len,
                                int16_t version);

/* Encode a response body (used by tests, fuzz re-encoding and test servers). */
int sp_api_versions_resp_encode(sp_writer *w, int16_t version,
                                const sp_api_versions_resp *resp);

/* The entry for api_key, or NULL when the broker did not list it. */
const sp_api_version_range *
sp_api_versions_find(const sp_api_versions_resp *resp, int16_t api_key);

#endif
