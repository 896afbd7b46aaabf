/*
 * protocol/record_iter.c - records of a batch, their headers and control
 * records; see record_batch.h. Legacy messages are in record_legacy.c.
 */
#include <string.h>

#include "codec.h"
#include "record_int.h"

static const uint8_t no_bytes[1];

/* Offsets and timestamps from the wire wrap instead of overflowing. */
static int64_t add_wrap(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int fail(sp_records *rs, int rc)
{
    return sp_reader_fail(&rs->r, rc);
}

int sp_batch_records(const sp_batch *b, sp_writer *scratch, sp_records *rs)
{
    int rc;

    memset(rs, 0, sizeof *rs);
    sp_reader_init(&rs->r, no_bytes, 0);
    rs->batch = b;
    rs->magic = b->magic;
    rs->log_append_time = b->log_append_time;
    rs->base_offset = b->base_offset;
    rs->base_timestamp = b->base_timestamp;
    rs->max_timestamp = b->max_timestamp;
    if (b->magic != 2) {
        rc = sp_legacy_records(b, scratch, rs);
        return rc ? fail(rs, rc) : 0;
    }
    rs->left = b->record_count;
    if (b->codec == SP_CODEC_NONE) {
        if (b->records_len)
            sp_reader_init(&rs->r, b->records, b->records_len);
        return 0;
    }
    if (!scratch)
        return fail(rs, SAMSA_ERR_INVALID_ARG);
    sp_writer_reset(scratch);
    rc = sp_decompress(b->codec, b->records, b->records_len, scratch);
    if (rc)
        return fail(rs, rc);
    if ((size_t)b->record_count > scratch->len / SP_RECORD_MIN_SIZE)
        return fail(rs, SAMSA_ERR_MALFORMED);
    if (scratch->len)
        sp_reader_init(&rs->r, scratch->buf, scratch->len);
    return 0;
}

/* Nullable varint-length bytes inside a record. */
static sp_bytes read_var_bytes(sp_reader *r)
{
    sp_bytes v = { NULL, -1 };
    int32_t n = sp_read_varint(r);

    if (r->err)
        return v;
    if (n < -1) {
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
        return v;
    }
    if (n == -1)
        return v;
    v.ptr = sp_read_raw(r, (size_t)n);
    v.len = v.ptr ? n : -1;
    return v;
}

int sp_records_next(sp_records *rs, sp_record *rec)
{
    sp_reader body;
    const uint8_t *p;
    int32_t len, i;

    if (rs->r.err)
        return rs->r.err;
    if (rs->magic != 2)
        return sp_legacy_next(rs, rec);
    memset(rec, 0, sizeof *rec);
    if (rs->left == 0)
        return sp_reader_left(&rs->r) ? fail(rs, SAMSA_ERR_MALFORMED) : SP_RECORDS_END;
    len = sp_read_varint(&rs->r);
    if (rs->r.err)
        return rs->r.err;
    if (len < SP_RECORD_MIN_SIZE - 1 || (size_t)len > sp_reader_left(&rs->r))
        return fail(rs, SAMSA_ERR_MALFORMED);
    p = sp_read_raw(&rs->r, (size_t)len);
    sp_reader_init(&body, p, (size_t)len);

    rec->attributes = sp_read_i8(&body);
    rec->timestamp_delta = sp_read_varlong(&body);
    rec->offset_delta = sp_read_varint(&body);
    rec->key = read_var_bytes(&body);
    rec->value = read_var_bytes(&body);
    rec->header_count = sp_read_varint(&body);
    if (!body.err && (rec->header_count < 0 ||
                      (size_t)rec->header_count > sp_reader_left(&body) / 2))
        sp_reader_fail(&body, SAMSA_ERR_MALFORMED);
    rec->headers = body.p;
    for (i = 0; i < rec->header_count && !body.err; i++) {
        int32_t klen = sp_read_varint(&body);
        if (klen < 0) {
            sp_reader_fail(&body, SAMSA_ERR_MALFORMED); /* header keys are not nullable */
            break;
        }
        sp_read_skip(&body, (size_t)klen);
        (void)read_var_bytes(&body);
    }
    rec->headers_len = (size_t)(body.p - rec->headers);
    if (sp_reader_finish(&body) != 0) {
        int rc = body.err == SAMSA_ERR_VARINT_OVERFLOW ? body.err : SAMSA_ERR_MALFORMED;
        memset(rec, 0, sizeof *rec);
        return fail(rs, rc);
    }
    rec->offset = add_wrap(rs->base_offset, rec->offset_delta);
    rec->timestamp = rs->log_append_time ? rs->max_timestamp
                                         : add_wrap(rs->base_timestamp, rec->timestamp_delta);
    rs->left--;
    return 0;
}

void sp_header_iter_init(sp_header_iter *hi, const sp_record *rec)
{
    if (rec->headers_len)
        sp_reader_init(&hi->r, rec->headers, rec->headers_len);
    else
        sp_reader_init(&hi->r, no_bytes, 0);
    hi->left = rec->header_count;
}

bool sp_header_next(sp_header_iter *hi, sp_str *key, sp_bytes *value)
{
    int32_t klen;

    if (hi->left <= 0 || hi->r.err)
        return false;
    klen = sp_read_varint(&hi->r);
    key->ptr = (const char *)sp_read_raw(&hi->r, klen < 0 ? 0 : (size_t)klen);
    key->len = klen;
    *value = read_var_bytes(&hi->r);
    if (hi->r.err)
        return false;
    hi->left--;
    return true;
}

int sp_control_parse(const sp_record *rec, sp_control *out)
{
    sp_reader r;

    memset(out, 0, sizeof *out);
    if (rec->key.len < 4)
        return SAMSA_ERR_MALFORMED;
    sp_reader_init(&r, rec->key.ptr, (size_t)rec->key.len);
    out->version = sp_read_i16(&r);
    out->type = sp_read_i16(&r);
    if (out->version < 0)
        return SAMSA_ERR_MALFORMED;
    if (out->type != SP_CONTROL_ABORT && out->type != SP_CONTROL_COMMIT)
        return 0;
    if (rec->value.len < 6)
        return SAMSA_ERR_MALFORMED;
    sp_reader_init(&r, rec->value.ptr, (size_t)rec->value.len);
    out->marker_version = sp_read_i16(&r);
    out->coordinator_epoch = sp_read_i32(&r);
    return 0;
}
