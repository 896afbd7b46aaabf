/*
 * Fuzz target: record batch decoding, every magic and every codec (the
 * codec comes from the input's attributes). The first byte holds options:
 * bit 0 checks CRCs (off, the fuzzer reaches the records; on, the CRC path),
 * bit 1 recomputes each magic 2 batch's CRC32C first so a mutated batch
 * passes its check. The rest is a Fetch "records" field. Every batch is
 * walked record by record and header by header, and each fully decoded
 * magic 2 batch is re-encoded with the builder and must decode to the same
 * records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "crc32c.h"
#include "record_batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS 64
#define SCRATCH_CAP ((size_t)1 << 20)

typedef struct saved {
    sp_record_in in[MAX_RECS];
    sp_header_in hdrs[MAX_RECS][4];
    int32_t delta[MAX_RECS];
    int n;
    int ok; /* every record fits the re-encode test */
} saved;

static void save(saved *s, const sp_record *rec)
{
    sp_record_in *in;
    sp_header_iter hi;
    sp_str k;
    sp_bytes v;

    if (s->n == MAX_RECS || rec->header_count > 4) {
        s->ok = 0;
        return;
    }
    in = &s->in[s->n];
    in->timestamp = rec->timestamp;
    in->key = rec->key.len >= 0 ? rec->key.ptr : NULL;
    in->key_len = rec->key.len >= 0 ? (size_t)rec->key.len : 0;
    in->value = rec->value.len >= 0 ? rec->value.ptr : NULL;
    in->value_len = rec->value.len >= 0 ? (size_t)rec->value.len : 0;
    if (rec->key.len == 0)
        in->key = ""; /* an empty key is not a null one */
    if (rec->value.len == 0)
        in->value = "";
    in->headers = s->hdrs[s->n];
    in->header_count = 0;
    sp_header_iter_init(&hi, rec);
    while (sp_header_next(&hi, &k, &v)) {
        sp_header_in *h = &s->hdrs[s->n][in->header_count++];
        h->key = k.len ? k.ptr : "";
        h->key_len = (size_t)k.len;
        h->value = v.len > 0 ? v.ptr : v.len == 0 ? (const void *)"" : NULL;
        h->value_len = v.len > 0 ? (size_t)v.len : 0;
    }
    if ((int32_t)in->header_count != rec->header_count)
        abort(); /* records are checked whole before they are returned */
    s->delta[s->n] = rec->offset_delta;
    s->n++;
}

static int same_bytes(sp_bytes got, const void *p, size_t len)
{
    if (!p)
        return got.len == -1;
    return got.len == (int32_t)len && (len == 0 || memcmp(got.ptr, p, len) == 0);
}

static void reencode(const sp_batch *b, const saved *s, sp_writer *scratch)
{
    sp_batch_builder bb;
    sp_writer w;
    sp_batches it;
    sp_batch nb;
    sp_records rs;
    sp_record rec;
    int i;

    if (!s->ok || s->n == 0 || b->log_append_time)
        return;
    sp_writer_init(&w, NULL, 4 * SCRATCH_CAP);
    if (sp_batch_builder_begin(&bb, &w, (int16_t)(b->attributes & 0x70)) != 0)
        abort();
    for (i = 0; i < s->n; i++)
        if (sp_batch_append_at(&bb, s->delta[i], &s->in[i]) != 0)
            goto out; /* deltas not increasing: the builder refuses those */
    if (sp_batch_builder_finish(&bb, SP_CODEC_NONE, 0, b->producer_id, b->producer_epoch,
                                b->base_sequence, NULL) != 0)
        abort();
    sp_batches_init(&it, w.buf, w.len);
    if (sp_batches_next(&it, &nb) != 0 || sp_batch_records(&nb, scratch, &rs) != 0)
        abort();
    for (i = 0; i < s->n; i++) {
        if (sp_records_next(&rs, &rec) != 0 || rec.timestamp != s->in[i].timestamp ||
            rec.offset_delta != s->delta[i] ||
            !same_bytes(rec.key, s->in[i].key, s->in[i].key_len) ||
            !same_bytes(rec.value, s->in[i].value, s->in[i].value_len) ||
            rec.header_count != (int32_t)s->in[i].header_count)
            abort();
    }
    if (sp_records_next(&rs, &rec) != SP_RECORDS_END)
        abort();
out:
    sp_writer_free(&w);
}

static void fix_crcs(uint8_t *p, size_t len)
{
    while (len >= SP_BATCH_HEADER_SIZE) {
        uint32_t blen = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
        if (p[16] != 2 || blen < SP_BATCH_HEADER_SIZE - 12 || blen > len - 12)
            return;
        sp_put_u32(p + 17, sp_crc32c(0, p + 21, blen + 12 - 21));
        p += 12 + blen;
        len -= 12 + blen;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_writer scratch;
    sp_batches it;
    sp_batch b;
    uint8_t *buf;
    int rc;

    if (size < 1)
        return 0;
    buf = malloc(size - 1 ? size - 1 : 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    if (data[0] & 2)
        fix_crcs(buf, size - 1);
    sp_writer_init(&scratch, NULL, SCRATCH_CAP);
    sp_batches_init(&it, buf, size - 1);
    it.check_crc = (data[0] & 1) != 0;
    while ((rc = sp_batches_next(&it, &b)) == 0) {
        sp_records rs;
        sp_record rec;
        saved *s = calloc(1, sizeof *s);

        if (!s)
            break;
        s->ok = 1;
        if (sp_batch_records(&b, &scratch, &rs) == 0) {
            while ((rc = sp_records_next(&rs, &rec)) == 0) {
                if (b.control) {
                    sp_control c;
                    (void)sp_control_parse(&rec, &c);
                }
                if (b.magic == 2)
                    save(s, &rec);
            }
            if (rc == SP_RECORDS_END && b.magic == 2) {
                sp_writer other;
                sp_writer_init(&other, NULL, SCRATCH_CAP);
                reencode(&b, s, &other);
                sp_writer_free(&other);
            }
        }
        free(s);
    }
    if (rc != SP_BATCHES_END && rc != SP_BATCHES_INCOMPLETE && rc >= 0)
        abort();
    sp_writer_free(&scratch);
    free(buf);
    return 0;
}
