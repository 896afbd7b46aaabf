/*
 * protocol/codec_lz4.c - LZ4 frame format through lz4frame.h; see codec.h
 * and codec_int.h.
 *
 * Encoding writes what the Java client writes: independent 64 KiB blocks,
 * no block or content checksum, no content size. Decoding takes any valid
 * frame (and frames back to back). lz4's decoder keeps block-sized buffers
 * of its own: at most two 4 MiB blocks, whatever the input declares.
 */
#ifndef SAMSA_WITH_LZ4
#define SAMSA_WITH_LZ4 0
#endif
#if SAMSA_WITH_LZ4

#include <lz4frame.h>
#include <string.h>

#include "codec.h"
#include "codec_int.h"

#define LZ4_FRAME_MAGIC 0x184D2204u

int sp_lz4_compress(int level, const uint8_t *in, size_t len, sp_writer *out)
{
    LZ4F_preferences_t prefs;
    uint8_t *dst;
    size_t bound, n;
    int rc;

    if (level == SP_CODEC_LEVEL_DEFAULT)
        level = 0; /* fast mode: HC levels cost ~10x the CPU */
    else if (level < 0 || level > 17)
        return SAMSA_ERR_INVALID_ARG;
    memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.compressionLevel = level;
    bound = LZ4F_compressFrameBound(len, &prefs);
    rc = sp_codec_reserve(out, bound, &dst);
    if (rc)
        return rc;
    n = LZ4F_compressFrame(dst, bound, in, len, &prefs);
    if (LZ4F_isError(n))
        return SAMSA_ERR_NO_MEMORY;
    out->len += n;
    return 0;
}

/* XXH32 (seed 0), enough of it for frame header checksums. */
static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t xxh32(const uint8_t *p, size_t len)
{
    static const uint32_t P1 = 2654435761u, P2 = 2246822519u, P3 = 3266489917u,
                          P4 = 668265263u, P5 = 374761393u;
    const uint8_t *end = p + len;
    uint32_t h;

    if (len >= 16) {
        uint32_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = 0u - P1;
        while (end - p >= 16) {
            v1 = rotl32(v1 + le32(p) * P2, 13) * P1;
            v2 = rotl32(v2 + le32(p + 4) * P2, 13) * P1;
            v3 = rotl32(v3 + le32(p + 8) * P2, 13) * P1;
            v4 = rotl32(v4 + le32(p + 12) * P2, 13) * P1;
            p += 16;
        }
        h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18);
    } else {
        h = P5;
    }
    h += (uint32_t)len;
    while (end - p >= 4) {
        h = rotl32(h + le32(p) * P3, 17) * P4;
        p += 4;
    }
    while (p < end) {
        h = rotl32(h + *p * P5, 11) * P1;
        p++;
    }
    h ^= h >> 15;
    h *= P2;
    h ^= h >> 13;
    h *= P3;
    h ^= h >> 16;
    return h;
}

/*
 * Stream src (after an optional replacement header hdr) through the frame
 * decoder into out, within its cap.
 */
static int decode(const uint8_t *hdr, size_t hdr_len, const uint8_t *in,
                  size_t len, sp_writer *out)
{
    LZ4F_dctx *d;
    uint8_t probe[1];
    int rc = 0;

    if (len == 0 && hdr_len == 0)
        return SAMSA_ERR_DECOMPRESS;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
        return SAMSA_ERR_NO_MEMORY;
    for (;;) {
        const uint8_t *src = hdr_len ? hdr : in;
        size_t src_len = hdr_len ? hdr_len : len;
        uint8_t *dst;
        size_t n, got, used, hint;
        int probing = 0;

        rc = sp_codec_room(out, SP_CODEC_CHUNK, &dst, &n);
        if (rc == SAMSA_ERR_TOO_LARGE) {
            dst = probe;
            n = 1;
            probing = 1;
        } else if (rc) {
            break;
        }
        rc = 0;
        got = n;
        used = src_len;
        hint = LZ4F_decompress(d, dst, &got, src, &used, NULL);
        if (LZ4F_isError(hint)) {
            rc = SAMSA_ERR_DECOMPRESS;
            break;
        }
        if (probing && got) {
            rc = SAMSA_ERR_TOO_LARGE;
            break;
        }
        if (!probing)
            out->len += got;
        if (hdr_len) {
            hdr += used;
            hdr_len -= used;
        } else {
            in += used;
            len -= used;
        }
        if (hint == 0) {
            if (len == 0 && hdr_len == 0)
                break;
            continue; /* another frame follows */
        }
        if (got == 0 && used == 0) {
            rc = SAMSA_ERR_DECOMPRESS; /* input ended inside the frame */
            break;
        }
    }
    LZ4F_freeDecompressionContext(d);
    return rc;
}

int sp_lz4_decompress(const uint8_t *in, size_t len, sp_writer *out)
{
    return decode(NULL, 0, in, len, out);
}

int sp_lz4_decompress_legacy(const uint8_t *in, size_t len, sp_writer *out)
{
    uint8_t hdr[4 + 2 + 8 + 4 + 1];
    size_t hc; /* position of the header checksum byte */
    uint8_t flg, right, broken;

    if (len < 7 || le32(in) != LZ4_FRAME_MAGIC)
        return decode(NULL, 0, in, len, out);
    flg = in[4];
    hc = 6 + ((flg & 0x08) ? 8 : 0) + ((flg & 0x01) ? 4 : 0);
    if (len <= hc)
        return SAMSA_ERR_DECOMPRESS;
    right = (uint8_t)(xxh32(in + 4, hc - 4) >> 8);
    broken = (uint8_t)(xxh32(in, hc) >> 8);
    if (in[hc] == right || in[hc] != broken)
        return decode(NULL, 0, in, len, out);
    memcpy(hdr, in, hc);
    hdr[hc] = right;
    return decode(hdr, hc + 1, in + hc + 1, len - hc - 1, out);
}

#else
typedef int sp_codec_lz4_absent; /* keep the translation unit non-empty */
#endif /* SAMSA_WITH_LZ4 */
