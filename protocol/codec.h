/*
 * protocol/codec.h - record batch compression codecs.
 *
 * Codec ids are Kafka's (attributes bits 0-2). Each codec is compiled in
 * only with its switch (SAMSA_WITH_ZLIB, _SNAPPY, _LZ4, _ZSTD); asking a
 * build for a codec it lacks returns SAMSA_ERR_NOT_SUPPORTED, an id outside
 * 0-4 returns SAMSA_ERR_UNKNOWN_CODEC.
 *
 * Output goes to a caller-owned sp_writer, appended after what it holds.
 * Decompression is bounded by that writer's hard cap (w->max): output that
 * would pass it fails with SAMSA_ERR_TOO_LARGE (a compression bomb never
 * allocates more than the cap). Corrupt input fails with SAMSA_ERR_DECOMPRESS.
 * Formats: gzip = RFC 1952 stream (zlib); snappy = decode both raw snappy
 * and the xerial-framed stream Java clients write, encode xerial framing
 * (what the Java client writes and every broker and consumer reads);
 * lz4 = LZ4 frame format; zstd = zstd frame.
 *
 * Thread rules: reentrant; no global state. State kept between calls lives
 * only in a caller-owned sp_codec_ctx (below).
 */
#ifndef SP_CODEC_H
#define SP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "writer.h"

typedef enum sp_codec {
    SP_CODEC_NONE = 0,
    SP_CODEC_GZIP = 1,
    SP_CODEC_SNAPPY = 2,
    SP_CODEC_LZ4 = 3,
    SP_CODEC_ZSTD = 4
} sp_codec;

/* Level: codec-specific; SP_CODEC_LEVEL_DEFAULT picks the codec's default. */
#define SP_CODEC_LEVEL_DEFAULT (-1000)

int sp_compress(int codec, int level, const uint8_t *in, size_t in_len,
                sp_writer *out);

/*
 * Compression state a caller keeps from one call to the next, so that
 * compressing batch after batch does not build and tear down a codec's
 * context each time. It holds zstd's compression context (several hundred
 * KB of tables), created by the first zstd compression through it and
 * reused by the next ones; the other codecs keep nothing in it. Nothing
 * carries over into the output: each call gives the bytes the same call
 * without a ctx gives, whatever was compressed before and at what level.
 *
 * Ownership: the caller allocates the struct (zeroed, or through
 * sp_codec_ctx_init) and owns what it holds; sp_codec_ctx_free() releases
 * that, after which the struct is empty and may be used again. The fields
 * are private. zstd's context comes from the C library's malloc (as it
 * does inside ZSTD_compress()), not from a samsa_allocator.
 * Thread rules: one thread at a time, and never two calls at once (the
 * producer keeps one, used only by its loop thread).
 */
typedef struct sp_codec_ctx {
    void *zstd_cctx; /* ZSTD_CCtx *, NULL until the first zstd compression */
} sp_codec_ctx;

void sp_codec_ctx_init(sp_codec_ctx *ctx);
/* Release what ctx holds; NULL or an empty ctx is fine. */
void sp_codec_ctx_free(sp_codec_ctx *ctx);

/*
 * sp_compress() with state kept in ctx (NULL: nothing kept, as
 * sp_compress). Failing to allocate the codec's context is
 * SAMSA_ERR_NO_MEMORY and leaves ctx empty (a later call tries again);
 * after any failure ctx holds nothing from the failed call.
 */
int sp_compress_ctx(sp_codec_ctx *ctx, int codec, int level, const uint8_t *in,
                    size_t in_len, sp_writer *out);

int sp_decompress(int codec, const uint8_t *in, size_t in_len, sp_writer *out);

/* 1 when this build can (de)compress with codec, else 0. */
int sp_codec_available(int codec);
/* "none", "gzip", "snappy", "lz4", "zstd"; NULL for an unknown id. */
const char *sp_codec_name(int codec);
/* Id for a name as used by compression.type, or -1. */
int sp_codec_from_name(const char *name);

#endif
