/*
 * protocol/record_legacy.c - legacy message sets (magic 0 and 1), read
 * only; see record_batch.h for what they look like through the API.
 *
 * A message: offset i64, size i32, crc u32 (CRC-32 of what follows it),
 * magic i8, attributes i8, timestamp i64 (magic 1 only), key and value as
 * int32-length nullable bytes. A compressed message ("wrapper") carries a
 * whole inner message set, compressed, as its value.
 */
#include <string.h>

#include "codec.h"
#include "codec_int.h"
#include "crc32.h"
#include "record_int.h"

#define LEGACY_MIN_SIZE_V0 14 /* crc, magic, attributes, key len, value len */
#define LEGACY_MIN_SIZE_V1 22 /* and the timestamp */
#define LEGACY_CRC_START 16   /* the CRC covers from the magic byte on */

int sp_legacy_decode(const uint8_t *buf, size_t len, bool check_crc,
                     sp_batch *b, size_t *used)
{
    size_t min = b->magic == 1 ? LEGACY_MIN_SIZE_V1 : LEGACY_MIN_SIZE_V0;
    size_t total;
    sp_bytes value;
    sp_reader r;
    int rc;

    if ((size_t)b->batch_length < min)
        return SAMSA_ERR_MALFORMED;
    if (len - SP_BATCH_OVERHEAD < (size_t)b->batch_length)
        return SP_BATCHES_INCOMPLETE;
    total = SP_BATCH_OVERHEAD + (size_t)b->batch_length;
    sp_reader_init(&r, buf + 12, total - 12);
    b->crc = sp_read_u32(&r);
    /* the CRC first, so corruption reads as corruption, not as bad fields */
    if (check_crc &&
        sp_crc32_ieee(0, buf + LEGACY_CRC_START, total - LEGACY_CRC_START) != b->crc)
        return SAMSA_ERR_CRC_MISMATCH;
    b->magic = sp_read_i8(&r);
    b->attributes = (int16_t)(uint8_t)sp_read_i8(&r);
    b->legacy_timestamp = b->magic == 1 ? sp_read_i64(&r) : -1;
    b->legacy_key = sp_read_nbytes(&r);
    value = sp_read_nbytes(&r);
    rc = sp_reader_finish(&r);
    if (rc)
        return rc == SAMSA_ERR_TRAILING_BYTES || rc == SAMSA_ERR_TRUNCATED ?
               SAMSA_ERR_MALFORMED : rc;
    if (b->magic == 0)
        b->attributes &= SP_BATCH_ATTR_CODEC_MASK;
    else
        b->attributes &= SP_BATCH_ATTR_CODEC_MASK | SP_BATCH_ATTR_LOG_APPEND_TIME;
    b->codec = b->attributes & SP_BATCH_ATTR_CODEC_MASK;
    b->log_append_time = (b->attributes & SP_BATCH_ATTR_LOG_APPEND_TIME) != 0;
    b->partition_leader_epoch = -1;
    b->producer_id = -1;
    b->producer_epoch = -1;
    b->base_sequence = -1;
    b->last_offset_delta = 0;
    b->base_timestamp = b->legacy_timestamp;
    b->max_timestamp = b->legacy_timestamp;
    b->record_count = b->codec ? -1 : 1;
    b->data = buf;
    b->size = total;
    b->records = value.len >= 0 ? value.ptr : NULL;
    b->records_len = value.len >= 0 ? (size_t)value.len : 0;
    if (b->codec > SP_CODEC_ZSTD)
        return SAMSA_ERR_UNKNOWN_CODEC;
    if (b->codec == SP_CODEC_ZSTD || (b->codec && !b->records))
        return SAMSA_ERR_MALFORMED; /* zstd came with magic 2 */
    *used = total;
    return 0;
}

/* Offset field of the last message of an inner set; checks the framing. */
static int last_inner_offset(const uint8_t *p, size_t len, int64_t *last)
{
    sp_reader r;

    *last = 0;
    sp_reader_init(&r, p, len);
    while (sp_reader_left(&r)) {
        int64_t off = sp_read_i64(&r);
        int32_t size = sp_read_i32(&r);

        if (r.err || size < 0)
            return SAMSA_ERR_MALFORMED;
        sp_read_skip(&r, (size_t)size);
        if (r.err)
            return SAMSA_ERR_MALFORMED;
        *last = off;
    }
    return 0;
}

int sp_legacy_records(const sp_batch *b, sp_writer *scratch, sp_records *rs)
{
    int rc;

    if (b->codec == SP_CODEC_NONE) {
        rs->legacy_state = 1;
        return 0;
    }
    if (!scratch)
        return SAMSA_ERR_INVALID_ARG;
    sp_writer_reset(scratch);
    if (b->magic == 0 && b->codec == SP_CODEC_LZ4)
        rc = sp_decompress_lz4_legacy(b->records, b->records_len, scratch);
    else
        rc = sp_decompress(b->codec, b->records, b->records_len, scratch);
    if (rc)
        return rc;
    sp_reader_init(&rs->r, scratch->buf, scratch->len);
    rs->legacy_delta = 0;
    if (b->magic == 1) {
        int64_t last;

        rc = last_inner_offset(scratch->buf, scratch->len, &last);
        if (rc)
            return rc;
        /* inner offsets are relative; the wrapper has the last one's */
        rs->legacy_delta = (int64_t)((uint64_t)b->base_offset - (uint64_t)last);
    }
    rs->legacy_state = 0;
    return 0;
}

int sp_legacy_next(sp_records *rs, sp_record *rec)
{
    const sp_batch *b = rs->batch;
    sp_batch in;
    size_t used, left;
    int rc;

    memset(rec, 0, sizeof *rec);
    if (rs->r.err)
        return rs->r.err;
    if (rs->legacy_state == 2)
        return SP_RECORDS_END;
    if (rs->legacy_state == 1) {
        rs->legacy_state = 2;
        rec->offset = b->base_offset;
        rec->timestamp = b->legacy_timestamp;
        rec->attributes = (int8_t)b->attributes;
        rec->key = b->legacy_key;
        rec->value.ptr = b->records;
        rec->value.len = b->records ? (int32_t)b->records_len : -1;
        return 0;
    }
    left = sp_reader_left(&rs->r);
    if (left == 0)
        return SP_RECORDS_END;
    rc = sp_batch_decode(rs->r.p, left, true, &in, &used);
    if (rc == SP_BATCHES_INCOMPLETE)
        rc = SAMSA_ERR_MALFORMED;
    else if (rc == 0 && (in.magic != b->magic || in.codec != SP_CODEC_NONE))
        rc = SAMSA_ERR_MALFORMED; /* mixed magic or nested compression */
    if (rc)
        return sp_reader_fail(&rs->r, rc);
    rs->r.p += used;
    rec->offset = (int64_t)((uint64_t)in.base_offset + (uint64_t)rs->legacy_delta);
    rec->timestamp = b->magic == 1 && b->log_append_time ? b->legacy_timestamp
                                                          : in.legacy_timestamp;
    rec->attributes = (int8_t)in.attributes;
    rec->key = in.legacy_key;
    rec->value.ptr = in.records;
    rec->value.len = in.records ? (int32_t)in.records_len : -1;
    return 0;
}
