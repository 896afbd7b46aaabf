/*
 * Fuzz target: W3C traceparent / tracestate parsers (queue/trace.h), which
 * read message headers anyone can write. The first byte picks the parser.
 * What parses must format and parse again to the same thing (a version 00
 * traceparent to the very same text).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../queue/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy;
    int which;

    if (size < 1)
        return 0;
    which = data[0] & 1;
    data++;
    size--;
    copy = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    if (which == 0) {
        sq_traceparent tp, again;
        char out[SQ_TRACEPARENT_LEN + 1];
        if (sq_traceparent_parse(copy, size, &tp) == 0) {
            if (sq_traceparent_format(&tp, out) != 0 ||
                sq_traceparent_parse(out, SQ_TRACEPARENT_LEN, &again) != 0 ||
                memcmp(again.trace_id, tp.trace_id, 16) || memcmp(again.parent_id, tp.parent_id, 8) ||
                again.flags != tp.flags || (tp.version == 0 && memcmp(out, copy, size)))
                abort();
        }
    } else {
        static sq_tracestate ts, again;
        static char out[SQ_TRACESTATE_MAX_LEN + 64];
        size_t len, i;
        if (sq_tracestate_parse(copy, size, &ts) == 0) {
            if (sq_tracestate_format(&ts, out, sizeof out, &len) != 0 ||
                sq_tracestate_parse(out, len, &again) != 0 || again.n != ts.n)
                abort();
            for (i = 0; i < ts.n; i++)
                if (again.m[i].keylen != ts.m[i].keylen || again.m[i].valuelen != ts.m[i].valuelen ||
                    memcmp(again.m[i].key, ts.m[i].key, ts.m[i].keylen) ||
                    memcmp(again.m[i].value, ts.m[i].value, ts.m[i].valuelen))
                    abort();
        } else if (ts.n != 0) {
            abort();
        }
    }
    free(copy);
    return 0;
}
