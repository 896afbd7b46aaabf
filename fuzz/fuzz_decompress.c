/*
 * Fuzz target: the decompressors. The first byte picks the codec (0-3:
 * gzip, snappy, lz4, zstd; 4: lz4 with the magic 0 header checksum) and the
 * output cap (bits 3-7: 1 KiB << n, at most 1 MiB); the rest is the
 * compressed input. Output must stay within the cap; what decodes is
 * compressed again and must round-trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int codecs[5] = { SP_CODEC_GZIP, SP_CODEC_SNAPPY, SP_CODEC_LZ4,
                                   SP_CODEC_ZSTD, SP_CODEC_LZ4 };
    sp_writer out, c, again;
    int sel, codec, rc;
    unsigned shift;
    size_t cap;

    if (size < 1)
        return 0;
    sel = (data[0] & 7) % 5;
    codec = codecs[sel];
    shift = (unsigned)(data[0] >> 3) % 11;
    cap = (size_t)1024 << shift;
    if (!sp_codec_available(codec))
        return 0;
    sp_writer_init(&out, NULL, cap);
    if (sel == 4)
        rc = sp_decompress_lz4_legacy(data + 1, size - 1, &out);
    else
        rc = sp_decompress(codec, data + 1, size - 1, &out);
    if (out.len > cap || (rc != 0 && out.len != 0))
        abort();
    if (rc == 0) {
        sp_writer_init(&c, NULL, 4 * cap + 1024);
        sp_writer_init(&again, NULL, cap);
        if (sp_compress(codec, SP_CODEC_LEVEL_DEFAULT, out.buf, out.len, &c) != 0 ||
            sp_decompress(codec, c.buf, c.len, &again) != 0 || again.len != out.len ||
            (out.len && memcmp(again.buf, out.buf, out.len) != 0))
            abort();
        sp_writer_free(&c);
        sp_writer_free(&again);
    } else if (rc != SAMSA_ERR_DECOMPRESS && rc != SAMSA_ERR_TOO_LARGE &&
               rc != SAMSA_ERR_NO_MEMORY) {
        abort();
    }
    sp_writer_free(&out);
    return 0;
}
