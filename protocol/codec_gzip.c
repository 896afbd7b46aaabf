/*
 * protocol/codec_gzip.c - gzip (RFC 1952) through zlib; see codec.h and
 * codec_int.h. zlib's own memory comes from the output writer's allocator,
 * so embedders' hooks and fault injection see it.
 */
#ifndef SAMSA_WITH_ZLIB
#define SAMSA_WITH_ZLIB 0
#endif
#if SAMSA_WITH_ZLIB

#include <limits.h>
#include <string.h>
#include <zlib.h>

#include "alloc.h"
#include "codec.h"
#include "codec_int.h"

#define GZIP_WBITS (15 + 16) /* gzip wrapper, 32 KiB window */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    if (size && items > SIZE_MAX / size)
        return Z_NULL;
    return sp_alloc((const samsa_allocator *)opaque, (size_t)items * size);
}

static void z_free(voidpf opaque, voidpf addr)
{
    sp_free((const samsa_allocator *)opaque, addr);
}

static void z_setup(z_stream *z, const sp_writer *out)
{
    memset(z, 0, sizeof *z);
    z->zalloc = z_alloc;
    z->zfree = z_free;
    z->opaque = (voidpf)out->alloc;
}

/* Hand zlib at most UINT_MAX input bytes at a time. */
static void feed(z_stream *z, const uint8_t **in, size_t *left)
{
    if (z->avail_in == 0 && *left) {
        size_t n = *left > UINT_MAX ? UINT_MAX : *left;
        z->next_in = (Bytef *)(uintptr_t)*in;
        z->avail_in = (uInt)n;
        *in += n;
        *left -= n;
    }
}

int sp_gzip_compress(int level, const uint8_t *in, size_t len, sp_writer *out)
{
    z_stream z;
    size_t left = len;
    int rc = 0, zr;

    if (level == SP_CODEC_LEVEL_DEFAULT)
        level = Z_DEFAULT_COMPRESSION;
    else if (level < 0 || level > 9)
        return SAMSA_ERR_INVALID_ARG;
    z_setup(&z, out);
    zr = deflateInit2(&z, level, Z_DEFLATED, GZIP_WBITS, 8, Z_DEFAULT_STRATEGY);
    if (zr != Z_OK)
        return zr == Z_MEM_ERROR ? SAMSA_ERR_NO_MEMORY : SAMSA_ERR_INVALID_ARG;
    for (;;) {
        uint8_t *dst;
        size_t n;

        feed(&z, &in, &left);
        rc = sp_codec_room(out, SP_CODEC_CHUNK, &dst, &n);
        if (rc) {
            if (rc == SAMSA_ERR_TOO_LARGE)
                rc = SAMSA_ERR_BUFFER_FULL;
            break;
        }
        if (n > UINT_MAX)
            n = UINT_MAX;
        z.next_out = dst;
        z.avail_out = (uInt)n;
        zr = deflate(&z, left || z.avail_in ? Z_NO_FLUSH : Z_FINISH);
        out->len += n - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = SAMSA_ERR_NO_MEMORY;
            break;
        }
    }
    deflateEnd(&z);
    return rc;
}

int sp_gzip_decompress(const uint8_t *in, size_t len, sp_writer *out)
{
    z_stream z;
    size_t left = len;
    uint8_t probe[1];
    int rc = 0, zr;

    if (len == 0)
        return SAMSA_ERR_DECOMPRESS;
    z_setup(&z, out);
    zr = inflateInit2(&z, GZIP_WBITS);
    if (zr != Z_OK)
        return zr == Z_MEM_ERROR ? SAMSA_ERR_NO_MEMORY : SAMSA_ERR_DECOMPRESS;
    for (;;) {
        uint8_t *dst;
        size_t n, produced;
        uInt in_before;
        int probing = 0;

        feed(&z, &in, &left);
        rc = sp_codec_room(out, SP_CODEC_CHUNK, &dst, &n);
        if (rc == SAMSA_ERR_TOO_LARGE) {
            /* at the cap: only a stream that ends without more output fits */
            dst = probe;
            n = 1;
            probing = 1;
        } else if (rc) {
            break;
        }
        if (n > UINT_MAX)
            n = UINT_MAX;
        z.next_out = dst;
        z.avail_out = (uInt)n;
        in_before = z.avail_in;
        zr = inflate(&z, Z_NO_FLUSH);
        produced = n - z.avail_out;
        if (probing && produced) {
            rc = SAMSA_ERR_TOO_LARGE;
            break;
        }
        if (!probing)
            out->len += produced;
        rc = 0;
        if (zr == Z_STREAM_END) {
            if (z.avail_in == 0 && left == 0)
                break;
            /* another gzip member follows (concatenated streams) */
            if (inflateReset(&z) != Z_OK) {
                rc = SAMSA_ERR_DECOMPRESS;
                break;
            }
            continue;
        }
        if (zr == Z_MEM_ERROR) {
            rc = SAMSA_ERR_NO_MEMORY;
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = SAMSA_ERR_DECOMPRESS;
            break;
        }
        if (produced == 0 && z.avail_in == in_before) {
            /* no progress: the input ended inside the stream */
            rc = SAMSA_ERR_DECOMPRESS;
            break;
        }
    }
    inflateEnd(&z);
    return rc;
}

#else
typedef int sp_codec_gzip_absent; /* keep the translation unit non-empty */
#endif /* SAMSA_WITH_ZLIB */
