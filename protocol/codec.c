/* protocol/codec.c - codec dispatch, names and availability; see codec.h. */
#include <string.h>

#include "codec.h"
#include "codec_int.h"

#ifndef SAMSA_WITH_ZLIB
#define SAMSA_WITH_ZLIB 0
#endif
#ifndef SAMSA_WITH_SNAPPY
#define SAMSA_WITH_SNAPPY 0
#endif
#ifndef SAMSA_WITH_LZ4
#define SAMSA_WITH_LZ4 0
#endif
#ifndef SAMSA_WITH_ZSTD
#define SAMSA_WITH_ZSTD 0
#endif

static const char *const codec_names[] = { "none", "gzip", "snappy", "lz4", "zstd" };

const char *sp_codec_name(int codec)
{
    if (codec < 0 || codec > SP_CODEC_ZSTD)
        return NULL;
    return codec_names[codec];
}

int sp_codec_from_name(const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i <= SP_CODEC_ZSTD; i++)
        if (strcmp(name, codec_names[i]) == 0)
            return i;
    return -1;
}

int sp_codec_available(int codec)
{
    switch (codec) {
    case SP_CODEC_NONE: return 1;
    case SP_CODEC_GZIP: return SAMSA_WITH_ZLIB;
    case SP_CODEC_SNAPPY: return SAMSA_WITH_SNAPPY;
    case SP_CODEC_LZ4: return SAMSA_WITH_LZ4;
    case SP_CODEC_ZSTD: return SAMSA_WITH_ZSTD;
    default: return 0;
    }
}

int sp_codec_room(sp_writer *w, size_t want, uint8_t **dst, size_t *n)
{
    size_t left;

    if (w->err)
        return w->err;
    left = w->max - w->len;
    if (left == 0)
        return SAMSA_ERR_TOO_LARGE;
    if (want == 0)
        want = 1;
    if (want > left)
        want = left;
    if (w->cap - w->len < want && !sp_writer_grow(w, want))
        return w->err;
    *dst = w->buf + w->len;
    *n = w->cap - w->len;
    if (*n > left)
        *n = left;
    return 0;
}

int sp_codec_reserve(sp_writer *w, size_t n, uint8_t **dst)
{
    if (w->err)
        return w->err;
    if (w->max - w->len < n)
        return SAMSA_ERR_BUFFER_FULL;
    if (w->cap - w->len < n && !sp_writer_grow(w, n))
        return w->err;
    *dst = w->buf + w->len;
    return 0;
}

/* Run a codec function; on failure put the writer back as it was. */
static int finish(sp_writer *out, size_t start, int rc)
{
    if (rc != 0) {
        out->len = start;
        out->err = 0;
    }
    return rc;
}

static int check_args(int codec, const uint8_t *in, size_t in_len, sp_writer *out)
{
    if (!out || (!in && in_len))
        return SAMSA_ERR_INVALID_ARG;
    if (out->err)
        return out->err;
    if (codec < 0 || codec > SP_CODEC_ZSTD)
        return SAMSA_ERR_UNKNOWN_CODEC;
    if (!sp_codec_available(codec))
        return SAMSA_ERR_NOT_SUPPORTED;
    return 0;
}

void sp_codec_ctx_init(sp_codec_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}

void sp_codec_ctx_free(sp_codec_ctx *ctx)
{
    if (!ctx)
        return;
#if SAMSA_WITH_ZSTD
    sp_zstd_cctx_free(ctx->zstd_cctx);
#endif
    ctx->zstd_cctx = NULL;
}

int sp_compress(int codec, int level, const uint8_t *in, size_t in_len,
                sp_writer *out)
{
    return sp_compress_ctx(NULL, codec, level, in, in_len, out);
}

int sp_compress_ctx(sp_codec_ctx *ctx, int codec, int level, const uint8_t *in,
                    size_t in_len, sp_writer *out)
{
    size_t start;
    int rc = check_args(codec, in, in_len, out);

    if (rc)
        return rc;
    start = out->len;
    (void)level;
    (void)ctx; /* unused in builds without zstd */
    switch (codec) {
    case SP_CODEC_NONE:
        if (out->max - out->len < in_len)
            return SAMSA_ERR_BUFFER_FULL;
        sp_write_raw(out, in, in_len);
        rc = out->err;
        break;
#if SAMSA_WITH_ZLIB
    case SP_CODEC_GZIP: rc = sp_gzip_compress(level, in, in_len, out); break;
#endif
#if SAMSA_WITH_SNAPPY
    case SP_CODEC_SNAPPY: rc = sp_snappy_compress(level, in, in_len, out); break;
#endif
#if SAMSA_WITH_LZ4
    case SP_CODEC_LZ4: rc = sp_lz4_compress(level, in, in_len, out); break;
#endif
#if SAMSA_WITH_ZSTD
    case SP_CODEC_ZSTD: rc = sp_zstd_compress(ctx, level, in, in_len, out); break;
#endif
    default: rc = SAMSA_ERR_NOT_SUPPORTED; break;
    }
    return finish(out, start, rc);
}

int sp_decompress(int codec, const uint8_t *in, size_t in_len, sp_writer *out)
{
    size_t start;
    int rc = check_args(codec, in, in_len, out);

    if (rc)
        return rc;
    start = out->len;
    switch (codec) {
    case SP_CODEC_NONE:
        if (out->max - out->len < in_len)
            return SAMSA_ERR_TOO_LARGE;
        sp_write_raw(out, in, in_len);
        rc = out->err;
        break;
#if SAMSA_WITH_ZLIB
    case SP_CODEC_GZIP: rc = sp_gzip_decompress(in, in_len, out); break;
#endif
#if SAMSA_WITH_SNAPPY
    case SP_CODEC_SNAPPY: rc = sp_snappy_decompress(in, in_len, out); break;
#endif
#if SAMSA_WITH_LZ4
    case SP_CODEC_LZ4: rc = sp_lz4_decompress(in, in_len, out); break;
#endif
#if SAMSA_WITH_ZSTD
    case SP_CODEC_ZSTD: rc = sp_zstd_decompress(in, in_len, out); break;
#endif
    default: rc = SAMSA_ERR_NOT_SUPPORTED; break;
    }
    return finish(out, start, rc);
}

int sp_decompress_lz4_legacy(const uint8_t *in, size_t in_len, sp_writer *out)
{
    size_t start;
    int rc = check_args(SP_CODEC_LZ4, in, in_len, out);

    if (rc)
        return rc;
    start = out->len;
#if SAMSA_WITH_LZ4
    rc = sp_lz4_decompress_legacy(in, in_len, out);
#else
    rc = SAMSA_ERR_NOT_SUPPORTED;
#endif
    return finish(out, start, rc);
}
