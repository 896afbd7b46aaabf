/*
 * Fuzz target: what the queue reads from outside: the decimal numbers in
 * its retry headers (retry-attempt, retry-due, retry-original-partition,
 * retry-original-offset: anyone can produce to a retry topic) and the
 * queue.retry.topics list. The first byte picks which. A number that
 * parses prints and parses back to itself; a level list that parses has
 * 1..8 levels, each 1 ms..7 days, and its names parse again to the same.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../queue/queue_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy;

    if (size < 1)
        return 0;
    copy = malloc(size); /* exact size (the selector byte becomes a NUL) */
    if (!copy)
        return 0;
    memcpy(copy, data + 1, size - 1);
    if ((data[0] & 1) == 0) {
        int64_t v, again;
        char out[32];

        if (sq_parse_dec(copy, size - 1, &v) == 0) {
            int n = snprintf(out, sizeof out, "%" PRId64, v);

            if (n <= 0 || sq_parse_dec(out, (size_t)n, &again) != 0 || again != v)
                abort();
        }
    } else {
        sq_conf_vals a, b;
        char joined[8 * 17];
        int i;

        copy[size - 1] = '\0';
        memset(&a, 0, sizeof a);
        if (sq_conf_parse_levels(copy, &a, NULL, 0) == 0 && copy[0]) {
            if (a.nlevels < 1 || a.nlevels > SQ_MAX_LEVELS)
                abort();
            joined[0] = '\0';
            for (i = 0; i < a.nlevels; i++) {
                if (a.level_ms[i] < 1 || a.level_ms[i] > 7LL * 86400000 || !a.level_name[i][0])
                    abort();
                if (i)
                    strcat(joined, ",");
                strcat(joined, a.level_name[i]);
            }
            memset(&b, 0, sizeof b);
            if (sq_conf_parse_levels(joined, &b, NULL, 0) != 0 || b.nlevels != a.nlevels ||
                memcmp(a.level_ms, b.level_ms, sizeof a.level_ms))
                abort();
        }
    }
    free(copy);
    return 0;
}
