/*
 * Fuzz target: every response decoder in the API table. Input: 2 bytes API
 * key, 2 bytes version (big-endian; mapped into samsa's range for that
 * API), then the response body. A body that decodes is re-encoded; the
 * re-encoding must decode again and re-encode to the same bytes (the codec
 * is its own inverse on everything it accepts).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_apis(void)
{
    size_t n = 0;
    while (sp_api_at(n))
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static size_t napis;
    const sp_api *api;
    int16_t key, v;
    sp_arena a1, a2;
    sp_writer w1, w2;
    void *o1, *o2;

    if (size < 4)
        return 0;
    if (!napis)
        napis = count_apis();
    key = (int16_t)(data[0] << 8 | data[1]);
    api = sp_api_get(key);
    if (!api)
        api = sp_api_at((size_t)(uint16_t)key % napis);
    v = (int16_t)(data[2] << 8 | data[3]);
    v = (int16_t)(api->vmin + (uint16_t)v % (api->vmax - api->vmin + 1));
    data += 4;
    size -= 4;

    o1 = calloc(1, api->resp->body->size);
    o2 = calloc(1, api->resp->body->size);
    if (!o1 || !o2)
        abort();
    sp_arena_init(&a1, NULL, 64 << 20);
    sp_arena_init(&a2, NULL, 64 << 20);
    sp_writer_init(&w1, NULL, 64 << 20);
    sp_writer_init(&w2, NULL, 64 << 20);
    if (sp_schema_decode(api->resp, v, o1, &a1, data, size) == 0) {
        if (sp_schema_encode(&w1, api->resp, v, o1) != 0)
            abort();
        if (sp_schema_decode(api->resp, v, o2, &a2, w1.buf, w1.len) != 0)
            abort();
        if (sp_schema_encode(&w2, api->resp, v, o2) != 0)
            abort();
        if (w1.len != w2.len || memcmp(w1.buf, w2.buf, w1.len) != 0)
            abort();
    }
    sp_writer_free(&w1);
    sp_writer_free(&w2);
    sp_arena_free(&a1);
    sp_arena_free(&a2);
    free(o1);
    free(o2);
    return 0;
}
