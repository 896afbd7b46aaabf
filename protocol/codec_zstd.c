/*
 * protocol/codec_zstd.c - zstd frames through zstd.h; see codec.h and
 * codec_int.h.
 *
 * The decoder's window is what it allocates for a frame that does not
 * declare its size, so it is limited: frames whose window is larger than
 * max(8 MiB, the room left under the cap) (never above 128 MiB) fail with
 * SAMSA_ERR_TOO_LARGE. Encoders (Java's zstd-jni included) use windows of
 * a few MiB at ordinary levels.
 *
 * Compression runs on the ZSTD_CCtx kept in the caller's sp_codec_ctx when
 * it passes one (the producer does), so the context's tables are allocated
 * once, not once per batch as ZSTD_compress() would.
 */
#ifndef SAMSA_WITH_ZSTD
#define SAMSA_WITH_ZSTD 0
#endif
#if SAMSA_WITH_ZSTD

#include <zstd.h>
#include <zstd_errors.h>

#include "codec.h"
#include "codec_int.h"

int sp_zstd_compress(sp_codec_ctx *ctx, int level, const uint8_t *in, size_t len,
                     sp_writer *out)
{
    ZSTD_CCtx *cc;
    uint8_t *dst;
    size_t bound, n;
    int rc;

    if (level == SP_CODEC_LEVEL_DEFAULT)
        level = 3;
    else if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        return SAMSA_ERR_INVALID_ARG;
    bound = ZSTD_compressBound(len);
    rc = sp_codec_reserve(out, bound, &dst);
    if (rc)
        return rc;
    cc = ctx ? ctx->zstd_cctx : NULL;
    if (!cc) {
        cc = ZSTD_createCCtx();
        if (!cc)
            return SAMSA_ERR_NO_MEMORY;
        if (ctx)
            ctx->zstd_cctx = cc;
    }
    /* Takes only the level and resets everything else, as ZSTD_compress()
     * (which is this call on a context of its own): the same bytes out,
     * nothing from the previous call carried over. */
    n = ZSTD_compressCCtx(cc, dst, bound, in, len, level);
    if (!ctx || ZSTD_isError(n)) {
        /* after a failure the next call starts from a new context */
        ZSTD_freeCCtx(cc);
        if (ctx)
            ctx->zstd_cctx = NULL;
    }
    if (ZSTD_isError(n))
        return ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation ?
               SAMSA_ERR_NO_MEMORY : SAMSA_ERR_INVALID_ARG;
    out->len += n;
    return 0;
}

void sp_zstd_cctx_free(void *cctx)
{
    ZSTD_freeCCtx(cctx); /* NULL is fine */
}

static int window_log_max(const sp_writer *out)
{
    size_t room = out->max - out->len;
    int wl = 23;

    while (wl < 27 && ((size_t)1 << wl) < room)
        wl++;
    return wl;
}

static int zstd_err(size_t r)
{
    switch (ZSTD_getErrorCode(r)) {
    case ZSTD_error_memory_allocation: return SAMSA_ERR_NO_MEMORY;
    case ZSTD_error_frameParameter_windowTooLarge: return SAMSA_ERR_TOO_LARGE;
    default: return SAMSA_ERR_DECOMPRESS;
    }
}

int sp_zstd_decompress(const uint8_t *in, size_t len, sp_writer *out)
{
    ZSTD_DCtx *d;
    ZSTD_inBuffer src = { in, len, 0 };
    uint8_t probe[1];
    int rc = 0;

    if (len == 0)
        return SAMSA_ERR_DECOMPRESS;
    d = ZSTD_createDCtx();
    if (!d)
        return SAMSA_ERR_NO_MEMORY;
    if (ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, window_log_max(out)))) {
        ZSTD_freeDCtx(d);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (;;) {
        ZSTD_outBuffer dst;
        size_t n, r, pos_before = src.pos;
        uint8_t *p;
        int probing = 0;

        rc = sp_codec_room(out, SP_CODEC_CHUNK, &p, &n);
        if (rc == SAMSA_ERR_TOO_LARGE) {
            p = probe;
            n = 1;
            probing = 1;
        } else if (rc) {
            break;
        }
        rc = 0;
        dst.dst = p;
        dst.size = n;
        dst.pos = 0;
        r = ZSTD_decompressStream(d, &dst, &src);
        if (ZSTD_isError(r)) {
            rc = zstd_err(r);
            break;
        }
        if (probing && dst.pos) {
            rc = SAMSA_ERR_TOO_LARGE;
            break;
        }
        if (!probing)
            out->len += dst.pos;
        if (r == 0 && src.pos == src.size)
            break; /* last frame complete */
        if (dst.pos == 0 && src.pos == pos_before) {
            rc = SAMSA_ERR_DECOMPRESS; /* input ended inside a frame */
            break;
        }
    }
    ZSTD_freeDCtx(d);
    return rc;
}

#else
typedef int sp_codec_zstd_absent; /* keep the translation unit non-empty */
#endif /* SAMSA_WITH_ZSTD */
