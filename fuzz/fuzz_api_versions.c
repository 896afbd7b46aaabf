/*
 * Fuzz target: ApiVersions response decoder (all versions) plus the response
 * header. The first byte picks the version; the rest is the body. A decoded
 * body is re-encoded and must decode again to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_versions.h"
#include "header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_api_versions_resp resp, again;
    sp_arena arena, arena2;
    sp_writer w;
    int16_t version;
    int header_version;
    int32_t corr;
    sp_reader r;

    if (size < 1)
        return 0;
    version = (int16_t)(data[0] % 6);
    header_version = data[0] >> 7; /* response header v0 or v1 */
    data++;
    size--;

    sp_reader_init(&r, data, size);
    (void)sp_read_response_header(&r, header_version, &corr);

    sp_arena_init(&arena, NULL, 1 << 20);
    if (sp_api_versions_resp_decode(&resp, &arena, data, size, version) == 0) {
        int32_t i;

        sp_writer_init(&w, NULL, 1 << 22);
        if (sp_api_versions_resp_encode(&w, version, &resp) == 0) {
            sp_arena_init(&arena2, NULL, 1 << 20);
            if (sp_api_versions_resp_decode(&again, &arena2, w.buf, w.len, version) != 0)
                abort();
            if (again.error_code != resp.error_code ||
                again.api_keys.count != resp.api_keys.count ||
                again.throttle_time_ms != resp.throttle_time_ms)
                abort();
            for (i = 0; i < resp.api_keys.count; i++)
                if (memcmp(&again.api_keys.items[i], &resp.api_keys.items[i],
                           sizeof resp.api_keys.items[i]) != 0)
                    abort();
            sp_arena_free(&arena2);
        }
        sp_writer_free(&w);
    }
    sp_arena_free(&arena);
    return 0;
}
