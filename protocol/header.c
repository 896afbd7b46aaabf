/* protocol/header.c - see header.h. */
#include "header.h"

size_t sp_frame_begin(sp_writer *w)
{
    size_t off = w->len;
    sp_write_i32(w, 0);
    return off;
}

void sp_frame_end(sp_writer *w, size_t off)
{
    size_t body;

    if (w->err)
        return;
    body = w->len - off - 4;
    if (body > INT32_MAX) {
        sp_writer_fail(w, SAMSA_ERR_BUFFER_FULL);
        return;
    }
    sp_writer_patch_u32(w, off, (uint32_t)body);
}

int sp_frame_size(const uint8_t *buf, size_t len, int32_t *size)
{
    sp_reader r;
    int32_t n;

    if (len < 4)
        return SAMSA_ERR_TRUNCATED;
    sp_reader_init(&r, buf, 4);
    n = sp_read_i32(&r);
    if (n < 0)
        return SAMSA_ERR_MALFORMED;
    *size = n;
    return 0;
}

void sp_write_request_header(sp_writer *w, int hdr_version, int16_t api_key,
                             int16_t api_version, int32_t correlation_id,
                             const char *client_id)
{
    if (hdr_version < 0 || hdr_version > 2) {
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        return;
    }
    sp_write_i16(w, api_key);
    sp_write_i16(w, api_version);
    sp_write_i32(w, correlation_id);
    if (hdr_version >= 1)
        sp_write_nstr(w, client_id); /* classic string even in v2 */
    if (hdr_version >= 2)
        sp_write_empty_tags(w);
}

int sp_read_request_header(sp_reader *r, int hdr_version,
                           sp_request_header *out)
{
    if (hdr_version < 0 || hdr_version > 2)
        return sp_reader_fail(r, SAMSA_ERR_INVALID_ARG);
    out->api_key = sp_read_i16(r);
    out->api_version = sp_read_i16(r);
    out->correlation_id = sp_read_i32(r);
    out->client_id.ptr = NULL;
    out->client_id.len = -1;
    if (hdr_version >= 1)
        out->client_id = sp_read_nstring(r);
    if (hdr_version >= 2)
        sp_read_tagged_fields(r, NULL, NULL);
    return r->err;
}

void sp_write_response_header(sp_writer *w, int hdr_version,
                              int32_t correlation_id)
{
    sp_write_i32(w, correlation_id);
    if (hdr_version >= 1)
        sp_write_empty_tags(w);
}

int sp_read_response_header(sp_reader *r, int hdr_version,
                            int32_t *correlation_id)
{
    *correlation_id = sp_read_i32(r);
    if (hdr_version >= 1)
        sp_read_tagged_fields(r, NULL, NULL);
    return r->err;
}
