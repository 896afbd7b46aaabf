/*
 * Fuzz target: the varint readers. The input is read as a stream of
 * varints whose kinds cycle through unsigned 32, signed 32, unsigned 64 and
 * signed 64 bits; every value read must re-encode (canonically) to bytes
 * that read back to the same value, never longer than what was consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_reader r;
    unsigned kind = 0;

    sp_reader_init(&r, data, size);
    while (sp_reader_left(&r) && !r.err) {
        const uint8_t *before = r.p;
        uint8_t buf[10];
        size_t used, n;
        sp_reader back;
        uint64_t u = 0, u2 = 0;

        switch (kind++ % 4) {
        case 0: u = sp_read_uvarint(&r); break;
        case 1: u = sp_zigzag32(sp_read_varint(&r)); break;
        case 2: u = sp_read_uvarlong(&r); break;
        default: u = sp_zigzag64(sp_read_varlong(&r)); break;
        }
        if (r.err)
            break;
        used = (size_t)(r.p - before);
        n = sp_put_uvarlong(buf, u);
        if (n > used || n != sp_uvarlong_size(u))
            abort();
        sp_reader_init(&back, buf, n);
        u2 = (kind - 1) % 4 < 2 ? sp_read_uvarint(&back) : sp_read_uvarlong(&back);
        if (back.err || u2 != u || sp_reader_left(&back))
            abort();
    }
    if (r.err && r.err != SAMSA_ERR_TRUNCATED && r.err != SAMSA_ERR_VARINT_OVERFLOW)
        abort();
    return 0;
}
