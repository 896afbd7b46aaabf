/*
 * protocol/codec_snappy.c - snappy through snappy-c.h; see codec.h and
 * codec_int.h.
 *
 * Decoding accepts a raw snappy block and the xerial stream the Java client
 * writes: the 16-byte header (magic 82 'SNAPPY' 00, version 1, compatible
 * version 1) followed by blocks, each an int32 big-endian length and a raw
 * snappy block. Encoding writes xerial with 32 KiB input blocks, as the Java
 * client's SnappyOutputStream does. A block's declared uncompressed length
 * is checked against the cap and against what snappy can possibly expand
 * its bytes to before any room is made for it.
 */
#ifndef SAMSA_WITH_SNAPPY
#define SAMSA_WITH_SNAPPY 0
#endif
#if SAMSA_WITH_SNAPPY

#include <snappy-c.h>
#include <string.h>

#include "codec.h"
#include "codec_int.h"

static const uint8_t xerial_magic[8] = { 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0 };
#define XERIAL_HEADER 16
#define XERIAL_BLOCK ((size_t)32 * 1024)
/* A snappy element of k bytes yields at most 64 output bytes (a 3-byte
 * copy of 64), so a block of n bytes never expands past 22 * n. */
#define SNAPPY_MAX_RATIO 22

static int raw_block(const uint8_t *in, size_t len, sp_writer *out)
{
    size_t ulen, got;
    uint8_t *dst;
    int rc;

    if (len == 0 || snappy_uncompressed_length((const char *)in, len, &ulen) != SNAPPY_OK)
        return SAMSA_ERR_DECOMPRESS;
    if (ulen > out->max - out->len)
        return SAMSA_ERR_TOO_LARGE;
    if (ulen / SNAPPY_MAX_RATIO > len)
        return SAMSA_ERR_DECOMPRESS;
    if (ulen == 0)
        return len == 1 ? 0 : SAMSA_ERR_DECOMPRESS;
    rc = sp_codec_reserve(out, ulen, &dst);
    if (rc)
        return rc;
    got = ulen;
    if (snappy_uncompress((const char *)in, len, (char *)dst, &got) != SNAPPY_OK ||
        got != ulen)
        return SAMSA_ERR_DECOMPRESS;
    out->len += ulen;
    return 0;
}

int sp_snappy_decompress(const uint8_t *in, size_t len, sp_writer *out)
{
    size_t left;
    const uint8_t *p;

    if (len < XERIAL_HEADER || memcmp(in, xerial_magic, sizeof xerial_magic) != 0)
        return raw_block(in, len, out);
    p = in + XERIAL_HEADER;
    left = len - XERIAL_HEADER;
    while (left) {
        uint32_t blen;
        int rc;

        if (left < 4)
            return SAMSA_ERR_DECOMPRESS;
        blen = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        p += 4;
        left -= 4;
        if (blen > left)
            return SAMSA_ERR_DECOMPRESS;
        rc = raw_block(p, blen, out);
        if (rc)
            return rc;
        p += blen;
        left -= blen;
    }
    return 0;
}

int sp_snappy_compress(int level, const uint8_t *in, size_t len, sp_writer *out)
{
    uint8_t *dst;
    int rc;

    if (level != SP_CODEC_LEVEL_DEFAULT && level != 0)
        return SAMSA_ERR_INVALID_ARG; /* snappy has no levels */
    rc = sp_codec_reserve(out, XERIAL_HEADER, &dst);
    if (rc)
        return rc;
    memcpy(dst, xerial_magic, sizeof xerial_magic);
    sp_put_u32(dst + 8, 1);  /* version */
    sp_put_u32(dst + 12, 1); /* compatible version */
    out->len += XERIAL_HEADER;
    while (len) {
        size_t n = len < XERIAL_BLOCK ? len : XERIAL_BLOCK;
        size_t clen = snappy_max_compressed_length(n);

        rc = sp_codec_reserve(out, 4 + clen, &dst);
        if (rc)
            return rc;
        if (snappy_compress((const char *)in, n, (char *)dst + 4, &clen) != SNAPPY_OK)
            return SAMSA_ERR_INVALID_ARG;
        sp_put_u32(dst, (uint32_t)clen);
        out->len += 4 + clen;
        in += n;
        len -= n;
    }
    return 0;
}

#else
typedef int sp_codec_snappy_absent; /* keep the translation unit non-empty */
#endif /* SAMSA_WITH_SNAPPY */
