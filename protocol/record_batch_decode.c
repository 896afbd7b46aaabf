/*
 * protocol/record_batch_decode.c - batch framing and magic 2 headers; see
 * record_batch.h. Records are in record_iter.c, legacy messages in
 * record_legacy.c.
 */
#include <stdio.h>
#include <string.h>

#include "crc32c.h"
#include "record_int.h"

/* Offset of the magic byte: the same place in every message format. */
#define MAGIC_OFFSET 16
#define V2_CRC_OFFSET 17
#define V2_ATTR_OFFSET 21

static const uint8_t no_bytes[1];

static void fill_flags(sp_batch *b)
{
    b->codec = b->attributes & SP_BATCH_ATTR_CODEC_MASK;
    b->log_append_time = (b->attributes & SP_BATCH_ATTR_LOG_APPEND_TIME) != 0;
    b->transactional = (b->attributes & SP_BATCH_ATTR_TRANSACTIONAL) != 0;
    b->control = (b->attributes & SP_BATCH_ATTR_CONTROL) != 0;
    b->has_delete_horizon = (b->attributes & SP_BATCH_ATTR_DELETE_HORIZON) != 0;
}

static int decode_v2(const uint8_t *buf, size_t len, bool check_crc,
                     sp_batch *b, size_t *used)
{
    sp_reader r;
    size_t total;

    if (b->batch_length < SP_BATCH_HEADER_SIZE - SP_BATCH_OVERHEAD)
        return SAMSA_ERR_MALFORMED;
    if (len - SP_BATCH_OVERHEAD < (size_t)b->batch_length)
        return SP_BATCHES_INCOMPLETE;
    total = SP_BATCH_OVERHEAD + (size_t)b->batch_length;
    sp_reader_init(&r, buf + 12, total - 12);
    b->partition_leader_epoch = sp_read_i32(&r);
    b->magic = sp_read_i8(&r);
    b->crc = sp_read_u32(&r);
    b->attributes = sp_read_i16(&r);
    b->last_offset_delta = sp_read_i32(&r);
    b->base_timestamp = sp_read_i64(&r);
    b->max_timestamp = sp_read_i64(&r);
    b->producer_id = sp_read_i64(&r);
    b->producer_epoch = sp_read_i16(&r);
    b->base_sequence = sp_read_i32(&r);
    b->record_count = sp_read_i32(&r);
    if (r.err)
        return r.err; /* not reached: batch_length covers the header */
    fill_flags(b);
    b->data = buf;
    b->size = total;
    b->records = r.p;
    b->records_len = sp_reader_left(&r);
    b->legacy_timestamp = -1;
    b->legacy_key.ptr = NULL;
    b->legacy_key.len = -1;
    if (check_crc) {
        uint32_t crc = sp_crc32c(0, buf + V2_ATTR_OFFSET, total - V2_ATTR_OFFSET);
        if (crc != b->crc)
            return SAMSA_ERR_CRC_MISMATCH;
    }
    if (b->record_count < 0 || b->last_offset_delta < 0)
        return SAMSA_ERR_MALFORMED;
    if (b->codec == 0 && (size_t)b->record_count > b->records_len / SP_RECORD_MIN_SIZE)
        return SAMSA_ERR_MALFORMED;
    *used = total;
    return 0;
}

int sp_batch_decode(const uint8_t *buf, size_t len, bool check_crc,
                    sp_batch *b, size_t *used)
{
    sp_reader r;

    memset(b, 0, sizeof *b);
    b->base_offset = -1;
    *used = 0;
    if (!buf && len)
        return SAMSA_ERR_INVALID_ARG;
    if (!buf)
        buf = no_bytes;
    sp_reader_init(&r, buf, len);
    if (len >= 8)
        b->base_offset = sp_read_i64(&r);
    if (len <= MAGIC_OFFSET)
        return SP_BATCHES_INCOMPLETE;
    b->batch_length = sp_read_i32(&r);
    if (b->batch_length < 0)
        return SAMSA_ERR_MALFORMED;
    b->magic = (int8_t)buf[MAGIC_OFFSET];
    switch (b->magic) {
    case 2:
        return decode_v2(buf, len, check_crc, b, used);
    case 0:
    case 1:
        return sp_legacy_decode(buf, len, check_crc, b, used);
    default:
        return SAMSA_ERR_BAD_MAGIC;
    }
}

void sp_batches_init(sp_batches *it, const void *buf, size_t len)
{
    it->p = buf ? (const uint8_t *)buf : no_bytes;
    it->end = it->p + (buf ? len : 0);
    it->check_crc = true;
    it->err = 0;
    it->err_offset = -1;
    it->incomplete_len = 0;
    it->errmsg[0] = '\0';
}

int sp_batches_next(sp_batches *it, sp_batch *b)
{
    size_t used, left;
    int rc;

    if (it->err)
        return it->err;
    left = (size_t)(it->end - it->p);
    if (left == 0)
        return SP_BATCHES_END;
    rc = sp_batch_decode(it->p, left, it->check_crc, b, &used);
    if (rc == 0) {
        it->p += used;
        return 0;
    }
    if (rc == SP_BATCHES_INCOMPLETE) {
        it->incomplete_len = left;
        it->p = it->end;
        return rc;
    }
    it->err = rc;
    it->err_offset = b->base_offset;
    if (rc == SAMSA_ERR_CRC_MISMATCH && b->magic == 2)
        snprintf(it->errmsg, sizeof it->errmsg,
                 "corrupt batch at base offset %lld: stored CRC32C 0x%08x, computed 0x%08x",
                 (long long)b->base_offset, (unsigned)b->crc,
                 (unsigned)sp_crc32c(0, b->data + V2_ATTR_OFFSET, b->size - V2_ATTR_OFFSET));
    else if (rc == SAMSA_ERR_CRC_MISMATCH)
        snprintf(it->errmsg, sizeof it->errmsg,
                 "corrupt message (magic %d) at offset %lld: CRC-32 mismatch", b->magic,
                 (long long)b->base_offset);
    else
        snprintf(it->errmsg, sizeof it->errmsg,
                 "bad batch (magic %d) at base offset %lld: %s", b->magic,
                 (long long)b->base_offset, samsa_err_str(rc));
    return rc;
}
