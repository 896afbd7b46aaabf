/*
 * Fuzz target: request headers v0-2 and response headers v0-1, and the
 * frame size prefix. The first byte picks which (0-2 request, 3-4
 * response); what decodes is re-encoded and must give the same bytes
 * (tagged fields excepted: the encoder writes none).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_reader r;
    sp_writer w;
    int which;
    int32_t frame;

    if (size < 1)
        return 0;
    which = data[0] % 5;
    (void)sp_frame_size(data + 1, size - 1, &frame);
    sp_reader_init(&r, data + 1, size - 1);
    sp_writer_init(&w, NULL, 1 << 16);
    if (which < 3) {
        sp_request_header h;
        if (sp_read_request_header(&r, which, &h) == 0) {
            char *id = NULL;
            size_t used = (size_t)(r.p - (data + 1));
            if (h.client_id.len >= 0) {
                id = malloc((size_t)h.client_id.len + 1);
                if (!id)
                    abort();
                memcpy(id, h.client_id.ptr, (size_t)h.client_id.len);
                id[h.client_id.len] = '\0';
            }
            /* a client id with a NUL in it cannot go through the C string API */
            if (!id || strlen(id) == (size_t)h.client_id.len) {
                sp_write_request_header(&w, which, h.api_key, h.api_version,
                                        h.correlation_id, id);
                if (w.err || (which < 2 && (w.len != used || memcmp(w.buf, data + 1, used))) ||
                    (which == 2 && (w.len > used || memcmp(w.buf, data + 1, w.len - 1))))
                    abort();
            }
            free(id);
        }
    } else {
        int32_t corr;
        if (sp_read_response_header(&r, which - 3, &corr) == 0) {
            size_t used = (size_t)(r.p - (data + 1));
            sp_write_response_header(&w, which - 3, corr);
            if (w.err || (which == 3 && (w.len != used || memcmp(w.buf, data + 1, used))) ||
                (which == 4 && (w.len > used || memcmp(w.buf, data + 1, 4))))
                abort();
        }
    }
    sp_writer_free(&w);
    return 0;
}
