/*
 * protocol/record_batch_encode.c - magic 2 batch builder; see
 * record_batch.h. Each append computes the record's exact size first, checks
 * it against the writer's cap, then writes it in one reserved span, so a
 * record that does not fit leaves nothing behind.
 */
#include <string.h>

#include "codec.h"
#include "crc32c.h"
#include "record_int.h"

#define ATTR_OFFSET 21
#define CRC_OFFSET 17
#define PRODUCER_OFFSET 43
#define BUILDER_FLAGS (SP_BATCH_ATTR_LOG_APPEND_TIME | SP_BATCH_ATTR_TRANSACTIONAL | \
                       SP_BATCH_ATTR_CONTROL | SP_BATCH_ATTR_DELETE_HORIZON)

int sp_batch_builder_begin(sp_batch_builder *bb, sp_writer *w, int16_t flags)
{
    memset(bb, 0, sizeof *bb);
    if (!w || (flags & ~BUILDER_FLAGS))
        return SAMSA_ERR_INVALID_ARG;
    if (w->err)
        return w->err;
    if (w->max - w->len < SP_BATCH_HEADER_SIZE)
        return SAMSA_ERR_BUFFER_FULL;
    bb->w = w;
    bb->start = w->len;
    bb->partition_leader_epoch = -1;
    bb->flags = flags;
    if (!sp_writer_space(w, SP_BATCH_HEADER_SIZE)) {
        int rc = w->err;
        w->err = 0;
        w->len = bb->start;
        return rc;
    }
    bb->open = true;
    return 0;
}

static size_t zz32_size(int64_t v)
{
    return sp_uvarlong_size(sp_zigzag32((int32_t)v));
}

/* Size of a nullable field: varint length (or -1) and the bytes. */
static size_t field_size(const void *p, size_t len)
{
    return p ? zz32_size((int64_t)len) + len : 1;
}

/* Body size (after the length varint) for given deltas; SIZE_MAX when too big. */
static size_t body_size(const sp_record_in *rec, int64_t ts_delta, int32_t off_delta)
{
    size_t n, i;

    if ((rec->key && rec->key_len > INT32_MAX) ||
        (rec->value && rec->value_len > INT32_MAX) || rec->header_count > INT32_MAX ||
        (rec->header_count && !rec->headers))
        return SIZE_MAX;
    n = 1 + sp_uvarlong_size(sp_zigzag64(ts_delta)) + zz32_size(off_delta) +
        field_size(rec->key, rec->key_len) + field_size(rec->value, rec->value_len) +
        zz32_size((int64_t)rec->header_count);
    for (i = 0; i < rec->header_count; i++) {
        const sp_header_in *h = &rec->headers[i];
        if (!h->key || h->key_len > INT32_MAX || (h->value && h->value_len > INT32_MAX))
            return SIZE_MAX;
        n += field_size(h->key, h->key_len) + field_size(h->value, h->value_len);
        if (n > INT32_MAX)
            return SIZE_MAX;
    }
    return n > INT32_MAX ? SIZE_MAX : n;
}

size_t sp_batch_record_size_bound(const sp_record_in *rec)
{
    /* the widest deltas: 10-byte timestamp delta, 5-byte offset delta */
    size_t n = body_size(rec, INT64_MIN, INT32_MIN);
    return n == SIZE_MAX ? SIZE_MAX : n + 5;
}

static uint8_t *put_zz32(uint8_t *p, int64_t v)
{
    return p + sp_put_uvarlong(p, sp_zigzag32((int32_t)v));
}

static uint8_t *put_field(uint8_t *p, const void *src, size_t len)
{
    if (!src)
        return put_zz32(p, -1);
    p = put_zz32(p, (int64_t)len);
    if (len)
        memcpy(p, src, len);
    return p + len;
}

int sp_batch_append_at(sp_batch_builder *bb, int32_t offset_delta,
                       const sp_record_in *rec)
{
    sp_writer *w = bb->w;
    int64_t base_ts, ts_delta;
    size_t body, total, i;
    uint8_t *p;

    if (!bb->open || !rec || offset_delta < 0 ||
        (bb->count && offset_delta <= bb->last_offset_delta) || bb->count == INT32_MAX)
        return SAMSA_ERR_INVALID_ARG;
    if (w->err)
        return w->err;
    base_ts = bb->count ? bb->base_timestamp : rec->timestamp;
    ts_delta = (int64_t)((uint64_t)rec->timestamp - (uint64_t)base_ts);
    body = body_size(rec, ts_delta, offset_delta);
    if (body == SIZE_MAX)
        return SAMSA_ERR_INVALID_ARG;
    total = zz32_size((int64_t)body) + body;
    if (w->max - w->len < total)
        return SAMSA_ERR_BUFFER_FULL;
    p = sp_writer_space(w, total);
    if (!p) {
        int rc = w->err;
        w->err = 0;
        return rc;
    }
    p = put_zz32(p, (int64_t)body);
    *p++ = 0; /* record attributes: none defined */
    p += sp_put_uvarlong(p, sp_zigzag64(ts_delta));
    p = put_zz32(p, offset_delta);
    p = put_field(p, rec->key, rec->key_len);
    p = put_field(p, rec->value, rec->value_len);
    p = put_zz32(p, (int64_t)rec->header_count);
    for (i = 0; i < rec->header_count; i++) {
        const sp_header_in *h = &rec->headers[i];
        p = put_field(p, h->key, h->key_len);
        p = put_field(p, h->value, h->value_len);
    }
    if (bb->count == 0) {
        bb->base_timestamp = rec->timestamp;
        bb->max_timestamp = rec->timestamp;
    } else if (rec->timestamp > bb->max_timestamp) {
        bb->max_timestamp = rec->timestamp;
    }
    bb->count++;
    bb->last_offset_delta = offset_delta;
    return 0;
}

int sp_batch_append(sp_batch_builder *bb, const sp_record_in *rec)
{
    return sp_batch_append_at(bb, bb->count ? bb->last_offset_delta + 1 : 0, rec);
}

void sp_batch_builder_abort(sp_batch_builder *bb)
{
    if (bb->open && bb->w) {
        bb->w->len = bb->start;
        bb->w->err = 0;
    }
    bb->open = false;
}

static void put_producer(uint8_t *p, int64_t producer_id, int16_t producer_epoch,
                         int32_t base_sequence)
{
    sp_put_u64(p, (uint64_t)producer_id);
    sp_put_u16(p + 8, (uint16_t)producer_epoch);
    sp_put_u32(p + 10, (uint32_t)base_sequence);
}

static int compress_records(sp_batch_builder *bb, int codec, int level, sp_writer *scratch)
{
    sp_writer *w = bb->w;
    size_t rec_off = bb->start + SP_BATCH_HEADER_SIZE;
    int rc;

    if (!scratch || scratch == w)
        return SAMSA_ERR_INVALID_ARG;
    sp_writer_reset(scratch);
    rc = sp_compress_ctx(bb->codec_ctx, codec, level, w->buf + rec_off,
                         w->len - rec_off, scratch);
    if (rc)
        return rc;
    w->len = rec_off;
    if (w->max - w->len < scratch->len)
        return SAMSA_ERR_BUFFER_FULL;
    sp_write_raw(w, scratch->buf, scratch->len);
    return w->err;
}

int sp_batch_builder_finish(sp_batch_builder *bb, int codec, int level,
                            int64_t producer_id, int16_t producer_epoch,
                            int32_t base_sequence, sp_writer *scratch)
{
    sp_writer *w = bb->w;
    size_t total;
    uint8_t *h;
    int rc = 0;

    if (!bb->open || bb->count == 0)
        return SAMSA_ERR_INVALID_ARG;
    if (codec < 0 || codec > SP_CODEC_ZSTD)
        rc = SAMSA_ERR_UNKNOWN_CODEC;
    else if (!sp_codec_available(codec))
        rc = SAMSA_ERR_NOT_SUPPORTED;
    else if (codec != SP_CODEC_NONE)
        rc = compress_records(bb, codec, level, scratch);
    total = w->len - bb->start;
    if (!rc && total - SP_BATCH_OVERHEAD > INT32_MAX)
        rc = SAMSA_ERR_BUFFER_FULL;
    if (rc) {
        sp_batch_builder_abort(bb);
        return rc;
    }
    h = w->buf + bb->start;
    sp_put_u64(h, (uint64_t)bb->base_offset);
    sp_put_u32(h + 8, (uint32_t)(total - SP_BATCH_OVERHEAD));
    sp_put_u32(h + 12, (uint32_t)bb->partition_leader_epoch);
    h[16] = 2;
    sp_put_u16(h + ATTR_OFFSET, (uint16_t)(bb->flags | codec));
    sp_put_u32(h + 23, (uint32_t)bb->last_offset_delta);
    sp_put_u64(h + 27, (uint64_t)bb->base_timestamp);
    sp_put_u64(h + 35, (uint64_t)bb->max_timestamp);
    put_producer(h + PRODUCER_OFFSET, producer_id, producer_epoch, base_sequence);
    sp_put_u32(h + 57, (uint32_t)bb->count);
    sp_put_u32(h + CRC_OFFSET, sp_crc32c(0, h + ATTR_OFFSET, total - ATTR_OFFSET));
    bb->open = false;
    return 0;
}

int sp_batch_restamp(uint8_t *buf, size_t len, int64_t producer_id,
                     int16_t producer_epoch, int32_t base_sequence)
{
    if (!buf || len < SP_BATCH_HEADER_SIZE || buf[16] != 2 ||
        len - SP_BATCH_OVERHEAD != ((uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
                                    (uint32_t)buf[10] << 8 | buf[11]))
        return SAMSA_ERR_INVALID_ARG;
    put_producer(buf + PRODUCER_OFFSET, producer_id, producer_epoch, base_sequence);
    sp_put_u32(buf + CRC_OFFSET, sp_crc32c(0, buf + ATTR_OFFSET, len - ATTR_OFFSET));
    return 0;
}
