/*
 * Fetch partition parsing: plain and compressed batches (every codec in
 * the build), skipping below the fetch offset, control batches hidden,
 * read_committed over interleaved committed and aborted transactions,
 * partial batches at the end, CRC errors, the decompression cap, emit
 * stopping early, refcounts back to zero, guard-page input, allocation
 * failures. Batches are made with the protocol's batch builder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "codec.h"
#include "fetch_parse.h"
#include "samsa/error.h"

/* ---- building record data ---- */

static sp_writer scratch_w;

/* One batch of n records at base offset; values "v<offset>", keys
 * "k<offset>", one header on each. */
static void add_batch(sp_writer *w, int64_t base, int n, int codec,
                      int64_t pid, int16_t flags, int32_t epoch)
{
    sp_batch_builder bb;
    char key[32], val[32];
    int i;

    assert_int_equal(sp_batch_builder_begin(&bb, w, flags), 0);
    bb.base_offset = base;
    bb.partition_leader_epoch = epoch;
    for (i = 0; i < n; i++) {
        sp_header_in h = { "h", 1, "x", 1 };
        sp_record_in r;

        memset(&r, 0, sizeof r);
        snprintf(key, sizeof key, "k%lld", (long long)(base + i));
        snprintf(val, sizeof val, "v%lld", (long long)(base + i));
        r.timestamp = 1000 + base + i;
        r.key = key;
        r.key_len = strlen(key);
        r.value = val;
        r.value_len = strlen(val);
        r.headers = &h;
        r.header_count = 1;
        assert_int_equal(sp_batch_append(&bb, &r), 0);
    }
    assert_int_equal(sp_batch_builder_finish(&bb, codec, SP_CODEC_LEVEL_DEFAULT,
                                             pid, pid >= 0 ? 0 : -1,
                                             pid >= 0 ? 0 : -1, &scratch_w), 0);
}

/* add_batch without compression or producer id. */
static void add_plain(sp_writer *w, int64_t base, int n)
{
    add_batch(w, base, n, SP_CODEC_NONE, -1, 0, 0);
}

/* A transaction marker (control batch with one record). */
static void add_marker(sp_writer *w, int64_t offset, int64_t pid, int type)
{
    sp_batch_builder bb;
    uint8_t key[4] = { 0, 0, 0, (uint8_t)type };
    uint8_t val[6] = { 0, 0, 0, 0, 0, 1 };
    sp_record_in r;

    memset(&r, 0, sizeof r);
    r.key = key;
    r.key_len = sizeof key;
    r.value = val;
    r.value_len = sizeof val;
    assert_int_equal(sp_batch_builder_begin(&bb, w, SP_BATCH_ATTR_CONTROL |
                                                       SP_BATCH_ATTR_TRANSACTIONAL), 0);
    bb.base_offset = offset;
    assert_int_equal(sp_batch_append(&bb, &r), 0);
    assert_int_equal(sp_batch_builder_finish(&bb, SP_CODEC_NONE, 0, pid, 0, -1, NULL), 0);
}

/* ---- collecting what is emitted ---- */

#define MAXREC 256
typedef struct sink {
    int n;
    int64_t off[MAXREC];
    char val[MAXREC][16];
    int32_t epoch[MAXREC];
    sc_fetch_buf *bufs[MAXREC];
    int stop_after; /* return an error after this many (0 = never) */
} sink;

static int on_rec(void *opaque, const sc_fetch_rec *r)
{
    sink *s = opaque;
    char key[32];
    sp_header_iter hi;
    sp_str hk;
    sp_bytes hv;

    if (s->stop_after && s->n == s->stop_after)
        return SAMSA_ERR_QUEUE_FULL;
    assert_true(s->n < MAXREC);
    assert_true(r->value.len > 0 && r->value.len < 16);
    memcpy(s->val[s->n], r->value.ptr, (size_t)r->value.len);
    s->val[s->n][r->value.len] = 0;
    snprintf(key, sizeof key, "k%lld", (long long)r->offset);
    assert_int_equal(r->key.len, (int32_t)strlen(key));
    assert_memory_equal(r->key.ptr, key, strlen(key));
    assert_int_equal(r->timestamp, 1000 + r->offset);
    assert_int_equal(r->header_count, 1);
    hi.r.p = r->headers;
    hi.r.end = r->headers + r->headers_len;
    hi.r.err = 0;
    hi.left = r->header_count;
    assert_true(sp_header_next(&hi, &hk, &hv));
    assert_int_equal(hk.len, 1);
    assert_int_equal(hv.len, 1);
    s->off[s->n] = r->offset;
    s->epoch[s->n] = r->leader_epoch;
    sc_fetch_buf_ref(r->buf);
    s->bufs[s->n] = r->buf;
    s->n++;
    return 0;
}

static void sink_release(sink *s)
{
    int i;

    for (i = 0; i < s->n; i++)
        sc_fetch_buf_unref(s->bufs[i]);
    s->n = 0;
}

/* ---- running the parser ---- */

typedef struct fixture {
    sc_prefetch pf;
    sc_fetch_buf *buf;
    sp_fetch_resp_partition p;
    sp_fetch_aborted_txn aborted[8];
    sc_fetch_parse_cfg cfg;
    sp_writer scratch;
    sc_fetch_result res;
    sink s;
} fixture;

/* Copy w's bytes (or the first len of them) into a fresh fetch buffer. */
static void fx_init(fixture *fx, const sp_writer *w, size_t len)
{
    memset(fx, 0, sizeof *fx);
    sc_prefetch_init(&fx->pf, 1 << 30, NULL, NULL);
    fx->buf = sc_fetch_buf_new(NULL, &fx->pf, len);
    assert_non_null(fx->buf);
    if (len)
        memcpy(fx->buf->data, w->buf, len);
    fx->p.high_watermark = 100;
    fx->p.last_stable_offset = -1;
    fx->p.log_start_offset = 0;
    fx->p.preferred_read_replica = -1;
    fx->p.records.ptr = fx->buf->data;
    fx->p.records.len = (int32_t)len;
    fx->p.aborted_transactions.count = -1;
    fx->p.aborted_transactions.items = fx->aborted;
    fx->cfg.alloc = NULL;
    fx->cfg.pf = &fx->pf;
    fx->cfg.check_crc = true;
    sp_writer_init(&fx->scratch, NULL, 1 << 20);
}

static int fx_parse(fixture *fx, int64_t fetch_offset)
{
    return sc_fetch_parse(&fx->cfg, &fx->p, fetch_offset, fx->buf, &fx->scratch,
                          on_rec, &fx->s, &fx->res);
}

/* fx_init and a parse from offset 0 that returns 0 (the result is in
 * fx->res). */
static void fx_run(fixture *fx, const sp_writer *w, size_t len)
{
    fx_init(fx, w, len);
    assert_int_equal(fx_parse(fx, 0), 0);
}

/* Release everything: the budget must come back to zero. */
static void fx_done(fixture *fx)
{
    sink_release(&fx->s);
    sc_fetch_buf_unref(fx->buf);
    sp_writer_free(&fx->scratch);
    assert_int_equal(sc_prefetch_used(&fx->pf), 0);
}

static void setup_scratch(void)
{
    sp_writer_free(&scratch_w);
    sp_writer_init(&scratch_w, NULL, 1 << 22);
}

/* A fresh scratch writer and an empty log in w. */
static void log_begin(sp_writer *w)
{
    setup_scratch();
    sp_writer_init(w, NULL, 1 << 20);
}

static void test_plain_batches(void **state)
{
    sp_writer w;
    fixture fx;
    (void)state;

    log_begin(&w);
    add_batch(&w, 0, 3, SP_CODEC_NONE, -1, 0, 5);
    add_batch(&w, 3, 2, SP_CODEC_NONE, -1, 0, 6);
    add_batch(&w, 5, 4, SP_CODEC_NONE, -1, 0, 6);
    fx_run(&fx, &w, w.len);
    assert_int_equal(fx.res.err, 0);
    assert_int_equal(fx.s.n, 9);
    assert_int_equal(fx.s.off[8], 8);
    assert_string_equal(fx.s.val[4], "v4");
    assert_int_equal(fx.s.epoch[0], 5);
    assert_int_equal(fx.s.epoch[8], 6);
    assert_ptr_equal(fx.s.bufs[0], fx.buf); /* views into the response */
    assert_int_equal(fx.res.next_offset, 9);
    assert_int_equal(fx.res.last_epoch, 6);
    assert_false(fx.res.incomplete);
    fx_done(&fx);

    /* from offset 4: the first batch is skipped, the second partly */
    fx_init(&fx, &w, w.len);
    assert_int_equal(fx_parse(&fx, 4), 0);
    assert_int_equal(fx.s.n, 5);
    assert_int_equal(fx.s.off[0], 4);
    assert_int_equal(fx.res.skipped, 1);
    assert_int_equal(fx.res.next_offset, 9);
    fx_done(&fx);

    /* empty and null records: nothing, next offset unchanged */
    fx_init(&fx, &w, 0);
    assert_int_equal(fx_parse(&fx, 42), 0);
    assert_int_equal(fx.res.next_offset, 42);
    assert_int_equal(fx.s.n, 0);
    fx_done(&fx);

    /* a partition error: not parsed */
    fx_init(&fx, &w, w.len);
    fx.p.error_code = SAMSA_ERR_OFFSET_OUT_OF_RANGE;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_int_equal(fx.res.err, SAMSA_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(fx.s.n, 0);
    assert_int_equal(fx.res.next_offset, 0);
    fx_done(&fx);
    sp_writer_free(&w);
}

static void test_compressed_batches(void **state)
{
    int codec;
    (void)state;

    setup_scratch();
    for (codec = SP_CODEC_GZIP; codec <= SP_CODEC_ZSTD; codec++) {
        sp_writer w;
        fixture fx;
        size_t before;

        if (!sp_codec_available(codec))
            continue;
        sp_writer_init(&w, NULL, 1 << 20);
        add_batch(&w, 10, 20, codec, -1, 0, 1);
        add_batch(&w, 30, 5, SP_CODEC_NONE, -1, 0, 1);
        add_batch(&w, 35, 7, codec, -1, 0, 2);
        fx_init(&fx, &w, w.len);
        before = sc_prefetch_used(&fx.pf);
        /* fetch from 15: a compressed batch starting before the position */
        assert_int_equal(fx_parse(&fx, 15), 0);
        assert_int_equal(fx.res.err, 0);
        assert_int_equal(fx.s.n, 15 + 5 + 7);
        assert_int_equal(fx.s.off[0], 15);
        assert_string_equal(fx.s.val[0], "v15");
        assert_string_equal(fx.s.val[26], "v41");
        assert_int_equal(fx.res.skipped, 5);
        assert_int_equal(fx.res.next_offset, 42);
        /* decompressed records live in their own buffers, charged too */
        assert_true(fx.s.bufs[0] != fx.buf);
        assert_ptr_equal(fx.s.bufs[0]->parent, fx.buf);
        assert_ptr_equal(fx.s.bufs[15], fx.buf);
        assert_true(fx.s.bufs[20] != fx.s.bufs[0]);
        assert_true(sc_prefetch_used(&fx.pf) > before);
        /* the response buffer outlives its own reference while children
         * hold it */
        sc_fetch_buf_unref(fx.buf);
        fx.buf = NULL;
        assert_string_equal(fx.s.val[3], "v18");
        fx_done(&fx);
        sp_writer_free(&w);
    }
}

/*
 * Offsets: pid 1 commits (0-1, COMMIT at 2); pid 2 writes 3-4, pid 1
 * writes 5 (non-transactional producer -1 at 6), pid 2 aborts at 7; pid 3
 * aborts 8-9 (ABORT at 10) then commits 11-12 (COMMIT at 13); 14 plain.
 */
static void build_txn_log(sp_writer *w)
{
    const int16_t T = SP_BATCH_ATTR_TRANSACTIONAL;

    add_batch(w, 0, 2, SP_CODEC_NONE, 1, T, 0);
    add_marker(w, 2, 1, SP_CONTROL_COMMIT);
    add_batch(w, 3, 2, SP_CODEC_LZ4, 2, T, 0);
    add_batch(w, 5, 1, SP_CODEC_NONE, 1, T, 0);
    add_plain(w, 6, 1);
    add_marker(w, 7, 2, SP_CONTROL_ABORT);
    add_batch(w, 8, 2, SP_CODEC_NONE, 3, T, 0);
    add_marker(w, 10, 3, SP_CONTROL_ABORT);
    add_batch(w, 11, 2, SP_CODEC_NONE, 3, T, 0);
    add_marker(w, 13, 3, SP_CONTROL_COMMIT);
    add_plain(w, 14, 1);
}

static void test_read_committed(void **state)
{
    static const int64_t committed[] = { 0, 1, 5, 6, 11, 12, 14 };
    static const int64_t uncommitted[] = { 0, 1, 3, 4, 5, 6, 8, 9, 11, 12, 14 };
    sp_writer w;
    fixture fx;
    int i;
    (void)state;

    if (!sp_codec_available(SP_CODEC_LZ4))
        skip();
    log_begin(&w);
    build_txn_log(&w);

    /* read_uncommitted: every data record, markers hidden */
    fx_run(&fx, &w, w.len);
    assert_int_equal(fx.s.n, 11);
    for (i = 0; i < 11; i++)
        assert_int_equal(fx.s.off[i], uncommitted[i]);
    assert_int_equal(fx.res.control, 4);
    assert_int_equal(fx.res.next_offset, 15);
    fx_done(&fx);

    /* read_committed; the aborted list comes in any order */
    fx_init(&fx, &w, w.len);
    fx.cfg.read_committed = true;
    fx.aborted[0].producer_id = 3;
    fx.aborted[0].first_offset = 8;
    fx.aborted[1].producer_id = 2;
    fx.aborted[1].first_offset = 3;
    fx.p.aborted_transactions.count = 2;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_int_equal(fx.s.n, 7);
    for (i = 0; i < 7; i++)
        assert_int_equal(fx.s.off[i], committed[i]);
    assert_int_equal(fx.res.skipped, 4);
    assert_int_equal(fx.res.next_offset, 15);
    fx_done(&fx);

    /* read_committed from the middle (offset 9) */
    fx_init(&fx, &w, w.len);
    fx.cfg.read_committed = true;
    fx.aborted[0].producer_id = 3;
    fx.aborted[0].first_offset = 8;
    fx.p.aborted_transactions.count = 1;
    assert_int_equal(fx_parse(&fx, 9), 0);
    assert_int_equal(fx.s.n, 3);
    assert_int_equal(fx.s.off[0], 11);
    fx_done(&fx);

    /* no aborted list (null): everything committed is shown */
    fx_init(&fx, &w, w.len);
    fx.cfg.read_committed = true;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_int_equal(fx.s.n, 11);
    fx_done(&fx);
    sp_writer_free(&w);
}

static void test_partial_batches(void **state)
{
    sp_writer w;
    fixture fx;
    size_t first;
    (void)state;

    log_begin(&w);
    add_plain(&w, 0, 3);
    first = w.len;
    add_plain(&w, 3, 3);

    /* cut in the middle of the second batch */
    fx_run(&fx, &w, w.len - 5);
    assert_int_equal(fx.res.err, 0);
    assert_true(fx.res.incomplete);
    assert_false(fx.res.too_large);
    assert_int_equal(fx.s.n, 3);
    assert_int_equal(fx.res.next_offset, 3);
    fx_done(&fx);

    /* not even the first batch is whole: report its size */
    fx_run(&fx, &w, first - 1);
    assert_true(fx.res.incomplete);
    assert_true(fx.res.too_large);
    assert_int_equal(fx.res.first_batch_size, first);
    assert_int_equal(fx.res.next_offset, 0);
    fx_done(&fx);

    /* only 7 bytes: size unknown */
    fx_run(&fx, &w, 7);
    assert_true(fx.res.too_large);
    assert_int_equal(fx.res.first_batch_size, 0);
    fx_done(&fx);
    sp_writer_free(&w);
}

static void test_corruption(void **state)
{
    sp_writer w;
    fixture fx;
    size_t first;
    (void)state;

    log_begin(&w);
    add_plain(&w, 0, 3);
    first = w.len;
    add_plain(&w, 3, 3);
    add_plain(&w, 6, 3);
    w.buf[w.len - 1] ^= 0x01; /* a header value byte of the third batch */
    w.buf[first + 17] ^= 0x01; /* the second batch's stored CRC */

    fx_run(&fx, &w, w.len);
    assert_int_equal(fx.res.err, SAMSA_ERR_CRC_MISMATCH);
    assert_int_equal(fx.res.err_offset, 3);
    assert_true(strlen(fx.res.errmsg) > 0);
    assert_int_equal(fx.s.n, 3); /* the records before it stand */
    assert_int_equal(fx.res.next_offset, 3);
    fx_done(&fx);

    /* with check.crcs=false the flipped bytes go through */
    fx_init(&fx, &w, w.len);
    fx.cfg.check_crc = false;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_int_equal(fx.res.err, 0);
    assert_int_equal(fx.s.n, 9);
    fx_done(&fx);
    sp_writer_free(&w);
}

static void test_decompress_cap_and_stop(void **state)
{
    sp_writer w;
    fixture fx;
    (void)state;

    if (!sp_codec_available(SP_CODEC_GZIP))
        skip();
    log_begin(&w);
    add_plain(&w, 0, 2);
    add_batch(&w, 2, 50, SP_CODEC_GZIP, -1, 0, 0);

    fx_init(&fx, &w, w.len);
    sp_writer_free(&fx.scratch);
    sp_writer_init(&fx.scratch, NULL, 64); /* far below 50 records */
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_int_equal(fx.res.err, SAMSA_ERR_TOO_LARGE);
    assert_int_equal(fx.res.err_offset, 2);
    assert_int_equal(fx.s.n, 2);
    assert_int_equal(fx.res.next_offset, 2);
    fx_done(&fx);

    /* the consumer stops taking records after 10 */
    fx_init(&fx, &w, w.len);
    fx.s.stop_after = 10;
    assert_int_equal(fx_parse(&fx, 0), SAMSA_ERR_QUEUE_FULL);
    assert_int_equal(fx.s.n, 10);
    assert_int_equal(fx.res.next_offset, 10);
    fx_done(&fx);
    sp_writer_free(&w);
}

/* Highly compressed batches cannot blow the budget: parsing stops at a
 * batch boundary once it is full, after one batch when it must progress. */
static void test_budget_stop(void **state)
{
    sp_writer w;
    fixture fx;
    size_t first;
    (void)state;

    if (!sp_codec_available(SP_CODEC_ZSTD))
        skip();
    log_begin(&w);
    add_batch(&w, 0, 40, SP_CODEC_ZSTD, -1, 0, 0);
    first = w.len;
    add_batch(&w, 40, 40, SP_CODEC_ZSTD, -1, 0, 0);
    add_batch(&w, 80, 40, SP_CODEC_ZSTD, -1, 0, 0);

    /* the response itself fills the budget: one batch, then stop */
    fx_init(&fx, &w, w.len);
    fx.pf.limit = w.len;
    fx.cfg.stop_when_full = true;
    fx.cfg.must_progress = true;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_int_equal(fx.res.err, 0);
    assert_true(fx.res.budget_stop);
    assert_int_equal(fx.s.n, 40);
    assert_int_equal(fx.res.next_offset, 40);
    fx_done(&fx);

    /* something else will free the budget: not even one batch */
    fx_init(&fx, &w, w.len);
    fx.pf.limit = first;
    fx.cfg.stop_when_full = true;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_true(fx.res.budget_stop);
    assert_int_equal(fx.s.n, 0);
    assert_int_equal(fx.res.next_offset, 0);
    fx_done(&fx);

    /* room for everything: no stop */
    fx_init(&fx, &w, w.len);
    fx.cfg.stop_when_full = true;
    assert_int_equal(fx_parse(&fx, 0), 0);
    assert_false(fx.res.budget_stop);
    assert_int_equal(fx.s.n, 120);
    fx_done(&fx);
    sp_writer_free(&w);
}

static void test_guard_page(void **state)
{
    sp_writer w;
    fixture fx;
    const unsigned char *g;
    size_t cut, first;
    (void)state;

    log_begin(&w);
    add_plain(&w, 0, 4);
    first = w.len;
    add_plain(&w, 4, 4);
    for (cut = 1; cut <= w.len; cut++) {
        fx_init(&fx, &w, 0);
        g = st_guard_copy(w.buf, cut);
        fx.p.records.ptr = g;
        fx.p.records.len = (int32_t)cut;
        assert_int_equal(fx_parse(&fx, 0), 0);
        assert_int_equal(fx.res.err, 0);
        assert_true(fx.res.incomplete == (cut != w.len && cut != first));
        assert_int_equal(fx.s.n, cut < first ? 0 : cut < w.len ? 4 : 8);
        sink_release(&fx.s);
        st_guard_free(g, cut);
        fx_done(&fx);
    }
    sp_writer_free(&w);
}

static void test_allocation_failures(void **state)
{
    sp_writer w;
    long n;
    (void)state;

    if (!sp_codec_available(SP_CODEC_ZSTD))
        skip();
    log_begin(&w);
    add_batch(&w, 0, 4, SP_CODEC_ZSTD, 7, SP_BATCH_ATTR_TRANSACTIONAL, 0);
    add_marker(&w, 4, 7, SP_CONTROL_COMMIT);
    add_batch(&w, 5, 4, SP_CODEC_ZSTD, -1, 0, 0);
    for (n = 1;; n++) {
        st_fail_alloc fa;
        fixture fx;
        int rc;

        fx_init(&fx, &w, w.len);
        st_fail_alloc_init(&fa, n);
        fx.cfg.alloc = &fa.alloc;
        fx.cfg.read_committed = true;
        fx.aborted[0].producer_id = 9;
        fx.aborted[0].first_offset = 100;
        fx.p.aborted_transactions.count = 1;
        sp_writer_free(&fx.scratch);
        sp_writer_init(&fx.scratch, &fa.alloc, 1 << 20);
        rc = fx_parse(&fx, 0);
        sink_release(&fx.s);
        sc_fetch_buf_unref(fx.buf);
        sp_writer_free(&fx.scratch);
        assert_int_equal(fa.live, 0);
        assert_int_equal(sc_prefetch_used(&fx.pf), 0);
        if (rc == 0 && fx.res.err == 0) {
            assert_int_equal(fx.res.records, 8);
            break;
        }
        /* codec allocations fail as NO_MEMORY or a decode error */
        assert_true(rc == SAMSA_ERR_NO_MEMORY || fx.res.err != 0);
        assert_true(n < 1000);
    }
    sp_writer_free(&w);
    sp_writer_free(&scratch_w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_batches),
        cmocka_unit_test(test_compressed_batches),
        cmocka_unit_test(test_read_committed),
        cmocka_unit_test(test_partial_batches),
        cmocka_unit_test(test_corruption),
        cmocka_unit_test(test_decompress_cap_and_stop),
        cmocka_unit_test(test_budget_stop),
        cmocka_unit_test(test_guard_page),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests_name("fetch_parse", tests, NULL, NULL);
}
