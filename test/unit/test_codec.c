/*
 * Compression codecs: round trips, the output cap (bombs, exact fits),
 * corrupt and truncated input (before a guard page), xerial and raw snappy,
 * the magic 0 LZ4 header checksum, unknown and compiled-out codecs,
 * allocation failures, and one sp_codec_ctx reused across calls.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "codec.h"
#include "codec_int.h"
#if SAMSA_WITH_SNAPPY
#include <snappy-c.h>
#endif

static const int codecs[] = { SP_CODEC_GZIP, SP_CODEC_SNAPPY, SP_CODEC_LZ4, SP_CODEC_ZSTD };
#define NCODECS (sizeof codecs / sizeof codecs[0])

static uint8_t *make_data(size_t n, unsigned seed, int compressible)
{
    uint8_t *p = malloc(n ? n : 1);
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++)
        p[i] = compressible ? (uint8_t)("kafka record "[i % 13] + (rand_r(&seed) % 3 == 0))
                            : (uint8_t)rand_r(&seed);
    return p;
}

static void roundtrip(int codec, const uint8_t *in, size_t n)
{
    sp_writer c, d;
    const unsigned char *g;

    sp_writer_init(&c, NULL, (size_t)64 << 20);
    sp_writer_init(&d, NULL, (size_t)64 << 20);
    assert_int_equal(sp_compress(codec, SP_CODEC_LEVEL_DEFAULT, in, n, &c), 0);
    g = st_guard_copy(c.buf, c.len);
    assert_int_equal(sp_decompress(codec, g, c.len, &d), 0);
    assert_int_equal(d.len, n);
    if (n)
        assert_memory_equal(d.buf, in, n);
    st_guard_free(g, c.len);
    sp_writer_free(&c);
    sp_writer_free(&d);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(sp_codec_name(SP_CODEC_NONE), "none");
    assert_string_equal(sp_codec_name(SP_CODEC_ZSTD), "zstd");
    assert_null(sp_codec_name(5));
    assert_null(sp_codec_name(-1));
    assert_int_equal(sp_codec_from_name("snappy"), SP_CODEC_SNAPPY);
    assert_int_equal(sp_codec_from_name("lz4"), SP_CODEC_LZ4);
    assert_int_equal(sp_codec_from_name("brotli"), -1);
    assert_int_equal(sp_codec_from_name(NULL), -1);
    assert_int_equal(sp_codec_available(SP_CODEC_NONE), 1);
    assert_int_equal(sp_codec_available(7), 0);
}

static void test_unknown_and_missing(void **state)
{
    sp_writer w;
    uint8_t x = 1;
    size_t i;
    (void)state;

    sp_writer_init(&w, NULL, 1024);
    assert_int_equal(sp_compress(5, 0, &x, 1, &w), SAMSA_ERR_UNKNOWN_CODEC);
    assert_int_equal(sp_decompress(7, &x, 1, &w), SAMSA_ERR_UNKNOWN_CODEC);
    assert_int_equal(sp_decompress(-1, &x, 1, &w), SAMSA_ERR_UNKNOWN_CODEC);
    for (i = 0; i < NCODECS; i++)
        if (!sp_codec_available(codecs[i])) {
            assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, &x, 1, &w),
                             SAMSA_ERR_NOT_SUPPORTED);
            assert_int_equal(sp_decompress(codecs[i], &x, 1, &w), SAMSA_ERR_NOT_SUPPORTED);
        }
    assert_int_equal(sp_compress(SP_CODEC_NONE, 0, NULL, 1, &w), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(w.len, 0);
    sp_writer_free(&w);
}

static void test_roundtrip_sizes(void **state)
{
    static const size_t sizes[] = { 0, 1, 100, 4096, 65536, 65537, 300000 };
    size_t i, j;
    (void)state;

    for (i = 0; i < NCODECS; i++) {
        if (!sp_codec_available(codecs[i]))
            continue;
        for (j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
            uint8_t *a = make_data(sizes[j], (unsigned)(i * 31 + j), 1);
            uint8_t *b = make_data(sizes[j], (unsigned)(i * 37 + j), 0);
            roundtrip(codecs[i], a, sizes[j]);
            roundtrip(codecs[i], b, sizes[j]);
            free(a);
            free(b);
        }
    }
}

static void test_levels(void **state)
{
    uint8_t *a = make_data(10000, 3, 1);
    sp_writer w;
    (void)state;

    sp_writer_init(&w, NULL, 1 << 20);
    if (sp_codec_available(SP_CODEC_GZIP)) {
        assert_int_equal(sp_compress(SP_CODEC_GZIP, 1, a, 10000, &w), 0);
        assert_int_equal(sp_compress(SP_CODEC_GZIP, 9, a, 10000, &w), 0);
        assert_int_equal(sp_compress(SP_CODEC_GZIP, 10, a, 10000, &w), SAMSA_ERR_INVALID_ARG);
    }
    if (sp_codec_available(SP_CODEC_LZ4)) {
        assert_int_equal(sp_compress(SP_CODEC_LZ4, 9, a, 10000, &w), 0);
        assert_int_equal(sp_compress(SP_CODEC_LZ4, 99, a, 10000, &w), SAMSA_ERR_INVALID_ARG);
    }
    if (sp_codec_available(SP_CODEC_ZSTD)) {
        assert_int_equal(sp_compress(SP_CODEC_ZSTD, 19, a, 10000, &w), 0);
        assert_int_equal(sp_compress(SP_CODEC_ZSTD, 1000, a, 10000, &w), SAMSA_ERR_INVALID_ARG);
    }
    if (sp_codec_available(SP_CODEC_SNAPPY))
        assert_int_equal(sp_compress(SP_CODEC_SNAPPY, 5, a, 10000, &w), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(w.err, 0);
    sp_writer_free(&w);
    free(a);
}

/* 16 MiB of zeros must not get past a 1 MiB cap, nor allocate past it. */
static void test_bombs(void **state)
{
    const size_t big = (size_t)16 << 20, cap = (size_t)1 << 20;
    uint8_t *zeros = calloc(1, big);
    size_t i;
    (void)state;

    assert_non_null(zeros);
    for (i = 0; i < NCODECS; i++) {
        sp_writer c, d;
        st_fail_alloc fa;

        if (!sp_codec_available(codecs[i]))
            continue;
        sp_writer_init(&c, NULL, 2 * big);
        assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, zeros, big, &c), 0);
        assert_true(c.len < big / 20);
        st_fail_alloc_init(&fa, 0);
        sp_writer_init(&d, &fa.alloc, cap);
        sp_write_raw(&d, "x", 1); /* existing contents survive the failure */
        assert_int_equal(sp_decompress(codecs[i], c.buf, c.len, &d), SAMSA_ERR_TOO_LARGE);
        assert_int_equal(d.len, 1);
        assert_int_equal(d.err, 0);
        assert_true(d.cap <= cap);
        /* what went through the hook: the capped buffer (and zlib's state) */
        assert_true(fa.bytes < 4 * cap);
        sp_writer_free(&d);
        assert_int_equal(fa.live, 0);
        sp_writer_free(&c);
    }
    free(zeros);
}

/* Output of exactly the cap fits; one byte less does not. */
static void test_exact_cap(void **state)
{
    static const size_t sizes[] = { 1, 1000, 65536, 200000 };
    size_t i, j;
    (void)state;

    for (i = 0; i < NCODECS; i++) {
        if (!sp_codec_available(codecs[i]))
            continue;
        for (j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
            size_t n = sizes[j];
            uint8_t *a = make_data(n, (unsigned)j, 1);
            sp_writer c, d;
            uint8_t *fixed = malloc(n);

            sp_writer_init(&c, NULL, 1 << 22);
            assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, a, n, &c), 0);
            sp_writer_init(&d, NULL, n);
            assert_int_equal(sp_decompress(codecs[i], c.buf, c.len, &d), 0);
            assert_int_equal(d.len, n);
            sp_writer_free(&d);
            sp_writer_init(&d, NULL, n - 1);
            assert_int_equal(sp_decompress(codecs[i], c.buf, c.len, &d), SAMSA_ERR_TOO_LARGE);
            assert_int_equal(d.len, 0);
            sp_writer_free(&d);
            /* a fixed (caller-owned, malloc-free) output buffer */
            sp_writer_init_fixed(&d, fixed, n);
            assert_int_equal(sp_decompress(codecs[i], c.buf, c.len, &d), 0);
            assert_memory_equal(fixed, a, n);
            sp_writer_free(&c);
            free(fixed);
            free(a);
        }
    }
}

/* Every truncation and a sprinkling of bit flips: an error or (for a
 * flip that keeps the stream valid) success; never a crash or over-read. */
static void test_corrupt(void **state)
{
    uint8_t *a = make_data(3000, 11, 1);
    size_t i;
    (void)state;

    for (i = 0; i < NCODECS; i++) {
        sp_writer c, d;
        size_t cut, k;

        if (!sp_codec_available(codecs[i]))
            continue;
        sp_writer_init(&c, NULL, 1 << 20);
        assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, a, 3000, &c), 0);
        for (cut = 0; cut < c.len; cut++) {
            const unsigned char *g = st_guard_copy(c.buf, cut);
            int rc;
            sp_writer_init(&d, NULL, 1 << 20);
            rc = sp_decompress(codecs[i], g, cut, &d);
            /* a snappy/lz4/zstd prefix may be a valid shorter stream only
             * at block boundaries; anything decoded must then be a prefix */
            if (rc == 0)
                assert_memory_equal(d.buf, a, d.len);
            else
                assert_int_equal(d.len, 0);
            if (codecs[i] == SP_CODEC_GZIP)
                assert_int_equal(rc, SAMSA_ERR_DECOMPRESS);
            sp_writer_free(&d);
            st_guard_free(g, cut);
        }
        for (k = 0; k < 200; k++) {
            uint8_t *bad = malloc(c.len);
            unsigned seed = (unsigned)k;
            int rc;
            memcpy(bad, c.buf, c.len);
            bad[(size_t)rand_r(&seed) % c.len] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
            sp_writer_init(&d, NULL, 1 << 20);
            rc = sp_decompress(codecs[i], bad, c.len, &d);
            assert_true(rc == 0 || rc == SAMSA_ERR_DECOMPRESS || rc == SAMSA_ERR_TOO_LARGE);
            sp_writer_free(&d);
            free(bad);
        }
        sp_writer_free(&c);
    }
    free(a);
}

static void test_snappy_forms(void **state)
{
#if SAMSA_WITH_SNAPPY
    uint8_t *a = make_data(100000, 5, 1);
    char raw[200000];
    size_t raw_len = sizeof raw;
    sp_writer c, d;
    (void)state;

    /* our output: the xerial header, then 32 KiB blocks */
    sp_writer_init(&c, NULL, 1 << 20);
    assert_int_equal(sp_compress(SP_CODEC_SNAPPY, SP_CODEC_LEVEL_DEFAULT, a, 100000, &c), 0);
    assert_memory_equal(c.buf, "\x82SNAPPY\0\0\0\0\1\0\0\0\1", 16);
    /* a raw block, as librdkafka and others write */
    assert_int_equal(snappy_compress((const char *)a, 100000, raw, &raw_len), SNAPPY_OK);
    sp_writer_init(&d, NULL, 1 << 20);
    assert_int_equal(sp_decompress(SP_CODEC_SNAPPY, (uint8_t *)raw, raw_len, &d), 0);
    assert_int_equal(d.len, 100000);
    assert_memory_equal(d.buf, a, 100000);
    /* a raw block that claims more than the cap fails before allocating */
    sp_writer_free(&d);
    sp_writer_init(&d, NULL, 99999);
    assert_int_equal(sp_decompress(SP_CODEC_SNAPPY, (uint8_t *)raw, raw_len, &d),
                     SAMSA_ERR_TOO_LARGE);
    assert_null(d.buf);
    /* a 5-byte "block" claiming 4 GiB - 1 is impossible, not a big alloc */
    sp_writer_free(&d);
    sp_writer_init(&d, NULL, SIZE_MAX);
    assert_int_equal(sp_decompress(SP_CODEC_SNAPPY, (const uint8_t *)"\xff\xff\xff\xff\x0f", 5, &d),
                     SAMSA_ERR_DECOMPRESS);
    assert_null(d.buf);
    /* xerial with only its header is empty; a block length past the end is corrupt */
    assert_int_equal(sp_decompress(SP_CODEC_SNAPPY, c.buf, 16, &d), 0);
    assert_int_equal(d.len, 0);
    memcpy(raw, c.buf, 20);
    raw[16] = 0x7f;
    assert_int_equal(sp_decompress(SP_CODEC_SNAPPY, (uint8_t *)raw, 20, &d), SAMSA_ERR_DECOMPRESS);
    sp_writer_free(&c);
    sp_writer_free(&d);
    free(a);
#else
    (void)state;
    skip();
#endif
}

/* Magic 0 LZ4: exactly the right header checksum and Kafka 0.8's broken
 * one (over the magic bytes too) decode; the strict decoder takes one. */
static void test_lz4_legacy_checksum(void **state)
{
#if SAMSA_WITH_LZ4
    uint8_t *a = make_data(1000, 9, 1);
    sp_writer c, d;
    int hc, strict = 0, legacy = 0;
    (void)state;

    sp_writer_init(&c, NULL, 1 << 20);
    assert_int_equal(sp_compress(SP_CODEC_LZ4, SP_CODEC_LEVEL_DEFAULT, a, 1000, &c), 0);
    assert_int_equal(c.buf[4] & 0x09, 0); /* no content size, no dict id: HC at 6 */
    for (hc = 0; hc < 256; hc++) {
        c.buf[6] = (uint8_t)hc;
        sp_writer_init(&d, NULL, 1 << 20);
        if (sp_decompress(SP_CODEC_LZ4, c.buf, c.len, &d) == 0)
            strict++;
        sp_writer_free(&d);
        sp_writer_init(&d, NULL, 1 << 20);
        if (sp_decompress_lz4_legacy(c.buf, c.len, &d) == 0) {
            legacy++;
            assert_int_equal(d.len, 1000);
            assert_memory_equal(d.buf, a, 1000);
        }
        sp_writer_free(&d);
    }
    assert_int_equal(strict, 1);
    assert_int_equal(legacy, 2);
    sp_writer_free(&c);
    free(a);
#else
    (void)state;
    skip();
#endif
}

static void test_concatenated_frames(void **state)
{
    uint8_t *a = make_data(5000, 2, 1);
    size_t i;
    (void)state;

    for (i = 0; i < NCODECS; i++) {
        sp_writer c, d;
        if (!sp_codec_available(codecs[i]) || codecs[i] == SP_CODEC_SNAPPY)
            continue;
        sp_writer_init(&c, NULL, 1 << 20);
        assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, a, 2000, &c), 0);
        assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, a + 2000, 3000, &c), 0);
        sp_writer_init(&d, NULL, 1 << 20);
        assert_int_equal(sp_decompress(codecs[i], c.buf, c.len, &d), 0);
        assert_int_equal(d.len, 5000);
        assert_memory_equal(d.buf, a, 5000);
        sp_writer_free(&c);
        sp_writer_free(&d);
    }
    free(a);
}

/* Fail the Nth allocation through the writer's allocator until none fails. */
static void test_alloc_failures(void **state)
{
    uint8_t *a = make_data(200000, 4, 1);
    size_t i;
    (void)state;

    for (i = 0; i < NCODECS; i++) {
        sp_writer c;
        long n;

        if (!sp_codec_available(codecs[i]))
            continue;
        sp_writer_init(&c, NULL, 1 << 22);
        assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, a, 200000, &c), 0);
        for (n = 1;; n++) {
            st_fail_alloc fa;
            sp_writer d;
            int rc;

            st_fail_alloc_init(&fa, n);
            sp_writer_init(&d, &fa.alloc, 1 << 22);
            rc = sp_decompress(codecs[i], c.buf, c.len, &d);
            sp_writer_free(&d);
            assert_int_equal(fa.live, 0);
            if (fa.calls < n) {
                assert_int_equal(rc, 0);
                break;
            }
            assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
        }
        for (n = 1;; n++) {
            st_fail_alloc fa;
            sp_writer d;
            int rc;

            st_fail_alloc_init(&fa, n);
            sp_writer_init(&d, &fa.alloc, 1 << 22);
            rc = sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, a, 200000, &d);
            sp_writer_free(&d);
            assert_int_equal(fa.live, 0);
            if (fa.calls < n) {
                assert_int_equal(rc, 0);
                break;
            }
            assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
        }
        sp_writer_free(&c);
    }
    free(a);
}

/*
 * One sp_codec_ctx through a run of different inputs and levels (and
 * failed calls in between), as the producer uses it: every output must be
 * byte for byte what a call without a ctx gives, and decompress to its
 * input. A context that carried a level, parameters or history from one
 * call into the next would change the bytes. For zstd the context must
 * also really be kept (one ZSTD_CCtx for the whole run).
 */
static void test_ctx_reuse(void **state)
{
    static const int zstd_levels[] = { SP_CODEC_LEVEL_DEFAULT, 19, 1, -5, 7,
                                       SP_CODEC_LEVEL_DEFAULT, 19, 1 };
    static const int gzip_levels[] = { SP_CODEC_LEVEL_DEFAULT, 9, 1, 0, 6, 9, 1, 5 };
    static const int lz4_levels[] = { SP_CODEC_LEVEL_DEFAULT, 9, 0, 12, 1, 0, 9, 3 };
    static const size_t sizes[] = { 200000, 100, 70000, 0, 1, 200000, 5000, 200000 };
    enum { NSTEP = sizeof sizes / sizeof sizes[0] };
    uint8_t *data[NSTEP];
    size_t i, k;
    (void)state;

    for (k = 0; k < NSTEP; k++)
        data[k] = make_data(sizes[k], (unsigned)(100 + k), k % 3 != 1);
    for (i = 0; i < NCODECS; i++) {
        int codec = codecs[i];
        sp_codec_ctx ctx;
        void *kept = NULL;

        if (!sp_codec_available(codec))
            continue;
        sp_codec_ctx_init(&ctx);
        for (k = 0; k < NSTEP; k++) {
            int level = codec == SP_CODEC_ZSTD ? zstd_levels[k] :
                        codec == SP_CODEC_GZIP ? gzip_levels[k] :
                        codec == SP_CODEC_LZ4 ? lz4_levels[k] : SP_CODEC_LEVEL_DEFAULT;
            sp_writer c, one, d, tiny;

            sp_writer_init(&c, NULL, 1 << 20);
            sp_writer_init(&one, NULL, 1 << 20);
            sp_writer_init(&d, NULL, 1 << 20);
            sp_write_raw(&c, "pre", 3); /* appended after what the writer holds */
            assert_int_equal(sp_compress_ctx(&ctx, codec, level, data[k], sizes[k], &c), 0);
            assert_int_equal(sp_compress(codec, level, data[k], sizes[k], &one), 0);
            assert_int_equal(c.len - 3, one.len);
            assert_memory_equal(c.buf + 3, one.buf, one.len);
            assert_int_equal(sp_decompress(codec, c.buf + 3, c.len - 3, &d), 0);
            assert_int_equal(d.len, sizes[k]);
            if (sizes[k])
                assert_memory_equal(d.buf, data[k], sizes[k]);
            if (codec == SP_CODEC_ZSTD) {
                assert_non_null(ctx.zstd_cctx);
                if (!kept)
                    kept = ctx.zstd_cctx;
                assert_ptr_equal(ctx.zstd_cctx, kept);
            }
            /* failures in between leave the ctx fit for the next batch */
            if (k == 2 && codec != SP_CODEC_SNAPPY)
                assert_int_equal(sp_compress_ctx(&ctx, codec, 1000, data[k], sizes[k], &c),
                                 SAMSA_ERR_INVALID_ARG);
            if (k == 4) {
                sp_writer_init(&tiny, NULL, 10);
                assert_int_equal(sp_compress_ctx(&ctx, codec, level, data[0], sizes[0], &tiny),
                                 SAMSA_ERR_BUFFER_FULL);
                assert_int_equal(tiny.len, 0);
                sp_writer_free(&tiny);
            }
            sp_writer_free(&c);
            sp_writer_free(&one);
            sp_writer_free(&d);
        }
        sp_codec_ctx_free(&ctx);
        assert_null(ctx.zstd_cctx);
        sp_codec_ctx_free(&ctx); /* twice, and NULL, are fine */
        sp_codec_ctx_free(NULL);
    }
    for (k = 0; k < NSTEP; k++)
        free(data[k]);
}

/* Compression into a writer whose cap is too small fails cleanly. */
static void test_compress_cap(void **state)
{
    uint8_t *b = make_data(50000, 8, 0);
    size_t i;
    (void)state;

    for (i = 0; i < NCODECS; i++) {
        sp_writer w;
        if (!sp_codec_available(codecs[i]))
            continue;
        sp_writer_init(&w, NULL, 1000);
        sp_write_raw(&w, "abc", 3);
        assert_int_equal(sp_compress(codecs[i], SP_CODEC_LEVEL_DEFAULT, b, 50000, &w),
                         SAMSA_ERR_BUFFER_FULL);
        assert_int_equal(w.len, 3);
        assert_int_equal(w.err, 0);
        sp_writer_free(&w);
    }
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unknown_and_missing),
        cmocka_unit_test(test_roundtrip_sizes),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_bombs),
        cmocka_unit_test(test_exact_cap),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_snappy_forms),
        cmocka_unit_test(test_lz4_legacy_checksum),
        cmocka_unit_test(test_concatenated_frames),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_compress_cap),
        cmocka_unit_test(test_ctx_reuse),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
