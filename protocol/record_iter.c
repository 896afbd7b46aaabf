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

/*
 * The record decoder keeps its cursor in a local pointer and returns the
 * first error, so each field costs its own bound check and nothing else
 * (no sticky-error tests between fields, no stores of the cursor).
 */
static inline int get_varint(const uint8_t **pp, const uint8_t *end, int32_t *out)
{
    uint64_t u = 0; /* stays 0 on error */
    int rc = sp_get_uvar(pp, end, 5, &u);

    *out = sp_unzigzag32((uint32_t)u);
    return rc;
}

/* Nullable varint-length bytes inside a record body. */
static inline int get_var_bytes(const uint8_t **pp, const uint8_t *end, sp_bytes *out)
{
    int32_t n;
    int rc = get_varint(pp, end, &n);

    if (rc)
        return rc;
    if (n < -1)
        return SAMSA_ERR_MALFORMED;
    if (n == -1) {
        out->ptr = NULL;
        out->len = -1;
        return 0;
    }
    if ((size_t)n > (size_t)(end - *pp))
        return SAMSA_ERR_TRUNCATED;
    out->ptr = *pp;
    out->len = n;
    *pp += n;
    return 0;
}

/* One record body, exactly [p, end). Fills every field of rec but offset
 * and timestamp; 0 or the first error (TRUNCATED, MALFORMED, overflow). */
static int parse_body(const uint8_t *p, const uint8_t *end, sp_record *rec)
{
    uint64_t u;
    int32_t i, klen;
    sp_bytes hv;
    int rc;

    if (p == end)
        return SAMSA_ERR_TRUNCATED;
    rec->attributes = (int8_t)*p++;
    if ((rc = sp_get_uvar(&p, end, 10, &u)) != 0)
        return rc;
    rec->timestamp_delta = sp_unzigzag64(u);
    if ((rc = get_varint(&p, end, &rec->offset_delta)) != 0 ||
        (rc = get_var_bytes(&p, end, &rec->key)) != 0 ||
        (rc = get_var_bytes(&p, end, &rec->value)) != 0 ||
        (rc = get_varint(&p, end, &rec->header_count)) != 0)
        return rc;
    rec->headers = p;
    if (rec->header_count == 0) {
        rec->headers_len = 0;
        return p == end ? 0 : SAMSA_ERR_TRAILING_BYTES;
    }
    /* each header takes at least two bytes (key length, value length) */
    if (rec->header_count < 0 || (size_t)rec->header_count > (size_t)(end - p) / 2)
        return SAMSA_ERR_MALFORMED;
    for (i = 0; i < rec->header_count; i++) {
        if ((rc = get_varint(&p, end, &klen)) != 0)
            return rc;
        if (klen < 0) /* header keys are not nullable */
            return SAMSA_ERR_MALFORMED;
        if ((size_t)klen > (size_t)(end - p))
            return SAMSA_ERR_TRUNCATED;
        p += klen;
        if ((rc = get_var_bytes(&p, end, &hv)) != 0)
            return rc;
    }
    rec->headers_len = (size_t)(p - rec->headers);
    return p == end ? 0 : SAMSA_ERR_TRAILING_BYTES;
}

int sp_records_next(sp_records *rs, sp_record *rec)
{
    const uint8_t *p, *end;
    int32_t len;
    int rc;

    if (rs->r.err)
        return rs->r.err;
    if (rs->magic != 2)
        return sp_legacy_next(rs, rec);
    if (rs->left == 0) {
        memset(rec, 0, sizeof *rec);
        return sp_reader_left(&rs->r) ? fail(rs, SAMSA_ERR_MALFORMED) : SP_RECORDS_END;
    }
    p = rs->r.p;
    end = rs->r.end;
    rc = get_varint(&p, end, &len);
    if (rc == 0 && (len < SP_RECORD_MIN_SIZE - 1 || (size_t)len > (size_t)(end - p)))
        rc = SAMSA_ERR_MALFORMED;
    if (rc == 0) {
        rc = parse_body(p, p + len, rec);
        /* inside a record whose length checked out, any bad field is a
         * malformed record; an over-long varint keeps its own code */
        if (rc != 0 && rc != SAMSA_ERR_VARINT_OVERFLOW)
            rc = SAMSA_ERR_MALFORMED;
    }
    if (rc != 0) {
        memset(rec, 0, sizeof *rec);
        return fail(rs, rc);
    }
    rs->r.p = p + len;
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
