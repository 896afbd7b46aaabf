/*
 * bench/bench_protocol.c - protocol layer throughput, one run, same data:
 *
 *   CRC32C (SSE4.2 and table-driven) beside memcpy, in GB/s;
 *   record batch encode (builder, finish with codec and CRC) and decode
 *   (CRC check, decompression, walk every record) of 100-byte records,
 *   per codec, in records/s and MB/s of uncompressed batch bytes;
 *   allocations per record, counted by the allocator hook every writer
 *   uses (zlib's state goes through it too; snappy, lz4 and zstd allocate
 *   their per-batch contexts on their own, which this does not see).
 *
 * Not a test: it prints figures. `make bench-protocol`; BENCH_SCALE=N
 * multiplies the work (default 1, about 10 s on a 2-core machine).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "crc32c.h"
#include "record_batch.h"

#define REC_VALUE 100
#define RECS_PER_BATCH 1000

static long alloc_calls;

static void *count_alloc(void *ctx, size_t n)
{
    (void)ctx;
    alloc_calls++;
    return malloc(n);
}

static void *count_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    alloc_calls++;
    return realloc(p, n);
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static const samsa_allocator counting = { count_alloc, count_realloc, count_free, NULL };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint32_t sink;

static double gbps(size_t bytes, double secs)
{
    return (double)bytes / secs / 1e9;
}

static void bench_crc(int scale)
{
    const size_t len = (size_t)8 << 20;
    uint8_t *src = malloc(len), *dst = malloc(len);
    size_t i, total;
    int reps = 64 * scale, r;
    double t, mc, hw = 0, sw;
    uint32_t c = 0;

    for (i = 0; i < len; i++)
        src[i] = (uint8_t)(i * 2654435761u >> 13);
    memcpy(dst, src, len); /* fault the pages in */
    total = len * (size_t)reps;

    t = now();
    for (r = 0; r < reps; r++) {
        memcpy(dst, src, len);
        src[r % len] ^= dst[(r * 7) % len]; /* keep the copies honest */
    }
    mc = gbps(total, now() - t);

    if (sp_crc32c_hw_available()) {
        t = now();
        for (r = 0; r < reps; r++)
            c ^= sp_crc32c_hw(0, src, len);
        hw = gbps(total, now() - t);
    }
    t = now();
    for (r = 0; r < reps / 8 + 1; r++)
        c ^= sp_crc32c_sw(0, src, len);
    sw = gbps(len * (size_t)(reps / 8 + 1), now() - t);
    sink = c;

    printf("buffer 8 MiB, %d passes\n", reps);
    printf("  %-22s %7.2f GB/s\n", "memcpy", mc);
    if (hw > 0)
        printf("  %-22s %7.2f GB/s  (%.0f%% of memcpy; target >= 40%%)\n", "crc32c hardware", hw,
               100.0 * hw / mc);
    else
        printf("  %-22s %7s\n", "crc32c hardware", "n/a");
    printf("  %-22s %7.2f GB/s  (%.0f%% of memcpy)\n", "crc32c table (sw)", sw, 100.0 * sw / mc);
    free(src);
    free(dst);
}

/* Record values: text with some variety, like typical JSON payloads. */
static void make_value(uint8_t *v, int i)
{
    int n = snprintf((char *)v, REC_VALUE + 1,
                     "{\"id\":%d,\"user\":\"u%05d\",\"event\":\"click\",\"ts\":%d,\"page\":\"/p/%d\"}",
                     i, (i * 7919) % 100000, 1700000000 + i, i % 97);
    while (n < REC_VALUE)
        v[n++] = ' ';
}

static void bench_batches(int scale)
{
    static uint8_t values[RECS_PER_BATCH][REC_VALUE + 1];
    int codec, i;

    for (i = 0; i < RECS_PER_BATCH; i++)
        make_value(values[i], i);
    printf("\n%d records of %d-byte values per batch (null key, no headers)\n",
           RECS_PER_BATCH, REC_VALUE);
    printf("  %-7s %9s %13s %10s %13s %10s %12s\n", "codec", "ratio", "encode rec/s", "MB/s",
           "decode rec/s", "MB/s", "allocs/rec");
    for (codec = 0; codec <= 4; codec++) {
        sp_writer w, scratch;
        sp_batch_builder bb;
        long batches, b, enc_allocs, dec_allocs;
        size_t raw_len = 0, enc_len;
        double t, enc_s, dec_s;
        uint64_t sum = 0;

        if (!sp_codec_available(codec)) {
            printf("  %-7s (not in this build)\n", sp_codec_name(codec));
            continue;
        }
        batches = (codec == 0 ? 4000 : codec == SP_CODEC_GZIP ? 100 : 800) * scale;
        sp_writer_init(&w, &counting, (size_t)16 << 20);
        sp_writer_init(&scratch, &counting, (size_t)16 << 20);

        /* warm up: writers reach their working size once */
        for (b = 0; b < 2; b++) {
            sp_writer_reset(&w);
            sp_batch_builder_begin(&bb, &w, 0);
            for (i = 0; i < RECS_PER_BATCH; i++) {
                sp_record_in r = { 1700000000000LL + i, NULL, 0, values[i], REC_VALUE, NULL, 0 };
                sp_batch_append(&bb, &r);
            }
            raw_len = sp_batch_builder_size(&bb);
            if (sp_batch_builder_finish(&bb, codec, SP_CODEC_LEVEL_DEFAULT, 1, 0, 0, &scratch)) {
                printf("  %-7s encode failed\n", sp_codec_name(codec));
                goto next;
            }
        }
        enc_len = w.len;

        alloc_calls = 0;
        t = now();
        for (b = 0; b < batches; b++) {
            sp_writer_reset(&w);
            sp_batch_builder_begin(&bb, &w, 0);
            for (i = 0; i < RECS_PER_BATCH; i++) {
                sp_record_in r = { 1700000000000LL + i, NULL, 0, values[i], REC_VALUE, NULL, 0 };
                sp_batch_append(&bb, &r);
            }
            sp_batch_builder_finish(&bb, codec, SP_CODEC_LEVEL_DEFAULT, 1, 0, (int32_t)b, &scratch);
        }
        enc_s = now() - t;
        enc_allocs = alloc_calls;

        alloc_calls = 0;
        t = now();
        for (b = 0; b < batches; b++) {
            sp_batches it;
            sp_batch bt;
            sp_records rs;
            sp_record rec;

            sp_batches_init(&it, w.buf, w.len);
            if (sp_batches_next(&it, &bt) != 0 || sp_batch_records(&bt, &scratch, &rs) != 0) {
                printf("  %-7s decode failed\n", sp_codec_name(codec));
                goto next;
            }
            while (sp_records_next(&rs, &rec) == 0)
                sum += (uint64_t)rec.value.len + (uint64_t)rec.offset;
        }
        dec_s = now() - t;
        dec_allocs = alloc_calls;
        sink = (uint32_t)sum;

        {
            double recs = (double)batches * RECS_PER_BATCH;
            double mb = (double)batches * (double)raw_len / 1e6;
            printf("  %-7s %8.2fx %13.0f %10.0f %13.0f %10.0f %5.3f/%5.3f\n", sp_codec_name(codec),
                   (double)raw_len / (double)enc_len, recs / enc_s, mb / enc_s, recs / dec_s,
                   mb / dec_s, (double)enc_allocs / recs, (double)dec_allocs / recs);
        }
next:
        sp_writer_free(&w);
        sp_writer_free(&scratch);
    }
    printf("  (allocs/rec: encode/decode, through the hook; targets: decode >= 10M rec/s,\n"
           "   encode >= 5M rec/s uncompressed, 0 allocs/record)\n");
}

int main(void)
{
    const char *s = getenv("BENCH_SCALE");
    int scale = s && atoi(s) > 0 ? atoi(s) : 1;

    printf("samsa protocol bench (crc32c %s)\n",
           sp_crc32c_hw_available() ? "SSE4.2 available" : "no SSE4.2");
    bench_crc(scale);
    bench_batches(scale);
    return 0;
}
