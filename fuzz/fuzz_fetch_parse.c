/*
 * Fuzz target: one partition of a Fetch response through the consumer's
 * parser (client/fetch_parse.c): batch framing, CRCs, every codec,
 * legacy message sets, control records, read_committed filtering.
 *
 * Input: byte 0 flags (bit 0 read_committed, bit 1 check CRCs, bit 2 stop
 * when the budget is full, bit 3 but only after progress, bit 4 a 4 KB
 * budget), byte 1
 * number of aborted transactions (mod 8), bytes 2-3 the fetch offset
 * (big-endian), then 16 bytes per aborted transaction (producer id, first
 * offset, big-endian), then the records bytes. Checks: emitted offsets
 * strictly increase from the fetch offset, the next offset never goes
 * back, and releasing every record brings the prefetch budget to zero
 * (refcounts balance; ASan sees leaks and double frees).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../client/fetch_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct sink {
    sc_fetch_buf *bufs[4096];
    int n;
    int64_t last;
    unsigned sum;
} sink;

static int on_rec(void *opaque, const sc_fetch_rec *r)
{
    sink *s = opaque;
    sp_header_iter hi;
    sp_str hk;
    sp_bytes hv;
    int32_t i;

    if (r->offset <= s->last)
        abort();
    s->last = r->offset;
    /* touch every byte the record points at */
    for (i = 0; i < r->key.len; i++)
        s->sum += r->key.ptr[i];
    for (i = 0; i < r->value.len; i++)
        s->sum += r->value.ptr[i];
    hi.r.p = r->headers;
    hi.r.end = r->header_count > 0 ? r->headers + r->headers_len : r->headers;
    hi.r.err = 0;
    hi.left = r->header_count;
    while (r->header_count > 0 && sp_header_next(&hi, &hk, &hv)) {
        for (i = 0; i < hk.len; i++)
            s->sum += (uint8_t)hk.ptr[i];
        for (i = 0; i < hv.len; i++)
            s->sum += hv.ptr[i];
    }
    if (s->n == (int)(sizeof s->bufs / sizeof s->bufs[0]))
        return SAMSA_ERR_QUEUE_FULL; /* stop: a legitimate early end */
    sc_fetch_buf_ref(r->buf);
    s->bufs[s->n++] = r->buf;
    return 0;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sink s;
    sp_fetch_aborted_txn aborted[8];
    sp_fetch_resp_partition p;
    sc_fetch_parse_cfg cfg;
    sc_fetch_result res;
    sc_prefetch pf;
    sc_fetch_buf *buf;
    sp_writer scratch;
    int64_t fetch_offset;
    size_t i, naborted;
    int rc;

    if (size < 4)
        return 0;
    naborted = data[1] % 8;
    fetch_offset = (int64_t)((data[2] << 8) | data[3]);
    if (size - 4 < naborted * 16)
        return 0;
    for (i = 0; i < naborted; i++) {
        aborted[i].producer_id = (int64_t)be64(data + 4 + i * 16);
        aborted[i].first_offset = (int64_t)be64(data + 12 + i * 16);
    }

    memset(&p, 0, sizeof p);
    memset(&cfg, 0, sizeof cfg);
    cfg.read_committed = data[0] & 1;
    cfg.check_crc = (data[0] & 2) != 0;
    cfg.stop_when_full = (data[0] & 4) != 0;
    cfg.must_progress = (data[0] & 8) != 0;
    cfg.pf = &pf;
    /* a small budget with bit 4, so the budget stop happens */
    sc_prefetch_init(&pf, data[0] & 16 ? 4096 : 1 << 20, NULL, NULL);
    data += 4 + naborted * 16;
    size -= 4 + naborted * 16;
    if (size > INT32_MAX)
        return 0;
    /* the records sit at the very end of their allocation */
    buf = sc_fetch_buf_new(NULL, &pf, size);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf->data, data, size);
    p.records.ptr = size ? buf->data : NULL;
    p.records.len = size ? (int32_t)size : -1;
    p.aborted_transactions.count = naborted ? (int32_t)naborted : -1;
    p.aborted_transactions.items = aborted;

    sp_writer_init(&scratch, NULL, 1 << 22); /* decompression cap */
    s.n = 0;
    s.last = fetch_offset - 1;
    rc = sc_fetch_parse(&cfg, &p, fetch_offset, buf, &scratch, on_rec, &s, &res);
    if (rc != 0 && rc != SAMSA_ERR_QUEUE_FULL && rc != SAMSA_ERR_NO_MEMORY)
        abort();
    if (res.next_offset < fetch_offset || res.records != s.n)
        abort();
    if (s.n && res.next_offset <= s.last)
        abort();
    sc_fetch_buf_unref(buf);
    for (i = 0; i < (size_t)s.n; i++)
        sc_fetch_buf_unref(s.bufs[i]);
    sp_writer_free(&scratch);
    if (sc_prefetch_used(&pf) != 0)
        abort();
    return 0;
}
